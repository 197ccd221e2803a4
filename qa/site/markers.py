r"""Page markers: `<!-- dl500:NAME -->` comments that the build replaces with generated Markdown.

A marker is an HTML comment alone on its line, outside fenced code: `<!-- dl500:NAME -->` or
`<!-- dl500:NAME ARGUMENT -->`. On a question's page:

- `question-meta`: the original Chinese title, upstream number, difficulty, tags, the command,
  the notebook;
- `interview-answer`: the data file's `interview_answer` in an admonition;
- `cards`: the data file's cards as "Check yourself" items, answers folded, read through the
  quiz's own loader (`qa.quiz.bank`), numeric cards drawn with seed 0.

On any page, `question-table` becomes a table of every registered question. Other markers
(`figure NAME`, `computed`, `report`, `experiments`) belong to `qa.site.figures`,
`qa.site.numbers` and `qa.site.report`.

Examples:
    >>> replace_markers("a\n<!-- dl500:x -->\n```\n<!-- dl500:x -->\n```\n", lambda m: "[x]")
    'a\n[x]\n```\n<!-- dl500:x -->\n```\n'
"""

from __future__ import annotations

import posixpath
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from qa.i18n import tr
from qa.site.notebooks import site_path

__all__ = [
    "MARKER",
    "QUESTION_MARKERS",
    "MarkerError",
    "cards",
    "interview_answer",
    "question_meta",
    "question_table",
    "replace_markers",
]

MARKER = re.compile(r"<!--\s*dl500:([\w-]+)(?:[ \t]+(\S+))?\s*-->")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


class MarkerError(Exception):
    """A marker whose data is missing or malformed; the message says what is wrong."""


def replace_markers(markdown: str, replace: Callable[[re.Match[str]], str | None]) -> str:
    """Markdown with each marker outside fenced code replaced by `replace(match)`.

    `replace` returns the replacement text, or None to leave the marker for another step. The
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


def question_meta(q: Any, lang: str = "en") -> str:
    """Original title, upstream number, difficulty, tags, the command and the notebook.

    The notebook (`qa.site.notebooks`) is linked in the page's language, for download.
    """
    tags = " ".join(f"`{t}`" for t in q.tags)
    original = f'<span lang="zh-Hans">{q.title_zh}</span>' if lang == "en" else q.title_zh
    notebook = site_path(q, lang)
    href = posixpath.relpath(notebook, posixpath.dirname(q.page) or ".")
    return (
        '<div class="dl500-meta" markdown="block">\n\n'
        f"**{tr('Original:', lang)}** {original} "
        f"({tr('*DeepLearning-500-questions* §{n}', lang, n=q.upstream_number)})  \n"
        f"**{tr('Difficulty:', lang)}** {tr(q.difficulty, lang)} · "
        f"**{tr('Tags:', lang)}** {tags} · "
        f"**{tr('Run it:', lang)}** `dl500 run {q.id}` · "
        f"**{tr('Notebook:', lang)}** [{posixpath.basename(notebook)}]({href}){{ download }}\n\n"
        "</div>"
    )


def interview_answer(q: Any, lang: str = "en") -> str:
    """The spoken-length answer from the question's data file, in an admonition."""
    key = "interview_answer" if lang == "en" else f"interview_answer_{lang}"
    text = _data(q).get(key)
    if not isinstance(text, str) or not text.strip():
        raise MarkerError(f"{q.slug}.toml has no {key}")
    command = f"dl500 show {q.id}" + ("" if lang == "en" else f" --lang {lang}")
    body = f"{textwrap.dedent(text).strip()}\n\n*{tr('In a terminal:', lang)}* `{command}`"
    return f'!!! abstract "{tr("The 60-second answer", lang)}"\n\n{_indent(body)}\n'


def cards(q: Any, lang: str = "en") -> str:
    """Every card of the question: prompt shown, answer and explanation folded.

    The cards are read and validated by the quiz's own loader (`qa.quiz.bank`), so the page
    shows exactly the cards `dl500 quiz` asks, and a card the quiz would skip fails the build.
    """
    from qa.quiz.bank import SolverError, load_bank
    from qa.quiz.cardtypes import CARD_TYPES

    bank = load_bank(questions=[q], lang=lang)
    if bank.problems:
        raise MarkerError("malformed cards: " + "; ".join(bank.problems))
    if not bank.cards:
        raise MarkerError(f"{q.slug}.toml has no [[cards]]")
    out = []
    for number, card in enumerate(bank.cards, start=1):
        try:
            prompt, answer = CARD_TYPES[card.type].page(card, bank, lang)
        except SolverError as exc:
            raise MarkerError(str(exc)) from exc
        out.append(_card_html(number, card, prompt, answer, lang))
    return "\n\n".join(out) + "\n"


def _card_html(number: int, card: Any, prompt: str, answer: str, lang: str = "en") -> str:
    # An empty link text takes the heading's own title (attr_list/autorefs do not): so spell it.
    title = (
        card.section.replace("-", " ").capitalize() if lang == "en" else tr("this section", lang)
    )
    fold = f"{answer}\n\n{tr('Revisit:', lang)} [{title}](#{card.section})"
    anchor = "card-" + re.sub(r"[^\w-]", "-", card.id)
    return (
        f'<div class="dl500-card" id="{anchor}" markdown="block">\n\n'
        f"**{number}.** {prompt.strip()}\n\n"
        f'??? question "{tr("Answer", lang)}"\n\n{_indent(fold)}\n\n'
        "</div>"
    )


#: Markers that need the page's question, and what each becomes.
QUESTION_MARKERS: dict[str, Callable[[Any, str], str]] = {
    "question-meta": question_meta,
    "interview-answer": interview_answer,
    "cards": cards,
}


def question_table(qs: Sequence[Any], src: str, lang: str = "en") -> str:
    """A Markdown table of the registered questions, linked relative to the page `src`.

    In Chinese a question goes by the original's own title, so the table has no "Original"
    column there.
    """
    head = ["#", *(tr(h, lang) for h in ("Question", "Original", "Difficulty", "Tags"))]
    if lang != "en":
        del head[2]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for q in qs:
        link = posixpath.relpath(q.page, posixpath.dirname(src) or ".")
        tags = " ".join(f"`{t}`" for t in q.tags)
        if lang == "en":
            title = f'[{_cell(q.title)}]({link}) | <span lang="zh-Hans">{_cell(q.title_zh)}</span>'
        else:
            title = f"[{_cell(q.title_zh)}]({link})"
        rows.append(f"| {q.id} | {title} | {tr(q.difficulty, lang)} | {tags} |")
    return "\n".join(rows) + "\n"


def _data(q: Any) -> dict[str, Any]:
    try:
        return q.data()
    except (OSError, ValueError) as exc:  # missing file, or TOML syntax error
        raise MarkerError(f"cannot read {q.slug}.toml: {exc}") from exc


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _indent(text: str) -> str:
    return textwrap.indent(text, "    ")
