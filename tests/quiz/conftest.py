"""Fixtures for the quiz tests: an isolated progress directory and the fixture card bank.

Every test gets its own `DL500_HOME` (the real user directory is never touched), `NO_COLOR`,
and `DL500_BANK` pointing at tests/quiz/fixtures/bank unless it asks for the real bank.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.cli.main import main
from qa.quiz.bank import load_bank
from qa.quiz.session import variant_seed

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DL500_HOME", str(home))
    monkeypatch.setenv("DL500_BANK", str(FIXTURE_BANK))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    return home


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def dl500(monkeypatch, capsys) -> Callable[..., Run]:
    """Run `dl500 ARGS` in-process with `stdin` piped in; return status, stdout, stderr."""

    def run(*argv: str, stdin: str = "") -> Run:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            status = main(list(argv))
        except SystemExit as exc:  # argparse usage errors and --help
            status = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


def numeric_answer(card_id: str, seed: int, occurrence: int = 1) -> float:
    """The answer of a fixture numeric card in a `--seed` session (its n-th variant)."""
    bank = load_bank(FIXTURE_BANK)
    return bank.draw(bank.by_id()[card_id], variant_seed(seed, card_id, occurrence)).answer


def subprocess_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for running `python -m qa` in a child process against the fixture bank."""
    env = dict(os.environ)
    env.update(
        DL500_HOME=str(home),
        DL500_BANK=str(FIXTURE_BANK),
        NO_COLOR="1",
        PYTHONPATH=str(REPO),
        TERM="xterm",
    )
    env.update(extra)
    return env
