"""The Anki deck, imported by the official Anki library; and no card shows a placeholder anywhere.

The deck (`dl500 export --anki FILE.apkg`, `qa.quiz.deck`) is imported into fresh collections
whose interface speaks English, German, French and Japanese (the names of Anki's built-in note
types differ between them): every note arrives with its fields, re-importing adds nothing, and
each note links to its card's section on the site. Every card, in both languages, is then
checked where a learner meets it — the quiz's variant, the site's "Check yourself" text and the
deck — for a `{name}` placeholder left unfilled, and for text lost on the way.
"""

from __future__ import annotations

import html
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from qa.i18n import set_language
from qa.quiz.cardtypes import CARD_TYPES
from qa.quiz.deck import NUMERIC_INSTANCES, make_package, write_apkg
from tests.quiz.project_cards import project_bank

LANGS = ("en", "zh")
ANKI_LANGS = ("en", "de", "fr", "ja")


@pytest.fixture(scope="module", params=LANGS)
def deck(request, tmp_path_factory) -> tuple[str, Path, object]:
    lang = request.param
    set_language(lang)
    try:
        bank = project_bank(lang)
        path = tmp_path_factory.mktemp(f"deck-{lang}") / "dl500-rnn.apkg"
        write_apkg(bank, list(bank.cards), str(path), lang)
    finally:
        set_language("en")
    return lang, path, bank


def expected_notes(bank) -> int:
    numeric = sum(card.type == "numeric" for card in bank.cards)
    return len(bank.cards) - numeric + NUMERIC_INSTANCES * numeric


def apkg_fields(path: Path) -> list[dict[str, str]]:
    """The notes of a package, read from its SQLite collection as field name -> value."""
    names = ["Front", "Back", "Explanation", "Source", "Question", "Card"]
    with zipfile.ZipFile(path) as z:
        data = z.read("collection.anki2")
    db = path.with_suffix(".anki2")
    db.write_bytes(data)
    with sqlite3.connect(db) as con:
        rows = con.execute("select flds from notes").fetchall()
    return [dict(zip(names, flds.split("\x1f"), strict=True)) for (flds,) in rows]


@pytest.mark.parametrize("ui", ANKI_LANGS)
def test_the_deck_imports_whole_in_an_anki_of_any_language(deck, ui, tmp_path) -> None:
    import anki.lang
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    _, path, bank = deck
    anki.lang.set_lang(ui)
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False)
        )
        col.import_anki_package(request)
        first = col.note_count()
        col.import_anki_package(request)  # a newer export updates, never duplicates
        notes = [col.get_note(nid) for nid in col.find_notes("")]
    finally:
        col.close()
        anki.lang.set_lang("en")
    assert first == col_count(notes) == expected_notes(bank)
    for note in notes:
        fields = dict(note.items())
        assert fields["Front"].strip() and fields["Back"].strip(), fields["Card"]
        assert 'href="https://' in fields["Source"], fields["Card"]


def col_count(notes: list) -> int:
    return len(notes)


def test_every_note_links_to_its_cards_section_on_the_site(deck) -> None:
    lang, path, bank = deck
    links = {f["Card"].split("#")[0]: f["Source"] for f in apkg_fields(path)}
    assert set(links) == {card.id for card in bank.cards}
    for card in bank.cards:
        assert f'href="{html.escape(card.url)}"' in links[card.id]
        assert (f"/{lang}/answers/" in card.url) == (lang != "en")


def test_the_deck_is_the_same_notes_at_every_export(deck) -> None:
    lang, _, bank = deck
    first, second = (make_package(bank, list(bank.cards), lang)[0] for _ in range(2))
    guids = [[note.guid for note in p.decks[0].notes] for p in (first, second)]
    assert guids[0] == guids[1] and len(set(guids[0])) == len(guids[0])


# --- no placeholder, no lost text ---------------------------------------------------------------

CARDS = [(lang, card.id) for lang in LANGS for card in project_bank(lang).cards]


def solver_names(bank, card) -> set[str]:
    return set(bank.draw(card, 0).params) if card.type == "numeric" else set()


def plain(text: str) -> str:
    """Text without HTML tags, entities, Markdown marks and math delimiters, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = re.sub(r"\\[()\[\]]|[*`$]", "", text)
    return " ".join(text.split())


@pytest.mark.parametrize(("lang", "card_id"), CARDS, ids=lambda v: str(v))
def test_no_card_shows_a_placeholder_or_loses_text(lang: str, card_id: str) -> None:
    set_language(lang)
    try:
        bank = project_bank(lang)
        card = bank.by_id()[card_id]
        names = solver_names(bank, card)
        kind = CARD_TYPES[card.type]
        seen = {"site": "\n".join(kind.page(card, bank, lang))}
        for instance in range(NUMERIC_INSTANCES if card.type == "numeric" else 1):
            front, back, explanation = kind.anki(card, bank, instance)
            seen[f"deck {instance}"] = "\n".join((front, back, explanation))
        if card.type == "numeric":
            for seed in range(5):
                variant = bank.draw(card, seed)
                seen[f"quiz seed {seed}"] = variant.prompt + "\n" + variant.explanation
    finally:
        set_language("en")
    for where, text in seen.items():
        left = [n for n in names if "{" + n + "}" in text]
        assert not left, f"{card_id} ({lang}, {where}) shows unfilled {left}"
    if card.type != "numeric":  # its prompt is the same text in the deck's front
        front = plain(kind.anki(card, bank, 0)[0]) if lang == "en" else None
        if front is not None:
            assert plain(card.prompt) in front
