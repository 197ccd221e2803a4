"""The site hooks (docs/hooks), through builds of the fixture site with the project's config.

What a page marker turns into, and that a build stops, naming the page and what is wrong,
when a marker, a figure, a module or a registered page is wrong or missing.
"""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dl500_fixture.answers import q9_01_sine
from dl500_fixture.questions import QUESTIONS
from site_support import FixtureBuild

PAGE = "answers/q9_01_sine/index.html"


class Elements(HTMLParser):
    """Start tags with their attributes, and the text inside chosen elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def between(html: str, start: str, end: str) -> str:
    """The part of `html` from the first `start` to the next `end`."""
    i = html.index(start)
    return html[i : html.index(end, i)]


@pytest.fixture(scope="module")
def page(fixture_site: FixtureBuild) -> str:
    return fixture_site.page(PAGE)


# --- markers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", q9_01_sine.FIGURES, ids=lambda s: s.name)
def test_figure_marker_becomes_figure_with_alt_and_caption(page: str, spec: Any) -> None:
    figure = between(page, f'<figure class="dl500-figure" id="figure-{spec.name}"', "</figure>")
    (img,) = Elements(figure).find("img")
    assert img["src"] == f"../../figures/q9_01_sine/{spec.name}.svg"
    assert img["alt"] == spec.alt.replace("{{ run.samples }}", "64")
    caption = text(between(figure, "<figcaption", "</figcaption>"))
    assert caption.endswith("Reproduce: dl500 run 9.1")
    assert caption.startswith(text(spec.caption.split("$")[0]))


def test_number_markers_show_what_the_build_computed(page: str) -> None:
    expected = str(q9_01_sine.numbers(q9_01_sine.demonstrate())["max_deviation"])
    spans = re.findall(r'<span class="dl500-number" data-number="run.max_deviation" '
                       r'title="([^"]*)">([^<]*)</span>', page)
    assert spans == [("computed by this build: seed 7", expected)]  # in prose: a span
    assert f"|\\varepsilon_t| = {expected}" in page  # in math: the plain value
    assert "<code>{{ run.max_deviation }}</code>" in page  # in code: left as written


def test_computed_note_names_the_run_and_the_machine(page: str) -> None:
    from qa.machine import describe

    note = text(between(page, '<div class="admonition note">', "</div>"))
    assert note.startswith("Computed by this build")
    assert "dl500 run 9.1 (seed 7)" in note and "dl500 run 9.1 --numbers" in note
    assert describe()["numpy"] in note and describe()["cpu"] in note


def test_figures_are_in_the_site(fixture_site: FixtureBuild) -> None:
    for spec in q9_01_sine.FIGURES:
        svg = (fixture_site.site / f"figures/q9_01_sine/{spec.name}.svg").read_bytes()
        assert svg.startswith(b"<?xml")
        assert b"<svg" in svg


def test_marker_inside_fenced_code_is_left_alone(page: str) -> None:
    assert "&lt;!-- dl500:figure signal --&gt;" in page


def test_question_meta_shows_original_title_and_tags(page: str) -> None:
    meta = text(between(page, '<div class="dl500-meta"', "</div>"))
    q = QUESTIONS[0]
    assert q.title_zh in meta
    assert f"§{q.upstream_number}" in meta
    assert all(tag in meta for tag in q.tags)
    assert q.difficulty in meta


def test_interview_answer_is_an_admonition(page: str) -> None:
    box = between(page, '<div class="admonition abstract">', "</div>")
    assert "Gaussian noise" in text(box)


def test_every_card_folds_its_answer(page: str) -> None:
    cards = QUESTIONS[0].data()["cards"]
    for card in cards:
        html = between(page, f'id="card-{card["id"].replace(".", "-")}"', "</details>")
        assert '<details class="question">' in html


def test_choice_card_reveals_the_correct_option_only_in_the_fold(page: str) -> None:
    html = between(page, 'id="card-9-1-noise-mean"', "</div>")
    shown, folded = html.split("<details", 1)
    assert "(a) One" in text(shown)
    assert "(b) Zero" in text(shown)
    assert "correct" not in shown.lower()
    assert "(b) Zero" in text(folded)
    assert "That would shift the whole wave up." in text(folded)


def test_truefalse_card_states_the_verdict_in_the_fold(page: str) -> None:
    html = between(page, 'id="card-9-1-noise-periodic"', "</div>")
    shown, folded = html.split("<details", 1)
    assert "True or false?" in text(shown)
    assert "False." not in text(shown)
    assert "False." in text(folded)


def test_numeric_card_shows_the_variant_drawn_with_seed_zero(page: str) -> None:
    drawn = q9_01_sine.card_sample_count(np.random.default_rng(0))
    periods, per = drawn["params"]["P"], drawn["params"]["N"]
    html = between(page, 'id="card-9-1-sample-count"', "</div>")
    shown, folded = html.split("<details", 1)
    assert f"A signal of {periods} periods has {per} samples per period" in text(shown)
    assert r"x_{t}" in shown  # TeX braces are not placeholders
    assert f"{int(drawn['answer'])} (accepted: ±0.5)" in text(folded)
    assert f"{periods} × {per} samples." in text(folded)


def test_question_table_links_every_question(fixture_site: FixtureBuild) -> None:
    home = fixture_site.page("index.html")
    table = between(home, "<table>", "</table>")
    for q in QUESTIONS:
        assert f'<a href="answers/{q.slug}/">{q.title}</a>' in table
        assert q.title_zh in table


def test_nav_lists_each_question_with_its_id(fixture_site: FixtureBuild) -> None:
    home = fixture_site.page("index.html")
    nav = text(between(home, 'class="md-nav md-nav--primary"', "</nav>"))
    for q in QUESTIONS:
        assert f"{q.id} {q.title}" in nav


def test_module_api_and_doctests_are_on_the_page(page: str) -> None:
    start = 'id="dl500_fixture.answers.q9_01_sine.noisy_sine"'
    section = html.unescape(text(between(page, start, 'id="dl500_fixture.answers.q9_01_sine.demo')))
    assert "Examples:" in section
    squeezed = "".join(section.split())  # highlighting puts spaces between tokens
    assert ">>>xs=noisy_sine(np.random.default_rng(0),steps=8,noise=0.0)" in squeezed


def test_source_listings_are_left_out_of_search(fixture_site: FixtureBuild, page: str) -> None:
    assert "np.sin(2*np.pi*t/32)" in "".join(text(page).split())  # the listing is on the page
    assert '<details class="mkdocstrings-source" data-search-exclude>' in page
    index = (fixture_site.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "np.sin(2" not in index
    assert "A sine wave plus Gaussian noise" in index


def test_mathjax_is_served_by_the_site(fixture_site: FixtureBuild) -> None:
    mathjax = fixture_site.site / "assets/vendor/mathjax"
    assert (mathjax / "tex-chtml.js").is_file()
    assert list((mathjax / "output/chtml/fonts/woff-v2").glob("*.woff"))
    assert (mathjax / "input/tex/extensions/cancel.js").is_file()
    assert (mathjax / "LICENSE").is_file()


# --- caching ---------------------------------------------------------------------------------


def test_rebuild_with_no_change_draws_no_figure(build_fixture_site: Any, tmp_path: Path) -> None:
    first = build_fixture_site(cache=tmp_path / "cache")
    second = build_fixture_site(cache=tmp_path / "cache")
    assert first.returncode == second.returncode == 0, first.log + second.log
    assert "figures: 2 drawn, 0 from the cache" in first.log
    assert "figures: 0 drawn, 2 from the cache" in second.log


def test_two_cold_builds_give_identical_files(build_fixture_site: Any, tmp_path: Any) -> None:
    a = build_fixture_site(cache=tmp_path / "cache-a", site=tmp_path / "site-a")
    b = build_fixture_site(cache=tmp_path / "cache-b", site=tmp_path / "site-b")
    assert a.returncode == b.returncode == 0, a.log + b.log
    files = sorted(p.relative_to(a.site) for p in a.site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b.site) for p in b.site.rglob("*") if p.is_file())
    compared = [f for f in files if f.suffix in (".svg", ".html", ".json")]
    assert [f for f in compared if (a.site / f).read_bytes() != (b.site / f).read_bytes()] == []


# --- failures --------------------------------------------------------------------------------

SINE_PAGE = "answers/q9_01_sine.md"


def with_line(line: str) -> dict[str, str]:
    """The fixture's question page with one more line at its end."""
    from site_support import FIXTURES

    original = (FIXTURES / "docs" / SINE_PAGE).read_text(encoding="utf-8")
    return {SINE_PAGE: f"{original}\n{line}\n"}


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        pytest.param(
            with_line("<!-- dl500:figure no-such-figure -->"),
            [SINE_PAGE, "no-such-figure", "signal, noise"],
            id="unknown-figure",
        ),
        pytest.param(
            with_line("<!-- dl500:flowchart -->"),
            [SINE_PAGE, "unknown marker 'dl500:flowchart'"],
            id="unknown-marker",
        ),
        pytest.param(
            {"notes.md": "# Notes\n\n<!-- dl500:cards -->\n"},
            ["notes.md", "belongs on a question's page"],
            id="question-marker-elsewhere",
        ),
        pytest.param(
            {SINE_PAGE: None},
            ["9.1: page docs/answers/q9_01_sine.md not found"],
            id="registered-page-missing",
        ),
        pytest.param(
            {"answers/q9_09_stray.md": "# A page nobody registered\n"},
            ["answers/q9_09_stray.md"],
            id="unregistered-page",
        ),
        pytest.param(
            with_line("![A remote image](https://example.com/remote.png)"),
            ["External file: https://example.com/remote.png"],
            id="external-asset",
        ),
        pytest.param(
            with_line("See [the missing section](#no-such-section)."),
            [SINE_PAGE, "#no-such-section"],
            id="broken-anchor",
        ),
        pytest.param(
            with_line("It took {{ run.no_such_number }} seconds."),
            [SINE_PAGE, "no number 'run.no_such_number'", "known: run.max_deviation"],
            id="unknown-number",
        ),
        pytest.param(
            with_line("It took {{ runs.max_deviation }} seconds."),
            [SINE_PAGE, "not a number marker: '{{ runs.max_deviation }}'"],
            id="misspelt-number-marker",
        ),
        pytest.param(
            {"notes.md": "# Notes\n\n<!-- dl500:computed -->\n"},
            ["notes.md", "'dl500:computed' belongs on a question's page"],
            id="computed-note-elsewhere",
        ),
    ],
)
def test_build_fails_naming_the_problem(
    build_fixture_site: Any, pages: dict[str, str | None], expected: list[str]
) -> None:
    build = build_fixture_site(pages=pages)
    assert build.returncode != 0
    for fragment in expected:
        assert fragment in build.log


BAD_CARDS = {
    "two-correct-options": (
        '[[cards]]\nid = "9.1-bad"\ntype = "choice"\nprompt = "?"\nexplanation = "."\n'
        'section = "the-math"\n  [[cards.options]]\n  text = "A"\n  correct = true\n'
        '  [[cards.options]]\n  text = "B"\n  correct = true\n',
        "exactly one option must have correct = true",
    ),
    "missing-solver": (
        '[[cards]]\nid = "9.1-bad"\ntype = "numeric"\nprompt = "?"\nexplanation = "."\n'
        'section = "the-math"\nsolver = "no_such_solver"\natol = 0.5\n',
        "has no function no_such_solver",
    ),
}


@pytest.mark.parametrize(("card", "expected"), BAD_CARDS.values(), ids=BAD_CARDS.keys())
def test_build_fails_on_a_card_the_quiz_would_reject(
    build_fixture_site: Any, tmp_path: Path, card: str, expected: str
) -> None:
    from site_support import FIXTURES

    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES / "dl500_fixture" / "answers", bank)
    with (bank / "q9_01_sine.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + card)
    build = build_fixture_site(bank=bank)
    assert build.returncode != 0
    assert SINE_PAGE in build.log
    assert expected in build.log


def test_build_fails_when_a_module_fails(build_fixture_site: Any) -> None:
    build = build_fixture_site(
        answers="dl500_fixture.broken",
        pages={"answers/q9_02_broken.md": "# 9.2 A question whose code fails\n"},
    )
    assert build.returncode != 0
    assert "dl500_fixture.broken.q9_02_broken (9.2) failed while drawing" in build.log
    assert "ZeroDivisionError: the fixture's demonstration divides by zero" in build.log


def test_build_fails_when_mkdocs_yml_lists_a_nav(build_fixture_site: Any) -> None:
    build = build_fixture_site(config_changes={"nav": ["index.md", SINE_PAGE]})
    assert build.returncode != 0
    assert "must not list a 'nav:'" in build.log


# --- the marker scanner ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("a\n<!-- dl500:x -->\nb\n", "a\n[x]\nb\n"),
        ("<!--dl500:x arg-->\n", "[x arg]\n"),
        ("!!! note\n\n    <!-- dl500:x -->\n", "!!! note\n\n    [x]\n"),
        ("```md\n<!-- dl500:x -->\n```\n<!-- dl500:x -->\n", "```md\n<!-- dl500:x -->\n```\n[x]\n"),
        ("````\n```\n<!-- dl500:x -->\n````\n", "````\n```\n<!-- dl500:x -->\n````\n"),
        ("~~~\n<!-- dl500:x -->\n~~~\n", "~~~\n<!-- dl500:x -->\n~~~\n"),
        ("text <!-- dl500:x --> inline\n", "text <!-- dl500:x --> inline\n"),
        ("<!-- dl500:keep -->\n", "<!-- dl500:keep -->\n"),
    ],
    ids=["line", "argument", "indented", "fenced", "longer-fence", "tilde-fence", "inline", "kept"],
)
def test_markers_are_replaced_only_on_their_own_line_outside_code(
    markdown: str, expected: str
) -> None:
    from qa.site.markers import replace_markers

    def replace(match: re.Match[str]) -> str | None:
        if match[1] == "keep":
            return None
        return f"[{match[1]}{' ' + match[2] if match[2] else ''}]"

    assert replace_markers(markdown, replace) == expected
