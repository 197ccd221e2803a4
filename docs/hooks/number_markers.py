"""Fills the number markers of every page from the runs of this build.

`{{ run.NAME }}` takes the number from the question's own run (the run that drew its figures,
recorded by figures.py); `{{ exp.EXPERIMENT.NAME }}` from an experiment's full run (recorded by
report.py). In prose the value becomes a `<span class="dl500-number">` whose tooltip says that the
build computed it, and what it is; in math it is plain text; code is left alone (`qa.numbers`).

`<!-- dl500:computed -->`, on a question's page, becomes a note naming the run and the machine
that computed the page's numbers. A page that quotes its run's numbers must carry one. A marker
that names no number, and a page whose numbers have no such note, are warnings, which fail the
strict build.
"""

from __future__ import annotations

import html
import re
from typing import Any

from dl500_common import (
    EXPERIMENT_NUMBERS,
    RUNS,
    log,
    question_for_page,
    replace_markers,
)
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from qa.machine import summary
from qa.numbers import MissingNumberError, fill_markdown, names


def computed_note(run: Any) -> str:
    """The admonition that names the run and the machine behind a page's numbers."""
    seed = f" (seed {run.seed})" if run.seed is not None else ""
    machine = summary(run.machine) if run.machine else "an unrecorded machine"
    return (
        '!!! note "Computed by this build"\n\n'
        f"    The numbers on this page come from the run that drew its figures: "
        f"`dl500 run {run.question_id}`{seed}, when this site was built, on {machine}. "
        f"`dl500 run {run.question_id} --numbers` prints them. Another machine gives the same "
        "picture, but its last digits can differ, and after many training steps more than the "
        "last digits: what the text concludes holds on every machine we checked, the digits "
        "are this machine's.\n"
    )


@event_priority(-20)  # after the figures, report and markers hooks have expanded their markers
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    src = page.file.src_uri
    q = question_for_page(config, src)
    run = RUNS.get(q.slug) if q is not None else None

    def computed(match: re.Match[str]) -> str | None:
        if match.group(1) != "computed":
            return None
        if run is None:
            log.warning(f"{src}: 'dl500:computed' belongs on a question's page")
            return ""
        return computed_note(run)

    has_note = bool(re.search(r"<!--\s*dl500:computed\s*-->", markdown))
    markdown = replace_markers(markdown, computed)
    values: dict[str, str] = dict(EXPERIMENT_NUMBERS.get("text", {}))
    about: dict[str, str] = dict(EXPERIMENT_NUMBERS.get("about", {}))
    if run is not None:
        values.update(run.plain())
        about.update({f"run.{k}": n.get("about", "") for k, n in run.numbers.items()})
    if any(n.startswith("run.") for n in names(markdown)) and not has_note:
        log.warning(f"{src}: quotes numbers of its run but has no <!-- dl500:computed --> note")

    def span(name: str, text: str) -> str:
        what = about.get(name, "")
        tip = "computed by this build" + (f": {what}" if what else "")
        return (
            f'<span class="dl500-number" data-number="{html.escape(name)}" '
            f'title="{html.escape(tip)}">{html.escape(text)}</span>'
        )

    try:
        return fill_markdown(markdown, values, span)
    except MissingNumberError as exc:
        log.warning(f"{src}: {exc}")
        return markdown
