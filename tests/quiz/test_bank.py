"""The card loader and validator, on the fixture bank and on deliberately broken cards."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import pytest

from qa.quiz.bank import (
    Bank,
    SolverError,
    fsrs_card_id,
    load_bank,
    page_anchors,
    slugify,
)

from .conftest import FIXTURE_BANK, REPO

GOOD_RECALL = """
[[cards]]
id = "6.8-a"
type = "recall"
prompt = "p"
answer = "a"
explanation = "e"
section = "the-math"
"""


def bank_from(tmp_path, toml: str, solvers: str | None = None) -> Bank:
    (tmp_path / "q6_08_forward_pass.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    if solvers is not None:
        (tmp_path / "q6_08_forward_pass.py").write_text(textwrap.dedent(solvers))
    return load_bank(tmp_path)


def test_the_fixture_bank_loads_without_problems():
    bank = load_bank(FIXTURE_BANK)
    assert bank.problems == ()
    assert [card.type for card in bank.cards[:5]] == [
        "recall",
        "choice",
        "truefalse",
        "numeric",
        "numeric",
    ]
    assert bank.by_id()["6.8-fixture-choice"].correct_option == 1


def test_cards_link_to_their_page_section():
    card = load_bank(FIXTURE_BANK).by_id()["6.8-fixture-truefalse"]
    assert card.link == "docs/answers/q6_08_forward_pass.md#intuition"


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        (GOOD_RECALL + GOOD_RECALL, "duplicate id '6.8-a'"),
        (GOOD_RECALL.replace('id = "6.8-a"', 'id = "6.9-a"'), "must start with this question's"),
        (GOOD_RECALL.replace('id = "6.8-a"', 'id = "6.8 A"'), "must look like"),
        (GOOD_RECALL.replace('type = "recall"', 'type = "essay"'), "'type' must be one of"),
        (GOOD_RECALL.replace('answer = "a"\n', ""), "'answer' must be a non-empty string"),
        (GOOD_RECALL.replace('explanation = "e"', 'explanation = ""'), "'explanation' must be"),
        (GOOD_RECALL.replace('section = "the-math"', 'section = "The Math"'), "heading anchor"),
        (GOOD_RECALL + 'explaination = "typo"\n', "unknown keys for a recall card: explaination"),
        (GOOD_RECALL.replace('type = "recall"', 'type = "truefalse"'), "TOML boolean"),
        ("cards = 3", "'cards' must be an array"),
        ("[[cards]\nid =", "cannot read"),
    ],
)
def test_malformed_cards_are_reported_and_left_out(tmp_path, toml, problem):
    bank = bank_from(tmp_path, toml)
    assert any(problem in p for p in bank.problems), bank.problems


CHOICE = """
[[cards]]
id = "6.8-c"
type = "choice"
prompt = "p"
explanation = "e"
section = "the-math"
  [[cards.options]]
  text = "one"
  correct = {first}
  [[cards.options]]
  text = "{second_text}"
  correct = {second}
"""


@pytest.mark.parametrize(
    ("first", "second", "second_text", "problem"),
    [
        ("true", "true", "two", "exactly one option"),
        ("false", "false", "two", "exactly one"),
        ("true", "false", "One", "same text"),
    ],
)
def test_choice_cards_need_one_correct_option_and_distinct_texts(
    tmp_path, first, second, second_text, problem
):
    bank = bank_from(tmp_path, CHOICE.format(first=first, second=second, second_text=second_text))
    assert any(problem in p for p in bank.problems), bank.problems


NUMERIC = """
[[cards]]
id = "6.8-n"
type = "numeric"
prompt = "x = {{x}}, $h_{{t}}$"
solver = "{solver}"
{tolerance}
explanation = "{explanation}"
section = "the-math"
"""


@pytest.mark.parametrize(
    ("tolerance", "problem"),
    [
        ("", "needs a tolerance"),
        ("rtol = -1", "'rtol' must be a number ≥ 0"),
        ("rtol = 2.0", "below 1"),
        ('atol = "half"', "'atol' must be a number"),
    ],
)
def test_numeric_cards_need_a_sensible_tolerance(tmp_path, tolerance, problem):
    bank = bank_from(tmp_path, NUMERIC.format(solver="s", tolerance=tolerance, explanation="e"))
    assert any(problem in p for p in bank.problems), bank.problems


@pytest.mark.parametrize(
    ("solver_body", "explanation", "message"),
    [
        ("raise ValueError('bad draw')", "e", "raised ValueError: bad draw"),
        ("return {'params': {'x': 1}, 'answer': float('inf')}", "e", "'answer' is inf"),
        ("return {'params': {'x': 1}, 'answer': 'ten'}", "e", "must be a real number"),
        ("return {'params': {}, 'answer': 1.0}", "e", "the prompt uses {x}"),
        ("return {'params': {'x': 1}, 'answer': 1.0}", "{y}", "the explanation uses {y}"),
        ("return {'params': {'x': 0.1234567891}, 'answer': 1.0}", "e", "print exactly"),
        ("return [1.0]", "e", "must return a dict"),
        ("return {'params': {'x': object()}, 'answer': 1.0}", "e", "unsupported type"),
    ],
)
def test_solver_faults_are_reported_as_solver_errors(tmp_path, solver_body, explanation, message):
    bank = bank_from(
        tmp_path,
        NUMERIC.format(solver="s", tolerance="atol = 0.5", explanation=explanation),
        f"def s(rng):\n    {solver_body}\n",
    )
    assert bank.problems == ()
    with pytest.raises(SolverError, match=message.replace("{", r"\{").replace("}", r"\}")):
        bank.draw(bank.cards[0], seed=0)


def test_a_missing_solver_function_is_a_solver_error(tmp_path):
    bank = bank_from(
        tmp_path,
        NUMERIC.format(solver="absent", tolerance="atol = 0.5", explanation="e"),
        "def s(rng):\n    pass\n",
    )
    with pytest.raises(SolverError, match="has no function absent"):
        bank.draw(bank.cards[0], seed=0)


def test_a_missing_solver_module_is_a_solver_error(tmp_path):
    bank = bank_from(tmp_path, NUMERIC.format(solver="s", tolerance="atol = 0.5", explanation="e"))
    with pytest.raises(SolverError, match="no solver module"):
        bank.draw(bank.cards[0], seed=0)


def test_latex_braces_are_not_placeholders(tmp_path):
    bank = bank_from(
        tmp_path,
        NUMERIC.format(solver="s", tolerance="atol = 0.5", explanation=r"$\\frac{a}{b}$ and x^{T}"),
        "def s(rng):\n    return {'params': {'x': 3}, 'answer': 3.0}\n",
    )
    variant = bank.draw(bank.cards[0], seed=0)
    assert variant.prompt == "x = 3, $h_{t}$"
    assert "frac{a}{b}" in variant.explanation


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_fixture_solvers_draw_fresh_finite_variants(seed):
    bank = load_bank(FIXTURE_BANK)
    card = bank.by_id()["6.8-fixture-count"]
    variant = bank.draw(card, seed)
    assert math.isfinite(variant.answer)
    assert "{" not in variant.prompt
    assert variant == bank.draw(card, seed)


def test_different_seeds_give_different_variants():
    bank = load_bank(FIXTURE_BANK)
    card = bank.by_id()["6.8-fixture-count"]
    assert len({bank.draw(card, seed).prompt for seed in range(10)}) > 5


def test_fsrs_ids_are_stable_across_processes():
    code = "from qa.quiz.bank import fsrs_card_id; print(fsrs_card_id('6.8-fixture-count'))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
        ).stdout.strip()
        for seed in (1, 2)
    }
    assert outputs == {str(fsrs_card_id("6.8-fixture-count"))}
    assert fsrs_card_id("6.8-fixture-count") < 2**53


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("The math", "the-math"),
        ("See it run", "see-it-run"),
        ("Check yourself", "check-yourself"),
        ("What the original says, and what it misses", "what-the-original-says-and-what-it-misses"),
        ("Interview answer", "interview-answer"),
        ("BPTT: the `dL/dW` sum", "bptt-the-dldw-sum"),
    ],
)
def test_slugify_matches_mkdocs_anchors(heading, anchor):
    assert slugify(heading) == anchor


def test_page_anchors_skip_code_and_honour_explicit_ids():
    page = "# T\n## The math\n```python\n# comment\n```\n### Step one {#step-1}\n## The math\n"
    assert page_anchors(page) == {"t", "the-math", "step-1", "the-math_1"}
