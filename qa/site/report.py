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

from qa.experiments.base import in_language, module_text
from qa.i18n import tr

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


def _duration(seconds: float, lang: str = "en") -> str:
    """How long a run took, in words.

    Examples:
        >>> _duration(0.3), _duration(75), _duration(75, "zh")
        ('under a second', '75 s', '75秒')
    """
    if seconds < 1:
        return tr("under a second", lang)
    return tr("{n} s", lang, n=f"{seconds:.0f}")


def _seeds(outcome: Any, lang: str = "en") -> str:
    seeds = list(getattr(outcome.config, "seeds", ()))
    if len(seeds) > 8 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return tr("{n} seeds, {first}–{last}", lang, n=len(seeds), first=seeds[0], last=seeds[-1])
    message = "{n} seeds: {seeds}" if len(seeds) != 1 else "{n} seed: {seeds}"
    return tr(message, lang, n=len(seeds), seeds=", ".join(map(str, seeds)))


def render(
    outcomes: Sequence[Any],
    *,
    figure: FigureRenderer = _marker,
    page_link: PageLink | None = None,
    heading_level: int = 2,
    lang: str = "en",
) -> str:
    """Markdown of the report: the summary table, then one section per experiment.

    Args:
        outcomes: `qa.experiments.runner.Outcome`s, in report order.
        figure: Markdown for one of an outcome's figures.
        page_link: For a question id, `(title, link)` of its answer page, or None to leave it
            unlinked.
        heading_level: Level of the per-experiment headings.
        lang: The language: in Chinese each experiment gives its own Chinese (`TITLE_ZH`, ...,
            `summary(record, lang="zh")`); the verdicts are the same.

    Returns:
        The Markdown text.
    """
    from qa.machine import summary as machine_summary

    counts = {s: sum(o.verdict.status == s for o in outcomes) for s in VERDICT_LABELS}
    machines = list(dict.fromkeys(machine_summary(o.machine) for o in outcomes if o.machine))
    where = (
        tr("Every result below was computed when this site was built, on {machines}.", lang,
           machines=tr(" and on ", lang).join(escape(m) for m in machines))
        if machines
        else tr("The machine that computed these results was not recorded.", lang)
    )  # fmt: skip
    head = [tr(h, lang) for h in ("Verdict", "Claim", "Source", "Published", "Ours")]
    out = [
        tr(
            "{n} experiments: **{reproduced} reproduced**, **{partly} partly**, "
            "**{not_} not reproduced**.",
            lang,
            n=len(outcomes),
            reproduced=counts["reproduced"],
            partly=counts["partly"],
            not_=counts["not"],
        ),
        "",
        where
        + tr(
            " The verdicts rest on criteria with margins, checked under several BLAS "
            "kernels and thread counts: they are the same on every machine we tried. The numbers "
            "are this machine's: elsewhere their last digits, and after long training more than "
            "the last digits, can differ.",
            lang,
        ),
        "",
        "| # | " + " | ".join(head) + " |",
        "|---|---|---|---|---|---|",
    ]
    verdicts = [
        o.verdict if lang == "en" else in_language(o.module.verdict, o.record, lang)
        for o in outcomes
    ]
    for i, (o, v) in enumerate(zip(outcomes, verdicts, strict=True), start=1):
        m = o.module
        out.append(
            f"| [{i}](#{anchor(o.name)}) | **{tr(VERDICT_LABELS[v.status], lang)}** | "
            f"[{escape(module_text(m, 'TITLE', lang))}](#{anchor(o.name)}) | {escape(m.SOURCE)} | "
            f"{escape(module_text(m, 'PUBLISHED_SHORT', lang))} | "
            f"{escape(in_language(m.headline, o.record, lang))} |"
        )
    out.append("")
    hashes = "#" * heading_level
    label = {k: tr(k, lang) for k in ("Claim.", "Source.", "Published.", "Ours", "Verdict:")}
    stop = "." if lang == "en" else "。"
    for i, (o, v) in enumerate(zip(outcomes, verdicts, strict=True), start=1):
        m = o.module
        out += [
            f"{hashes} {i}. {escape(module_text(m, 'TITLE', lang))} {{ #{anchor(o.name)} }}",
            "",
            f"**{label['Claim.']}** {escape(module_text(m, 'CLAIM', lang))}",
            "",
            f"**{label['Source.']}** {escape(m.SOURCE)}",
            "",
            f"**{label['Published.']}** {escape(module_text(m, 'PUBLISHED', lang))}",
            "",
            f"**{label['Ours']}** {tr('({seeds}).', lang, seeds=escape(_seeds(o, lang)))} "
            f"{escape(in_language(m.summary, o.record, lang))}",
            "",
            f"**{label['Verdict:']} {tr(VERDICT_LABELS[v.status], lang)}{stop}** "
            f"{escape(v.reason.rstrip('.。'))}{'.' if lang == 'en' else '。'}",
            "",
            "| " + " | ".join(tr(h, lang) for h in ("Criterion", "Met", "Numbers")) + " |",
            "|---|---|---|",
        ]
        for c in v.checks:
            core = tr(" (core)", lang) if c.core else ""
            met = tr("yes", lang) if c.passed else f"**{tr('no', lang)}**"
            out.append(f"| {escape(c.name)}{core} | {met} | {escape(c.detail)} |")
        out.append("")
        for spec in m.FIGURES:
            out += [figure(o, spec), ""]
        took = tr(
            "Rerun: {command} (add `--seeds 7,8,9` for other seeds). Took {duration} on the "
            "machine that built this page",
            lang,
            command=f"`dl500 reproduce {o.name}`",
            duration=_duration(o.seconds, lang),
        )
        machine = (
            tr(" ({machine})", lang, machine=escape(machine_summary(o.machine)))
            if o.machine
            else ""
        )
        out += [
            f'??? note "{tr("Set-up and how to rerun", lang)}"',
            "",
            f"    {_config_line(o)}{'.' if lang == 'en' else '。'}",
            "",
            f"    {took}{machine}{'.' if lang == 'en' else '。'}",
            "",
        ]
        if page_link is not None:
            links = [link for q in m.QUESTIONS if (link := page_link(q)) is not None]
            if links:
                pages = tr(", ", lang).join(f"[{escape(title)}]({href})" for title, href in links)
                out += [tr("Used by: {pages}.", lang, pages=pages), ""]
    return "\n".join(out)


def experiment_links(
    question_id: str, outcomes: Sequence[Any], report_href: str, lang: str = "en"
) -> str:
    """Markdown list of the experiments a question's answer relies on, with their verdicts.

    Args:
        question_id: E.g. `"6.7"`.
        outcomes: All outcomes.
        report_href: Link to the report page, relative to the answer page.
        lang: The page's language.

    Returns:
        An admonition listing the experiments, or "" if none relies on the question.
    """
    rows = [o for o in outcomes if question_id in o.module.QUESTIONS]
    if not rows:
        return ""
    items = [
        f"    - [{escape(module_text(o.module, 'TITLE', lang))}]({report_href}#{anchor(o.name)}) — "
        f"**{tr(VERDICT_LABELS[o.verdict.status], lang)}** ({escape(o.module.SOURCE)})"
        for o in rows
    ]
    title = tr("Reproduced in the experiments", lang)
    return f'!!! info "{title}"\n\n' + "\n".join(items) + "\n"


# --------------------------------------------------------------------------- for the site build

FIGURE_VERSION = "dl500-report-figures-3"  # bump when the way figures are saved changes


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
    from qa.viz import to_svg, translate_figure

    target = figure_dir(outcome, cache_root)
    wanted = [
        where / f"{s.name}.svg" for s in outcome.module.FIGURES for where in (target, target / "zh")
    ]
    if all(path.is_file() for path in wanted):
        return target, False
    words = getattr(outcome.module, "FIGURE_WORDS_ZH", {})
    with cache.atomic_directory(target) as staging:
        (staging / "zh").mkdir()
        for spec in outcome.module.FIGURES:
            fig = spec.build(outcome.record)
            (staging / f"{spec.name}.svg").write_bytes(to_svg(fig))
            translate_figure(fig, words)  # the Chinese copy: the same figure, other words
            (staging / "zh" / f"{spec.name}.svg").write_bytes(to_svg(fig, cjk=True))
    for old in target.parent.glob(f"{outcome.name}-*"):
        if old != target and old.name[len(outcome.name) + 1 :].isalnum():
            shutil.rmtree(old, ignore_errors=True)
    return target, True


def experiment_numbers(outcome: Any) -> dict[str, Any]:
    """The experiment's `numbers(record)` (`qa.numbers.Number`s by name), or none."""
    numbers = getattr(outcome.module, "numbers", None)
    return numbers(outcome.record) if numbers is not None else {}
