"""The report's Markdown: a table row and a section per experiment, links that resolve, text
that cannot break the table, and the list an answer page shows."""

import re

from qa.experiments import NAMES
from qa.site.report import VERDICT_LABELS, anchor, escape, experiment_links, render


def test_every_experiment_has_a_row_and_a_section(all_graded):
    text = render(all_graded)
    rows = [line for line in text.splitlines() if re.match(r"^\| \[\d+\]\(#exp-", line)]
    assert len(rows) == len(NAMES)
    for outcome in all_graded:
        assert f"{{ #{anchor(outcome.name)} }}" in text
        assert VERDICT_LABELS[outcome.verdict.status] in text
    assert text.count("<!-- dl500:report-figure ") == sum(len(o.module.FIGURES) for o in all_graded)


def test_every_table_row_has_six_cells(all_graded):
    for line in render(all_graded).splitlines():
        if line.startswith("| [") or line.startswith("| #"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) == 6, line


def test_table_cells_are_short(all_graded):
    for o in all_graded:
        assert len(o.module.PUBLISHED_SHORT) <= 90, o.name
        assert len(o.module.headline(o.record)) <= 160, o.name
        assert len(o.module.TITLE) <= 60, o.name


def test_links_point_at_existing_anchors(all_graded):
    text = render(all_graded)
    targets = set(re.findall(r"\]\(#([\w-]+)\)", text))
    ids = set(re.findall(r"\{ #([\w-]+) \}", text))
    assert targets and targets <= ids


def test_escape_keeps_tables_intact():
    assert escape("|f′·w| < 1") == "\\|f′·w\\| &lt; 1"
    assert escape("a\n  b") == "a b"


def test_summary_counts_match_the_verdicts(all_graded):
    text = render(all_graded)
    n = sum(o.verdict.status == "reproduced" for o in all_graded)
    assert f"**{n} reproduced**" in text


def test_answer_page_list_names_the_experiments_it_relies_on(all_graded):
    text = experiment_links("6.7", all_graded, "../report.md")
    for outcome in all_graded:
        listed = f"../report.md#{anchor(outcome.name)}" in text
        assert listed == ("6.7" in outcome.module.QUESTIONS)
    assert experiment_links("9.99", all_graded, "../report.md") == ""


def test_figures_can_be_placed_by_the_caller(all_graded):
    text = render(all_graded[:1], figure=lambda o, spec: f"FIG {o.name}/{spec.name}")
    assert "FIG derivative_bounds/derivatives" in text


def test_the_report_names_the_machine_that_computed_the_results(all_graded):
    from qa.machine import summary

    text = render(all_graded)
    assert all(o.machine for o in all_graded)
    assert escape(summary(all_graded[0].machine)) in text
    assert "computed when this site was built" in text
