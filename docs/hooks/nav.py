"""Builds the site's nav from the question registry, so no page list is written twice.

Home, one entry per registered question ("6.8 The standard RNN forward pass"), then the pages
that exist among the reproducibility report, Notation & glossary, API reference
(reference/index.md, then one page per engine module: see reference.py), any other top-level
page (e.g. contributing.md, titled by its heading) and Changelog.
Before building anything it checks that every registered question has its answer module, its
data file and its page, and stops the build naming whatever is missing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from dl500_common import engine_modules, questions, registry_name
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if config.nav:
        raise PluginError(
            "mkdocs.yml must not list a 'nav:': the nav is generated from "
            f"{registry_name(config)} by docs/hooks/nav.py"
        )
    problems = missing_parts(config)
    if problems:
        raise PluginError(
            "the question registry and the files disagree:\n  " + "\n  ".join(problems)
        )
    config.nav = build_nav(config)
    return config


def missing_parts(config: MkDocsConfig) -> list[str]:
    """One line per registered question's missing module, data file or page."""
    docs = Path(config.docs_dir)
    problems = []
    for q in questions(config):
        spec = importlib.util.find_spec(q.module)
        if spec is None or spec.origin is None:
            problems.append(f"{q.id}: answer module {q.module} not found")
        elif not (toml := Path(spec.origin).with_suffix(".toml")).is_file():
            problems.append(f"{q.id}: data file {toml} not found")
        if not (docs / q.page).is_file():
            problems.append(f"{q.id}: page docs/{q.page} not found")
    return problems


def build_nav(config: MkDocsConfig) -> list[dict[str, Any] | str]:
    """The nav, as the structure `nav:` in mkdocs.yml would hold."""
    docs = Path(config.docs_dir)
    nav: list[dict[str, Any] | str] = [
        {"Home": "index.md"},
        {"Questions": [{f"{q.id} {q.title}": q.page} for q in questions(config)]},
    ]
    if (docs / "report.md").is_file():
        nav.append("report.md")  # titled by its heading
    if (docs / "notation.md").is_file():
        nav.append({"Notation & glossary": "notation.md"})
    if (docs / "reference" / "index.md").is_file():
        pages = [f"reference/{name}.md" for name in engine_modules()]
        nav.append({"API reference": ["reference/index.md", *pages]})
    placed = {"index.md", "report.md", "notation.md", "changelog.md"}
    nav.extend(p.name for p in sorted(docs.glob("*.md")) if p.name not in placed)
    if (docs / "changelog.md").is_file():
        nav.append({"Changelog": "changelog.md"})
    return nav
