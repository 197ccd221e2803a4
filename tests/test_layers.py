"""The package's imports run one way, and no module reaches into another package's privates.

Layers, from the bottom:

    qa.core            the engine
    shared utilities   figure style, caches, numbers and the machine, the question registry
    qa.experiments     the evidence
    qa.answers         the demonstrations
    qa.quiz, qa.site   what is built on the answers: cards and the study quiz, the site
    qa.cli             the command line, which wires everything with plain imports

A module imports from its own layer or below. A module whose name starts with `_` is private to
its package. Every import counts, also one inside a function: a deferred import is still a
dependency. The layer of each module comes from the table below; a new top-level module must be
placed in it, or this test fails and says so.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

QA = Path(__file__).resolve().parents[1] / "qa"

LAYERS = {
    "qa.core": 0,
    "qa.viz": 1,
    "qa.i18n": 1,
    "qa.links": 1,
    "qa.i18n_zh": 1,
    "qa.figures": 1,
    "qa.numbers": 1,
    "qa.machine": 1,
    "qa.sourcehash": 1,
    "qa.cache": 1,
    "qa.questions": 1,
    "qa.experiments": 2,
    "qa.answers": 3,
    "qa.quiz": 4,
    "qa.site": 4,
    "qa.cli": 5,
    "qa.__main__": 5,
    "qa": 1,  # the package's __init__: its version only
}
NAMES = {0: "core", 1: "shared", 2: "experiments", 3: "answers", 4: "quiz/site", 5: "cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(QA.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(name: str) -> int | None:
    """The layer of a `qa` module: its longest prefix in `LAYERS`."""
    parts = name.split(".")
    for k in range(len(parts), 0, -1):
        if ".".join(parts[:k]) in LAYERS:
            return LAYERS[".".join(parts[:k])]
    return None


def package(name: str, is_package: bool) -> str:
    return name if is_package else name.rpartition(".")[0]


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every `qa` module or name imported, at any depth."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    here = module_name(path)
    base = package(here, path.name == "__init__.py")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.rsplit(".", node.level - 1)[0] if node.level > 1 else base
                mod = f"{anchor}.{node.module}" if node.module else anchor
            else:
                mod = node.module or ""
            found.append((node.lineno, mod))
            found += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
    return [(line, name) for line, name in found if name == "qa" or name.startswith("qa.")]


SOURCES = sorted(p for p in QA.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_has_a_layer():
    missing = [module_name(p) for p in SOURCES if layer(module_name(p)) is None]
    assert not missing, f"add these to LAYERS in {__file__}: {missing}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_imports_go_down_the_layers(path):
    here = module_name(path)
    upward = [
        f"line {line}: {name} ({NAMES[layer(name)]}) from {NAMES[layer(here)]}"
        for line, name in imports(path)
        if layer(name) is not None and layer(name) > layer(here)
    ]
    assert not upward, f"{here} imports upward: {upward}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_no_module_imports_another_packages_private_module(path):
    here = module_name(path)
    mine = package(here, path.name == "__init__.py")
    private = []
    for line, name in imports(path):
        parts = name.split(".")
        for k, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:k])
                if owner != mine and not mine.startswith(owner + "."):
                    private.append(f"line {line}: {name}")
                break
    assert not private, f"{here} imports private modules of other packages: {private}"
