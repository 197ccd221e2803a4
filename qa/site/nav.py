"""The site's nav, made from the question registry, and the check that the files are all there.

Home, one entry per registered question ("6.8 The standard RNN forward pass"), then the pages
that exist among the reproducibility report, Notation & glossary, API reference
(reference/index.md, then one page per engine module), any other top-level page (titled by its
heading) and Changelog.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.i18n import tr

__all__ = ["ENGINE_ORDER", "build_nav", "engine_modules", "missing_parts", "nav_translations"]

# Reading order of the engine's modules in the API reference; others follow alphabetically.
ENGINE_ORDER = (
    "rnn", "lstm", "gru", "activations", "output", "losses", "model", "unroll",
    "init", "gradcheck", "optim", "train", "tasks", "conv", "norm",
)  # fmt: skip


def engine_modules() -> list[str]:
    """Names of the engine's public modules (qa/core/*.py), in reading order.

    Examples:
        >>> engine_modules()[:3]
        ['rnn', 'lstm', 'gru']
    """
    spec = importlib.util.find_spec("qa.core")
    if spec is None or not spec.submodule_search_locations:
        return []
    names = {
        p.stem
        for location in spec.submodule_search_locations
        for p in Path(location).glob("*.py")
        if not p.stem.startswith("_")
    }
    rank = {name: i for i, name in enumerate(ENGINE_ORDER)}
    return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))


def missing_parts(questions: Sequence[Any], docs: Path) -> list[str]:
    """One line per registered question's missing answer module or page."""
    problems = []
    for q in questions:
        spec = importlib.util.find_spec(q.module)
        if spec is None or spec.origin is None:
            problems.append(f"{q.id}: answer module {q.module} not found")
        if not (docs / q.page).is_file():
            problems.append(f"{q.id}: page docs/{q.page} not found")
    return problems


def build_nav(questions: Sequence[Any], docs: Path) -> list[dict[str, Any] | str]:
    """The nav, as the structure `nav:` in mkdocs.yml would hold."""
    nav: list[dict[str, Any] | str] = [
        {"Home": "index.md"},
        {"Questions": [{f"{q.id} {q.title}": q.page} for q in questions]},
    ]
    if (docs / "report.md").is_file():
        nav.append({"Reproducibility report": "report.md"})
    if (docs / "notation.md").is_file():
        nav.append({"Notation & glossary": "notation.md"})
    if (docs / "reference" / "index.md").is_file():
        pages = [f"reference/{name}.md" for name in engine_modules()]
        nav.append({"API reference": ["reference/index.md", *pages]})
    placed = {"index.md", "report.md", "notation.md", "changelog.md"}
    # A page's Chinese twin (page.zh.md) takes its place in the Chinese nav: it is no entry.
    nav.extend(
        p.name for p in sorted(docs.glob("*.md")) if p.name not in placed and ".zh." not in p.name
    )
    if (docs / "changelog.md").is_file():
        nav.append({"Changelog": "changelog.md"})
    return nav


#: The nav's fixed titles, as `build_nav` writes them.
SECTIONS = ("Home", "Questions", "Reproducibility report", "Notation & glossary", "API reference")


def nav_translations(questions: Sequence[Any], lang: str) -> dict[str, str]:
    """The nav's titles in `lang`, for mkdocs-static-i18n's `nav_translations`.

    In Chinese a question goes by the original's title (`6.8 标准RNN前向输出流程`).

    Examples:
        >>> nav_translations([], "zh")["Notation & glossary"]
        '记号与术语表'
    """
    if lang == "en":
        return {}
    out = {title: tr(title, lang) for title in (*SECTIONS, "Changelog")}
    out.update({f"{q.id} {q.title}": f"{q.id} {q.title_zh}" for q in questions})
    return out
