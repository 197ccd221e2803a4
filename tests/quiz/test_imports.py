"""`dl500 due` stays light: it imports neither NumPy, Matplotlib nor FSRS.

Checked twice: with `python -X importtime -m qa due` (which logs every `import` statement,
now that `qa.cli.main` imports its command modules plainly, those too), and
by listing `sys.modules` after running `dl500 due` in a fresh interpreter.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .conftest import REPO, subprocess_env


def imported_modules(home, *args: str, bank: str | None = None) -> set[str]:
    env = subprocess_env(home)
    if bank is None:
        env.pop("DL500_BANK")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qa", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        m[1].strip() for m in re.finditer(r"^import time:.*\|\s*(\S.*)$", result.stderr, flags=re.M)
    }


@pytest.mark.parametrize("args", [("due",), ("due", "-q"), ("due", "--json")])
def test_due_imports_neither_numpy_nor_matplotlib_nor_fsrs(isolated, args):
    modules = imported_modules(isolated, *args)
    assert "qa.quiz.store" in modules  # the measurement itself works
    heavy = {m for m in modules if m.split(".")[0] in {"numpy", "matplotlib", "fsrs"}}
    assert not heavy


HEAVY = ("numpy", "matplotlib", "fsrs")


def test_due_leaves_no_heavy_module_in_sys_modules(isolated):
    code = (
        "import sys; from qa.cli.main import main; status = main(['due', '-q']); "
        "print(status, sorted({m.split('.')[0] for m in sys.modules}))"
    )
    env = subprocess_env(isolated)
    env.pop("DL500_BANK")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    status_line = result.stdout.strip().splitlines()[-1]
    assert status_line.startswith("0 [")
    assert "'qa'" in status_line
    assert not [name for name in HEAVY if f"'{name}'" in status_line]


def test_the_quiz_imports_numpy_only_for_numeric_cards(isolated):
    modules = imported_modules(isolated, "quiz", "--question", "6.9", bank="fixture")
    assert "numpy" not in modules  # 6.9's fixture cards are not numeric
