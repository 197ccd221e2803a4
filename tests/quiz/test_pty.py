"""`dl500 quiz` on a real pseudo-terminal: Ctrl-C, Ctrl-D, resuming, colour, re-prompts."""

from __future__ import annotations

import sqlite3
import sys

import pexpect

from .conftest import REPO, subprocess_env


def spawn(home, *args: str, **env: str):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "qa", *args],
        cwd=str(REPO),
        env=subprocess_env(home, **env),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 100),
    )
    return child


def finish(child) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def reviews(home) -> list[tuple[str, int]]:
    con = sqlite3.connect(home / "progress.sqlite3")
    try:
        return con.execute("SELECT card_id, correct FROM review ORDER BY id").fetchall()
    finally:
        con.close()


def test_ctrl_c_keeps_the_answers_given_and_exits_130_then_the_next_session_resumes(isolated):
    child = spawn(isolated, "quiz")
    child.expect_exact("Write the hidden-state update")
    child.expect_exact("> ")
    child.sendline("U x plus W h")
    child.expect_exact("Model answer:")
    child.expect_exact("4 easy > ")
    child.sendline("nine")  # not a grade
    child.expect_exact("grade yourself: 1 again (forgot), 2 hard, 3 good or 4 easy")
    child.sendline("3")
    child.expect_exact("✓ Recalled.")
    child.expect_exact("answer (a–c) > ")
    child.sendline("a")
    child.expect_exact("✗ Wrong. The answer is b)")
    child.expect_exact("Sigmoid squashes each output")
    child.expect_exact("true or false > ")
    child.sendintr()  # Ctrl-C while waiting for an answer
    child.expect_exact("all saved.")
    child.expect_exact("Interrupted.")
    assert finish(child) == 130
    assert reviews(isolated) == [("6.8-fixture-recall", 1), ("6.8-fixture-choice", 0)]

    child = spawn(isolated, "quiz")
    child.expect_exact("The matrix W changes")  # resumes with the first unanswered card
    child.expect_exact("true or false > ")
    child.sendline("false")
    child.expect_exact("✓ Correct: it is false.")
    child.expect_exact("> ")
    child.sendeof()
    child.expect_exact("1 answer, 1 right (100%); all saved.")
    assert finish(child) == 0
    assert len(reviews(isolated)) == 3


def test_ctrl_d_at_the_first_prompt_ends_cleanly(isolated):
    child = spawn(isolated, "quiz")
    child.expect_exact("> ")
    child.sendeof()
    child.expect_exact("No answers this session.")
    assert finish(child) == 0


def test_colour_on_a_terminal_unless_no_color_and_marks_either_way(isolated):
    child = spawn(isolated, "quiz", "--question", "6.9", NO_COLOR="")
    child.expect_exact("> ")
    child.sendline("")
    child.expect_exact("4 easy")
    child.sendline("1")
    child.expect(r"\x1b\[31m✗ Not recalled")
    child.sendintr()
    assert finish(child) == 130

    child = spawn(isolated, "quiz", "--question", "6.9", NO_COLOR="1")
    child.expect_exact("true or false > ")
    before = child.before
    child.sendline("f")
    child.expect_exact("✓ Correct: it is false.")
    assert "\x1b[3" not in before + child.before
    child.sendintr()
    assert finish(child) == 130


def test_undo_command_after_ctrl_c_restores_the_schedule(isolated):
    child = spawn(isolated, "quiz", "--question", "6.9")
    child.expect_exact("> ")
    child.sendline("")
    child.expect_exact("4 easy > ")
    child.sendline("4")
    child.expect_exact("true or false > ")
    child.sendintr()
    assert finish(child) == 130
    child = spawn(isolated, "undo")
    child.expect_exact("Took back your answer to 6.9-fixture-recall")
    assert finish(child) == 0
    child = spawn(isolated, "due", "-q")
    child.expect_exact("8")
    assert finish(child) == 0
