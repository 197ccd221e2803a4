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
from pathlib import Path
from typing import Any

from qa.cli.argtypes import at_least
from qa.cli.errors import EXIT_USAGE, CLIError
from qa.experiments import NAMES, closest
from qa.i18n import tr
from qa.machine import cores

__all__ = ["parse_seeds", "register"]

# The words of the table are English here and shown through `tr` (the experiments' own text,
# claim, source, published, ours and the verdict's reason, is printed as it is).
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
            tr("expected comma-separated whole numbers, got {text}", text=repr(text))
        ) from None
    if not seeds or min(seeds) < 0:
        raise argparse.ArgumentTypeError(
            tr("expected one or more seeds ≥ 0, got {text}", text=repr(text))
        )
    return seeds


_positive = at_least(1)


def _check_names(names: list[str]) -> list[str]:
    for name in names:
        if name not in NAMES:
            hint = closest(name)
            raise CLIError(
                tr(
                    "unknown experiment {name}{hint}; known: {known}",
                    name=repr(name),
                    hint=tr(" (did you mean {hint}?)", hint=repr(hint)) if hint else "",
                    known=tr(", ").join(NAMES),
                ),
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


def _status(status: str) -> str:
    """A verdict's status (`reproduced`, `partly`, `not`) in the language of the messages."""
    words = {"reproduced": tr("reproduced"), "partly": tr("partly"), "not": tr("not")}
    return words.get(status, status)


def _pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal columns (a CJK character takes two)."""
    from qa.quiz.term import display_width

    return text + " " * max(0, width - display_width(text))


def _block(i: int, outcome: Any, width: int) -> str:
    """One experiment as a labelled block of the table."""
    from qa.experiments.base import in_language, module_text
    from qa.i18n import current
    from qa.quiz.term import fill

    lang = current()
    m, v = outcome.module, outcome.verdict
    if v is not None and lang != "en":  # the same verdict, in the reader's words
        v = in_language(m.verdict, outcome.record, lang)
    where = tr("cached") if outcome.from_cache else tr("ran")
    head = f"{i:>2}  {outcome.name} — {module_text(m, 'TITLE', lang)}"
    word = tr(SMOKE_WORD) if v is None else tr(STATUS_WORDS[v.status])
    status = tr(
        "{word}  ({where}, {seconds}s)", word=word, where=where, seconds=f"{outcome.seconds:.1f}"
    )
    lines = [head, f"    {status}"]
    if v is not None:
        verdict = f"{_status(v.status)} — {v.reason}"
    else:
        verdict = tr(
            "none: {note} `dl500 reproduce {name}` grades it.",
            note=tr(SMOKE_NOTE),
            name=outcome.name,
        )
    fields = (
        (tr("claim"), module_text(m, "CLAIM", lang)),
        (tr("source"), m.SOURCE),
        (tr("published"), module_text(m, "PUBLISHED", lang)),
        (tr("ours"), in_language(m.summary, outcome.record, lang)),
        (tr("verdict"), verdict),
    )
    for label, text in fields:
        wrapped = fill(" ".join(text.split()), width - 15).splitlines() or [""]
        lines.append(f"    {_pad(label, 10)} {wrapped[0]}")
        lines.extend(f"    {'':<10} {rest}" for rest in wrapped[1:])
    return "\n".join(lines) + "\n"


def _tally(outcomes: list[Any], *, quick: bool) -> str:
    width = max(len(o.name) for o in outcomes)
    rows = [
        f"  {o.name:<{width}}  "
        f"{_pad(tr(SMOKE_WORD if o.verdict is None else STATUS_WORDS[o.verdict.status]), 15)} "
        f"{o.module.SOURCE}"
        for o in outcomes
    ]
    graded = [o for o in outcomes if o.verdict is not None]
    counts = {s: sum(o.verdict.status == s for o in graded) for s in STATUS_WORDS}
    size = tr("quick: smoke runs, no verdicts") if quick else tr("full")
    details = []
    if graded:
        details.append(
            tr(
                "{reproduced} reproduced, {partly} partly, {not_} not reproduced",
                reproduced=counts["reproduced"],
                partly=counts["partly"],
                not_=counts["not"],
            )
        )
    smoke = len(outcomes) - len(graded)
    if smoke:
        details.append(
            tr(
                "{n} smoke run(s) that ran and gave well-formed records. {note} "
                "Run without --quick for the verdicts (or read the site's reproducibility report)",
                n=smoke,
                note=tr(SMOKE_NOTE),
            )
        )
    if len(details) == 2:
        details = [tr("{graded}, {smoke}", graded=details[0], smoke=details[1])]
    tail = tr("{n} experiment(s): {details}.", n=len(outcomes), details="".join(details))
    return tr("Summary ({size}):", size=size) + "\n" + "\n".join(rows) + "\n" + tail


def _write(root: Path, outcome: Any, out: Any) -> None:
    from qa.viz import save_svg

    target = root / outcome.name
    try:
        target.mkdir(parents=True, exist_ok=True)
        for spec in outcome.module.FIGURES:
            fig = spec.build(outcome.record)
            print(tr("wrote {path}", path=save_svg(fig, target / f"{spec.name}.svg")), file=out)
        record = target / "record.json"
        record.write_text(
            json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        print(tr("wrote {path}", path=record), file=out)
    except OSError as exc:
        raise CLIError(
            tr("cannot write to {target}: {reason}", target=target, reason=exc.strerror or exc)
        ) from None
