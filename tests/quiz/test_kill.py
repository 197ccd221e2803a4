"""SIGKILL at random points of piped sessions: the database stays whole and consistent.

A bank of many true/false cards is answered as fast as a pipe can feed it (right, wrong and
invalid answers mixed, so cards are re-asked and re-scheduled), and the process is killed
after a random delay — often in the middle of a transaction. After every kill: the database
passes `PRAGMA integrity_check`; every card's stored state is the state its last answer left;
the log forms one unbroken chain per card; at least every answer whose feedback was printed
is saved, and no more answers than were sent; and the next session runs on the same file.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from .conftest import REPO, subprocess_env

N_CARDS = 1500
NEW_PER_SESSION = 150
KILLS = 10


@pytest.fixture
def big_bank(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    cards = []
    for i in range(N_CARDS):
        truth = "true" if i % 2 else "false"
        cards.append(f"""
[[cards]]
id = "6.8-statement-{i}"
type = "truefalse"
prompt = "Statement number {i} is {truth}."
answer = {truth}
explanation = "By construction."
section = "the-math"
""")
    (bank / "q6_08_forward_pass.toml").write_text("".join(cards))
    return bank


def check_consistent(db) -> int:
    """Assert the invariants; return the number of reviews saved."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if con.execute("PRAGMA user_version").fetchone()[0] == 0:
            # Killed while the database was being created: the schema transaction rolled
            # back whole, and the next session creates it.
            assert con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            return 0
        undone = {row[0] for row in con.execute("SELECT review_id FROM undone")}
        last_after: dict[str, str] = {}
        rows = con.execute(
            "SELECT id, card_id, card_before, card_after, mode FROM review ORDER BY id"
        ).fetchall()
        for review_id, card_id, before, after, mode in rows:
            if mode != "study" or review_id in undone:
                continue
            assert before == last_after.get(card_id), f"broken chain at review {review_id}"
            last_after[card_id] = after
        stored = dict(con.execute("SELECT card_id, fsrs FROM card"))
        assert stored == last_after
        for card_id, fsrs_json in stored.items():
            due = con.execute("SELECT due FROM card WHERE card_id = ?", (card_id,)).fetchone()[0]
            from datetime import datetime

            assert (
                abs(datetime.fromisoformat(json.loads(fsrs_json)["due"]).timestamp() - due) < 1e-3
            )
        return len(rows)
    finally:
        con.close()


def test_sigkill_at_random_points_never_damages_progress(isolated, big_bank, tmp_path):
    rng = random.Random(20261127)
    env = subprocess_env(isolated, DL500_BANK=str(big_bank))
    total_saved = 0
    killed_mid_session = 0
    for kill in range(KILLS):
        answers = [rng.choice(["t", "f", "true", "no", "??"]) for _ in range(3 * NEW_PER_SESSION)]
        out_path = tmp_path / f"out{kill}.txt"
        with out_path.open("wb") as out:
            child = subprocess.Popen(
                [sys.executable, "-m", "qa", "quiz", "--new", str(NEW_PER_SESSION)],
                cwd=REPO,
                env=env,
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            assert child.stdin is not None
            # All answers at once, and the pipe left open: the session races through them
            # (a transaction per answer) and would then wait; the kill lands anywhere.
            child.stdin.write("".join(f"{a}\n" for a in answers).encode())
            child.stdin.flush()
            time.sleep(rng.uniform(0.05, 0.35))
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            child.stdin.close()
        text = out_path.read_text(errors="replace")
        assert "Traceback" not in text
        if child.returncode == -signal.SIGKILL and "answers," not in text:
            killed_mid_session += 1
        db = isolated / "progress.sqlite3"
        if not db.exists():
            continue  # killed before the database was created
        shown = text.count("✓ Correct") + text.count("✗ Wrong")
        saved = check_consistent(db)
        assert shown <= saved - total_saved <= len(answers), f"run {kill}"
        total_saved = saved
    assert killed_mid_session >= KILLS // 2

    finished = subprocess.run(
        [sys.executable, "-m", "qa", "quiz", "--exam", "--limit", "2"],
        cwd=REPO,
        env=env,
        input="t\nf\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert "2 answers" in finished.stdout
    assert check_consistent(isolated / "progress.sqlite3") == total_saved + 2


def test_two_sessions_at_once_keep_one_consistent_history(isolated, big_bank):
    env = subprocess_env(isolated, DL500_BANK=str(big_bank))
    answers = "".join(f"{'t' if i % 3 else 'f'}\n" for i in range(40))
    sessions = [
        subprocess.Popen(
            [sys.executable, "-m", "qa", "quiz", "--new", "30"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [session.communicate(answers, timeout=60) for session in sessions]
    for session, (out, err) in zip(sessions, outputs, strict=True):
        assert session.returncode == 0, err
        assert "all saved" in out
    answered = sum(int(out.split(" answers,")[0].rsplit("\n", 1)[-1]) for out, _ in outputs)
    # Both sessions asked the same new cards; every answer is in the log, each applied on
    # top of the one before it, whichever session gave it.
    assert check_consistent(isolated / "progress.sqlite3") == answered


def test_first_runs_at_once_create_the_database_exactly_once(tmp_path):
    for attempt in range(8):
        home = tmp_path / f"home{attempt}"
        env = subprocess_env(home)
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "qa", command],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in ("settings", "stats", "settings", "stats")
        ]
        for run in runs:
            _, err = run.communicate(timeout=60)
            assert run.returncode == 0, err
        assert check_consistent(home / "progress.sqlite3") == 0
