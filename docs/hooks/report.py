"""Renders the reproducibility report from the experiments' cached results, with their figures.

On the page holding `<!-- dl500:report -->` (docs/report.md) the marker becomes the report that
`qa.experiments.report.render` makes from the full configuration of every experiment in
`qa.experiments.NAMES`. Results come from the experiments' own cache (`qa.experiments.runner`:
`.cache/experiments/`, or `$DL500_EXPERIMENT_CACHE`), keyed by a hash of the code that produced
them, so a rebuild with no change runs nothing; an experiment whose result is missing or stale is
run here (a first build takes a few minutes). Each result's figures are drawn once as
deterministic SVG (`qa.viz.to_svg`) into the same cache and enter the site as
`figures/experiments/<name>/<figure>.svg`.

On a question's page, `<!-- dl500:experiments -->` becomes a note listing the experiments its
answer relies on (their `QUESTIONS`), with their verdicts and links into the report.

Each experiment's `numbers(record)` is left in `dl500_common.EXPERIMENT_NUMBERS` as
`exp.NAME.FIELD`, for any page to quote (`{{ exp.adding.lstm_median }}`), and fills the
`{{ run.FIELD }}` markers of the experiment's own figure captions and alt texts.

The report page gets a nav entry (before the changelog) unless the nav already lists it.
Nothing runs when the site has no report page.
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import shutil
import time
import traceback
from pathlib import Path
from typing import Any

import matplotlib
from dl500_common import (
    EXPERIMENT_MACHINES,
    EXPERIMENT_NUMBERS,
    log,
    question_for_page,
    questions,
    replace_markers,
)
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from qa.numbers import MissingNumberError, fill, plain

REPORT_PAGE = "report.md"
SITE_DIR = "figures/experiments"
FIGURE_KEY_VERSION = "dl500-report-figures-1"  # bump when the way figures are saved changes

# Filled by on_files, read by on_page_markdown.
_outcomes: list[Any] = []
_figures: dict[tuple[str, str], str] = {}  # (experiment, figure) -> path in the site
_report_src: list[str] = []


def _report_page(config: MkDocsConfig) -> str:
    return (config.extra.get("dl500") or {}).get("report_page", REPORT_PAGE)


def _in_nav(nav: Any, page: str) -> bool:
    if isinstance(nav, str):
        return nav == page
    if isinstance(nav, dict):
        return any(_in_nav(v, page) for v in nav.values())
    if isinstance(nav, list):
        return any(_in_nav(v, page) for v in nav)
    return False


@event_priority(-50)  # after docs/hooks/nav.py has generated the nav
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Give the report page a nav entry (before the changelog) if the nav does not list it."""
    page = _report_page(config)
    nav = config.nav
    if not isinstance(nav, list) or not (Path(config.docs_dir) / page).is_file():
        return config
    if not _in_nav(nav, page):
        at = next((i for i, e in enumerate(nav) if _in_nav(e, "changelog.md")), len(nav))
        nav.insert(at, {"Reproducibility report": page})
    return config


def figure_dir(outcome: Any, cache: Path) -> Path:
    """Where an outcome's SVGs live: keyed by its result and by what draws the figures."""
    import qa.viz

    digest = hashlib.sha256(FIGURE_KEY_VERSION.encode())
    digest.update(outcome.key.encode())
    digest.update(Path(qa.viz.__file__).read_bytes())
    digest.update(f"matplotlib={matplotlib.__version__}".encode())
    return cache / "figures" / f"{outcome.name}-{digest.hexdigest()[:24]}"


def _draw(outcome: Any, target: Path) -> None:
    """Draw every figure of an outcome into `target`, atomically (all files or none)."""
    from qa.viz import to_svg

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    for spec in outcome.module.FIGURES:
        (tmp / f"{spec.name}.svg").write_bytes(to_svg(spec.build(outcome.record)))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    for old in target.parent.glob(f"{outcome.name}-*"):
        if old != target and old.name[len(outcome.name) + 1 :].isalnum():
            shutil.rmtree(old, ignore_errors=True)


def _tail(exc: BaseException, frames: int = 4) -> str:
    lines = traceback.format_exception(exc)
    return "".join(lines[-(frames * 2 + 1) :]).rstrip()


@event_priority(100)  # before plugins that snapshot the file list
def on_files(files: Files, config: MkDocsConfig) -> Files:
    _outcomes.clear()
    _figures.clear()
    _report_src.clear()
    EXPERIMENT_NUMBERS.clear()
    EXPERIMENT_MACHINES.clear()
    page = _report_page(config)
    if files.get_file_from_path(page) is None:
        return files
    _report_src.append(page)

    from qa.experiments import NAMES
    from qa.experiments.runner import cache_dir, run_experiment

    cache = cache_dir()
    jobs = min(2, os.cpu_count() or 1)
    ran, drawn = [], 0
    for name in NAMES:
        started = time.perf_counter()
        try:
            outcome = run_experiment(name, jobs=jobs)
        except Exception as exc:
            raise PluginError(f"report: experiment {name} failed:\n{_tail(exc)}") from exc
        if not outcome.from_cache:
            ran.append(f"{name} ({time.perf_counter() - started:.0f}s)")
        target = figure_dir(outcome, cache)
        specs = outcome.module.FIGURES
        if not all((target / f"{s.name}.svg").is_file() for s in specs):
            try:
                _draw(outcome, target)
            except Exception as exc:
                raise PluginError(
                    f"report: drawing {name}'s figures failed:\n{_tail(exc)}"
                ) from exc
            drawn += len(specs)
        for spec in specs:
            site_path = f"{SITE_DIR}/{name}/{spec.name}.svg"
            files.append(
                File.generated(config, site_path, abs_src_path=str(target / f"{spec.name}.svg"))
            )
            _figures[(name, spec.name)] = site_path
        _outcomes.append(outcome)
        EXPERIMENT_MACHINES[name] = outcome.machine
        for key, number in experiment_numbers(outcome).items():
            EXPERIMENT_NUMBERS.setdefault("text", {})[f"exp.{name}.{key}"] = str(number)
            EXPERIMENT_NUMBERS.setdefault("about", {})[f"exp.{name}.{key}"] = number.about
    log.info(
        f"report: {len(NAMES) - len(ran)} experiment(s) from the cache, ran "
        f"{', '.join(ran) or 'none'}; drew {drawn} figure(s) ({cache})"
    )
    return files


def experiment_numbers(outcome: Any) -> dict[str, Any]:
    """The experiment's `numbers(record)` (`qa.numbers.Number`s by name), or none."""
    numbers = getattr(outcome.module, "numbers", None)
    return numbers(outcome.record) if numbers is not None else {}


def _figure_html(outcome: Any, spec: Any, page_src: str) -> str:
    site_path = _figures[(outcome.name, spec.name)]
    src = posixpath.relpath(site_path, posixpath.dirname(page_src) or ".")
    values = plain(experiment_numbers(outcome))
    try:
        alt, caption = fill(spec.alt, values), fill(spec.caption, values)
    except MissingNumberError as exc:
        log.warning(f"{page_src}: figure {spec.name!r} of experiment {outcome.name}: {exc}")
        return ""
    alt = " ".join(alt.split()).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    caption = " ".join(caption.split())
    ident = f"figure-{outcome.name}-{spec.name}"
    return (
        f'<figure class="dl500-figure" id="{html.escape(ident)}" markdown="block">\n\n'
        f"![{alt}]({src})\n\n"
        f'<figcaption markdown="span">{caption} '
        f"Reproduce: `dl500 reproduce {outcome.name}`</figcaption>\n\n"
        "</figure>"
    )


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    from qa.experiments.report import experiment_links, render

    src = page.file.src_uri
    docs = Path(config.docs_dir)

    def page_link(question_id: str) -> tuple[str, str] | None:
        q = next((q for q in questions(config) if q.id == question_id), None)
        if q is None or not (docs / q.page).is_file():
            return None
        return f"{q.id} {q.title}", posixpath.relpath(q.page, posixpath.dirname(src) or ".")

    def expand(match: Any) -> str | None:
        name = match.group(1)
        if name == "report":
            if not _outcomes:
                log.warning(f"{src}: report marker, but no report page {_report_page(config)!r}")
                return ""
            return render(
                _outcomes, figure=lambda o, s: _figure_html(o, s, src), page_link=page_link
            )
        if name == "experiments":
            q = question_for_page(config, src)
            if q is None or not _report_src:
                log.warning(f"{src}: 'dl500:experiments' needs a question's page and a report page")
                return ""
            href = posixpath.relpath(_report_src[0], posixpath.dirname(src) or ".")
            return experiment_links(q.id, _outcomes, href)
        return None

    return replace_markers(markdown, expand)
