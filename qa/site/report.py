r"""The reproducibility report, as Markdown rendered from experiment outcomes.

`render(outcomes)` gives the body of the site's "Reproducibility report" page: a table of every
experiment (verdict, claim, source, published result, our result — each in a few words) linking
to a section per experiment with the claim in full, the published result and its citation, our
numbers with the seeds and their spread, the verdict with each criterion, and its figures.
`experiment_links` gives the short list an answer page shows of the experiments it relies on.

For the site, `run_all` gets every experiment's full result (from the cache, or by running it),
`draw_figures` saves each result's figures once as deterministic SVG, in a cache keyed by the
result and the code that draws them (`qa.cache.key`), and `experiment_numbers` names the numbers
any page may quote as `{{ exp.NAME.FIELD }}`.

The caller decides how a figure appears (the site's hook passes a function that places the
generated SVG); by default a figure becomes a marker comment.

Examples:
    >>> print(escape("a|b [c] *d* h_1 < 2"))
    a\|b \[c\] \*d\* h\_1 &lt; 2
    >>> VERDICT_LABELS["partly"]
    '◐ partly'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "VERDICT_LABELS",
    "anchor",
    "draw_figures",
    "escape",
    "experiment_links",
    "experiment_numbers",
    "figure_dir",
    "render",
    "run_all",
]

VERDICT_LABELS = {"reproduced": "✔ reproduced", "partly": "◐ partly", "not": "✘ not reproduced"}

_SPECIAL = re.compile(r"([\\`*_\[\]|#])")

FigureRenderer = Callable[[Any, Any], str]  # (outcome, FigureSpec) -> Markdown
PageLink = Callable[[str], "tuple[str, str] | None"]  # question id -> (title, relative link)


def escape(text: str) -> str:
    """Plain text made safe for a Markdown paragraph or table cell (one line)."""
    text = " ".join(str(text).split()).replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def anchor(name: str) -> str:
    """The id of an experiment's section on the report page.

    Examples:
        >>> anchor("vanishing_at_init")
        'exp-vanishing-at-init'
    """
    return "exp-" + name.replace("_", "-")


def _marker(outcome: Any, spec: Any) -> str:
    return f"<!-- dl500:report-figure {outcome.name}/{spec.name} -->"


def _config_line(outcome: Any) -> str:
    from qa.experiments.base import config_dict

    items = []
    for key, value in config_dict(outcome.config).items():
        if key == "seeds":
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        items.append(f"`{key}` = {escape(value)}")
    return "; ".join(items)


def _duration(seconds: float) -> str:
    """How long a run took, in words.

    Examples:
        >>> _duration(0.3), _duration(75)
        ('under a second', '75 s')
    """
    return "under a second" if seconds < 1 else f"{seconds:.0f} s"


def _seeds(outcome: Any) -> str:
    seeds = list(getattr(outcome.config, "seeds", ()))
    if len(seeds) > 8 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{len(seeds)} seeds, {seeds[0]}–{seeds[-1]}"
    return f"{len(seeds)} seed{'s' if len(seeds) != 1 else ''}: " + ", ".join(map(str, seeds))


def render(
    outcomes: Sequence[Any],
    *,
    figure: FigureRenderer = _marker,
    page_link: PageLink | None = None,
    heading_level: int = 2,
) -> str:
    """Markdown of the report: the summary table, then one section per experiment.

    Args:
        outcomes: `qa.experiments.runner.Outcome`s, in report order.
        figure: Markdown for one of an outcome's figures.
        page_link: For a question id, `(title, link)` of its answer page, or None to leave it
            unlinked.
        heading_level: Level of the per-experiment headings.

    Returns:
        The Markdown text.
    """
    from qa.machine import summary as machine_summary

    counts = {s: sum(o.verdict.status == s for o in outcomes) for s in VERDICT_LABELS}
    machines = list(dict.fromkeys(machine_summary(o.machine) for o in outcomes if o.machine))
    where = (
        "Every result below was computed when this site was built, on "
        + " and on ".join(escape(m) for m in machines)
        + "."
        if machines
        else "The machine that computed these results was not recorded."
    )
    out = [
        f"{len(outcomes)} experiments: **{counts['reproduced']} reproduced**, "
        f"**{counts['partly']} partly**, **{counts['not']} not reproduced**.",
        "",
        f"{where} The verdicts rest on criteria with margins, checked under several BLAS "
        "kernels and thread counts: they are the same on every machine we tried. The numbers "
        "are this machine's: elsewhere their last digits, and after long training more than "
        "the last digits, can differ.",
        "",
        "| # | Verdict | Claim | Source | Published | Ours |",
        "|---|---|---|---|---|---|",
    ]
    for i, o in enumerate(outcomes, start=1):
        m = o.module
        out.append(
            f"| [{i}](#{anchor(o.name)}) | **{VERDICT_LABELS[o.verdict.status]}** | "
            f"[{escape(m.TITLE)}](#{anchor(o.name)}) | {escape(m.SOURCE)} | "
            f"{escape(m.PUBLISHED_SHORT)} | {escape(m.headline(o.record))} |"
        )
    out.append("")
    hashes = "#" * heading_level
    for i, o in enumerate(outcomes, start=1):
        m, v = o.module, o.verdict
        out += [
            f"{hashes} {i}. {escape(m.TITLE)} {{ #{anchor(o.name)} }}",
            "",
            f"**Claim.** {escape(m.CLAIM)}",
            "",
            f"**Source.** {escape(m.SOURCE)}",
            "",
            f"**Published.** {escape(m.PUBLISHED)}",
            "",
            f"**Ours** ({escape(_seeds(o))}). {escape(m.summary(o.record))}",
            "",
            f"**Verdict: {VERDICT_LABELS[v.status]}.** {escape(v.reason.rstrip('.'))}.",
            "",
            "| Criterion | Met | Numbers |",
            "|---|---|---|",
        ]
        for c in v.checks:
            core = " (core)" if c.core else ""
            out.append(
                f"| {escape(c.name)}{core} | {'yes' if c.passed else '**no**'} | "
                f"{escape(c.detail)} |"
            )
        out.append("")
        for spec in m.FIGURES:
            out += [figure(o, spec), ""]
        setup = _config_line(o)
        run_cmd = f"`dl500 reproduce {o.name}`"
        out += [
            '??? note "Set-up and how to rerun"',
            "",
            f"    {setup}.",
            "",
            f"    Rerun: {run_cmd} (add `--seeds 7,8,9` for other seeds). Took "
            f"{_duration(o.seconds)} on the machine that built this page"
            + (f" ({escape(machine_summary(o.machine))})." if o.machine else "."),
            "",
        ]
        if page_link is not None:
            links = [link for q in m.QUESTIONS if (link := page_link(q)) is not None]
            if links:
                pages = ", ".join(f"[{escape(title)}]({href})" for title, href in links)
                out += [f"Used by: {pages}.", ""]
    return "\n".join(out)


def experiment_links(question_id: str, outcomes: Sequence[Any], report_href: str) -> str:
    """Markdown list of the experiments a question's answer relies on, with their verdicts.

    Args:
        question_id: E.g. `"6.7"`.
        outcomes: All outcomes.
        report_href: Link to the report page, relative to the answer page.

    Returns:
        An admonition listing the experiments, or "" if none relies on the question.
    """
    rows = [o for o in outcomes if question_id in o.module.QUESTIONS]
    if not rows:
        return ""
    items = [
        f"    - [{escape(o.module.TITLE)}]({report_href}#{anchor(o.name)}) — "
        f"**{VERDICT_LABELS[o.verdict.status]}** ({escape(o.module.SOURCE)})"
        for o in rows
    ]
    return '!!! info "Reproduced in the experiments"\n\n' + "\n".join(items) + "\n"


# --------------------------------------------------------------------------- for the site build

FIGURE_VERSION = "dl500-report-figures-2"  # bump when the way figures are saved changes


def run_all(*, jobs: int = 1, log: Callable[[str], None] = print) -> list[Any]:
    """Every experiment's full result (`qa.experiments.runner.Outcome`), in report order.

    Results come from the experiments' cache; a missing or stale one is run here.
    """
    import time

    from qa.experiments import NAMES
    from qa.experiments.runner import run_experiment

    outcomes, ran = [], []
    for i, name in enumerate(NAMES, 1):
        started = time.perf_counter()
        outcome = run_experiment(name, jobs=jobs)
        if not outcome.from_cache:
            seconds = time.perf_counter() - started
            ran.append(f"{name} ({seconds:.0f}s)")
            log(f"experiment {i}/{len(NAMES)}: ran {name} in {seconds:.0f}s")
        outcomes.append(outcome)
    cached = len(NAMES) - len(ran)
    log(f"report: {cached} experiment(s) from the cache, ran {', '.join(ran) or 'none'}")
    return outcomes


def figure_dir(outcome: Any, cache_root: Path) -> Path:
    """Where an outcome's SVGs live: keyed by its result and by the code that draws them."""
    from qa import cache

    digest = cache.key(
        [outcome.module.__name__, "qa.viz"],
        params={"result": outcome.key},
        libraries=("matplotlib",),
        salt=FIGURE_VERSION,
    )
    return cache_root / "figures" / f"{outcome.name}-{digest[:24]}"


def draw_figures(outcome: Any, cache_root: Path) -> tuple[Path, bool]:
    """The directory of the outcome's figures, drawn if missing; and whether they were drawn."""
    import shutil

    from qa import cache
    from qa.viz import to_svg

    target = figure_dir(outcome, cache_root)
    if all((target / f"{s.name}.svg").is_file() for s in outcome.module.FIGURES):
        return target, False
    with cache.atomic_directory(target) as staging:
        for spec in outcome.module.FIGURES:
            (staging / f"{spec.name}.svg").write_bytes(to_svg(spec.build(outcome.record)))
    for old in target.parent.glob(f"{outcome.name}-*"):
        if old != target and old.name[len(outcome.name) + 1 :].isalnum():
            shutil.rmtree(old, ignore_errors=True)
    return target, True


def experiment_numbers(outcome: Any) -> dict[str, Any]:
    """The experiment's `numbers(record)` (`qa.numbers.Number`s by name), or none."""
    numbers = getattr(outcome.module, "numbers", None)
    return numbers(outcome.record) if numbers is not None else {}
