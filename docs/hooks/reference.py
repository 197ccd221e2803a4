"""The API reference: one page per engine module, and source listings kept out of search.

For each public module `qa/core/<name>.py` without a hand-written `docs/reference/<name>.md`,
the hook adds a generated page `reference/<name>.md` that renders the module with mkdocstrings
(its docstrings, signatures, doctested examples and source), so a new module is documented on
the next build. The section exists when `docs/reference/index.md` does; nav.py lists the pages.

On every page, mkdocstrings' folded source listings are marked `data-search-exclude`: search
then finds the documentation, not lines of code (and its index is a third smaller).
"""

from __future__ import annotations

from pathlib import Path

from dl500_common import engine_modules
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

PAGE = """# qa.core.{name}

::: qa.core.{name}
    options:
      heading_level: 2
"""


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if not (Path(config.docs_dir) / "reference" / "index.md").is_file():
        return files
    for name in engine_modules():
        path = f"reference/{name}.md"
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=PAGE.format(name=name)))
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return html.replace(
        '<details class="mkdocstrings-source">',
        '<details class="mkdocstrings-source" data-search-exclude>',
    )
