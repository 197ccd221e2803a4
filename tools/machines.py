"""Run the evidence as if on several machines, and say whether it holds on each.

One machine can act as several. OpenBLAS takes its kernel from `OPENBLAS_CORETYPE`, NumPy skips
the SIMD code named in `NPY_DISABLE_CPU_FEATURES`, and `OPENBLAS_NUM_THREADS=1` changes the order
of summation. Each setting below runs in its own processes, never in the tests or CI (on some
machines these variables are set for a reason):

    python tools/machines.py tests                 # evidence tests + doctests under each setting
    python tools/machines.py reproduce             # `dl500 reproduce` (full) under each setting
    python tools/machines.py reproduce --quick --keep DIR   # the smoke runs' records, kept
    python tools/machines.py numbers 6.8 6.7       # `dl500 run ID --numbers` under each setting
    python tools/machines.py tests --settings native,prescott

A setting whose kernel this CPU cannot run (SkylakeX needs AVX-512) is skipped with a note;
`threadpoolctl` reports the kernel that actually ran. `reproduce` exits 1 if the verdicts differ
between settings; `tests` exits 1 if any setting fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# NumPy 2.x dispatches its own loops (exp, tanh, sums...) to X86_V3 (AVX2), X86_V4 (AVX-512) or
# newer targets; disabling the targets above a level runs the code a CPU of that level would.
_ABOVE_AVX2 = "X86_V4 AVX512_ICL AVX512_SPR"
SETTINGS: dict[str, dict[str, str]] = {
    "native": {},
    "one-thread": {"OPENBLAS_NUM_THREADS": "1"},
    "haswell": {"OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": _ABOVE_AVX2},
    "prescott": {
        "OPENBLAS_CORETYPE": "Prescott",
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 " + _ABOVE_AVX2,
    },
    "skylakex": {"OPENBLAS_CORETYPE": "SkylakeX"},
}
NEEDS = {"haswell": "avx2", "skylakex": "avx512f"}

EVIDENCE_TESTS = [
    "qa/core",
    "qa/answers",
    "qa/experiments",
    "qa/numbers.py",
    "qa/machine.py",
    "tests/core",
    "tests/answers",
    "tests/experiments",
]


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def _env(setting: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")
    }
    env.update(SETTINGS[setting])
    env.setdefault("MPLBACKEND", "Agg")
    return env


def kernel(setting: str) -> str:
    """The BLAS kernel and thread count that a process under `setting` really runs."""
    code = (
        "import numpy, threadpoolctl;"
        "i=[x for x in threadpoolctl.threadpool_info() if x['user_api']=='blas'][0];"
        "print(i.get('architecture'), i.get('num_threads'))"
    )
    out = subprocess.run([PY, "-c", code], env=_env(setting), capture_output=True, text=True)
    return out.stdout.strip() or out.stderr.strip().splitlines()[-1]


def _usable(settings: list[str]) -> list[str]:
    flags = _cpu_flags()
    usable = []
    for s in settings:
        need = NEEDS.get(s)
        if need and flags and need not in flags:
            print(f"{s}: skipped, this CPU has no {need}")
            continue
        usable.append(s)
    return usable


def run_tests(settings: list[str], extra: list[str]) -> int:
    failed = []
    for s in settings:
        started = time.monotonic()
        cmd = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", *EVIDENCE_TESTS, *extra]
        proc = subprocess.run(cmd, cwd=ROOT, env=_env(s), capture_output=True, text=True)
        last = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        took = time.monotonic() - started
        print(f"{s:<11} [{kernel(s)}] {last}  ({took:.0f}s)", flush=True)
        if proc.returncode != 0:
            failed.append(s)
            print("\n".join(line for line in proc.stdout.splitlines() if "FAILED" in line))
    return 1 if failed else 0


def run_reproduce(
    settings: list[str], names: list[str], keep: Path | None, quick: bool = False
) -> int:
    verdicts: dict[str, dict[str, str]] = {}
    for s in settings:
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as cache:
            env = {**_env(s), "DL500_EXPERIMENT_CACHE": cache}
            cmd = [PY, "-m", "qa", "reproduce", "--json", *(["--quick"] if quick else []), *names]
            proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{s}: dl500 reproduce failed:\n{proc.stderr[-2000:]}")
            return 1
        rows = json.loads(proc.stdout)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"reproduce-{s}.json").write_text(proc.stdout, encoding="utf-8")
        verdicts[s] = {r["name"]: (r["verdict"] or {}).get("status", "smoke") for r in rows}
        took = time.monotonic() - started
        print(f"{s:<11} [{kernel(s)}] ({took:.0f}s)", flush=True)
    names = list(next(iter(verdicts.values())))
    width = max(map(len, names))
    print(f"\n{'experiment':<{width}}  " + "  ".join(f"{s:<11}" for s in verdicts))
    same = True
    for n in names:
        row = [verdicts[s][n] for s in verdicts]
        same &= len(set(row)) == 1
        flag = "" if len(set(row)) == 1 else "   <-- differs"
        print(f"{n:<{width}}  " + "  ".join(f"{v:<11}" for v in row) + flag)
    print("\nverdicts agree across settings" if same else "\nVERDICTS DIFFER")
    return 0 if same else 1


def run_numbers(settings: list[str], ids: list[str]) -> int:
    for qid in ids:
        print(f"== dl500 run {qid} --numbers")
        for s in settings:
            with tempfile.TemporaryDirectory() as out:
                cmd = [PY, "-m", "qa", "run", qid, "--numbers", "--out", out]
                proc = subprocess.run(cmd, cwd=ROOT, env=_env(s), capture_output=True, text=True)
            text = proc.stdout if proc.returncode == 0 else proc.stderr
            print(f"-- {s} [{kernel(s)}]\n{text.rstrip()}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("tests", "reproduce", "numbers"))
    parser.add_argument("args", nargs="*", help="experiment names or question ids")
    parser.add_argument(
        "--settings",
        default="native,haswell,prescott,one-thread",
        help=f"comma-separated, from: {', '.join(SETTINGS)} (default: %(default)s)",
    )
    parser.add_argument("--keep", type=Path, help="reproduce: keep each setting's JSON here")
    parser.add_argument("--quick", action="store_true", help="reproduce: the quick smoke runs")
    args, extra = parser.parse_known_args(argv)
    unknown = [s for s in args.settings.split(",") if s not in SETTINGS]
    if unknown:
        parser.error(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(SETTINGS)}")
    settings = _usable(args.settings.split(","))
    if args.what == "tests":
        return run_tests(settings, extra + args.args)
    if args.what == "reproduce":
        return run_reproduce(settings, args.args, args.keep, args.quick)
    return run_numbers(settings, args.args or ["6.8"])


if __name__ == "__main__":
    raise SystemExit(main())
