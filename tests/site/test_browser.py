"""The built site in a real browser (Debian's Chromium driven by Playwright).

Every page: loads with no console error, asks nothing of any host but 127.0.0.1, renders all
its math with MathJax and no TeX error, and loads every image, each with alt text; that holds
for the Chinese pages under zh/ too. The search finds what the site teaches, in English and in
Chinese (segmented by jieba), every page links to its twin in the other language, and math is
typeset on a page reached by a link.

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
# Chinese queries, each with a page that must be among its hits: the textbook terms, and the
# older synonym readers still search for.
ZH_SEARCHES = {
    "梯度消失": "zh/answers/q6_09b_vanishing_gradients/",
    "梯度弥散": "zh/answers/q6_09b_vanishing_gradients/",
    "反向传播": "zh/answers/q6_09_bptt/",
    "长短期记忆": "zh/answers/q6_10_fixing_vanishing/",
    "梯度裁剪": "zh/answers/q6_07_loss_oscillation/",
}

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


def search_results(browser: Any, url: str, query: str) -> list[str]:
    """The links Material's search lists for `query`, typed on the page at `url`."""
    with visit(browser, url) as seen:
        page = seen.page
        page.keyboard.press("s")  # Material's shortcut; its search listens to key events
        box = page.locator("input.md-search__input")
        if query.isascii():
            box.press_sequentially(query, delay=20)
        else:  # CJK arrives as text input, without key events: fill, then a key to search
            box.fill(query)
            box.press("End")
        meta = page.locator(".md-search-result__meta")
        # Typing starts the query; the index may still be loading, so wait for a verdict.
        page.wait_for_function(
            "() => /\\d+ matching|No matching|\\d+ 个符合|没有找到/i.test("
            "document.querySelector('.md-search-result__meta')?.textContent || '')",
            timeout=15_000,
        )
        assert not seen.outside, seen.outside
        text = meta.inner_text()
        if "no matching" in text.lower() or "没有找到" in text:
            return []
        links = page.locator(".md-search-result__item > a")
        return [links.nth(i).evaluate("a => a.href") for i in range(links.count())]


def search_hits(browser: Any, url: str, query: str) -> int:
    """How many results Material's search lists for `query`, typed on the page at `url`."""
    return len(search_results(browser, url, query))


def navigation_problems(browser: Any, home: str) -> list[str]:
    """Follow the first question link on the home page; check that its math is typeset."""
    with visit(browser, home) as seen:
        page = seen.page
        # Leaving a page cancels what it still loads (the search worker's language files): let
        # it finish first, as a reader does, so that only the next page's failures count.
        page.wait_for_load_state("networkidle")
        page.locator(".md-content table a[href*='answers/']").first.click()
        page.wait_for_url("**/answers/**")
        page.wait_for_function("() => document.querySelectorAll('.arithmatex').length > 0")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.arithmatex')]"
            ".every(el => el.querySelector('mjx-container'))",
            timeout=15_000,
        )
        return list(seen.errors) + [f"request to another host: {u}" for u in seen.outside]


def language_links(browser: Any, url: str) -> dict[str, str]:
    """The page's language switch: language code -> the URL it leads to."""
    with visit(browser, url) as seen:
        links = seen.page.locator(".md-select a[hreflang]")
        return {
            links.nth(i).get_attribute("hreflang"): links.nth(i).evaluate("a => a.href")
            for i in range(links.count())
        }


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


def test_math_is_typeset_after_following_a_link(browser: Any, site_url: str) -> None:
    assert navigation_problems(browser, site_url) == []


@pytest.mark.parametrize(("query", "expected"), ZH_SEARCHES.items())
def test_chinese_search_finds_the_chinese_page(
    browser: Any, site_url: str, query: str, expected: str
) -> None:
    hits = [u.split("#")[0].split("?")[0] for u in search_results(browser, site_url + "zh/", query)]
    assert site_url + expected in hits


ZH_TWINS = [p for p in REAL_PAGES if p.startswith("zh/") and not p.startswith("zh/reference/")]


@pytest.mark.parametrize("path", ZH_TWINS)
def test_every_chinese_page_switches_to_its_english_twin(
    browser: Any, site_url: str, path: str
) -> None:
    links = language_links(browser, site_url + path)
    assert links == {"en": site_url + path.removeprefix("zh/"), "zh": site_url + path}


def test_english_page_switches_to_its_chinese_twin(browser: Any, site_url: str) -> None:
    links = language_links(browser, site_url + "answers/q6_08_forward_pass/")
    assert links["zh"] == site_url + "zh/answers/q6_08_forward_pass/"


@pytest.mark.parametrize("path", ["zh/", "zh/answers/q6_10_fixing_vanishing/"])
def test_chinese_page_speaks_chinese(browser: Any, site_url: str, path: str) -> None:
    with visit(browser, site_url + path) as seen:
        lang = seen.page.evaluate("() => document.documentElement.lang")
        placeholder = seen.page.locator("input.md-search__input").get_attribute("placeholder")
        images = seen.page.evaluate(IMAGES)
    assert lang == "zh"
    assert placeholder == "搜索"
    assert all("/zh/" in i["src"] for i in images if "/figures/" in i["src"])


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


def test_fixture_math_is_typeset_after_following_a_link(browser: Any, fixture_url: str) -> None:
    assert navigation_problems(browser, fixture_url) == []


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
