"""A question is its files: added as a module, a data file and a page, it appears everywhere.

The recipe of docs/contributing.md, followed in a copy of the project: nothing but the three new
files is written, and `dl500 list`, `show` and `run`, the quiz bank, the card export and the
built site (its nav, its home table, the page with its figure, number and cards) all see the
new question.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLUG = "q6_99_throwaway"

MODULE = '''"""6.99 A throwaway question: the smallest answer module that keeps the contract."""

from __future__ import annotations

import numpy as np

from qa.numbers import Number
from qa.viz import FigureSpec, new_figure

SEED = 0


def demonstrate(seed: int = SEED, *, progress=None) -> dict:
    """A few draws.

    Examples:
        >>> len(demonstrate(0)["xs"])
        8
    """
    return {"xs": np.random.default_rng(seed).standard_normal(8)}


def numbers(result: dict) -> dict[str, Number]:
    """The largest draw."""
    return {"largest": Number(float(result["xs"].max()), ".3f", "seed 0")}


def summarize(result: dict) -> str:
    """One line."""
    return f"largest draw {numbers(result)['largest']}"


def _plot(result: dict):
    fig, ax = new_figure()
    ax.plot(result["xs"])
    return fig


def card_double(rng):
    """Quiz solver: twice a drawn whole number."""
    n = int(rng.integers(2, 9))
    return {"params": {"n": n}, "answer": float(2 * n)}


FIGURES = (
    FigureSpec(
        name="draws",
        build=_plot,
        alt="Eight random draws; the largest is {{ run.largest }}.",
        caption="Eight draws of a standard normal.",
    ),
)
'''

DATA = """question.id = "6.99"
question.title = "A throwaway question"
question.title_zh = "一个临时问题"
question.upstream_number = "6.99"
question.tags = ["throwaway"]
question.difficulty = "easy"

interview_answer = '''
A throwaway answer, long enough to be an answer.
'''

[[cards]]
id = "6.99-what"
type = "recall"
prompt = "What is this question?"
answer = "A throwaway."
explanation = "It exists for a test."
section = "intuition"

[[cards]]
id = "6.99-true"
type = "truefalse"
prompt = "This question is a throwaway."
answer = true
explanation = "It is."
section = "intuition"

[[cards]]
id = "6.99-choice"
type = "choice"
prompt = "Which is it?"
explanation = "A throwaway."
section = "the-math"
  [[cards.options]]
  text = "A throwaway"
  correct = true
  [[cards.options]]
  text = "A keeper"
  feedback = "It is not kept."

[[cards]]
id = "6.99-double"
type = "numeric"
prompt = "What is twice {n}?"
explanation = "Twice {n}."
section = "see-it-run"
solver = "card_double"
atol = 0.5
"""

PAGE = """# 6.99 A throwaway question

<!-- dl500:question-meta -->

## Interview answer

<!-- dl500:interview-answer -->

## Intuition

Nothing to see.

## The math

$x = 1$.

## See it run

<!-- dl500:computed -->

The largest draw is {{ run.largest }}.

<!-- dl500:figure draws -->

## Code

::: qa.answers.q6_99_throwaway

## What the original says, and what it misses

Nothing.

## Check yourself

<!-- dl500:cards -->

## References

None.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the new question's three files, and nothing else changed."""
    root = tmp_path_factory.mktemp("project")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("qa", "docs"):
        shutil.copytree(ROOT / part, root / part, ignore=ignore)
    for part in ("mkdocs.yml", "CHANGELOG.md", "pyproject.toml"):
        shutil.copy(ROOT / part, root / part)
    (root / "qa" / "answers" / f"{SLUG}.py").write_text(MODULE, encoding="utf-8")
    (root / "qa" / "answers" / f"{SLUG}.toml").write_text(DATA, encoding="utf-8")
    (root / "docs" / "answers" / f"{SLUG}.md").write_text(PAGE, encoding="utf-8")
    return root


def dl500(project: Path, *args: str, home: Path | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": str(project), "NO_COLOR": "1", "MPLBACKEND": "Agg"}
    env.pop("DL500_BANK", None)
    if home is not None:
        env["DL500_HOME"] = str(home)
    proc = subprocess.run(
        [sys.executable, "-m", "qa", *args], cwd=project, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_the_command_line_lists_shows_and_runs_it(project: Path, tmp_path: Path) -> None:
    assert "6.99  easy    A throwaway question" in dl500(project, "list")
    assert "6.99" in [q["id"] for q in json.loads(dl500(project, "list", "--json"))]
    assert "A throwaway answer" in dl500(project, "show", "6.99")
    out = dl500(project, "run", "6.99", "--out", str(tmp_path))
    assert "largest draw" in out and (tmp_path / SLUG / "draws.svg").is_file()
    assert "largest" in dl500(project, "run", "6.99", "--numbers")


def test_the_quiz_bank_and_the_card_export_have_its_cards(project: Path, tmp_path: Path) -> None:
    deck = tmp_path / "deck.apkg"
    dl500(project, "export", "--anki", str(deck), home=tmp_path)
    with zipfile.ZipFile(deck) as z:
        collection = z.read("collection.anki2")
    for card in ("6.99-what", "6.99-true", "6.99-choice", "6.99-double"):
        assert card.encode() in collection
    code = (
        "from qa.quiz.bank import load_bank; b = load_bank(); "
        "print(sorted(c.id for c in b.cards if c.question.id == '6.99'), b.problems)"
    )
    env = {**os.environ, "PYTHONPATH": str(project)}
    env.pop("DL500_BANK", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True
    )
    assert "'6.99-double'" in out.stdout and "()" in out.stdout, out.stderr


def test_the_site_has_it_in_the_nav_the_table_and_its_page(
    project: Path, built_site: Path, tmp_path: Path
) -> None:
    # The real build's caches make the copy's build draw and run only the new question.
    caches = tmp_path / "cache"
    shutil.copytree(ROOT / ".cache", caches)
    env = {
        **os.environ,
        "PYTHONPATH": str(project),
        "DL500_FIGURE_CACHE": str(caches / "figures"),
        "DL500_EXPERIMENT_CACHE": str(caches / "experiments"),
        "MPLBACKEND": "Agg",
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }
    env.pop("DL500_BANK", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "figures: 1 drawn" in proc.stderr and "ran none" in proc.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "6.99 A throwaway question" in home  # the nav
    assert "一个临时问题" in home  # the home table
    page = (tmp_path / "site" / "answers" / SLUG / "index.html").read_text(encoding="utf-8")
    assert 'id="figure-draws"' in page and 'data-number="run.largest"' in page
    assert 'id="card-6-99-double"' in page and 'id="qa.answers.q6_99_throwaway.demonstrate"' in page
