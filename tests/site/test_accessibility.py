"""Every built page, in the light and the dark scheme, audited by axe-core (issue #14, item 5).

axe-core (bundled by axe-playwright-python, no network) runs the WCAG 2.0/2.1 A and AA rules in
Debian's Chromium on each page of the built site, English and zh/, once with the system set to
light and once to dark: the site's palette follows the system preference, so this is how a
reader gets each scheme. A page fails on any critical or serious finding, and on any empty table
header (axe files that rule under best practice, as minor; the issue asks for it).

Findings that only Material's own markup causes, and that no content or CSS of ours can change,
are excused in THEME_ONLY, each by rule, selector and reason. Nothing else is. (A header cell
that holds only math is not empty: see SPOKEN_MATH.) The pages are audited at a desktop width
(VIEWPORT); narrower screens make more regions scroll sideways, which this does not cover.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from site_support import SITE, FixtureBuild, serve
from test_browser import html_pages

pytestmark = pytest.mark.browser

# The colour scheme a reader's system asks for -> the scheme Material shows (body attribute).
SCHEMES = {"light": "default", "dark": "slate"}
VIEWPORT = {"width": 1280, "height": 800}

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Not a WCAG rule in axe, but the issue asks for it: a header cell must say what it heads.
    "rules": {"empty-table-header": {"enabled": True}},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"critical", "serious"}
FAILING_RULES = {"empty-table-header"}  # at any impact

# Wait for what changes the page after `load`: the fonts, and MathJax's typesetting.
SETTLE = """async () => {
    await document.fonts.ready;
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        await MathJax.startup.promise;
    }
    return document.body.dataset.mdColorScheme;
}"""


@dataclass(frozen=True)
class Excuse:
    """A finding that only the theme's own markup causes: rule id, target pattern, reason."""

    rule: str
    selector: str  # a regular expression searched in the node's CSS selector (axe's "target")
    reason: str


# Material generates these, and neither our pages nor extra.css can change them. Keep it small:
# an entry must name the markup exactly and say why it is the theme's alone.
THEME_ONLY: tuple[Excuse, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One element that fails one axe rule."""

    rule: str
    impact: str
    target: str
    html: str
    summary: str

    def __str__(self) -> str:
        html = re.sub(r"\s+", " ", self.html)
        html = html if len(html) <= 120 else html[:117] + "..."
        return f"{self.rule} ({self.impact}) {self.target}: {html} -- {self.summary}"


def _target(node: dict[str, Any]) -> str:
    """axe's selector of a node: a list, with nested lists for frames and shadow roots."""
    return " >>> ".join(t if isinstance(t, str) else " > ".join(t) for t in node["target"])


def _summary(node: dict[str, Any]) -> str:
    lines = [line.strip() for line in (node.get("failureSummary") or "").splitlines()]
    return " ".join(line for line in lines[1:] if line)[:200]


def findings(page: Any) -> list[Finding]:
    """Run axe on the page as it stands; every failing node of every violated rule."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, options=AXE_OPTIONS).response
    return [
        Finding(
            rule["id"],
            node.get("impact") or rule["impact"],
            _target(node),
            node["html"],
            _summary(node),
        )
        for rule in response["violations"]
        for node in rule["nodes"]
    ]


def excused(finding: Finding) -> Excuse | None:
    """The THEME_ONLY entry that covers a finding, if any."""
    for excuse in THEME_ONLY:
        if excuse.rule == finding.rule and re.search(excuse.selector, finding.target):
            return excuse
    return None


# The text of a header cell's math, as MathJax gives it to screen readers (its assistive MathML).
# axe reads no MathML and sees MathJax's glyphs only as CSS content, so to axe a header that is
# just math, like `$\gamma$`, is empty; to a reader, looking or listening, it is not.
SPOKEN_MATH = """selector => {
    const cell = document.querySelector(selector);
    return cell ? [...cell.querySelectorAll("mjx-assistive-mml")]
        .map(m => m.textContent).join("").trim() : "";
}"""


def failing(page: Any, found: list[Finding]) -> list[str]:
    """The findings that fail a page, as readable lines."""
    return [
        str(f)
        for f in found
        if (f.impact in FAILING_IMPACTS or f.rule in FAILING_RULES)
        and excused(f) is None
        and not (f.rule == "empty-table-header" and page.evaluate(SPOKEN_MATH, f.target))
    ]


@dataclass
class Tab:
    """One browser tab per scheme, reused for every page."""

    scheme: str
    page: Any

    def audit(self, url: str) -> list[str]:
        """Open `url`, check that the page shows this tab's scheme, and list its failures."""
        self.page.goto(url, wait_until="load")
        shown = self.page.evaluate(SETTLE)
        if shown != SCHEMES[self.scheme]:
            return [f"the page shows scheme {shown!r}, not {SCHEMES[self.scheme]!r}"]
        return failing(self.page, findings(self.page))


@contextmanager
def open_tab(browser: Any, scheme: str, origin: str) -> Iterator[Tab]:
    """A tab whose system asks for `scheme`; requests to hosts other than `origin` are refused."""
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORT)
    context.route(
        "**/*",
        lambda r: (
            r.continue_() if r.request.url.startswith((origin, "data:", "blob:")) else r.abort()
        ),
    )
    try:
        yield Tab(scheme, context.new_page())
    finally:
        context.close()


def origin_of(url: str) -> str:
    return "{0.scheme}://{0.netloc}/".format(urlsplit(url))


# --- the real site ---------------------------------------------------------------------------

REAL_PAGES = html_pages(SITE) if (SITE / "index.html").is_file() else ["(site not built)"]


@pytest.fixture(scope="module", params=list(SCHEMES))
def tab(request: pytest.FixtureRequest, browser: Any, site_url: str) -> Iterator[Tab]:
    """One tab per scheme for the whole module: pytest runs all pages of one scheme together."""
    with open_tab(browser, request.param, origin_of(site_url)) as tab:
        yield tab


@pytest.mark.parametrize("path", REAL_PAGES)
def test_page_is_accessible(tab: Tab, site_url: str, path: str) -> None:
    problems = tab.audit(site_url + path)
    assert not problems, f"{len(problems)} on {tab.scheme} {path}:\n" + "\n".join(problems)


def test_theme_only_excuses_are_few_and_explained() -> None:
    assert len(THEME_ONLY) <= 5
    for excuse in THEME_ONLY:
        re.compile(excuse.selector)
        assert excuse.rule and excuse.selector and len(excuse.reason) > 20, excuse


# --- the audit catches faults ----------------------------------------------------------------

FAULTY_PAGE = r"""# Faults

| | CNN | RNN |
|---|---|---|
| memory | fixed | unbounded |

A <span class="faint" style="color: #808080">faint remark</span> that few can read (4:1 on
either scheme), beside [a link in running text](#faults) that our CSS underlines.

| $\gamma$ | $\phi'$ |
|---|---|
| 1 | $1 - h^2$ |
"""


def test_audit_catches_faults(browser: Any, build_fixture_site: Any) -> None:
    build: FixtureBuild = build_fixture_site(
        pages={"faulty.md": FAULTY_PAGE},
        config_changes={"validation": {"omitted_files": "info"}},
    )
    assert build.returncode == 0, build.log
    server, url = serve(build.site)
    try:
        for scheme in SCHEMES:
            with open_tab(browser, scheme, origin_of(url)) as tab:
                problems = sorted(tab.audit(url + "faulty/"))
            assert len(problems) == 2, (scheme, problems)
            # The empty header cell, not the two that hold only math.
            assert problems[0].startswith("color-contrast (serious) .faint"), problems
            assert problems[1].startswith("empty-table-header (minor) "), problems
            assert "th:nth-child(1): <th></th>" in problems[1], problems
    finally:
        server.shutdown()
        server.server_close()
