r"""`dl500 export --anki deck.apkg`: the cards as an Anki package (genanki).

An `.apkg` carries its own note type, so the import does not depend on the names of Anki's
built-in note types, which differ with Anki's language ("Basic" is "Einfach", "Basique", "基本"):
the same notes arrive in an Anki of any language. The note type, `dl500-rnn card`, has the
fields Front, Back, Explanation, Source (a link to the card's section on the site), Question and
Card (the card's id); Anki typesets the math (`\(…\)`, `\[…\]`) with its own MathJax.

Ids are stable: the note type's and the deck's ids are fixed numbers and each note's GUID comes
from the card's id (and the language, and for a live numeric card the instance), so importing a
newer export updates the notes instead of adding copies. A numeric card is live in `dl500 quiz`
(new numbers at every review); the deck holds `NUMERIC_INSTANCES` fixed instances of each, as
its description says. The English and the Chinese deck are two decks of their own notes.

Examples:
    >>> note_guid("6.8-weight-shapes", "en") == note_guid("6.8-weight-shapes", "en")
    True
    >>> note_guid("6.8-weight-shapes", "en") != note_guid("6.8-weight-shapes", "zh")
    True
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from qa.i18n import tr
from qa.quiz.bank import Bank, Card, SolverError
from qa.quiz.cardtypes import CARD_TYPES

__all__ = ["MODEL_ID", "NUMERIC_INSTANCES", "deck_name", "make_package", "note_guid", "write_apkg"]

#: Fixed ids (random once, never changed): Anki recognises the note type and the decks by them.
MODEL_ID = 1_764_905_217
DECK_IDS = {"en": 1_764_905_301, "zh": 1_764_905_302}
NUMERIC_INSTANCES = 3

_FIELDS = ["Front", "Back", "Explanation", "Source", "Question", "Card"]

_CSS = """
.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.45;
        text-align: left; color: #1a1a1a; background: #fff; max-width: 40em; margin: 0 auto; }
.nightMode .card, .card.nightMode { color: #e6e6e6; background: #1e1e1e; }
.dl500-explanation { margin-top: 1em; }
.dl500-source { margin-top: 1em; font-size: 0.85em; }
.dl500-source a { text-decoration: underline; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
"""

_FRONT = '{{Front}}<div class="dl500-source">{{Question}}</div>'
_BACK = (
    '{{FrontSide}}<hr id="answer">{{Back}}'
    '<div class="dl500-explanation">{{Explanation}}</div>'
    '<div class="dl500-source">{{Source}}</div>'
)


def deck_name(lang: str) -> str:
    """The deck's name in Anki."""
    return "dl500-rnn" if lang == "en" else f"dl500-rnn ({lang})"


def note_guid(card_id: str, lang: str, instance: int = 0) -> str:
    """The GUID of a card's note: stable across exports, distinct per language and instance."""
    import genanki

    parts = ["dl500-rnn", card_id, lang] + ([str(instance)] if instance else [])
    return genanki.guid_for(*parts)


def _model() -> Any:
    import genanki

    return genanki.Model(
        MODEL_ID,
        "dl500-rnn card",
        fields=[{"name": name} for name in _FIELDS],
        templates=[{"name": "Card", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
        sort_field_index=5,  # the card's id: the browser lists them in book order
    )


def _notes(card: Card, bank: Bank, lang: str) -> list[tuple[str, list[str]]]:
    """(GUID, fields) of the card's notes: one, or one per instance of a numeric card."""
    from qa.quiz.export import markdown_to_html

    kind = CARD_TYPES[card.type]
    instances = range(NUMERIC_INSTANCES) if card.type == "numeric" else range(1)
    source = (
        f'<a href="{html.escape(card.url)}">{html.escape(tr("Read it on the site"))}</a> · '
        f"{html.escape(card.question.id)}"
    )
    title = card.question.title if lang == "en" else card.question.title_zh
    notes = []
    for instance in instances:
        front, back, explanation = kind.anki(card, bank, instance)
        fields = [
            front,
            back,
            markdown_to_html(explanation),
            source,
            html.escape(f"{card.question.id} {title}"),
            html.escape(card.id + (f"#{instance + 1}" if card.type == "numeric" else "")),
        ]
        notes.append((note_guid(card.id, lang, instance), fields))
    return notes


def make_package(bank: Bank, cards: list[Card], lang: str) -> tuple[Any, int, list[str]]:
    """The genanki Package of `cards`, how many notes it holds, and a warning per card left out."""
    import genanki

    model = _model()
    description = tr(
        "Self-check cards of dl500-rnn (questions 6.4–6.10 of DeepLearning-500-questions). "
        "Numeric cards are live in <code>dl500 quiz</code>, with new numbers at every review; "
        "this deck holds {n} fixed instances of each.",
        n=NUMERIC_INSTANCES,
    )
    deck = genanki.Deck(DECK_IDS.get(lang, DECK_IDS["en"]), deck_name(lang), description)
    warnings = []
    for card in cards:
        try:
            notes = _notes(card, bank, lang)
        except SolverError as exc:
            warnings.append(tr("left out {card}: {error}", card=card.id, error=exc))
            continue
        tags = ["dl500", f"dl500::{card.question.id}", f"dl500::{card.type}"]
        for guid, fields in notes:
            deck.add_note(genanki.Note(model=model, fields=fields, guid=guid, tags=tags))
    return genanki.Package(deck), len(deck.notes), warnings


def write_apkg(bank: Bank, cards: list[Card], path: str, lang: str) -> tuple[str, int, list[str]]:
    """Write the deck to `path` (atomically); return where, the number of notes and warnings."""
    import io

    from qa.cache import atomic_write

    package, count, warnings = make_package(bank, cards, lang)
    buffer = io.BytesIO()
    package.write_to_file(buffer)
    return str(atomic_write(Path(path).expanduser(), buffer.getvalue())), count, warnings
