"""Math in the terminal: every LaTeX command the cards and interview answers use is rendered.

The quiz and `dl500 show` print math as Unicode text (`qa.quiz.term.latex_to_text`). A command
it does not know would print as its bare name (`\\ll` as "ll"), so every command in the data
files, in both languages, must be in its table or among the commands it takes apart, and no
card's terminal text may keep a backslash command.
"""

from __future__ import annotations

import re

import pytest

from qa.questions import QUESTIONS
from qa.quiz.term import known_commands, latex_to_text, markdown_to_text
from tests.quiz.project_cards import project_bank

COMMAND = re.compile(r"\\[A-Za-z]+")


def card_texts(card) -> list[str]:
    texts = [card.prompt, card.explanation, str(card.answer or "")]
    return texts + [o.text for o in card.options] + [o.feedback or "" for o in card.options]


TEXTS = [
    (f"{lang} {card.id}", text)
    for lang in ("en", "zh")
    for card in project_bank(lang).cards
    for text in card_texts(card)
    if text
] + [
    (f"{key} {q.id}", q.data()[key])
    for q in QUESTIONS
    for key in ("interview_answer", "interview_answer_zh")
]


def test_every_command_the_data_uses_is_known() -> None:
    used = {c for _, text in TEXTS for c in COMMAND.findall(text)}
    assert sorted(used - known_commands()) == []


@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[w for w, _ in TEXTS])
def test_the_terminal_text_keeps_no_latex_command(where: str, text: str) -> None:
    out = markdown_to_text(text, 100)
    assert not COMMAND.search(out.replace("\\n", "")), out


@pytest.mark.parametrize(
    ("tex", "expected"),
    [(r"\lVert \partial h_{60}/\partial h_0 \rVert_2 \ll 1", "‖ ∂h_(60)/∂h_0 ‖_2 ≪ 1"),
     (r"\mathbb{R}^{H}", "ℝ^H"), (r"\overleftarrow{h}_t", "←h_t"), (r"a \propto b \pm c", "a ∝ b ± c")],
)  # fmt: skip
def test_symbols_that_used_to_print_as_their_names(tex: str, expected: str) -> None:
    assert latex_to_text(tex) == expected


def test_a_subscript_after_a_norm_survives_the_markdown() -> None:
    text = r"The norm $\lVert x \rVert_2$ and the state $a_t$ and _this_."
    assert markdown_to_text(text) == "The norm ‖ x ‖_2 and the state a_t and this."
