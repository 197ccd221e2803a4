"""Saving a session's answers: one review per answer, scheduled by FSRS, in one transaction.

Every answer is saved (`qa.quiz.store.Store.record`) before its feedback is printed, so whatever
feedback a learner has seen is on disk. In an exam nothing is scheduled.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from qa.quiz.bank import Card, Variant
from qa.quiz.cardtypes import Answer
from qa.quiz.store import Store

__all__ = ["Recorder", "Result"]


@dataclass
class Result:
    """One saved answer and what it did to the schedule."""

    card: Card
    correct: bool
    rating: int
    given: str
    expected: Any
    params: dict[str, Any] | None
    seed: int | None
    duration_ms: int
    review_id: int
    next_due: datetime | None

    def to_json(self) -> dict[str, Any]:
        """The answer as plain data, for `dl500 quiz --json`."""
        return {
            "card": self.card.id,
            "question": self.card.question.id,
            "type": self.card.type,
            "correct": self.correct,
            "rating": self.rating,
            "given": self.given,
            "expected": self.expected,
            "params": self.params,
            "seed": self.seed,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "review_id": self.review_id,
        }


@dataclass
class Recorder:
    """Saves the answers of one session.

    Attributes:
        store: The open progress database.
        exam: Whether answers leave the schedule alone.
        retention: FSRS desired retention.
        clock: The current time, an aware UTC datetime.
        results: The answers saved so far, in order.
        session_id: A random id shared by the session's reviews.
    """

    store: Store
    exam: bool
    retention: float
    clock: Callable[[], datetime]
    results: list[Result] = field(default_factory=list)
    session_id: str = field(default_factory=lambda: secrets.token_hex(8))
    _scheduler: Any = None

    def record(
        self, card: Card, answer: Answer, variant: Variant | None, seed: int | None, ms: int
    ) -> Result:
        """Save one answer (and, outside an exam, its new schedule); return what was saved."""
        rating = answer.grade if answer.grade is not None else (3 if answer.correct else 1)
        params = variant.params if variant else None
        now = self.clock()
        next_due: datetime | None = None
        update = None
        if not self.exam:
            from qa.quiz import schedule  # FSRS is needed only once there is an answer

            if self._scheduler is None:
                self._scheduler = schedule.scheduler(self.retention)

            def update(before: str | None) -> tuple[str, int, float, float]:
                nonlocal next_due
                reviewed = schedule.review(self._scheduler, before, card.fsrs_id, rating, now, ms)
                next_due = reviewed.due
                return reviewed.fsrs_json, reviewed.state, reviewed.due.timestamp(), now.timestamp()

        review_id, _, _ = self.store.record(
            {
                "session": self.session_id,
                "card_id": card.id,
                "question_id": card.question.id,
                "card_type": card.type,
                "mode": "exam" if self.exam else "study",
                "at": now.timestamp(),
                "rating": rating,
                "correct": int(answer.correct),
                "duration_ms": ms,
                "given": answer.given,
                "expected": answer.expected,
                "params": params,
                "seed": seed,
            },
            update,
        )
        result = Result(
            card, answer.correct, rating, answer.given, answer.expected, params, seed, ms,
            review_id, next_due,
        )  # fmt: skip
        self.results.append(result)
        return result

    def emit(self, out: TextIO, ended: str, next_due: datetime | None = None) -> None:
        """Print the session's results as one JSON document on `out`."""
        document: dict[str, Any] = {
            "mode": "exam" if self.exam else "study",
            "ended": ended,
            "answered": len(self.results),
            "correct": sum(result.correct for result in self.results),
            "answers": [result.to_json() for result in self.results],
        }
        if next_due is not None:
            document["next_due"] = next_due.isoformat()
        print(json.dumps(document, ensure_ascii=False, indent=2), file=out, flush=True)
