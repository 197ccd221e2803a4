"""The quiz commands of `dl500`: `quiz`, `due`, `stats`, `undo`, `export` and `settings`.

Only the standard library is imported at module level: `dl500 due` must start fast enough
for a shell prompt, so FSRS, NumPy and the answer modules are imported by the commands that
need them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from qa.cli.argtypes import at_least
from qa.cli.errors import EXIT_ERROR, EXIT_USAGE, CLIError
from qa.i18n import tr

__all__ = ["register"]

RETENTION_RANGE = (0.7, 0.97)


def register(sub: Any) -> None:
    """Add the quiz commands to the `dl500` sub-parsers."""
    p = sub.add_parser(
        "quiz",
        help="rehearse the self-check cards (spaced repetition)",
        description=(
            "Rehearse the self-check cards. They come back on an FSRS schedule: what you\n"
            "know rarely, what is shaky often. Answers are read line by line, so you can type\n"
            "them or pipe them in. Every answer is saved at once; Ctrl-D ends the session,\n"
            "Ctrl-C stops it (exit 130); ':help' lists the in-session commands."
        ),
        epilog=(
            "examples:\n"
            "  dl500 quiz                     due cards, then up to 20 new ones\n"
            "  dl500 quiz --question 6.8      only the cards of question 6.8\n"
            "  dl500 quiz --exam --limit 10   10 random cards; the schedule is not changed\n"
            "  printf 'b\\n19200\\n' | dl500 quiz --json > results.json\n"
            "\n"
            "Progress is kept in $DL500_HOME/progress.sqlite3 if DL500_HOME is set, else in\n"
            "your user data directory (~/.local/share/dl500-rnn on Linux). Change the defaults\n"
            "with 'dl500 settings'; see also 'dl500 due', 'stats', 'undo' and 'export'."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--question",
        action="append",
        metavar="ID",
        help="only this question's cards (repeatable; see 'dl500 list')",
    )
    p.add_argument(
        "--tag",
        action="append",
        metavar="TAG",
        help="only cards of questions with this tag (repeatable)",
    )
    p.add_argument(
        "--new",
        type=_count,
        metavar="N",
        help="at most N new cards this session (default: the 'new' setting, 20)",
    )
    p.add_argument(
        "--limit",
        type=_positive,
        metavar="N",
        help="at most N cards this session (default: no limit; 20 with --exam)",
    )
    p.add_argument(
        "--exam",
        action="store_true",
        help="ask random cards without touching the schedule (answers are logged)",
    )
    p.add_argument(
        "--retention",
        type=_retention,
        metavar="R",
        help="desired retention for this session, e.g. 0.85 (default: the "
        "'retention' setting, 0.9)",
    )
    p.add_argument(
        "--seed",
        type=_count,
        metavar="N",
        help="seed for the numeric variants and the exam order (reproducible runs)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the results as JSON on stdout (prompts go to stderr)",
    )
    p.set_defaults(func=cmd_quiz)

    p = sub.add_parser(
        "due",
        help="print how many cards are due (fast, for a shell prompt)",
        description="Print how many cards 'dl500 quiz' would ask now: those due for review "
        "plus the new cards it would introduce.",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print only the number")
    group.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_due)

    p = sub.add_parser(
        "stats",
        help="show reviews, retention, the due forecast and the weakest questions",
        description="Show your reviews, true retention, the due forecast and the weakest "
        "questions and cards, with the pages to re-read.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "undo",
        help="take back the last answer",
        description="Take back the last answer: the card's schedule returns to what it was "
        "before. Repeat to go further back. The review log keeps the answer, "
        "marked as undone.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser(
        "export",
        help="export your progress (JSON) or the cards (Anki)",
        description="Export your progress as JSON (settings, card states, the whole review "
        "log), and/or the cards as a tab-separated file that Anki (2.1.55+) "
        "imports with File > Import. FILE '-' is standard output.",
    )
    p.add_argument("--json", metavar="FILE", dest="json_file", help="write the progress here")
    p.add_argument(
        "--anki",
        metavar="FILE",
        dest="anki_file",
        help="write the cards as an Anki package here (e.g. dl500-rnn.apkg; in the --lang chosen)",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "settings",
        help="show or change quiz settings (desired retention, new cards per session)",
        description="Show the quiz settings, or set one: 'dl500 settings retention 0.85', "
        "'dl500 settings new 10'.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="retention or new")
    p.add_argument("value", nargs="?", metavar="VALUE", help="the new value")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_settings)


# -- argument types ----------------------------------------------------------------------
_count = at_least(0)
_positive = at_least(1)


def _retention(text: str) -> float:
    low, high = RETENTION_RANGE
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            tr("expected a number such as 0.9, got {text}", text=repr(text))
        ) from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            tr(
                "expected a retention between {low} and {high}, got {text}",
                low=low,
                high=high,
                text=text,
            )
        )
    return value


# -- helpers -----------------------------------------------------------------------------
def _guard(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn database and file errors into one-line messages (exit 1), never tracebacks."""

    @wraps(command)
    def run(args: argparse.Namespace) -> int:
        import sqlite3

        from qa.quiz.store import StoreError

        try:
            return command(args)
        except StoreError as exc:
            raise CLIError(str(exc)) from None
        except sqlite3.Error as exc:
            message = str(exc)
            if "locked" in message or "busy" in message:
                raise CLIError(
                    tr("the progress database is busy (another dl500 is writing); try again")
                ) from None
            raise CLIError(
                tr(
                    "progress database error: {error}; answers given before this point are saved",
                    error=message,
                )
            ) from None

    return run


def _bank() -> Any:
    from qa.i18n import current
    from qa.quiz.bank import load_bank

    return load_bank(lang=current())


def _open_store(*, write: bool = True) -> Any:
    from qa.quiz.store import Store

    return Store.open(write=write)


def _questions(raw: list[str] | None) -> list[Any] | None:
    if not raw:
        return None
    from qa.questions import UnknownQuestionError, closest, get, ids

    found = []
    for text in raw:
        try:
            found.append(get(text))
        except UnknownQuestionError:
            hint = closest(text)
            raise CLIError(
                tr(
                    "unknown question {id}{hint}; known ids: {ids}",
                    id=repr(text),
                    hint=tr(" (did you mean {hint}?)", hint=hint) if hint else "",
                    ids=tr(", ").join(ids()),
                ),
                status=EXIT_USAGE,
            ) from None
    return found


def _tags(raw: list[str] | None) -> list[str] | None:
    if not raw:
        return None
    import difflib

    from qa.questions import QUESTIONS

    known = sorted({tag for q in QUESTIONS for tag in q.tags})
    tags = [text.strip().lower() for text in raw]
    for tag in tags:
        if tag not in known:
            close = difflib.get_close_matches(tag, known, n=1)
            raise CLIError(
                tr(
                    "unknown tag {tag}{hint}; known tags: {known}",
                    tag=repr(tag),
                    hint=tr(" (did you mean {hint}?)", hint=close[0]) if close else "",
                    known=tr(", ").join(known),
                ),
                status=EXIT_USAGE,
            )
    return tags


# -- commands ----------------------------------------------------------------------------
@_guard
def cmd_quiz(args: argparse.Namespace) -> int:
    """Run a study or exam session."""
    from qa.quiz.session import Options, Session

    questions = _questions(args.question)
    tags = _tags(args.tag)
    bank = _bank()
    store = _open_store()
    try:
        settings = store.settings()
        options = Options(
            questions=questions,
            tags=tags,
            new=args.new if args.new is not None else int(settings["new"]),
            limit=args.limit,
            exam=args.exam,
            retention=args.retention if args.retention is not None else settings["retention"],
            seed=args.seed,
            json=args.json,
        )
        return Session(bank, store, options).run()
    finally:
        store.close()


@_guard
def cmd_due(args: argparse.Namespace) -> int:
    """Print the number of cards a session would ask now."""
    import time

    bank = _bank()
    store = _open_store(write=False)
    ids = {card.id for card in bank.cards}
    if store is None:
        due, unseen, new_limit = 0, len(ids), 20
    else:
        try:
            due, unseen = store.due_counts(ids, time.time())
            new_limit = int(store.settings()["new"])
        finally:
            store.close()
    new = min(unseen, new_limit)
    total = due + new
    if args.json:
        print(json.dumps({"due": total, "review": due, "new": new, "never_studied": unseen}))
    elif args.quiet:
        print(total)
    else:
        if total == 0:
            line = tr("{n} cards due: {review} to review, {new} new.", n=total, review=due, new=new)
        elif total == 1:
            line = tr(
                "{n} card due: {review} to review, {new} new. Run 'dl500 quiz'.",
                n=total,
                review=due,
                new=new,
            )
        else:
            line = tr(
                "{n} cards due: {review} to review, {new} new. Run 'dl500 quiz'.",
                n=total,
                review=due,
                new=new,
            )
        print(line)
    return 0


@_guard
def cmd_stats(args: argparse.Namespace) -> int:
    """Print the learner's statistics."""
    from qa.quiz import stats
    from qa.quiz.term import Style

    bank = _bank()
    store = _open_store()
    try:
        data = stats.compute(bank, store, datetime.now(UTC), store.settings()["retention"])
    finally:
        store.close()
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(stats.render(data, Style(sys.stdout)))
    return 0


@_guard
def cmd_undo(args: argparse.Namespace) -> int:
    """Take back the last answer."""
    from qa.quiz.store import database_path

    review = None
    if database_path().exists():
        store = _open_store()
        try:
            review = store.undo_last()
        finally:
            store.close()
    if review is None:
        if args.json:
            print(json.dumps({"undone": None}))
        else:
            print(tr("Nothing to undo."))
        return 0
    when = datetime.fromtimestamp(review["at"]).astimezone().strftime("%Y-%m-%d %H:%M")
    if args.json:
        print(
            json.dumps(
                {
                    "undone": {
                        key: review[key]
                        for key in (
                            "id",
                            "card_id",
                            "question_id",
                            "mode",
                            "rating",
                            "correct",
                            "given",
                        )
                    }
                }
            )
        )
    else:
        verdict = tr("right") if review["correct"] else tr("wrong")
        after = (
            tr("its schedule is back to what it was before")
            if review["mode"] == "study"
            else tr("it was an exam answer, so the schedule was not affected")
        )
        print(
            tr(
                "Took back your answer to {card} ({verdict}, {when}); {after}.",
                card=review["card_id"],
                verdict=verdict,
                when=when,
                after=after,
            )
        )
    return 0


@_guard
def cmd_export(args: argparse.Namespace) -> int:
    """Write the progress as JSON and/or the cards for Anki."""
    from qa.quiz import export

    if not args.json_file and not args.anki_file:
        raise CLIError(
            tr("say what to export: --json FILE ('-' for stdout) and/or --anki FILE.apkg"),
            status=EXIT_USAGE,
        )
    if args.anki_file == "-":
        raise CLIError(
            tr("an Anki package is a file: give --anki a name such as dl500-rnn.apkg"),
            status=EXIT_USAGE,
        )
    bank = _bank()
    messages = []
    try:
        if args.json_file:
            store = _open_store(write=False)
            try:
                document = export.progress_document(bank, store)
            finally:
                if store is not None:
                    store.close()
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            where = export.write_text(args.json_file, text)
            messages.append(
                tr(
                    "wrote your progress ({n} reviews) to {where}",
                    n=len(document["reviews"]),
                    where=where,
                )
            )
        if args.anki_file:
            from qa.i18n import current
            from qa.quiz.deck import write_apkg

            where, notes, warnings = write_apkg(bank, list(bank.cards), args.anki_file, current())
            for warning in warnings:
                print(f"dl500: {tr('warning')}: {warning}", file=sys.stderr)
            messages.append(
                tr(
                    "wrote {n} notes for Anki to {where} (Anki: File > Import)",
                    n=notes,
                    where=where,
                )
            )
    except OSError as exc:
        raise CLIError(
            tr(
                "cannot write {file}: {reason}",
                file=exc.filename or tr("the file"),
                reason=exc.strerror or exc,
            ),
            status=EXIT_ERROR,
        ) from None
    for message in messages:
        print(message, file=sys.stderr)
    return 0


@_guard
def cmd_settings(args: argparse.Namespace) -> int:
    """Show or change a setting."""
    from qa.quiz.store import SETTINGS

    if args.name is not None and args.name not in SETTINGS:
        raise CLIError(
            tr(
                "unknown setting {name}; known: {known}",
                name=repr(args.name),
                known=tr(", ").join(SETTINGS),
            ),
            status=EXIT_USAGE,
        )
    store = _open_store()
    try:
        if args.value is not None:
            try:
                store.set_setting(args.name, args.value)
            except ValueError as exc:
                raise CLIError(str(exc), status=EXIT_USAGE) from None
        values = store.settings()
        path = store.path
    finally:
        store.close()
    shown = {args.name: values[args.name]} if args.name else values
    if args.json:
        print(json.dumps(shown))
    else:
        for name, value in shown.items():
            print(f"{name} = {value:g}    {tr(SETTINGS[name].help)}")
        if args.value is None and not args.name:
            print(tr("(stored in {path}; change with 'dl500 settings NAME VALUE')", path=path))
    return 0
