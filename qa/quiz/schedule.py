"""Scheduling with FSRS, through the `fsrs` package (py-fsrs 6.x): a thin layer, no own algorithm.

Choices, for a quiz of a few dozen interview cards studied in short sessions:

- **One learning step of 10 minutes** (FSRS's default is 1 and 10 minutes), and one
  relearning step of 10 minutes. A card answered right the first time goes straight to
  review (days later); a card answered wrong (or Hard when new) comes back 10 minutes later
  — within the same session, because the session re-asks cards due within 20 minutes
  ("learn ahead", as Anki does; `qa.quiz.session.LEARN_AHEAD`). So the shaky cards are
  asked often, the known ones rarely.
- **Fuzz on**, as in Anki: cards learned together spread out instead of all falling due the
  same day. Undo does not replay the log (which fuzz would make non-deterministic): it
  restores the stored state from before the answer.
- **Desired retention** from the learner's setting (default 0.9; `dl500 settings retention`).
- Card ids for FSRS come from the SHA-256 of the string id (`qa.quiz.bank.fsrs_card_id`),
  and every datetime is timezone-aware UTC (`datetime.timezone.utc`; py-fsrs rejects any
  other tzinfo, even `ZoneInfo("UTC")`).

Examples:
    >>> from datetime import datetime, timezone
    >>> t0 = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
    >>> sched = scheduler(0.9, fuzz=False)
    >>> after = review(sched, None, 7, Rating.GOOD, t0)
    >>> after.state, after.due_in_days(t0) >= 1   # right the first time: review, days later
    (2, True)
    >>> again = review(sched, None, 7, Rating.AGAIN, t0)
    >>> again.state, round(again.due_in_days(t0) * 24 * 60)   # wrong: again in 10 minutes
    (1, 10)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

import fsrs

__all__ = [
    "LEARNING_STEPS",
    "RELEARNING_STEPS",
    "Rating",
    "Reviewed",
    "retrievability",
    "review",
    "scheduler",
    "utc_now",
]

LEARNING_STEPS = (timedelta(minutes=10),)
RELEARNING_STEPS = (timedelta(minutes=10),)


class Rating(IntEnum):
    """The four answer grades (the same numbers as `fsrs.Rating`)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class Reviewed:
    """A card's state after a review.

    Attributes:
        fsrs_json: The new FSRS card, as JSON.
        state: 1 learning, 2 review, 3 relearning.
        due: When it is due next (UTC).
        last_review: The review's time (UTC).
    """

    fsrs_json: str
    state: int
    due: datetime
    last_review: datetime

    def due_in_days(self, now: datetime) -> float:
        """Days from `now` until the card is due."""
        return (self.due - now) / timedelta(days=1)


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the only kind py-fsrs accepts)."""
    return datetime.now(UTC)


def scheduler(desired_retention: float, *, fuzz: bool = True) -> fsrs.Scheduler:
    """An FSRS scheduler with this quiz's learning steps and the given desired retention."""
    return fsrs.Scheduler(
        desired_retention=desired_retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=fuzz,
    )


def review(
    sched: fsrs.Scheduler,
    before_json: str | None,
    fsrs_id: int,
    rating: int,
    now: datetime,
    duration_ms: int | None = None,
) -> Reviewed:
    """Review a card (new when `before_json` is None) and return its next state."""
    card = (
        fsrs.Card.from_json(before_json)
        if before_json is not None
        else fsrs.Card(card_id=fsrs_id, due=now)
    )
    card, _ = sched.review_card(card, fsrs.Rating(int(rating)), now, duration_ms)
    return Reviewed(card.to_json(), int(card.state), card.due, now)


def retrievability(sched: fsrs.Scheduler, fsrs_json: str, now: datetime) -> float:
    r"""The probability of recalling the card at `now`, by the FSRS forgetting curve.

    py-fsrs's `get_card_retrievability` counts whole elapsed days, so every card reviewed
    today reads 1.0; here the same curve, $R(t) = (1 + F\,t/S)^{-d}$ with $F = 0.9^{-1/d} - 1$
    and the scheduler's decay $d$, is evaluated at the elapsed time in fractional days (as
    Anki's card info does, anki PR #4034), so that a card failed an hour ago already shows
    as weaker than one answered well.
    """
    card = fsrs.Card.from_json(fsrs_json)
    if card.last_review is None or not card.stability:
        return 0.0
    decay = -sched.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    elapsed = max(0.0, (now - card.last_review) / timedelta(days=1))
    return float((1 + factor * elapsed / card.stability) ** decay)
