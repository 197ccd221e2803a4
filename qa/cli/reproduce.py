"""`dl500 reproduce`: run the reproductions, grade them, print the table.

Examples:
    >>> parse_seeds("3,4, 5")
    (3, 4, 5)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

from qa.cli.argtypes import at_least
from qa.cli.errors import EXIT_USAGE, CLIError
from qa.experiments import NAMES, closest
from qa.machine import cores

__all__ = ["parse_seeds", "register"]

STATUS_WORDS = {"reproduced": "REPRODUCED", "partly": "PARTLY", "not": "NOT REPRODUCED"}
SMOKE_WORD = "SMOKE RUN"
SMOKE_NOTE = (
    "A quick run is too small to grade: its outcome depends on the seeds and, through rounding, "
    "on the machine."
)


def register(sub: Any) -> None:
    """Add `reproduce` to the `dl500` sub-parsers."""
    p = sub.add_parser(
        "reproduce",
        help="rerun the published results behind the answers, scaled down, and grade them",
        description=(
            "Run scaled-down reproductions of the papers behind the answers (in the order "
            "listed below, or only those named), compare each outcome with the published "
            "result, and print a table: claim, source, published, ours, verdict. Results are "
            "cached by a hash of the code that produced them."
        ),
        epilog="Experiments: " + ", ".join(NAMES) + ".",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="experiments to run (default: all)")
    p.add_argument(
        "--quick",
        action="store_true",
        help=(
            "smoke runs: the small versions the tests run (seconds each), which check that "
            "the code runs but are too small to grade; no verdicts"
        ),
    )
    p.add_argument("--json", action="store_true", help="print only JSON (records included)")
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also write each experiment's figures (SVG) and record (JSON) here",
    )
    p.add_argument(
        "--seeds",
        type=parse_seeds,
        metavar="LIST",
        help="comma-separated seeds to use instead of each experiment's own",
    )
    p.add_argument(
        "--jobs",
        type=_positive,
        default=cores(),
        metavar="N",
        help="processes for independent runs (default: %(default)s)",
    )
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument(
        "--force", action="store_true", help="rerun even if a cached result exists, and replace it"
    )
    p.set_defaults(func=cmd_reproduce)


def parse_seeds(text: str) -> tuple[int, ...]:
    """`"0,1,2"` -> `(0, 1, 2)`; seeds must be whole numbers ≥ 0."""
    try:
        seeds = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated whole numbers, got {text!r}"
        ) from None
    if not seeds or min(seeds) < 0:
        raise argparse.ArgumentTypeError(f"expected one or more seeds ≥ 0, got {text!r}")
    return seeds


_positive = at_least(1)


def _check_names(names: list[str]) -> list[str]:
    for name in names:
        if name not in NAMES:
            hint = closest(name)
            suggestion = f" (did you mean {hint!r}?)" if hint else ""
            raise CLIError(
                f"unknown experiment {name!r}{suggestion}; known: {', '.join(NAMES)}",
                status=EXIT_USAGE,
            )
    return list(dict.fromkeys(names)) or list(NAMES)


def cmd_reproduce(args: argparse.Namespace) -> int:
    """Run the experiments and print the table (or JSON)."""
    names = _check_names(args.names)
    from qa.cli.progress import ProgressBar
    from qa.experiments import load
    from qa.experiments.runner import run_experiment

    out = sys.stderr if args.json else sys.stdout
    outcomes = []
    for i, name in enumerate(names, start=1):
        module = load(name)
        config = module.QUICK if args.quick else module.FULL
        if args.seeds is not None:
            config = dataclasses.replace(config, seeds=args.seeds)
        bar = ProgressBar(f"{name} ({i}/{len(names)})")
        try:
            outcome = run_experiment(
                name,
                config=config,
                use_cache=not args.no_cache,
                force=args.force,
                jobs=args.jobs,
                progress=bar,
            )
        except ValueError as exc:  # a configuration the experiment cannot run with
            raise CLIError(f"{name}: {exc}", status=EXIT_USAGE) from None
        finally:
            bar.close()
        outcomes.append(outcome)
        if not args.json:
            print(_block(i, outcome, _width()), file=out, flush=True)
        if args.out is not None:
            _write(args.out, outcome, out)
    if args.json:
        print(json.dumps([o.to_dict() for o in outcomes], ensure_ascii=False, indent=2))
    else:
        print(_tally(outcomes, quick=args.quick), file=out)
    return 0


def _width() -> int:
    return max(60, min(shutil.get_terminal_size((100, 20)).columns, 110))


def _block(i: int, outcome: Any, width: int) -> str:
    """One experiment as a labelled block of the table."""
    m, v = outcome.module, outcome.verdict
    where = "cached" if outcome.from_cache else "ran"
    head = f"{i:>2}  {outcome.name} — {m.TITLE}"
    word = SMOKE_WORD if v is None else STATUS_WORDS[v.status]
    status = f"{word}  ({where}, {outcome.seconds:.1f}s)"
    lines = [head, f"    {status}"]
    graded = (
        ("verdict", f"{v.status} — {v.reason}")
        if v is not None
        else ("verdict", f"none: {SMOKE_NOTE} `dl500 reproduce {outcome.name}` grades it.")
    )
    fields = (
        ("claim", m.CLAIM),
        ("source", m.SOURCE),
        ("published", m.PUBLISHED),
        ("ours", m.summary(outcome.record)),
        graded,
    )
    for label, text in fields:
        wrapped = textwrap.wrap(" ".join(text.split()), width=width - 15) or [""]
        lines.append(f"    {label:<10} {wrapped[0]}")
        lines.extend(f"    {'':<10} {rest}" for rest in wrapped[1:])
    return "\n".join(lines) + "\n"


def _tally(outcomes: list[Any], *, quick: bool) -> str:
    width = max(len(o.name) for o in outcomes)
    rows = [
        f"  {o.name:<{width}}  "
        f"{SMOKE_WORD if o.verdict is None else STATUS_WORDS[o.verdict.status]:<15} "
        f"{o.module.SOURCE}"
        for o in outcomes
    ]
    graded = [o for o in outcomes if o.verdict is not None]
    counts = {s: sum(o.verdict.status == s for o in graded) for s in STATUS_WORDS}
    size = "quick: smoke runs, no verdicts" if quick else "full"
    tail = f"{len(outcomes)} experiment(s): "
    if graded:
        tail += (
            f"{counts['reproduced']} reproduced, {counts['partly']} partly, "
            f"{counts['not']} not reproduced"
        )
    smoke = len(outcomes) - len(graded)
    if smoke:
        tail += (", " if graded else "") + (
            f"{smoke} smoke run(s) that ran and gave well-formed records. {SMOKE_NOTE} "
            "Run without --quick for the verdicts (or read the site's reproducibility report)"
        )
    return f"Summary ({size}):\n" + "\n".join(rows) + "\n" + tail + "."


def _write(root: Path, outcome: Any, out: Any) -> None:
    from qa.viz import save_svg

    target = root / outcome.name
    try:
        target.mkdir(parents=True, exist_ok=True)
        for spec in outcome.module.FIGURES:
            fig = spec.build(outcome.record)
            print(f"wrote {save_svg(fig, target / f'{spec.name}.svg')}", file=out)
        record = target / "record.json"
        record.write_text(
            json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        print(f"wrote {record}", file=out)
    except OSError as exc:
        raise CLIError(f"cannot write to {target}: {exc.strerror or exc}") from None
