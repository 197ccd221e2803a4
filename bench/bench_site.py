"""How long the site takes to build: cold, and rebuilt with nothing changed.

Usage:
    python bench/bench_site.py [--config mkdocs.yml] [--rebuilds 3] [--out bench/results/site.json]

Every build is `mkdocs build --strict` into a temporary directory, with the caches of figures
and of the report's experiments in a temporary directory (the real .cache/ and site/ are left
alone). Three kinds of build are timed:

1. cold, everything: both caches empty, as on a fresh clone. Every answer module draws its
   figures while the reproducibility report runs every experiment at full size (minutes: that
   is what the report is, and why its results are cached). Target: ≤ 120 s on 2 cores.
2. cold pages: the figure cache empty, the experiment results of build 1 kept. Every answer
   module draws its figures again: the cost of the question pages. Target: < 60 s.
3. rebuild, no change (median of several): nothing may be drawn or run. Target: < 5 s.

The figures of builds 1 and 2, each drawn from scratch, are compared byte for byte: two cold
builds must give identical files. Prints a table and writes the numbers as JSON. Exit status 1
if a build fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold_s": 120.0, "cold_pages_s": 60.0, "rebuild_s": 5.0}
FIGURES_LINE = re.compile(r"figures: (\d+) drawn, (\d+) from the cache")
REPORT_LINE = re.compile(r"report: .*")  # "... ran adding (85s), latch (1s); drew ..."


def experiment_seconds(log: str) -> int:
    """Seconds the report hook spent running experiments, as its log line says."""
    line = REPORT_LINE.search(log)
    return sum(int(s) for s in re.findall(r"\((\d+)s\)", line[0])) if line else 0


def build(config: Path, site: Path, cache: Path) -> tuple[float, int, int, str]:
    """One strict build: (seconds, figures drawn, figures from the cache, log).

    `cache` holds the answer modules' figures and the report's experiments, so an empty
    `cache` makes a cold build.
    """
    env = {
        **os.environ,
        "DL500_FIGURE_CACHE": str(cache / "figures"),
        "DL500_EXPERIMENT_CACHE": str(cache / "experiments"),
        "MPLBACKEND": "Agg",
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "NO_COLOR": "1",
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)]
    start = time.perf_counter()
    proc = subprocess.run(
        [*command, "-d", str(site)], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"mkdocs build failed (exit {proc.returncode}):\n{log}")
    match = FIGURES_LINE.search(log)
    drawn, cached = (int(match[1]), int(match[2])) if match else (0, 0)
    return seconds, drawn, cached, log


def cached_figures(cache: Path) -> dict[Path, bytes]:
    """The bytes of every figure in a figure cache, by `<slug>-<source key>/<name>.svg`."""
    return {p.relative_to(cache): p.read_bytes() for p in cache.glob("figures/*/*.svg")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--rebuilds", type=int, default=3, help="no-change rebuilds to time")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "site.json")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="dl500-bench-site-") as tmp:
        first, second = Path(tmp) / "first", Path(tmp) / "second"
        try:
            print("cold build, both caches empty (minutes: it runs every experiment)", flush=True)
            cold = build(args.config, first / "site", first / "cache")
            shutil.copytree(first / "cache" / "experiments", second / "cache" / "experiments")
            print("cold build of the pages (experiment results kept)", flush=True)
            pages_cold = build(args.config, second / "site", second / "cache")
            print(f"{args.rebuilds} rebuilds with no change", flush=True)
            rebuilds = [
                build(args.config, second / "site", second / "cache") for _ in range(args.rebuilds)
            ]
        except RuntimeError as exc:
            print(f"bench_site: {exc}", file=sys.stderr)
            return 1
        pages = sum(1 for _ in (second / "site").rglob("*.html"))
        a, b = cached_figures(first / "cache"), cached_figures(second / "cache")
    # Entries are named by the hash of their sources: different names mean that a source file
    # changed between the two builds, and the comparison says nothing. (The report's figures
    # are keyed by result, not by source, so only the answer modules' figures are compared.)
    sources_changed = {p.parent for p in a} != {p.parent for p in b}
    same_figures = not sources_changed and a == b
    experiments = experiment_seconds(cold[3])
    rebuild_times = [r[0] for r in rebuilds]
    results = {
        "benchmark": "site build",
        "command": "mkdocs build --strict",
        "pages": pages,
        "figures": cold[1],
        "cold_s": round(cold[0], 2),
        "cold_report_experiments_s": experiments,
        "cold_pages_s": round(pages_cold[0], 2),
        "cold_pages_figures_drawn": pages_cold[1],
        "cold_pages_report_experiments_s": experiment_seconds(pages_cold[3]),
        "rebuild_s": round(statistics.median(rebuild_times), 2),
        "rebuild_runs_s": [round(t, 2) for t in rebuild_times],
        "rebuild_figures_drawn": max(r[1] for r in rebuilds),
        "rebuild_report_experiments_s": max(experiment_seconds(r[3]) for r in rebuilds),
        "cold_builds_identical_figures": same_figures,
        "sources_changed_during_run": sources_changed,
        "targets": TARGETS,
        "meets_targets": same_figures
        and cold[0] <= TARGETS["cold_s"]
        and pages_cold[0] < TARGETS["cold_pages_s"]
        and statistics.median(rebuild_times) < TARGETS["rebuild_s"]
        and all(r[1] == 0 for r in rebuilds),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    rows = [
        ("cold build, both caches empty", f"{cold[0]:.1f} s", f"≤ {TARGETS['cold_s']:g} s"),
        # The figures are drawn while the experiments run: the two overlap.
        ("  of which running the experiments", f"{experiments} s", ""),
        (
            "cold build of the pages (results cached)",
            f"{pages_cold[0]:.1f} s",
            f"< {TARGETS['cold_pages_s']:g} s",
        ),
        (
            f"rebuild, no change (median of {len(rebuild_times)})",
            f"{results['rebuild_s']:.1f} s",
            f"< {TARGETS['rebuild_s']:g} s",
        ),
        (
            "figures drawn: cold / pages / rebuild",
            f"{cold[1]} / {pages_cold[1]} / {results['rebuild_figures_drawn']}",
            "- / - / 0",
        ),
        ("pages", str(pages), ""),
        (
            "figures of the 2 cold builds identical",
            "n/a" if sources_changed else "yes" if same_figures else "NO",
            "yes",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'site build':<{width}}  {'measured':>10}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>10}  {target}")
    if sources_changed:
        print("note: a source file changed between the two cold builds; run again")
    print(f"{'meets targets' if results['meets_targets'] else 'MISSES TARGETS'}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
