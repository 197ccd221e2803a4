"""The real card bank (qa/answers/*.toml): valid, linked to existing sections, solvers that run.

These tests read the project's own cards, not the fixtures: every card loads without a
problem, ids are unique (as strings and as FSRS integers), every question with a page has at
least 4 cards, every `section` is a heading of that page, and every numeric solver draws
valid, finite variants for several seeds.
"""

from __future__ import annotations

import math

import pytest

from qa.questions import QUESTIONS, Question
from qa.quiz.bank import Bank, load_bank, page_anchors

from .conftest import REPO

DOCS = REPO / "docs"
SEEDS = range(5)
MIN_CARDS = 4


@pytest.fixture
def bank(monkeypatch) -> Bank:
    monkeypatch.delenv("DL500_BANK", raising=False)
    return load_bank()


def _page(question: Question):
    return DOCS / question.page


def test_the_real_bank_comes_from_the_package(bank):
    assert bank.packaged
    assert bank.directory == REPO / "qa" / "answers"


def test_every_card_of_the_real_bank_is_valid(bank):
    assert bank.problems == ()


def test_card_ids_are_unique_as_strings_and_as_fsrs_ids(bank):
    ids = [card.id for card in bank.cards]
    assert len(ids) == len(set(ids))
    fsrs_ids = {card.fsrs_id for card in bank.cards}
    assert len(fsrs_ids) == len(ids)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_question_with_a_page_has_at_least_four_cards(bank, question):
    cards = [card for card in bank.cards if card.question.id == question.id]
    if _page(question).exists():
        assert len(cards) >= MIN_CARDS, f"{question.id} has a page but {len(cards)} cards"
    else:
        assert not cards, f"{question.id} has cards but no page {question.page}"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_card_section_is_a_heading_of_its_page(bank, question):
    cards = [card for card in bank.cards if card.question.id == question.id]
    if not cards:
        return
    anchors = page_anchors(_page(question).read_text(encoding="utf-8"))
    missing = sorted(
        {f"{card.id} -> #{card.section}" for card in cards if card.section not in anchors}
    )
    assert not missing, f"no such heading in docs/{question.page}: {missing}"


def _numeric_cards() -> list:
    import os

    saved = os.environ.pop("DL500_BANK", None)
    try:
        return [card for card in load_bank().cards if card.type == "numeric"]
    finally:
        if saved is not None:
            os.environ["DL500_BANK"] = saved


def test_the_real_bank_has_live_numeric_cards():
    assert _numeric_cards(), "no numeric card in qa/answers/*.toml"


@pytest.mark.parametrize("card", _numeric_cards(), ids=lambda card: card.id)
def test_every_numeric_solver_draws_valid_finite_variants(bank, card):
    variants = [bank.draw(card, seed) for seed in SEEDS]
    for variant in variants:
        assert math.isfinite(variant.answer)
        assert variant.params
    assert bank.draw(card, 0) == variants[0], "a solver must depend only on its generator"


def _significant(x: float, figures: int) -> float:
    return float(f"{x:.{figures - 1}e}")


@pytest.mark.parametrize(
    "card",
    [c for c in _numeric_cards() if "4 significant figures" in c.prompt],
    ids=lambda card: card.id,
)
def test_a_card_that_asks_for_4_significant_figures_accepts_every_such_answer(bank, card):
    from qa.quiz.answers import is_close

    for seed in range(200):
        answer = bank.draw(card, seed).answer
        assert is_close(_significant(answer, 4), answer, card.rtol, card.atol), (seed, answer)
        # A fifth figure's worth of error is what the tolerance is for, not a third's.
        if answer != 0 and _significant(answer, 3) != _significant(answer, 4):
            off = answer * (1 + 3e-3)
            assert not is_close(off, answer, card.rtol, card.atol), (seed, answer)


def test_four_numeric_cards_ask_for_4_significant_figures():
    asking = {c.id for c in _numeric_cards() if "4 significant figures" in c.prompt}
    assert {
        "6.4-adding-baseline",
        "6.9-scalar-linear-rnn",
        "6.9b-sigmoid-bound",
        "6.9b-orthogonal-linear",
    } <= asking
