"""The card bank: every question's self-check cards, read from its TOML data file.

A question's cards are the `[[cards]]` tables of `qa/answers/<slug>.toml` (the format is in
docs/contributing.md). Loading uses only the standard library, so `dl500 due` stays fast.
Numeric cards name a *solver*, a function of the question's answer module that draws the
card's parameters and computes the answer with the project's own NumPy code; that module
(and NumPy) is imported only when a numeric card is drawn with `Bank.draw`.

Loading is lenient, validation is strict: `load_bank` skips a malformed card and records why
in `Bank.problems`, so one bad card never stops a learner's session, while the tests require
`problems` to be empty. `check_variant` and `page_anchors` are the remaining checks the tests
run over the real bank (every solver runs, every link resolves).

Setting the environment variable `DL500_BANK` to a directory laid out like `qa/answers`
(`<slug>.toml`, and `<slug>.py` for numeric solvers) loads the cards from there instead; the
tests use it for fixture cards.

Examples:
    >>> fsrs_card_id("6.8-weight-shapes")
    14271485670102
    >>> slugify("What the original says, and what it misses")
    'what-the-original-says-and-what-it-misses'
    >>> fill_placeholders("D = {D}, H = {H}, $h_{t}$", {"D": 3, "H": 0.5, "t": 9})
    'D = 3, H = 0.5, $h_{t}$'
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import threading
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from qa import questions as registry
from qa.i18n import SUFFIX, localize
from qa.questions import Question
from qa.quiz.cardtypes import CARD_TYPES as KINDS
from qa.quiz.variants import SolverError, Variant, check_variant, fill_placeholders, format_value

__all__ = [
    "BANK_ENV",
    "CARD_TYPES",
    "TYPE_NAMES",
    "Bank",
    "Card",
    "Option",
    "SolverError",
    "Variant",
    "check_variant",
    "fill_placeholders",
    "format_value",
    "fsrs_card_id",
    "load_bank",
    "page_anchors",
    "slugify",
]

BANK_ENV = "DL500_BANK"
CARD_TYPES = tuple(KINDS)  # the kinds of card, in the order of `qa.quiz.cardtypes`
TYPE_NAMES = {name: kind.label for name, kind in KINDS.items()}

_COMMON_KEYS = {"id", "type", "prompt", "explanation", "section"}
_CARD_ID = re.compile(r"^(?P<question>[0-9]+\.[0-9]+[a-z]?)-[a-z0-9]+(?:-[a-z0-9]+)*$")
_ANCHOR = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_LOADING = threading.Lock()  # a session may warm a solver module up in a background thread


@dataclass(frozen=True)
class Option:
    """One option of a multiple-choice card.

    Attributes:
        text: The option as shown (Markdown).
        correct: Whether this is the correct option (exactly one is).
        feedback: Optional note shown when a learner picks this (wrong) option.
    """

    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass(frozen=True)
class Card:
    """One self-check card.

    Attributes:
        id: Stable, globally unique id, `"<question id>-<kebab-slug>"`; progress is keyed by it.
        question: The question the card belongs to.
        type: One of `CARD_TYPES`.
        prompt: The question asked (Markdown; numeric cards may hold `{name}` placeholders).
        explanation: Why the answer is what it is, shown after answering (Markdown).
        section: Anchor of the page section the card tests, e.g. `"the-math"`.
        answer: The model answer (recall, Markdown) or the truth value (truefalse).
        options: The options of a choice card, in the order shown.
        solver: Name of the solver function in the answer module (numeric).
        rtol: Relative tolerance accepted for a numeric answer.
        atol: Absolute tolerance accepted for a numeric answer.
        lang: The language of the card's text (`load_bank(lang=...)`).
    """

    id: str
    question: Question
    type: str
    prompt: str
    explanation: str
    section: str
    answer: str | bool | None = None
    options: tuple[Option, ...] = ()
    solver: str | None = None
    rtol: float = 0.0
    atol: float = 0.0
    lang: str = "en"

    @property
    def fsrs_id(self) -> int:
        """The integer id the FSRS scheduler knows this card by (see `fsrs_card_id`)."""
        return fsrs_card_id(self.id)

    @property
    def link(self) -> str:
        """Where to read up on the card: the page source (in the card's language) and anchor."""
        page = self.question.page
        if self.lang != "en":
            page = page.removesuffix(".md") + f".{self.lang}.md"
        return f"docs/{page}#{self.section}"

    @property
    def url(self) -> str:
        """The card's section on the site, in the card's language (`qa.links`)."""
        from qa.links import page_url

        return page_url(self.question.url, self.lang, self.section)

    @property
    def correct_option(self) -> int:
        """Index of the correct option of a choice card."""
        return next(i for i, option in enumerate(self.options) if option.correct)

    def tolerance_text(self) -> str:
        """The accepted error of a numeric card, in words.

        Examples:
            >>> from qa.questions import get
            >>> card = Card(id="6.8-x", question=get("6.8"), type="numeric", prompt="",
            ...             explanation="", section="the-math", rtol=0.01, atol=0.5)
            >>> card.tolerance_text()
            'within 1% or ±0.5'
        """
        parts = []
        if self.rtol > 0:
            parts.append(f"within {self.rtol * 100:g}%")
        if self.atol > 0:
            parts.append(f"±{self.atol:g}")
        return " or ".join(parts)


@dataclass(frozen=True)
class Bank:
    """All cards of all questions, in book order then file order.

    Attributes:
        cards: The valid cards.
        problems: One message per card or file that was skipped, and why.
        directory: The directory the data files were read from.
        packaged: True when the cards come from the answers package itself (solvers are then
            imported as the questions' modules), False for a `DL500_BANK` directory.
    """

    cards: tuple[Card, ...]
    problems: tuple[str, ...]
    directory: Path
    packaged: bool

    def by_id(self) -> dict[str, Card]:
        """The cards keyed by id."""
        return {card.id: card for card in self.cards}

    def select(
        self, questions: Iterable[Question] | None = None, tags: Iterable[str] | None = None
    ) -> list[Card]:
        """The cards of the given questions and/or tags (all cards when both are None)."""
        wanted_ids = {q.id for q in questions} if questions else None
        wanted_tags = set(tags) if tags else None
        return [
            card
            for card in self.cards
            if (wanted_ids is None or card.question.id in wanted_ids)
            and (wanted_tags is None or wanted_tags & set(card.question.tags))
        ]

    def draw(self, card: Card, seed: int) -> Variant:
        """Draw a fresh variant of a numeric card with the card's solver.

        Imports the question's answer module (and with it NumPy) on first use.

        Raises:
            SolverError: The module or solver is missing, the solver fails, or it returns
                something that is not a valid variant (see `check_variant`).
        """
        if card.type != "numeric" or card.solver is None:
            raise SolverError(f"card {card.id} is not a numeric card")
        module = self._module(card.question)
        solver = getattr(module, card.solver, None)
        if not callable(solver):
            raise SolverError(f"card {card.id}: {module.__name__} has no function {card.solver}")
        import numpy as np  # only numeric cards need NumPy

        try:
            result = solver(np.random.default_rng(seed))
        except Exception as exc:  # the solver is project code; report, never crash a session
            raise SolverError(
                f"card {card.id}: {card.solver}() raised {type(exc).__name__}: {exc}"
            ) from exc
        return check_variant(card, result, seed)

    def preload(self, question: Question) -> None:
        """Import a question's answer module ahead of time (errors surface later, in `draw`)."""
        with contextlib.suppress(SolverError):
            self._module(question)

    def _module(self, question: Question) -> ModuleType:
        with _LOADING:
            return self._import(question)

    def _import(self, question: Question) -> ModuleType:
        if self.packaged:
            name = question.module
            try:
                return importlib.import_module(name)
            except Exception as exc:
                raise SolverError(f"cannot import {name}: {type(exc).__name__}: {exc}") from exc
        import hashlib

        where = hashlib.sha256(str(self.directory.resolve()).encode()).hexdigest()[:12]
        name = f"_dl500_bank_{where}_{question.slug}"
        from importlib import util  # only for a DL500_BANK directory

        if name in sys.modules:
            return sys.modules[name]
        path = self.directory / f"{question.slug}.py"
        spec = util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None or not path.is_file():
            raise SolverError(f"no solver module {path}")
        module = util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise SolverError(f"cannot import {path}: {type(exc).__name__}: {exc}") from exc
        return module


def fsrs_card_id(card_id: str) -> int:
    """A stable integer id for FSRS, from the first 6 bytes of the SHA-256 of the string id.

    Python's `hash()` would not do: string hashes are salted per process. Six bytes keep the
    id exact in a JSON number (below 2**53).
    """
    import hashlib  # here, not at the top: loading OpenSSL costs `dl500 due` ~10 ms

    return int.from_bytes(hashlib.sha256(card_id.encode("utf-8")).digest()[:6], "big")


def default_directory(package: str = "qa.answers") -> tuple[Path, bool]:
    """Where cards are read from: `$DL500_BANK`, or the directory of the answers package."""
    override = os.environ.get(BANK_ENV)
    if override:
        return Path(override), False
    return registry.package_directory(package), True


def load_bank(
    directory: Path | None = None,
    questions: Iterable[Question] | None = None,
    lang: str = "en",
) -> Bank:
    """Load and validate the cards of every question.

    Args:
        directory: Directory holding `<slug>.toml` files; default: see `default_directory`.
        questions: The questions whose files are read, in order (default: the registry).
        lang: The language of the cards' text (`qa.i18n.localize`): a card's `prompt_zh`,
            `answer_zh`, ... in Chinese; a field without its Chinese twin stays English. The
            ids, and with them a learner's progress, are the same in both languages.

    Returns:
        The bank; malformed cards are left out and described in `Bank.problems`.
    """
    questions = list(registry.QUESTIONS if questions is None else questions)
    if directory is None:
        package = questions[0].package if questions else registry.PACKAGE
        directory, packaged = default_directory(package)
    else:
        packaged = False
    cards: list[Card] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for question in questions:
        path = directory / f"{question.slug}.toml"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{path.name}: cannot read: {exc}")
            continue
        raw_cards = data.get("cards", [])
        if not isinstance(raw_cards, list):
            problems.append(f"{path.name}: 'cards' must be an array of tables ([[cards]])")
            continue
        for number, raw in enumerate(raw_cards, start=1):
            card, errors = _parse_card(raw, question, lang)
            where = f"{path.name} card {number}" + (f" ({card.id})" if card else "")
            if errors:
                problems.extend(f"{where}: {error}" for error in errors)
                continue
            assert card is not None
            if card.id in seen:
                problems.append(f"{where}: duplicate id {card.id!r} (first in {seen[card.id]})")
                continue
            seen[card.id] = path.name
            cards.append(card)
    return Bank(tuple(cards), tuple(problems), directory, packaged)


def _parse_card(raw: Any, question: Question, lang: str = "en") -> tuple[Card | None, list[str]]:
    """Validate one `[[cards]]` table; return the card in `lang`, or None and the reasons."""
    if not isinstance(raw, Mapping):
        return None, ["a card must be a table"]
    errors: list[str] = []
    twins = [k for k in raw if k.endswith(SUFFIX)]
    for option in raw.get("options", []) if isinstance(raw.get("options"), list) else []:
        if isinstance(option, Mapping):
            twins += [f"options.{k}" for k in option if k.endswith(SUFFIX)]
    known = {"prompt", "explanation", "answer", "options.text", "options.feedback"}
    errors += [
        f"{k!r} is the twin of no text field" for k in twins if k[: -len(SUFFIX)] not in known
    ]
    raw = localize(raw, lang)

    def text(key: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append(f"'{key}' must be a non-empty string")
            return ""
        return value.strip()

    card_id = text("id")
    match = _CARD_ID.match(card_id)
    if card_id and not match:
        errors.append(f"id {card_id!r} must look like '{question.id}-kebab-case-slug'")
    elif match and match["question"] != question.id:
        errors.append(f"id {card_id!r} must start with this question's id '{question.id}-'")
    kind = raw.get("type")
    if kind not in CARD_TYPES:
        errors.append(f"'type' must be one of {', '.join(CARD_TYPES)}, not {kind!r}")
        return None, errors
    unknown = set(raw) - _COMMON_KEYS - KINDS[kind].keys
    if unknown:
        errors.append(f"unknown keys for a {kind} card: {', '.join(sorted(unknown))}")
    prompt = text("prompt")
    explanation = text("explanation")
    section = text("section")
    if section and not _ANCHOR.match(section):
        errors.append(f"'section' {section!r} must be a heading anchor such as 'the-math'")
    fields = KINDS[kind].parse(raw, errors, text)
    if errors:
        return (
            Card(card_id, question, kind, prompt, explanation, section) if card_id else None,
            errors,
        )
    return Card(card_id, question, kind, prompt, explanation, section, **fields, lang=lang), []


def slugify(heading: str) -> str:
    """The anchor MkDocs gives a heading (Python-Markdown's default `toc` slugify).

    Examples:
        >>> slugify("The math"), slugify("See it run"), slugify("Why `tanh'` ≤ 1")
        ('the-math', 'see-it-run', 'why-tanh-1')
    """
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def page_anchors(markdown: str) -> set[str]:
    r"""The anchors of every heading of a Markdown page (fenced code blocks skipped).

    Honours an explicit `{#anchor}` attribute and numbers repeated headings as MkDocs does
    (`intro`, `intro_1`, ...).

    Examples:
        >>> sorted(page_anchors("# T\n## The math\n```\n## not a heading\n```\n## The math"))
        ['t', 'the-math', 'the-math_1']
    """
    anchors: set[str] = set()
    fence: str | None = None
    for line in markdown.splitlines():
        stripped = line.strip()
        marker = re.match(r"^(`{3,}|~{3,})", stripped)
        if marker:
            if fence is None:
                fence = marker[1][0] * len(marker[1])
            elif stripped.startswith(fence):
                fence = None
            continue
        if fence is not None:
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        title = heading[1]
        explicit = re.search(r"\{[^}]*#([\w-]+)[^}]*\}\s*$", title)
        if explicit:
            anchors.add(explicit[1])
            continue
        title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # links keep their text
        title = re.sub(r"<[^>]+>", "", title)
        anchor = slugify(title.replace("`", "").replace("*", "").replace("$", ""))
        base, n = anchor, 0
        while anchor in anchors:
            n += 1
            anchor = f"{base}_{n}"
        anchors.add(anchor)
    return anchors
