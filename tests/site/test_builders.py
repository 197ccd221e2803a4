"""The site's page pipeline (`qa.site.build.SiteBuild`), tested without MkDocs.

The build's state is set by hand (a figure, a run's numbers), so each case shows what one marker
or number becomes, and which problems are reported, naming the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from dl500_fixture.questions import SINE
from site_support import FIXTURES

from qa.site.build import SiteBuild
from qa.site.figures import Rendered, RunNumbers

PAGE = SINE.page
MACHINE = {
    "cpu": "Test CPU", "arch": "x86_64", "python": "3.11.7", "numpy": "2.4.6",
    "blas": "OpenBLAS 0.3.31", "kernel": "Haswell", "threads": 1, "settings": "",
}  # fmt: skip


@pytest.fixture
def build() -> tuple[SiteBuild, list[str]]:
    warnings: list[str] = []
    b = SiteBuild(
        docs=FIXTURES / "docs",
        project=Path("."),
        answers="dl500_fixture.answers",
        report_page=None,
        log=lambda _: None,
        warn=warnings.append,
    )
    b.figures[SINE.slug, "en"] = {
        "signal": Rendered("9.1", SINE.slug, "signal", Path("x.svg"), "Up to {{ run.m }}.", "C.")
    }
    b.runs[SINE.slug] = RunNumbers(
        "9.1", {"m": {"text": "0.224", "value": 0.224, "about": "seed 7"}}, 7, MACHINE
    )
    return b, warnings


def test_a_figure_marker_becomes_the_figure_with_its_numbers(build) -> None:
    b, warnings = build
    out = b.page_markdown(PAGE, "<!-- dl500:figure signal -->\n")
    assert '<figure class="dl500-figure" id="figure-signal"' in out
    assert "![Up to 0.224.](../figures/q9_01_sine/signal.svg)" in out and not warnings


def test_numbers_in_prose_are_marked_and_the_note_names_the_run_and_machine(build) -> None:
    b, warnings = build
    out = b.page_markdown(PAGE, "<!-- dl500:computed -->\n\nIt is {{ run.m }}.\n")
    assert "dl500 run 9.1` (seed 7)" in out and "Test CPU (x86_64)" in out
    assert "Haswell kernel, 1 thread" in out
    assert 'title="computed by this build: seed 7">0.224</span>' in out and not warnings


@pytest.mark.parametrize(
    ("src", "markdown", "problem"),
    [
        (PAGE, "<!-- dl500:computed -->\n{{ run.nope }}\n", "no number 'run.nope' (known: run.m)"),
        (PAGE, "{{ run.m }}\n", "has no <!-- dl500:computed --> note"),
        (PAGE, "<!-- dl500:figure nope -->\n", "no figure 'nope'"),
        (PAGE, "<!-- dl500:flowchart -->\n", "unknown marker 'dl500:flowchart'"),
        ("notes.md", "<!-- dl500:cards -->\n", "belongs on a question's page"),
        ("notes.md", "<!-- dl500:report -->\n", "belongs on the report page"),
        (PAGE, "<!-- dl500:experiments -->\n", "needs a report page"),
    ],
    ids=[
        "unknown-number", "no-note", "unknown-figure", "unknown-marker",
        "question-marker-elsewhere", "report-marker-elsewhere", "experiments-without-report",
    ],
)  # fmt: skip
def test_a_problem_is_reported_naming_the_page(build, src: str, markdown: str, problem: str):
    b, warnings = build
    b.page_markdown(src, markdown)
    assert len(warnings) == 1 and warnings[0].startswith(f"{src}: ") and problem in warnings[0]


def test_the_question_table_and_the_nav_come_from_the_registry(build) -> None:
    b, _ = build
    table = b.page_markdown("index.md", "<!-- dl500:question-table -->\n")
    assert "| 9.1 | [What does a noisy sine look like?](answers/q9_01_sine.md) |" in table
    assert {"Questions": [{"9.1 What does a noisy sine look like?": PAGE}]} in b.nav()


def test_the_nav_stops_the_build_naming_a_question_without_its_page(tmp_path) -> None:
    from qa.site.build import SiteError

    b = SiteBuild(docs=tmp_path, project=tmp_path, answers="dl500_fixture.answers")
    with pytest.raises(SiteError, match=r"9\.1: page docs/answers/q9_01_sine\.md not found"):
        b.nav()


def test_the_written_page_drops_the_alternate_links_material_would_fetch(build) -> None:
    b, _ = build
    head = (
        '<head>\n  <link rel="alternate" href="../../answers/x/" hreflang="en">\n'
        '  <link rel="icon" href="icon.png">\n</head>'
    )
    out = b.page_output(head)
    assert 'rel="alternate"' not in out and '<link rel="icon" href="icon.png">' in out
