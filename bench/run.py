"""`make bench`: run every bench/bench_*.py in turn and say where their JSON went.

Each benchmark prints its own table and writes bench/results/<name>.json. Benchmarks measure
ratios side by side within one run, so a busy machine slows both sides alike; still, run them
on an otherwise idle machine.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    failed = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(
            f"--- {script.stem}: {'ok' if code == 0 else f'FAILED (exit {code})'} "
            f"in {time.monotonic() - start:.0f}s",
            flush=True,
        )
        if code:
            failed.append(script.stem)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\nall {len(scripts)} benchmarks done; results in {HERE / 'results'}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
