"""A page's number markers, filled from this build's runs, and the note that says so.

`{{ run.NAME }}` takes the number from the question's own run (the run that drew its figures,
`qa.site.figures.RunNumbers`); `{{ exp.EXPERIMENT.NAME }}` from an experiment's full run. In
prose the value becomes a `<span class="dl500-number">` whose tooltip says that the build
computed it, and what it is; in math it is plain text; code is left alone (`qa.numbers`).
`<!-- dl500:computed -->`, on a question's page, becomes a note naming the run and the machine.

Examples:
    >>> print(span("run.x", "0.46", "seed 0"))
    <span class="dl500-number" data-number="run.x"
        title="computed by this build: seed 0">0.46</span>
"""

from __future__ import annotations

import html
import re
from typing import Any

from qa.i18n import tr
from qa.machine import summary
from qa.numbers import fill_markdown, names

__all__ = ["COMPUTED", "computed_note", "fill_page", "span"]

COMPUTED = re.compile(r"^[ \t]*<!--\s*dl500:computed\s*-->[ \t]*$", re.M)


def computed_note(run: Any, lang: str = "en") -> str:
    """The admonition that names the run and the machine behind a page's numbers."""
    machine = summary(run.machine) if run.machine else tr("an unrecorded machine", lang)
    seed = tr(" (seed {seed})", lang, seed=run.seed) if run.seed is not None else ""
    text = tr(
        "The numbers on this page come from the run that drew its figures: "
        "`dl500 run {id}`{seed}, when this site was built, on {machine}. "
        "`dl500 run {id} --numbers` prints them. Another machine gives the same "
        "picture, but its last digits can differ, and after many training steps more than the "
        "last digits: what the text concludes holds on every machine we checked, the digits "
        "are this machine's.",
        lang,
        id=run.question_id,
        seed=seed,
        machine=machine,
    )
    return f'!!! note "{tr("Computed by this build", lang)}"\n\n    {text}\n'


def span(name: str, text: str, about: str = "") -> str:
    """A number in prose: its value, marked as computed by the build, with what it is."""
    tip = "computed by this build" + (f": {about}" if about else "")
    return (
        f'<span class="dl500-number" data-number="{html.escape(name)}" '
        f'title="{html.escape(tip)}">{html.escape(text)}</span>'
    )


def fill_page(
    markdown: str, values: dict[str, str], about: dict[str, str], *, has_note: bool
) -> tuple[str, list[str]]:
    """The page with its number markers filled, and the problems found (empty if none).

    Args:
        markdown: The page.
        values: Printed values by dotted name (`run.*` of its question, `exp.*`).
        about: What each number is, for the tooltips.
        has_note: Whether the page carries `<!-- dl500:computed -->`.
    """
    problems = []
    if any(n.startswith("run.") for n in names(markdown, markdown=True)) and not has_note:
        problems.append("quotes numbers of its run but has no <!-- dl500:computed --> note")
    try:
        markdown = fill_markdown(markdown, values, lambda n, t: span(n, t, about.get(n, "")))
    except KeyError as exc:
        problems.append(str(exc))
    return markdown, problems
