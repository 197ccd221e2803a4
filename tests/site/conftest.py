"""Fixtures for the tests of the site: the built site, a browser, the fixture site."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from site_support import (
    CHROMIUM_ARGS,
    SITE,
    FixtureBuild,
    build_fixture,
    chromium_path,
    serve,
    unavailable,
)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The built site directory (skip/fail if it was not built)."""
    if not (SITE / "index.html").is_file():
        unavailable(f"no built site at {SITE}: run `make site` first")
    return SITE


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """URL of the built site, served on 127.0.0.1 under its site_url path."""
    server, url = serve(built_site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright (skip/fail if there is none)."""
    executable = chromium_path()
    if executable is None:
        unavailable("no Chromium found (apt-get install chromium, or set CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> FixtureBuild:
    """The fixture site, built once per session; the build must succeed."""
    build = build_fixture(tmp_path_factory.mktemp("fixture-site"))
    assert build.returncode == 0, build.log
    return build


@pytest.fixture
def build_fixture_site(tmp_path: Path, fixture_site: FixtureBuild) -> Callable[..., FixtureBuild]:
    """`build_fixture` in this test's own directory, sharing the fixture site's figure cache.

    Pass `cache=` a fresh directory to test drawing and caching themselves.
    """
    return functools.partial(build_fixture, tmp_path, cache=fixture_site.cache)
