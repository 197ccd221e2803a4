"""The built site in a real browser (Debian's Chromium driven by Playwright).

Every page: loads with no console error, asks nothing of any host but 127.0.0.1, renders all
its math with MathJax and no TeX error, and loads every image, each with alt text. The search
finds what the site teaches, and math is typeset again after Material's instant navigation.

The same checks run on the fixture site (tests/site/fixtures), so the site machinery is tested
even while pages are being written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from site_support import SITE, FixtureBuild, serve

pytestmark = pytest.mark.browser

SEARCHES = ("BPTT", "gradient clipping")

MATH_STATE = """async () => {
    const math = [...document.querySelectorAll(".arithmatex")];
    if (math.length && !(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
        return {count: math.length, loaded: false, unrendered: [], errors: []};
    }
    if (math.length) await MathJax.startup.promise;
    return {
        count: math.length,
        loaded: true,
        unrendered: math.filter(el => !el.querySelector("mjx-container"))
                        .map(el => el.textContent.trim().slice(0, 80)),
        errors: [...document.querySelectorAll("mjx-merror, [data-mjx-error]")]
                    .map(el => el.getAttribute("data-mjx-error") || el.textContent.slice(0, 80)),
    };
}"""

IMAGES = """() => [...document.images].map(img => ({
    src: img.getAttribute("src"),
    width: img.naturalWidth,
    alt: (img.getAttribute("alt") || "").trim(),
}))"""


@dataclass
class Visit:
    """A browser tab on the site, with what went wrong while it was open."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@contextmanager
def visit(browser: Any, url: str) -> Iterator[Visit]:
    """Open `url` in a fresh context that blocks and records requests to any other origin."""
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    context = browser.new_context()
    page = context.new_page()
    seen = Visit(page)

    def route(r: Any) -> None:
        if r.request.url.startswith((origin, "data:", "blob:")):
            r.continue_()
        else:
            seen.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and seen.errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda exc: seen.errors.append(f"uncaught: {exc}"))
    page.on(
        "requestfailed",
        lambda req: req.url.startswith(origin) and seen.errors.append(f"failed: {req.url}"),
    )
    try:
        page.goto(url, wait_until="load")
        yield seen
    finally:
        context.close()


def page_problems(browser: Any, url: str) -> list[str]:
    """Everything wrong with one page, as readable lines (empty when the page is fine)."""
    with visit(browser, url) as seen:
        math = seen.page.evaluate(MATH_STATE)
        images = seen.page.evaluate(IMAGES)
        seen.page.evaluate("() => document.fonts.ready.then(() => true)")
        problems = list(seen.errors)
        problems += [f"request to another host: {u}" for u in seen.outside]
        if not math["loaded"]:
            problems.append(f"{math['count']} math elements but MathJax did not load")
        problems += [f"math not rendered: {tex}" for tex in math["unrendered"]]
        problems += [f"MathJax error: {err}" for err in math["errors"]]
        problems += [f"image did not load: {i['src']}" for i in images if i["width"] == 0]
        problems += [f"image without alt text: {i['src']}" for i in images if not i["alt"]]
    return problems


def search_hits(browser: Any, url: str, query: str) -> int:
    """How many results Material's search lists for `query`, typed on the page at `url`."""
    with visit(browser, url) as seen:
        page = seen.page
        page.keyboard.press("s")  # Material's shortcut; its search listens to key events
        box = page.locator("input.md-search__input")
        box.press_sequentially(query, delay=20)
        meta = page.locator(".md-search-result__meta")
        # Typing starts the query; the index may still be loading, so wait for a verdict.
        page.wait_for_function(
            "() => /\\d+ matching|No matching/i.test("
            "document.querySelector('.md-search-result__meta')?.textContent || '')",
            timeout=15_000,
        )
        assert not seen.outside, seen.outside
        text = meta.inner_text()
        return (
            0 if "no matching" in text.lower() else page.locator(".md-search-result__item").count()
        )


def instant_navigation_problems(browser: Any, home: str) -> list[str]:
    """Follow the first question link on the home page without a reload; check its math."""
    with visit(browser, home) as seen:
        page = seen.page
        page.evaluate("() => { window.__beforeNavigation = true; }")
        page.locator(".md-content table a[href*='answers/']").first.click()
        page.wait_for_url("**/answers/**")
        page.wait_for_function("() => document.querySelectorAll('.arithmatex').length > 0")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.arithmatex')]"
            ".every(el => el.querySelector('mjx-container'))",
            timeout=15_000,
        )
        problems = list(seen.errors) + [f"request to another host: {u}" for u in seen.outside]
        if not page.evaluate("() => window.__beforeNavigation === true"):
            problems.append("the page was reloaded: instant navigation is off")
    return problems


def html_pages(site: Path) -> list[str]:
    """Every HTML page of a site, as a URL path relative to the site root."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        pages.append(rel.removesuffix("index.html"))
    return pages


# --- the real site ---------------------------------------------------------------------------

REAL_PAGES = html_pages(SITE) if (SITE / "index.html").is_file() else ["(site not built)"]


@pytest.mark.parametrize("path", REAL_PAGES)
def test_page_loads_cleanly_offline(browser: Any, site_url: str, path: str) -> None:
    assert page_problems(browser, site_url + path) == []


@pytest.mark.parametrize("query", SEARCHES)
def test_search_finds(browser: Any, site_url: str, query: str) -> None:
    assert search_hits(browser, site_url, query) > 0


def test_math_is_typeset_after_instant_navigation(browser: Any, site_url: str) -> None:
    assert instant_navigation_problems(browser, site_url) == []


# --- the fixture site ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_url(fixture_site: FixtureBuild) -> Iterator[str]:
    server, url = serve(fixture_site.site)
    yield url
    server.shutdown()
    server.server_close()


def test_fixture_pages_load_cleanly_offline(
    browser: Any, fixture_site: FixtureBuild, fixture_url: str
) -> None:
    problems = {p: page_problems(browser, fixture_url + p) for p in html_pages(fixture_site.site)}
    assert {p: found for p, found in problems.items() if found} == {}


def test_fixture_page_renders_its_math_and_figures(browser: Any, fixture_url: str) -> None:
    with visit(browser, fixture_url + "answers/q9_01_sine/") as seen:
        math = seen.page.evaluate(MATH_STATE)
        images = seen.page.evaluate(IMAGES)
    assert math["count"] >= 5
    assert math["unrendered"] == []
    assert sorted(i["src"].rsplit("/", 1)[-1] for i in images) == ["noise.svg", "signal.svg"]
    assert all(i["width"] > 0 for i in images)


@pytest.mark.parametrize("query", SEARCHES)
def test_fixture_search_finds(browser: Any, fixture_url: str, query: str) -> None:
    assert search_hits(browser, fixture_url, query) > 0


def test_fixture_search_misses_absent_words(browser: Any, fixture_url: str) -> None:
    assert search_hits(browser, fixture_url, "xylophone") == 0


def test_fixture_math_is_typeset_after_instant_navigation(browser: Any, fixture_url: str) -> None:
    assert instant_navigation_problems(browser, fixture_url) == []


FAULTY_PAGE = """# Faults

Broken TeX: $x^2^3$ and an image with no alt text:

![](figures/q9_01_sine/signal.svg)

<script>fetch("https://example.com/tracker.json"); notDefinedAnywhere();</script>
"""


def test_page_checks_catch_faults(browser: Any, build_fixture_site: Any) -> None:
    build = build_fixture_site(
        pages={"faulty.md": FAULTY_PAGE},
        config_changes={"validation": {"omitted_files": "info"}},
    )
    assert build.returncode == 0, build.log
    server, url = serve(build.site)
    try:
        problems = page_problems(browser, url + "faulty/")
    finally:
        server.shutdown()
        server.server_close()
    assert any(p.startswith("MathJax error") for p in problems), problems
    assert any(p.startswith("image without alt text") for p in problems), problems
    assert "request to another host: https://example.com/tracker.json" in problems
    assert any("notDefinedAnywhere" in p for p in problems), problems
