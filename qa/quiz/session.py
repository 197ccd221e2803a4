"""The quiz loop: ask, read, grade, save, explain — one card at a time.

Input is read one line at a time, so the same loop serves a person at a terminal and a script
piping answers in. Every answer is saved (one transaction) before its feedback is printed, so
whatever feedback a learner has seen is on disk. Ctrl-C ends the session with exit status 130
and the progress kept; end of input (Ctrl-D, or the piped answers running out) ends it with a
summary and status 0. An invalid answer is met with the accepted forms and the same prompt.

With `json=True` the human text goes to stderr and stdout carries exactly one JSON document,
the session's results.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import secrets
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from qa.i18n import tr
from qa.questions import Question
from qa.quiz import answers as parse
from qa.quiz.bank import Bank, Card, SolverError, Variant
from qa.quiz.cardtypes import CARD_TYPES, Answer
from qa.quiz.recorder import Recorder, Result
from qa.quiz.store import Store
from qa.quiz.term import markdown_to_text
from qa.quiz.terminal import Terminal

__all__ = [
    "EXAM_LIMIT",
    "MAX_SHOWS",
    "Options",
    "Session",
    "Terminal",
    "describe_delay",
    "variant_seed",
]

EXAM_LIMIT = 20  # cards in an exam when --limit is not given
MAX_SHOWS = 3  # times one card may come up in a session (a failed card returns, but not forever)
LEARN_AHEAD = timedelta(minutes=20)  # re-ask cards due within this in the same session


class _Quit(Exception):  # noqa: N818  (control flow, not an error)
    """The learner typed :quit."""


class _Skip(Exception):  # noqa: N818
    """The learner typed :skip."""


class _Undo(Exception):  # noqa: N818
    """The learner typed :undo."""


@dataclass
class Options:
    """What to ask in a session.

    Attributes:
        questions: Only cards of these questions (None: all).
        tags: Only cards of questions with one of these tags (None: all).
        new: At most this many never-studied cards.
        limit: At most this many cards (None: no limit; exam default `EXAM_LIMIT`).
        exam: Ask without touching the schedule (cards drawn at random).
        retention: FSRS desired retention.
        seed: Seed for the order of an exam and the numeric variants (None: random).
        json: Print the results as one JSON document on stdout.
    """

    questions: list[Question] | None = None
    tags: list[str] | None = None
    new: int = 20
    limit: int | None = None
    exam: bool = False
    retention: float = 0.9
    seed: int | None = None
    json: bool = False


@dataclass
class _Item:
    card: Card
    new: bool
    again: bool = False


def variant_seed(session_seed: int, card_id: str, occurrence: int) -> int:
    """The seed of a numeric card's `occurrence`-th variant (from 1) in a `--seed` session."""
    text = f"{session_seed}/{card_id}/{occurrence}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def describe_delay(delta: timedelta) -> str:
    """A delay in words (in the language of the messages).

    Examples:
        >>> describe_delay(timedelta(minutes=10)), describe_delay(timedelta(days=3, hours=2))
        ('in 10 min', 'in 3 days')
        >>> describe_delay(timedelta(seconds=-5)), describe_delay(timedelta(hours=5))
        ('now', 'in 5 h')
    """
    seconds = delta.total_seconds()
    if seconds < 60:
        return tr("now")
    if seconds < 3600:
        return tr("in {n} min", n=round(seconds / 60))
    if seconds < 86400 * 1.5:
        return tr("in {n} h", n=round(seconds / 3600))
    days = round(seconds / 86400)
    if days < 60:
        return tr("in {n} days", n=days)
    return tr("in {n} months", n=f"{days / 30.4:.0f}")


class Session:
    """One quiz session over `bank`, saving to `store`.

    Args:
        bank: The cards.
        store: The open progress database.
        options: What to ask and how.
        clock: Returns the current time as an aware UTC datetime (tests pass a fake).
    """

    def __init__(
        self,
        bank: Bank,
        store: Store,
        options: Options,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.bank = bank
        self.store = store
        self.options = options
        self.clock = clock or (lambda: datetime.now(UTC))
        self.term = Terminal(json=options.json)
        self.style = self.term.style
        self.recorder = Recorder(store, options.exam, options.retention, self.clock)
        self.results = self.recorder.results  # the answers saved so far, in order
        self.shows: Counter[str] = Counter()
        self._rng = random.Random(options.seed)
        self._warm: threading.Thread | None = None

    # -- the loop -----------------------------------------------------------------------
    def run(self) -> int:
        """Run the session; return the exit status (0, or 130 after Ctrl-C)."""
        try:
            with self.term:
                return self._run()
        finally:
            if self._warm is not None:
                # Never leave an import running while the interpreter shuts down.
                self._warm.join(timeout=30)

    def _run(self) -> int:
        ended = "done"
        status = 0
        try:
            queue = deque(self._build_queue())
            if not queue:
                self._nothing_to_do()
                return 0
            self._front_load(queue)
            self._header(queue)
            shown = 0
            while queue:
                item = queue.popleft()
                shown += 1
                try:
                    result = self._present(item, shown, shown + len(queue))
                except _Skip:
                    self.term.say(self.style.paint("dim", tr("Skipped; nothing recorded.")))
                    continue
                except _Undo:
                    shown -= 1
                    self._undo(item, queue)
                    continue
                if result is not None and self._ask_again(result):
                    queue.append(_Item(item.card, new=False, again=True))
        except _Quit:
            ended = "quit"
        except EOFError:
            ended = "end of input"
            self.term.say()
        except KeyboardInterrupt:
            ended = "interrupted"
            status = 130
            self.term.say()
        self._summary(ended)
        return status

    def _front_load(self, queue: deque[_Item]) -> None:
        """Put a quick card first and import the slow parts meanwhile, in the background.

        A numeric card needs NumPy and its answer module (a few hundred milliseconds to
        import); FSRS is needed once the first answer is in. If the queue starts with a
        numeric card and holds another kind, that one goes first, and the imports run while
        the learner reads it.
        """
        if queue[0].card.type == "numeric":
            quick = next((item for item in queue if item.card.type != "numeric"), None)
            if quick is not None:
                queue.remove(quick)
                queue.appendleft(quick)
        questions = {item.card.question for item in queue if item.card.type == "numeric"}

        def warm_up() -> None:
            try:
                if not self.options.exam:
                    from qa.quiz import schedule  # noqa: F401  (imports fsrs)
                for question in sorted(questions, key=lambda q: q.id):
                    self.bank.preload(question)
            except Exception:  # the same error is reported when its card comes up
                pass

        self._warm = threading.Thread(target=warm_up, name="dl500-warm-up", daemon=True)
        self._warm.start()

    def _build_queue(self) -> list[_Item]:
        cards = self.bank.select(self.options.questions, self.options.tags)
        states = self.store.cards()
        if self.options.exam:
            order = list(cards)
            self._rng.shuffle(order)
            limit = self.options.limit or EXAM_LIMIT
            return [_Item(card, new=card.id not in states) for card in order[:limit]]
        now = self.clock().timestamp()
        due = sorted(
            (card for card in cards if card.id in states and states[card.id].due <= now),
            key=lambda card: states[card.id].due,
        )
        new = [card for card in cards if card.id not in states][: self.options.new]
        items = [_Item(card, new=False) for card in due] + [_Item(card, new=True) for card in new]
        return items[: self.options.limit] if self.options.limit else items

    def _ask_again(self, result: Result) -> bool:
        """Whether a just-answered card comes back later in this session."""
        if self.options.exam or result.next_due is None:
            return False
        soon = result.next_due - self.clock() <= LEARN_AHEAD
        return soon and self.shows[result.card.id] < MAX_SHOWS

    # -- one card -----------------------------------------------------------------------
    def _present(self, item: _Item, number: int, total: int) -> Result | None:
        card = item.card
        kind = CARD_TYPES[card.type]
        variant: Variant | None = None
        seed: int | None = None
        if kind.drawn:
            seed = self._variant_seed(card)
            try:
                variant = self.bank.draw(card, seed)
            except SolverError as exc:
                warning = tr("skipping a card that cannot be drawn: {error}", error=exc)
                print(f"dl500: {tr('warning')}: {warning}", file=sys.stderr)
                return None
        self.shows[card.id] += 1
        say, style = self.term.say, self.style
        tags = [card.question.id, tr(kind.label)]
        if item.new:
            tags.append(tr("new"))
        if item.again:
            tags.append(tr("once more"))
        say()
        say(
            style.paint("bold", f"[{number}/{total}] ")
            + style.paint("dim", f" {style.dot} ".join(tags))
        )
        prompt_text = variant.prompt if variant else card.prompt
        say(markdown_to_text(prompt_text, self.term.width))
        started = time.monotonic()
        self._current = card  # for `:open`
        answer = kind.ask(self, card, variant)
        return self._finish(card, answer, variant, seed, started)

    # The `qa.quiz.cardtypes.Asker` a card is asked through: print, read, the terminal's shape.
    @property
    def width(self) -> int:
        """Columns of text."""
        return self.term.width

    def say(self, text: str = "") -> None:
        """Print a line of human text."""
        self.term.say(text)

    def read(self, prompt: str, parser: Callable[[str], Any], forms: str) -> tuple[str, Any]:
        """Ask until the line parses; return (typed text, meaning). Handles :commands."""
        return self._read(prompt, parser, forms)

    def _read(self, prompt: str, parser: Callable[[str], Any], forms: str) -> tuple[str, Any]:
        """Ask until the line parses; return (typed text, meaning). Handles :commands."""
        while True:
            line = self.term.ask(self.style.paint("bold", prompt))
            action = parse.command(line)
            if action == "help":
                self._help(forms)
                continue
            if action == "quit":
                raise _Quit
            if action == "skip":
                raise _Skip
            if action == "undo":
                raise _Undo
            if action == "open":
                self._open_current()
                continue
            try:
                return line, parser(line)
            except parse.AnswerError as exc:
                self.term.say(
                    self.style.paint("bad", f"  {exc}")
                    + self.style.paint("dim", tr(". :help lists commands."))
                )

    def _open_current(self) -> None:
        """`:open`: the card's section of the site, in the browser (and its URL, in any case)."""
        import webbrowser

        card = getattr(self, "_current", None)
        if card is None:
            return
        opened = False
        with contextlib.suppress(webbrowser.Error):
            opened = webbrowser.open(card.url)
        url = self.style.link(card.url)
        if opened:
            message = tr("Opened {url}", url=url)
        else:
            message = tr("No browser to open; the page is {url}", url=url)
        self.term.say(self.style.paint("dim", "  " + message))

    def _help(self, forms: str) -> None:
        say = self.term.say
        say("  " + tr("Answer with {forms}.", forms=forms))
        for name, meaning in parse.COMMANDS.items():
            say(f"  :{name:<5} {tr(meaning)}")
        say("  " + tr("Ctrl-D ends the session; Ctrl-C stops it (progress is kept either way)."))

    def _finish(
        self, card: Card, answer: Answer, variant: Variant | None, seed: int | None, started: float
    ) -> Result:
        """Save the answer, then show the verdict, the explanation and what happens next."""
        duration_ms = int((time.monotonic() - started) * 1000)
        result = self.recorder.record(card, answer, variant, seed, duration_ms)
        self._feedback(card, answer, result, variant)
        return result

    def _feedback(
        self, card: Card, answer: Answer, result: Result, variant: Variant | None
    ) -> None:
        """Print the verdict, the explanation (unless asking showed it) and the next review."""
        style = self.style
        CARD_TYPES[card.type].verdict(self, card, answer, variant)
        if not answer.explained:
            text = variant.explanation if variant else card.explanation
            self.say(style.paint("accent", tr("Why:")))
            self.say(markdown_to_text(text, self.term.width, indent="  "))
            self.say(style.paint("dim", tr("Read: {link}", link=style.link(card.url))))
        if result.next_due is not None:
            delay = describe_delay(result.next_due - self.clock())
            if self._ask_again(result):
                line = tr("Next review: {delay} (again this session)", delay=delay)
            else:
                line = tr("Next review: {delay}", delay=delay)
            self.say(style.paint("dim", line))

    def _variant_seed(self, card: Card) -> int:
        if self.options.seed is None:
            return secrets.randbits(63)
        return variant_seed(self.options.seed, card.id, self.shows[card.id] + 1)

    # -- undo, header, summary ----------------------------------------------------------
    def _undo(self, current: _Item, queue: deque[_Item]) -> None:
        """Take back the latest answer; if it was this session's, ask that card again now."""
        self.shows[current.card.id] -= 1  # the current card is asked again, not counted twice
        queue.appendleft(current)
        review = self.store.undo_last()
        if review is None:
            self.term.say(tr("Nothing to undo."))
            return
        verdict = tr("right") if review["correct"] else tr("wrong")
        if review["mode"] == "exam":
            after = tr("an exam answer, so no schedule to restore")
        else:
            after = tr("its schedule is restored")
        self.term.say(
            tr(
                "Took back your answer to {card} ({verdict}); {after}.",
                card=review["card_id"],
                verdict=verdict,
                after=after,
            )
        )
        for index in range(len(self.results) - 1, -1, -1):
            if self.results[index].review_id == review["id"]:
                card = self.results.pop(index).card
                self.shows[card.id] -= 1
                # A re-queued copy of this card would now be one too many.
                for queued in list(queue):
                    if queued.card.id == card.id and queued.again:
                        queue.remove(queued)
                        break
                queue.appendleft(
                    _Item(card, new=review["card_before"] is None and not self.options.exam)
                )
                break

    def _header(self, queue: deque[_Item]) -> None:
        if self.bank.problems:
            warning = tr(
                "{n} card problem(s) in the bank; those cards are left out (first: {first})",
                n=len(self.bank.problems),
                first=self.bank.problems[0],
            )
            print(f"dl500: {tr('warning')}: {warning}", file=sys.stderr)
        count = len(queue)
        if self.options.exam:
            if count == 1:
                title = tr("exam of {n} card; your schedule is not changed", n=count)
            else:
                title = tr("exam of {n} cards; your schedule is not changed", n=count)
        else:
            new = sum(item.new for item in queue)
            if count == 1:
                title = tr(
                    "{n} card: {review} to review, {new} new", n=count, review=count - new, new=new
                )
            else:
                title = tr(
                    "{n} cards: {review} to review, {new} new", n=count, review=count - new, new=new
                )
        self.term.say(
            self.style.paint(
                "bold", tr("dl500 quiz {dash} {title}.", dash=self.style.dash, title=title)
            )
        )
        self.term.say(
            self.style.paint(
                "dim",
                tr(
                    "Every answer is saved at once. :help lists commands; Ctrl-D ends the "
                    "session, Ctrl-C stops it."
                ),
            )
        )

    def _nothing_to_do(self) -> None:
        states = self.store.cards()
        selected = self.bank.select(self.options.questions, self.options.tags)
        upcoming = sorted((states[card.id].due, card.id) for card in selected if card.id in states)
        next_due = None
        if not selected:
            self.term.say(tr("No cards to ask: the selected questions have no cards yet."))
        else:
            message = tr("Nothing is due.")
            if upcoming:
                next_due = datetime.fromtimestamp(upcoming[0][0], UTC)
                delay = describe_delay(next_due - self.clock())
                message += tr(" The next card is due {delay}.", delay=delay)
            self.term.say(message + tr(" To practise anyway: dl500 quiz --exam"))
        if self.options.json:
            self._emit("done", next_due=next_due)

    def _summary(self, ended: str) -> None:
        answered = len(self.results)
        right = sum(result.correct for result in self.results)
        say, style = self.term.say, self.style
        if answered == 0:
            say(tr("No answers this session."))
        else:
            share = f"{100 * right / answered:.0f}%"
            if answered == 1:
                line = tr(
                    "{n} answer, {right} right ({share}); all saved.",
                    n=answered,
                    right=right,
                    share=share,
                )
            else:
                line = tr(
                    "{n} answers, {right} right ({share}); all saved.",
                    n=answered,
                    right=right,
                    share=share,
                )
            say(style.paint("bold", line))
        if ended == "interrupted":
            say(tr("Interrupted."))
        if self.options.exam:
            say(tr("Exam mode: your schedule was not changed."))
        elif answered:
            now = self.clock()
            ids = {card.id for card in self.bank.select(self.options.questions, self.options.tags)}
            due, unseen = self.store.due_counts(ids, now.timestamp())
            soon, _ = self.store.due_counts(ids, (now + LEARN_AHEAD).timestamp())
            later = tr("; {n} more within 20 minutes", n=soon - due) if soon > due else ""
            new = min(unseen, self.options.new)
            say(tr("Due now: {due} to review, {new} new{later}.", due=due, new=new, later=later))
            say(tr("'dl500 stats' shows your progress; 'dl500 undo' takes back the last answer."))
        if self.options.json:
            self._emit(ended)

    def _emit(self, ended: str, next_due: datetime | None = None) -> None:
        self.recorder.emit(self.term.data, ended, next_due)
