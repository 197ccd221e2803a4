"""How fast the quiz answers: `dl500 due`, and the time until the first card is on screen.

Usage:
    python bench/bench_quiz.py [--runs 15] [--out bench/results/quiz.json]

Every measurement is a fresh `python -m qa ...` subprocess of this interpreter (the venv's),
timed from launch to exit (`due`) or to the first answer prompt on its output (first card),
against the real card bank and a progress database in a temporary directory:

- `due`: a learner with history (every card reviewed several times over 60 simulated days,
  plus exam answers: a few thousand log rows). Measured with `DL500_HOME` set, and with the
  default data directory found by platformdirs (`XDG_DATA_HOME` pointed at the temporary
  directory), since a shell prompt runs it without `DL500_HOME`.
- first card, new learner: an empty database; the first card is the bank's first.
- first card, numeric: the only card due is a numeric one, so NumPy, the answer module and
  its solver are imported and run before the card can be shown.

Targets (medians, on a 2-core machine): `due` < 100 ms, first card < 400 ms. `python -c pass`
is timed alongside as the floor any Python command pays. Prints a table, writes the numbers
as JSON; exit status 1 only if a measurement cannot be made.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import select
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGETS_MS = {"due": 100.0, "first_card": 400.0}
PROMPT_END = b"> "


def environment(home: Path | None, xdg: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DL500_HOME", "DL500_BANK")}
    env.update(NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
    if home is not None:
        env["DL500_HOME"] = str(home)
    if xdg is not None:
        env["XDG_DATA_HOME"] = str(xdg)
    return env


def time_run(args: list[str], env: dict[str, str]) -> float:
    """Milliseconds from launch to exit of `python ARGS`."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        raise RuntimeError(f"{args} failed: {proc.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def time_first_card(
    args: list[str], env: dict[str, str], timeout: float = 20.0
) -> tuple[float, str]:
    """Milliseconds from launch until the first answer prompt is printed; and the screen."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stdin is not None
    seen = b""
    elapsed = None
    fd = proc.stdout.fileno()
    while time.perf_counter() - start < timeout:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        if b"[1/" in seen and seen.rstrip(b" ").endswith(PROMPT_END.strip()):
            elapsed = (time.perf_counter() - start) * 1000
            break
    proc.stdin.close()  # end of input: the session ends cleanly
    proc.stdin = None  # (communicate would flush it)
    proc.communicate(timeout=timeout)
    screen = seen.decode(errors="replace")
    if elapsed is None:
        raise RuntimeError(f"no card appeared: {screen[-500:]}")
    return elapsed, screen


def populate(home: Path, *, numeric_due: bool) -> str | None:
    """A learner with two months of history; return the id of the card left due (if any)."""
    os.environ["DL500_HOME"] = str(home)
    os.environ.pop("DL500_BANK", None)
    from qa.quiz import schedule
    from qa.quiz.bank import load_bank
    from qa.quiz.store import Store

    bank = load_bank()
    numeric = None
    if numeric_due:  # the first numeric card whose solver works today
        from qa.quiz.bank import SolverError

        for card in (c for c in bank.cards if c.type == "numeric"):
            try:
                bank.draw(card, 0)
            except SolverError:
                continue
            numeric = card
            break
    sched = schedule.scheduler(0.9)
    now = datetime.now(UTC)
    with Store.open(home / "progress.sqlite3") as store:
        for index, card in enumerate(bank.cards):
            # The card left due stops being reviewed 40 days ago; the others up to an hour ago.
            end = now - (timedelta(days=40) if card is numeric else timedelta(hours=1))
            times = [end - timedelta(days=d) for d in (20, 12, 6, 3, 1, 0)]
            for n, when in enumerate(times):
                last = n == len(times) - 1  # ends on Good: due days later, not in 10 minutes
                rating = 1 if (index + n) % 5 == 0 and not last else 3

                def update(before, when=when, rating=rating, card=card):
                    r = schedule.review(sched, before, card.fsrs_id, rating, when)
                    return r.fsrs_json, r.state, r.due.timestamp(), when.timestamp()

                store.record(_row(card, when, rating, "study"), update)
        for n in range(3000):
            card = bank.cards[n % len(bank.cards)]
            store.record(_row(card, now - timedelta(days=60 - n / 60), 3, "exam"), None)
    return numeric.id if numeric else None


def _row(card, when, rating, mode) -> dict:
    return {
        "session": "bench",
        "card_id": card.id,
        "question_id": card.question.id,
        "card_type": card.type,
        "mode": mode,
        "at": when.timestamp(),
        "rating": rating,
        "correct": int(rating > 1),
        "duration_ms": 4000,
        "given": "x",
        "expected": None,
        "params": None,
        "seed": None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "quiz.json")
    args = parser.parse_args(argv)
    runs = max(3, args.runs)

    results: dict = {"benchmark": "quiz start-up", "runs": runs, "measurements": {}}
    rows = []
    with tempfile.TemporaryDirectory(prefix="dl500-bench-quiz-") as tmp:
        tmp_path = Path(tmp)
        history, fresh, numeric_home = tmp_path / "history", tmp_path / "fresh", tmp_path / "num"
        xdg = tmp_path / "xdg"
        try:
            populate(history, numeric_due=False)
            (xdg / "dl500-rnn").mkdir(parents=True)
            (xdg / "dl500-rnn" / "progress.sqlite3").write_bytes(
                (history / "progress.sqlite3").read_bytes()
            )
            numeric_id = populate(numeric_home, numeric_due=True)
            with_history = environment(history)
            measured = {
                "python_pass": [time_run(["-c", "pass"], with_history) for _ in range(runs)],
                "due": [time_run(["-m", "qa", "due", "-q"], with_history) for _ in range(runs)],
                "due_platformdirs": [
                    time_run(["-m", "qa", "due", "-q"], environment(None, xdg)) for _ in range(runs)
                ],
            }
            first_new, first_numeric = [], []
            screen_new = screen_numeric = ""
            for _ in range(runs):
                (fresh / "progress.sqlite3").unlink(missing_ok=True)
                ms, screen_new = time_first_card(["-m", "qa", "quiz"], environment(fresh))
                first_new.append(ms)
            if numeric_id is not None:
                for _ in range(runs):
                    ms, screen_numeric = time_first_card(
                        ["-m", "qa", "quiz", "--new", "0"], environment(numeric_home)
                    )
                    first_numeric.append(ms)
                    if "numeric" not in screen_numeric:
                        raise RuntimeError(f"expected the numeric card {numeric_id} first")
            measured["first_card_new_learner"] = first_new
            if first_numeric:
                measured["first_card_numeric"] = first_numeric
            else:
                print(
                    "bench_quiz: no numeric card can be drawn yet; that case is not measured",
                    file=sys.stderr,
                )
        except RuntimeError as exc:
            print(f"bench_quiz: {exc}", file=sys.stderr)
            return 1

    first_line = next((line for line in screen_new.splitlines() if line.startswith("[1/")), "")
    labels = {
        "python_pass": ("python -c pass (floor)", None),
        "due": ("dl500 due -q (DL500_HOME set)", "due"),
        "due_platformdirs": ("dl500 due -q (platformdirs data dir)", "due"),
        "first_card_new_learner": (
            f"dl500 quiz: first card, new learner ({first_line.partition('] ')[2].strip()})",
            "first_card",
        ),
        "first_card_numeric": ("dl500 quiz: first card, a numeric one", "first_card"),
    }
    meets = True
    for key, samples in measured.items():
        median = statistics.median(samples)
        label, target_key = labels[key]
        target = TARGETS_MS.get(target_key) if target_key else None
        ok = target is None or median < target
        meets &= ok
        results["measurements"][key] = {
            "median_ms": round(median, 1),
            "min_ms": round(min(samples), 1),
            "runs_ms": [round(s, 1) for s in samples],
            "target_ms": target,
            "meets_target": ok if target else None,
        }
        rows.append(
            (
                label,
                f"{median:.0f} ms",
                f"< {target:g} ms" if target else "",
                "" if target is None else ("ok" if ok else "MISSED"),
            )
        )
    results.update(
        targets_ms=TARGETS_MS,
        meets_targets=meets,
        machine={
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        date=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    width = max(len(r[0]) for r in rows)
    print(f"{'quiz start-up (median of ' + str(runs) + ')':<{width}}  {'measured':>9}  target")
    for label, value, target, verdict in rows:
        print(f"{label:<{width}}  {value:>9}  {target:<9} {verdict}")
    print(f"{'meets targets' if meets else 'MISSES TARGETS'}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
