r"""`dl500 export`: the progress as JSON, and the HTML the Anki deck's fields are made of.

The JSON document holds the settings, every card's FSRS state and the whole review log
(answers taken back are flagged `undone`), so nothing in the database is lost by exporting.

The Anki deck is `qa.quiz.deck` (an `.apkg` with its own note type); `markdown_to_html` turns
a card's Markdown into the HTML of its fields, with math in Anki's MathJax delimiters `\(…\)`
and `\[…\]`. Scheduling is not exported to Anki.

Examples:
    >>> markdown_to_html("Use **softmax**, not $\\sigma(o_t)$ & `sigmoid`.")
    'Use <b>softmax</b>, not \\(\\sigma(o_t)\\) &amp; <code>sigmoid</code>.'
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qa import __version__
from qa.i18n import tr
from qa.quiz.bank import Bank
from qa.quiz.store import Store

__all__ = ["ANKI_SEED", "markdown_to_html", "progress_document", "write_text"]

ANKI_DECK = "dl500-rnn"
ANKI_SEED = 2026  # fixed so that a re-export gives the same numeric variants


def progress_document(bank: Bank, store: Store | None) -> dict[str, Any]:
    """The whole progress database as one JSON-able document."""
    cards_by_id = bank.by_id()
    states = store.cards() if store else {}
    reviews = store.reviews() if store else []
    return {
        "format": "dl500-rnn quiz progress",
        "version": 1,
        "exported_at": datetime.now(UTC).isoformat(),
        "dl500_version": __version__,
        "database": str(store.path) if store else None,
        "settings": store.settings() if store else {},
        "cards": [
            {
                "id": card_id,
                "question": cards_by_id[card_id].question.id if card_id in cards_by_id else None,
                "in_bank": card_id in cards_by_id,
                "state": {1: "learning", 2: "review", 3: "relearning"}.get(row.state),
                "due": datetime.fromtimestamp(row.due, UTC).isoformat(),
                "fsrs": json.loads(row.fsrs),
            }
            for card_id, row in sorted(states.items())
        ],
        "reviews": [
            dict(
                review,
                at=datetime.fromtimestamp(review["at"], UTC).isoformat(),
                card_before=json.loads(review["card_before"]) if review["card_before"] else None,
                card_after=json.loads(review["card_after"]) if review["card_after"] else None,
            )
            for review in reviews
        ],
    }


def markdown_to_html(text: str) -> str:
    """Card Markdown as the small HTML subset Anki shows (math left to Anki's MathJax)."""
    maths: list[str] = []

    def keep(match: re.Match[str]) -> str:
        maths.append(match[0])
        return f"\x00{len(maths) - 1}\x00"

    text = re.sub(r"\$\$.+?\$\$|(?<!\\)\$.+?(?<!\\)\$", keep, text.strip(), flags=re.S)
    out = html.escape(text, quote=False)
    out = re.sub(r"```[^\n]*\n(.*?)```", lambda m: f"<pre>{m[1]}</pre>", out, flags=re.S)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out, flags=re.S)
    out = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", out, flags=re.S)
    out = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', out)
    out = re.sub(r"\n\s*\n", "<br><br>", out).replace("\n", " ")

    def restore(match: re.Match[str]) -> str:
        tex = maths[int(match[1])]
        body = html.escape(tex.strip("$"), quote=False)
        return rf"\[{body}\]" if tex.startswith("$$") else rf"\({body}\)"

    return re.sub(r"\x00(\d+)\x00", restore, out).replace("\t", " ")


def write_text(path: str, text: str) -> str:
    """Write `text` to `path` atomically (temporary file, fsync, rename); `-` is stdout.

    Returns:
        Where it went, for the message.
    """
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return tr("standard output")
    target = Path(path).expanduser()
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return str(target)
