"""The registry of questions, discovered from the data files beside the answer modules.

A question is its files, and nothing else lists it:

- `qa/answers/<slug>.py` — the answer module (its demonstration, figures and quiz solvers);
- `qa/answers/<slug>.toml` — its data: a `[question]` table (the id, the English title, the
  original Chinese title and number as printed upstream, tags, difficulty), then the interview
  answer and the self-check cards;
- `docs/answers/<slug>.md` — its page.

`dl500 list/show/run`, the site's nav and home table, the quiz bank and the card export all read
this registry, so a question added as those files appears everywhere. Ids are stable (`6.9b` is
ours, for the second section numbered "6.9" upstream); questions are ordered as in the book.

This module imports only the standard library, and reads the data files on first use, so that
`dl500 list`, `dl500 show` and `dl500 due` start fast.

Examples:
    >>> ids()
    ['6.4', '6.5', '6.6', '6.7', '6.8', '6.9', '6.9b', '6.10']
    >>> get("6.8").module
    'qa.answers.q6_08_forward_pass'
    >>> get("6.8").page
    'answers/q6_08_forward_pass.md'
    >>> book_order("6.9b") < book_order("6.10")
    True
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import util
from pathlib import Path
from typing import Any

__all__ = [
    "QUESTIONS",  # noqa: F822 (read from the data files on first use, by __getattr__)
    "Question",
    "RegistryError",
    "UnknownQuestionError",
    "book_order",
    "closest",
    "discover",
    "get",
    "ids",
]

PACKAGE = "qa.answers"
DIFFICULTIES = ("easy", "medium", "hard")
_FIELDS: dict[str, type] = {
    "id": str,
    "title": str,
    "title_zh": str,
    "upstream_number": str,
    "tags": list,
    "difficulty": str,
}


class RegistryError(ValueError):
    """A data file whose `[question]` table is missing or malformed; the message names it."""


@dataclass(frozen=True, kw_only=True)
class Question:
    """One interview question of chapter 6.

    Attributes:
        id: Stable id used everywhere (`"6.8"`, `"6.9b"`).
        slug: Stem shared by the answer module, its data file and its page.
        title: English title.
        title_zh: The original Chinese title, as printed upstream.
        upstream_number: The section number printed upstream (both 6.9 and 6.9b print "6.9").
        tags: Topic tags, used by `dl500 quiz --tag`.
        difficulty: `"easy"`, `"medium"` or `"hard"`.
        package: The package holding the answer module and its data file.
    """

    id: str
    slug: str
    title: str
    title_zh: str
    upstream_number: str
    tags: tuple[str, ...]
    difficulty: str
    package: str = PACKAGE

    @property
    def module(self) -> str:
        """Dotted name of the answer module."""
        return f"{self.package}.{self.slug}"

    @property
    def page(self) -> str:
        """Path of the page, relative to `docs/`."""
        return f"answers/{self.slug}.md"

    @property
    def url(self) -> str:
        """Path of the built page, relative to the site root."""
        return f"answers/{self.slug}/"

    def data(self) -> dict[str, Any]:
        """The question's data file (`question`, `interview_answer`, `cards`), parsed."""
        return _load(str(package_directory(self.package) / f"{self.slug}.toml"))


def package_directory(package: str = PACKAGE) -> Path:
    """The directory of a package of answers (found without importing its modules)."""
    spec = util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RegistryError(f"no package {package!r}")
    return Path(next(iter(spec.submodule_search_locations)))


def book_order(question_id: str) -> tuple[int, int, str]:
    """Sort key of an id in the order of the book: 6.9 < 6.9b < 6.10."""
    match = re.fullmatch(r"(\d+)\.(\d+)([a-z]*)", question_id)
    if match is None:
        raise RegistryError(f"question id {question_id!r} is not like 6.8 or 6.9b")
    return int(match[1]), int(match[2]), match[3]


def discover(package: str = PACKAGE) -> tuple[Question, ...]:
    """Every question whose data file lies in `package`, in book order.

    Raises:
        RegistryError: Naming the file whose `[question]` table is missing or malformed, or the
            two files that claim the same id.
    """
    found: dict[str, Question] = {}
    for path in sorted(package_directory(package).glob("*.toml")):
        q = _question(path, package)
        if q.id in found:
            raise RegistryError(
                f"{path.name}: id {q.id!r} is already taken by {found[q.id].slug}.toml"
            )
        found[q.id] = q
    return tuple(sorted(found.values(), key=lambda q: book_order(q.id)))


def _question(path: Path, package: str) -> Question:
    try:
        table = _load(str(path)).get("question")
    except (OSError, ValueError) as exc:
        raise RegistryError(f"{path.name}: cannot read it: {exc}") from exc
    if not isinstance(table, dict):
        raise RegistryError(f"{path.name}: no [question] table (id, titles, tags, difficulty)")
    problems = [
        f"'{name}' must be a {kind.__name__}"
        for name, kind in _FIELDS.items()
        if not isinstance(table.get(name), kind)
    ]
    if table.get("difficulty") not in DIFFICULTIES:
        problems.append(f"'difficulty' must be one of {', '.join(DIFFICULTIES)}")
    if problems:
        raise RegistryError(f"{path.name}: [question]: " + "; ".join(problems))
    book_order(table["id"])  # a malformed id fails here, naming it
    return Question(
        id=table["id"],
        slug=path.stem,
        title=table["title"],
        title_zh=table["title_zh"],
        upstream_number=table["upstream_number"],
        tags=tuple(table["tags"]),
        difficulty=table["difficulty"],
        package=package,
    )


@cache
def _registry() -> tuple[Question, ...]:
    return discover()


def __getattr__(name: str) -> Any:
    # `QUESTIONS` is read from the data files when first asked for, not at import.
    if name == "QUESTIONS":
        return _registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class UnknownQuestionError(LookupError):
    """Raised by `get` for an id that is not registered; its message lists the known ids."""


def ids() -> list[str]:
    """The registered ids, in book order."""
    return [q.id for q in _registry()]


def closest(text: str) -> str | None:
    """The registered id most similar to `text`, or None when nothing is close.

    Examples:
        >>> closest("6.99")
        '6.9'
        >>> closest("6.9B")
        '6.9b'
        >>> closest("lstm") is None
        True
    """
    lowered = text.strip().lower()
    if lowered in ids():
        return lowered
    matches = difflib.get_close_matches(lowered, ids(), n=1, cutoff=0.6)
    return matches[0] if matches else None


def get(question_id: str) -> Question:
    """The question with this id (case-insensitive, surrounding spaces ignored).

    Raises:
        UnknownQuestionError: For an unknown id; the message names the closest known id.

    Examples:
        >>> get(" 6.9B ").slug
        'q6_09b_vanishing_gradients'
        >>> get("6.99")
        Traceback (most recent call last):
        ...
        qa.questions.UnknownQuestionError: unknown question '6.99' (did you mean 6.9?); ...
    """
    key = question_id.strip().lower()
    for q in _registry():
        if q.id == key:
            return q
    hint = closest(question_id)
    suggestion = f" (did you mean {hint}?)" if hint else ""
    raise UnknownQuestionError(
        f"unknown question {question_id!r}{suggestion}; known ids: {', '.join(ids())}"
    )


@cache
def _load(path: str) -> dict[str, Any]:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))
