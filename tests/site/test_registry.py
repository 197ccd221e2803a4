"""The registry, the files and the site agree: one list of questions, no page left out.

Every registered question has its answer module, data file, page and nav entry; every answer
module and page is registered; every engine module has an API reference page in the nav.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_support import ROOT

from qa.questions import QUESTIONS

ANSWERS = ROOT / "qa" / "answers"
DOCS = ROOT / "docs"
SLUGS = {q.slug for q in QUESTIONS}


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
@pytest.mark.parametrize(
    "path",
    ["qa/answers/{slug}.py", "qa/answers/{slug}.toml", "docs/answers/{slug}.md"],
    ids=["module", "data", "page"],
)
def test_registered_question_has_its_file(q: object, path: str) -> None:
    assert (ROOT / path.format(slug=q.slug)).is_file()


@pytest.mark.parametrize(
    "pattern", ["docs/answers/*.md", "qa/answers/q*.py", "qa/answers/q*.toml"], ids=str
)
def test_every_answer_file_is_registered(pattern: str) -> None:
    # A page's Chinese twin (q6_08_forward_pass.zh.md) belongs to the same question.
    unregistered = [p.name for p in ROOT.glob(pattern) if p.stem.removesuffix(".zh") not in SLUGS]
    assert unregistered == []


class NavLinks(HTMLParser):
    """(href, text) of each link of Material's navigation menu."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "md-nav__link" in (values.get("class") or "").split():
            self._href, self._text = values.get("href") or "", []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def test_nav_has_one_entry_per_question_in_registry_order(built_site: Path) -> None:
    parser = NavLinks()
    parser.feed((built_site / "index.html").read_text(encoding="utf-8"))
    entries = [(href, label) for href, label in parser.links if "answers/" in href]
    assert entries == [(q.url, f"{q.id} {q.title}") for q in QUESTIONS]


def engine_modules() -> list[str]:
    return sorted(p.stem for p in (ROOT / "qa" / "core").glob("*.py") if not p.stem.startswith("_"))


@pytest.mark.parametrize("name", engine_modules())
def test_engine_module_has_a_reference_page_in_the_nav(built_site: Path, name: str) -> None:
    page = built_site / "reference" / name / "index.html"
    assert f'id="qa.core.{name}.' in page.read_text(encoding="utf-8")
    parser = NavLinks()
    parser.feed((built_site / "index.html").read_text(encoding="utf-8"))
    assert (f"reference/{name}/", f"qa.core.{name}") in parser.links


def test_every_reference_page_documents_an_engine_module() -> None:
    pages = {p.stem for p in (DOCS / "reference").glob("*.md")} - {"index"}
    assert pages - set(engine_modules()) == set()
