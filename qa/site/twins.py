r"""Checks that a Chinese page and a question's Chinese texts are whole twins of the English.

The Chinese edition is written, not generated: `docs/<page>.zh.md` beside `docs/<page>.md`, and
`*_zh` fields beside the English ones in each question's data file. A twin is complete when
nothing of the English is missing from it:

- the page has every heading, with the English anchor written out (`## 数学推导 {#the-math}`),
  so that cards and links land on the same section in both languages;
- it has every build marker (`<!-- dl500:figure NAME -->`, ...) in the same order, every number
  placeholder (`{{ run.NAME }}`, or `{{ run.NAME_zh }}` where the number is words), every API
  directive (`::: module`) and every fenced code block,
  byte for byte, and the same admonitions in the same order;
- the data file has `interview_answer_zh`, Chinese prompt, answer, explanation, option text and
  feedback for every card (with the same `{placeholders}`), and for every figure a Chinese alt
  text and caption with the same number placeholders (`[figures_zh.NAME]`).

Usage:
    python -m qa.site.twins                # every page and question
    python -m qa.site.twins q6_08_forward_pass notation.md

Examples:
    >>> en = "# A\n## The math\n<!-- dl500:cards -->\n{{ run.x }}\n"
    >>> zh = "# 甲 {#a}\n## 数学 {#the-math}\n<!-- dl500:cards -->\n{{ run.x }}\n"
    >>> page_problems(en, zh)
    []
    >>> for problem in page_problems(en, "# 甲 {#a}\n## 数学 {#math}\n"):
    ...     print(problem)
    anchors missing: the-math
    anchors not in the English: math
    markers differ: English has <!-- dl500:cards -->; Chinese has (none)
    number placeholders missing: {{ run.x }}
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "ENGLISH_ONLY",
    "data_problems",
    "english_words",
    "outline",
    "page_problems",
    "pages",
    "zh_path",
]

#: Top-level pages that exist in English only (the Chinese site shows the English page): the
#: changelog is the repository's CHANGELOG.md. The API reference (docs/reference/) is English too.
ENGLISH_ONLY = frozenset({"changelog.md"})

# Words that stay as they are in a Chinese figure: names of functions, optimisers, units and
# grammars, as the Chinese textbooks write them.
_KEEP = frozenset({"tanh", "sigmoid", "softmax", "diag", "ReLU", "Adam", "Reber"})

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_EXPLICIT = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
_MARKER = re.compile(r"<!--\s*dl500:[^>]*-->")
_NUMBER = re.compile(r"\{\{\s*(?:run|exp)\.[\w.]+\s*\}\}")
_ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s+([\w-]+)")
_API = re.compile(r"^:::\s+\S+")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_BRACE = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


def zh_path(path: Path) -> Path:
    """The Chinese twin of a page: `notation.md` -> `notation.zh.md`."""
    return path.with_name(f"{path.stem}.zh{path.suffix}")


def outline(markdown: str) -> dict[str, list[str]]:
    """What a twin must share with its original, in order of appearance.

    Returns:
        Keys `headings` (the heading lines), `markers`, `numbers`, `api`, `code` (each fenced
        block, fences included) and `admonitions` (their kinds).
    """
    parts: dict[str, list[str]] = {
        k: [] for k in ("headings", "markers", "numbers", "api", "code", "admonitions")
    }
    fence: str | None = None
    block: list[str] = []
    for line in markdown.splitlines():
        opening = _FENCE.match(line)
        if fence is not None:
            block.append(line.strip())
            if opening and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                parts["code"].append("\n".join(block))
                fence, block = None, []
            continue
        if opening:
            fence, block = opening.group(1), [line.strip()]
            continue
        if _HEADING.match(line):
            parts["headings"].append(line.strip())
        parts["markers"] += _MARKER.findall(line)
        parts["numbers"] += [_number(n) for n in _NUMBER.findall(line)]
        if _API.match(line):
            parts["api"].append(line.strip())
        if admonition := _ADMONITION.match(line):
            parts["admonitions"].append(admonition.group(2))
    return parts


def _anchors(markdown: str) -> set[str]:
    from qa.quiz.bank import page_anchors

    return page_anchors(markdown)


def _diff(what: str, en: Iterable[str], zh: Iterable[str]) -> list[str]:
    missing = Counter(en) - Counter(zh)
    extra = Counter(zh) - Counter(en)
    out = []
    if missing:
        out.append(f"{what} missing: " + ", ".join(sorted(missing.elements())))
    if extra:
        out.append(f"{what} not in the English: " + ", ".join(sorted(extra.elements())))
    return out


def page_problems(en: str, zh: str) -> list[str]:
    """What the Chinese page `zh` lacks against the English page `en` (empty when complete)."""
    a, b = outline(en), outline(zh)
    problems = [
        f'heading "{h}" has no explicit English anchor {{#...}}'
        for h in b["headings"]
        if not _EXPLICIT.search(h)
    ]
    problems += _diff("anchors", _anchors(en), _anchors(zh))
    if a["markers"] != b["markers"]:
        problems.append(
            "markers differ: English has "
            + (" ".join(a["markers"]) or "(none)")
            + "; Chinese has "
            + (" ".join(b["markers"]) or "(none)")
        )
    problems += _diff("number placeholders", a["numbers"], b["numbers"])
    if a["api"] != b["api"]:
        problems.append(f"API directives differ: {a['api']} vs {b['api']}")
    for i, block in enumerate(a["code"]):
        if i >= len(b["code"]) or b["code"][i] != block:
            first = block.splitlines()[1] if block.count("\n") else block
            problems.append(f"code block {i + 1} ({first[:60]!r}) is missing or not identical")
    if len(b["code"]) > len(a["code"]):
        problems.append(f"{len(b['code']) - len(a['code'])} code block(s) not in the English")
    if a["admonitions"] != b["admonitions"]:
        problems.append(f"admonitions differ: {a['admonitions']} vs {b['admonitions']}")
    return problems


def _number(marker: str) -> str:
    """A number placeholder, normalised; a Chinese wording of a number (`NAME_zh`) is `NAME`."""
    return re.sub(r"_zh(?=\s*\}\})", "", " ".join(marker.split()))


def _placeholders(text: str) -> Counter[str]:
    return Counter(_BRACE.findall(text)) + Counter(_number(n) for n in _NUMBER.findall(text))


def _zh_field(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    english, chinese = table.get(key), table.get(f"{key}_zh")
    if not isinstance(english, str):
        return []
    if not isinstance(chinese, str) or not chinese.strip():
        return [f"{where}: no {key}_zh"]
    if _placeholders(english) != _placeholders(chinese):
        return [f"{where}: {key}_zh has other placeholders than {key}"]
    return []


def data_problems(data: Mapping[str, Any], figures: Iterable[Any] = ()) -> list[str]:
    """What a question's data file lacks in Chinese; `figures` are its module's FigureSpecs."""
    problems = _zh_field(data, "interview_answer", "interview answer")
    for number, card in enumerate(data.get("cards", []), start=1):
        where = f"card {number} ({card.get('id', '?')})"
        for key in ("prompt", "explanation", "answer"):
            problems += _zh_field(card, key, where)
        for k, option in enumerate(card.get("options", []), start=1):
            for key in ("text", "feedback"):
                problems += _zh_field(option, key, f"{where} option {k}")
    tables = data.get("figures_zh", {})
    names = []
    for spec in figures:
        names.append(spec.name)
        table = tables.get(spec.name)
        if not isinstance(table, Mapping):
            problems.append(f"figure {spec.name}: no [figures_zh.{spec.name}]")
            continue
        english = {"alt": spec.alt, "caption": spec.caption}
        for key, text in english.items():
            chinese = table.get(key)
            if not isinstance(chinese, str) or not chinese.strip():
                problems.append(f"figure {spec.name}: no Chinese {key}")
            elif _placeholders(text) != _placeholders(chinese):
                problems.append(f"figure {spec.name}: the Chinese {key} has other placeholders")
    problems += [f"[figures_zh.{n}] names no figure" for n in tables if n not in names]
    words = data.get("figure_words_zh", {})
    if not isinstance(words, Mapping) or not all(
        isinstance(v, str) and v.strip() for v in words.values()
    ):
        problems.append("[figure_words_zh] must map English strings to Chinese strings")
    return problems


def english_words(text: str) -> list[str]:
    """English words left in a figure's Chinese text (math, acronyms and `_KEEP` aside).

    Examples:
        >>> english_words("LSTM，遗忘门偏置1"), english_words("training step $t$")
        ([], ['training', 'step'])
    """
    words = re.findall(r"[A-Za-z]{4,}", re.sub(r"\$[^$]*\$", "", text))
    return [w for w in words if w not in _KEEP and not w.isupper()]


def pages(docs: Path) -> list[str]:
    """The top-level pages that must have a Chinese twin (relative to docs/)."""
    return [
        p.name
        for p in sorted(docs.glob("*.md"))
        if ".zh." not in p.name and p.name not in ENGLISH_ONLY
    ]


def _check(target: str, docs: Path) -> list[str]:
    from qa.questions import discover

    by_slug = {q.slug: q for q in discover()}
    if target in by_slug:
        import importlib

        q = by_slug[target]
        page = docs / q.page
        figures = getattr(importlib.import_module(q.module), "FIGURES", ())
        problems = [f"data: {p}" for p in data_problems(q.data(), figures)]
    else:
        page, problems = docs / target, []
    twin = zh_path(page)
    if not page.is_file():
        return [f"no page {page}"]
    if not twin.is_file():
        anchors = " ".join(sorted(_anchors(page.read_text(encoding="utf-8"))))
        return [*problems, f"no Chinese twin {twin} (its headings' anchors: {anchors})"]
    en, zh = (p.read_text(encoding="utf-8") for p in (page, twin))
    return [*problems, *(f"page: {p}" for p in page_problems(en, zh))]


def main(argv: list[str]) -> int:
    """Print what each named twin lacks; 1 if anything does."""
    docs = Path("docs")
    if argv:
        targets = argv
    else:
        from qa.questions import discover

        targets = [q.slug for q in discover()]
        targets += pages(docs)
    failed = False
    for target in targets:
        problems = _check(target, docs)
        failed |= bool(problems)
        print(f"{target}: " + ("complete" if not problems else f"{len(problems)} problem(s)"))
        for problem in problems:
            print(f"  - {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
