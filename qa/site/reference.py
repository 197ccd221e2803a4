"""The API reference: one page per engine module, and source listings kept out of search.

For each public module `qa/core/<name>.py` without a hand-written `docs/reference/<name>.md`, a
generated page renders the module with mkdocstrings (its docstrings, signatures, doctested
examples and source), so a new module is documented on the next build. The section exists when
`docs/reference/index.md` does.

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

__all__ = ["exclude_sources_from_search", "generated_pages", "page"]

_PAGE = """# qa.core.{name}

::: qa.core.{name}
    options:
      heading_level: 2
"""


def page(name: str) -> str:
    """The Markdown of the reference page of `qa.core.<name>`."""
    return _PAGE.format(name=name)


def generated_pages(docs: Path) -> dict[str, str]:
    """Path under docs/ -> Markdown, for each engine module without a hand-written page."""
    if not (docs / "reference" / "index.md").is_file():
        return {}
    return {
        f"reference/{name}.md": page(name)
        for name in engine_modules()
        if not (docs / "reference" / f"{name}.md").is_file()
    }


def exclude_sources_from_search(html: str) -> str:
    """The page with mkdocstrings' folded source listings marked `data-search-exclude`.

    Search then finds the documentation, not lines of code (and its index is a third smaller).
    """
    return html.replace(
        '<details class="mkdocstrings-source">',
        '<details class="mkdocstrings-source" data-search-exclude>',
    )
