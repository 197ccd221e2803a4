"""What the site hooks share: the question registry, the page markers and the logger.

The hooks are MkDocs "hooks" (plain modules listed under `hooks:` in mkdocs.yml). They read
the registry named by `extra.dl500.registry` (default `qa.questions`), so the test fixture can
point a throwaway site at a registry of fake questions.

A marker is an HTML comment alone on its line, outside fenced code:
`<!-- dl500:NAME -->` or `<!-- dl500:NAME ARGUMENT -->`. Numbers are inline markers,
`{{ run.NAME }}` and `{{ exp.EXPERIMENT.NAME }}` (`qa.numbers`), filled by number_markers.py
from the runs that figures.py and report.py leave here in `RUNS` and `EXPERIMENT_NUMBERS`.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("dl500")

DEFAULT_REGISTRY = "qa.questions"
# Reading order of the engine's modules in the API reference; others follow alphabetically.
ENGINE_ORDER = (
    "rnn", "lstm", "gru", "activations", "output", "losses", "model", "unroll",
    "init", "gradcheck", "optim", "train", "tasks", "conv", "norm",
)  # fmt: skip
MARKER = re.compile(r"<!--\s*dl500:([\w-]+)(?:[ \t]+(\S+))?\s*-->")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


@dataclass(frozen=True)
class RunNumbers:
    """What a question's cached run measured, as its figure manifest recorded it.

    Attributes:
        question_id: E.g. `"6.8"`.
        numbers: name -> `{"text", "value", "about"}` (`qa.numbers.Number.to_dict`).
        seed: The seed the run used.
        machine: `qa.machine.describe()` of the process that ran it.
    """

    question_id: str
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    seed: int | None = None
    machine: dict[str, Any] = field(default_factory=dict)

    def plain(self) -> dict[str, str]:
        """`{"run.NAME": printed value}`, for `qa.numbers.fill`."""
        return {f"run.{name}": n["text"] for name, n in self.numbers.items()}


# Filled by figures.py (on_files): question slug -> its run's numbers.
RUNS: dict[str, RunNumbers] = {}
# Filled by report.py (on_files): "exp.NAME.FIELD" -> printed value, and NAME -> machine.
EXPERIMENT_NUMBERS: dict[str, dict[str, Any]] = {}
EXPERIMENT_MACHINES: dict[str, dict[str, Any]] = {}


def registry_name(config: MkDocsConfig) -> str:
    """Dotted name of the registry module this site is built from."""
    return (config.extra.get("dl500") or {}).get("registry", DEFAULT_REGISTRY)


def questions(config: MkDocsConfig) -> Sequence[Any]:
    """The registered questions (objects with `id`, `slug`, `title`, `page`, `module`...)."""
    return importlib.import_module(registry_name(config)).QUESTIONS


def question_for_page(config: MkDocsConfig, src_uri: str) -> Any | None:
    """The question whose page is `src_uri` (relative to docs/), or None."""
    return next((q for q in questions(config) if q.page == src_uri), None)


def engine_modules() -> list[str]:
    """Names of the engine's public modules (qa/core/*.py), in reading order.

    The order of `ENGINE_ORDER` first, then any other module alphabetically.
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


def project_root(config: MkDocsConfig) -> Path:
    """The directory holding mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent


def replace_markers(markdown: str, replace: Callable[[re.Match[str]], str | None]) -> str:
    """Markdown with each marker outside fenced code replaced by `replace(match)`.

    `replace` returns the replacement text, or None to leave the marker for another hook. The
    replacement keeps the marker's indentation, so markers work inside admonitions and tabs.
    """
    out = []
    fence = None  # the fence that opened the code block we are in, e.g. "```"
    for line in markdown.splitlines(keepends=True):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
        elif opening := _FENCE.match(line):
            fence = opening.group(1)
        elif (match := MARKER.fullmatch(stripped)) and (result := replace(match)) is not None:
            indent = line[: len(line) - len(line.lstrip())]
            line = textwrap.indent(result, indent) + "\n"
        out.append(line)
    return "".join(out)
