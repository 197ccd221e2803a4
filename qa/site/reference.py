"""The API reference: one page per engine module, and source listings kept out of search.

Each public module `qa/core/<name>.py` has its page `docs/reference/<name>.md`, which renders the
module with mkdocstrings (its docstrings, signatures, doctested examples and source); `page` is
its usual text. The build fails, naming the page to write, when a module has none. (The pages
are files, not generated at build time, because mkdocs-static-i18n drops pages that have no file
in docs/.) The section exists when `docs/reference/index.md` does.

Examples:
    >>> print(page("rnn"))
    # qa.core.rnn
    <BLANKLINE>
    ::: qa.core.rnn
        options:
          heading_level: 2
    <BLANKLINE>
"""

from __future__ import annotations

from pathlib import Path

from qa.site.nav import engine_modules

__all__ = ["exclude_sources_from_search", "missing_pages", "page"]

_PAGE = """# qa.core.{name}

::: qa.core.{name}
    options:
      heading_level: 2
"""


def page(name: str) -> str:
    """The Markdown of the reference page of `qa.core.<name>`."""
    return _PAGE.format(name=name)


def missing_pages(docs: Path) -> list[str]:
    """One line per engine module without its reference page, saying what to write."""
    if not (docs / "reference" / "index.md").is_file():
        return []
    return [
        f"engine module qa.core.{name} has no page docs/reference/{name}.md; write it as:\n"
        + page(name)
        for name in engine_modules()
        if not (docs / "reference" / f"{name}.md").is_file()
    ]


def exclude_sources_from_search(html: str) -> str:
    """The page with mkdocstrings' folded source listings marked `data-search-exclude`.

    Search then finds the documentation, not lines of code (and its index is a third smaller).
    """
    return html.replace(
        '<details class="mkdocstrings-source">',
        '<details class="mkdocstrings-source" data-search-exclude>',
    )
