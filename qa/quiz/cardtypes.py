"""The kinds of self-check card, in one table: how each is read, asked, checked and rendered.

`CARD_TYPES` maps a card's `type` to a `CardType`, which says, for that kind of card:

- `keys`, `parse` — which keys of its `[[cards]]` table it takes, and how they are checked;
- `drawn` — whether each asking draws fresh numbers (a numeric card's solver fills its
  placeholders: `qa.quiz.bank.Bank.draw`);
- `ask`, `verdict` — how `dl500 quiz` asks it in the terminal and says whether it was right;
- `page`, `anki` — how the site's "Check yourself" section and the Anki export show it.

The words a card type adds (prompts, verdicts, labels) are English here and go through
`qa.i18n.tr`: the quiz and the export speak the command line's language, and `page` takes the
language of the site page it is written for.

A new kind of card is one more entry here; the bank, the session, the site and the export look
it up instead of testing `card.type` themselves.

Examples:
    >>> list(CARD_TYPES)
    ['recall', 'choice', 'truefalse', 'numeric']
    >>> CARD_TYPES["choice"].label, CARD_TYPES["numeric"].drawn
    ('multiple choice', True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from qa.i18n import tr

__all__ = ["CARD_TYPES", "Answer", "Asker", "CardType"]

LETTERS = "abcdefghijklmnopqrstuvwxyz"
OPTION_KEYS = frozenset({"text", "correct", "feedback"})


@dataclass(frozen=True)
class Answer:
    """What the learner answered to one asking of a card, and how it was judged.

    Attributes:
        correct: Whether it counts as right.
        grade: The learner's own grade (1–4) where they gave one (recall), else None.
        given: The text typed.
        expected: What was expected, as plain data (saved with the review).
        value: What the text meant (the option chosen, the number typed).
        explained: Whether the explanation was already shown while asking.
    """

    correct: bool
    grade: int | None
    given: str
    expected: Any
    value: Any = None
    explained: bool = False


class Asker(Protocol):
    """What a card needs from the session to be asked: print, read, and the terminal's shape."""

    width: int
    style: Any

    def say(self, text: str = "") -> None:
        """Print a line."""

    def read(self, prompt: str, parser: Callable[[str], Any], forms: str) -> tuple[str, Any]:
        """Ask until the typed line parses; return (the text, what it means)."""


@dataclass(frozen=True)
class CardType:
    """One kind of card (see the module's docstring for what each field is used for)."""

    name: str
    label: str
    keys: frozenset[str]
    parse: Callable[[Mapping[str, Any], list[str], Callable[[str], str]], dict[str, Any]]
    ask: Callable[[Asker, Any, Any], Answer]
    verdict: Callable[[Asker, Any, Answer, Any], None]
    page: Callable[..., tuple[str, str]]  # (card, bank, lang="en")
    anki: Callable[..., tuple[str, str, str]]  # (card, bank, instance=0)
    drawn: bool = False


def _text(markdown: str, width: int, indent: str = "") -> str:
    from qa.quiz.term import markdown_to_text

    return markdown_to_text(markdown, width, indent=indent)


def _html(markdown: str) -> str:
    from qa.quiz.export import markdown_to_html

    return markdown_to_html(markdown)


def _tolerance(card: Any, lang: str | None = None) -> str:
    """The accepted error of a numeric card in words (`Card.tolerance_text`, in `lang`).

    Examples:
        >>> from types import SimpleNamespace as Card
        >>> _tolerance(Card(rtol=0.01, atol=0.5)), _tolerance(Card(rtol=0.0, atol=0.5), "zh")
        ('within 1% or ±0.5', '±0.5')
        >>> _tolerance(Card(rtol=0.01, atol=0.5), "zh")
        '1%以内或±0.5'
    """
    percent, atol = f"{card.rtol * 100:g}", f"{card.atol:g}"
    if card.rtol > 0 and card.atol > 0:
        return tr("within {percent}% or ±{atol}", lang, percent=percent, atol=atol)
    if card.rtol > 0:
        return tr("within {percent}%", lang, percent=percent)
    return f"±{atol}" if card.atol > 0 else ""


# --------------------------------------------------------------------------- recall


def _recall_parse(raw: Mapping[str, Any], errors: list[str], text: Callable[[str], str]) -> dict:
    return {"answer": text("answer")}


def _recall_ask(out: Asker, card: Any, variant: Any) -> Answer:
    from qa.quiz import answers as parse

    attempt, _ = out.read(
        tr("your answer (optional; Enter shows the model answer) > "),
        str,
        tr("any text, or nothing"),
    )
    out.say(out.style.paint("accent", tr("Model answer:")))
    out.say(_text(str(card.answer), out.width, indent="  "))
    out.say(out.style.paint("accent", tr("Why:")))
    out.say(_text(card.explanation, out.width, indent="  "))
    out.say(out.style.paint("dim", tr("Read: {link}", link=out.style.link(card.url))))
    _, grade = out.read(
        tr("how well did you recall it? 1 again, 2 hard, 3 good, 4 easy > "),
        parse.parse_grade,
        tr(parse.GRADE_FORMS),
    )
    return Answer(grade > 1, grade, attempt, {"answer": card.answer}, explained=True)


def _recall_verdict(out: Asker, card: Any, answer: Answer, variant: Any) -> None:
    style = out.style
    out.say(
        style.right(tr("Recalled."))
        if answer.correct
        else style.wrong(tr("Not recalled; it will come back soon."))
    )


def _recall_page(card: Any, bank: Any, lang: str = "en") -> tuple[str, str]:
    return card.prompt, f"{card.answer}\n\n{card.explanation}"


def _recall_anki(card: Any, bank: Any, instance: int = 0) -> tuple[str, str, str]:
    return _html(card.prompt), _html(str(card.answer)), card.explanation


# --------------------------------------------------------------------------- choice


def _choice_parse(raw: Mapping[str, Any], errors: list[str], text: Callable[[str], str]) -> dict:
    from qa.quiz.bank import Option

    items = raw.get("options")
    if not isinstance(items, list) or len(items) < 2:
        errors.append("a choice card needs at least 2 [[cards.options]]")
        return {"options": ()}
    options = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            errors.append(f"option {number} must be a table")
            continue
        unknown = set(item) - OPTION_KEYS
        if unknown:
            errors.append(f"option {number}: unknown keys {', '.join(sorted(unknown))}")
        shown = item.get("text")
        if not isinstance(shown, str) or not shown.strip():
            errors.append(f"option {number}: 'text' must be a non-empty string")
            continue
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            errors.append(f"option {number}: 'correct' must be true or false")
            correct = False
        feedback = item.get("feedback")
        if feedback is not None and (not isinstance(feedback, str) or not feedback.strip()):
            errors.append(f"option {number}: 'feedback' must be a non-empty string")
            feedback = None
        options.append(Option(shown.strip(), correct, feedback.strip() if feedback else None))
    if sum(option.correct for option in options) != 1:
        errors.append("exactly one option must have correct = true")
    texts = [" ".join(o.text.casefold().split()) for o in options]
    if len(set(texts)) != len(texts):
        errors.append("two options have the same text")
    return {"options": tuple(options)}


def _choice_ask(out: Asker, card: Any, variant: Any) -> Answer:
    from qa.quiz import answers as parse

    for index, option in enumerate(card.options):
        lines = _text(option.text, out.width - 5).splitlines() or [""]
        out.say(f"  {LETTERS[index]}) {lines[0]}")
        for line in lines[1:]:
            out.say(f"     {line}" if line else "")
    n = len(card.options)
    given, chosen = out.read(
        tr("answer (a{dash}{last}) > ", dash=out.style.dash, last=LETTERS[n - 1]),
        lambda typed: parse.parse_choice(typed, n, [o.text for o in card.options]),
        parse.choice_forms(n),
    )
    right = card.correct_option
    expected = {"option": right, "text": card.options[right].text}
    return Answer(chosen == right, None, given, expected, value=chosen)


def _choice_verdict(out: Asker, card: Any, answer: Answer, variant: Any) -> None:
    right = card.correct_option
    if answer.correct:
        out.say(out.style.right())
        return
    chosen = int(answer.value or 0)
    out.say(out.style.wrong(tr("Wrong. The answer is {letter})", letter=LETTERS[right])))
    out.say(_text(card.options[right].text, out.width, indent="  "))
    feedback = card.options[chosen].feedback
    if feedback:
        out.say(out.style.paint("accent", tr("About {letter}):", letter=LETTERS[chosen])))
        out.say(_text(feedback, out.width, indent="  "))


def _choice_page(card: Any, bank: Any, lang: str = "en") -> tuple[str, str]:
    listed = "\n".join(f"- ({LETTERS[i]}) {o.text}" for i, o in enumerate(card.options))
    right = card.correct_option
    answer = f"**({LETTERS[right]})** {card.options[right].text}\n\n{card.explanation}"
    why_not = [
        f"- ({LETTERS[i]}) {o.feedback}"
        for i, o in enumerate(card.options)
        if i != right and o.feedback
    ]
    if why_not:
        answer += f"\n\n{tr('Why not the others:', lang)}\n\n" + "\n".join(why_not)
    return f"{card.prompt}\n\n{listed}", answer


def _choice_anki(card: Any, bank: Any, instance: int = 0) -> tuple[str, str, str]:
    letters = [f"{LETTERS[i]}) {option.text}" for i, option in enumerate(card.options)]
    front = _html(card.prompt) + "<br><br>" + "<br>".join(_html(line) for line in letters)
    right = card.correct_option
    back = f"<b>{LETTERS[right]})</b> " + _html(card.options[right].text)
    for i, option in enumerate(card.options):
        if option.feedback:
            back += f"<br><i>{LETTERS[i]})</i> " + _html(option.feedback)
    return front, back, card.explanation


# --------------------------------------------------------------------------- true or false


def _truefalse_parse(raw: Mapping[str, Any], errors: list[str], text: Callable[[str], str]) -> dict:
    if not isinstance(raw.get("answer"), bool):
        errors.append("'answer' must be true or false (a TOML boolean)")
    return {"answer": raw.get("answer")}


def _truefalse_ask(out: Asker, card: Any, variant: Any) -> Answer:
    from qa.quiz import answers as parse

    given, truth = out.read(
        tr("true or false > "), parse.parse_truefalse, tr(parse.TRUEFALSE_FORMS)
    )
    return Answer(truth == card.answer, None, given, {"value": card.answer}, value=truth)


def _truefalse_verdict(out: Asker, card: Any, answer: Answer, variant: Any) -> None:
    style = out.style
    if answer.correct:
        out.say(
            style.right(tr("Correct: it is true.") if card.answer else tr("Correct: it is false."))
        )
    else:
        out.say(style.wrong(tr("Wrong: it is true.") if card.answer else tr("Wrong: it is false.")))


def _truefalse_page(card: Any, bank: Any, lang: str = "en") -> tuple[str, str]:
    verdict = tr("True.", lang) if card.answer else tr("False.", lang)
    prompt = tr("True or false? {prompt}", lang, prompt=card.prompt)
    return prompt, f"**{verdict}** {card.explanation}"


def _truefalse_anki(card: Any, bank: Any, instance: int = 0) -> tuple[str, str, str]:
    front = f"<i>{tr('True or false?')}</i> " + _html(card.prompt)
    verdict = tr("True.") if card.answer else tr("False.")
    return front, f"<b>{verdict}</b>", card.explanation


# --------------------------------------------------------------------------- numeric


def _numeric_parse(raw: Mapping[str, Any], errors: list[str], text: Callable[[str], str]) -> dict:
    import re

    solver = raw.get("solver")
    if not isinstance(solver, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", solver):
        errors.append("'solver' must name a function of the answer module, e.g. 'card_count'")
    tolerances = {}
    for key in ("rtol", "atol"):
        value = raw.get(key, 0.0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and value >= 0)
        ):
            errors.append(f"'{key}' must be a number ≥ 0")
            value = 0.0
        tolerances[key] = float(value)
    if tolerances["rtol"] == 0 and tolerances["atol"] == 0:
        errors.append(
            "a numeric card needs a tolerance: rtol > 0 or atol > 0 (atol = 0.5 for whole numbers)"
        )
    if tolerances["rtol"] >= 1:
        errors.append("'rtol' must be below 1 (it is a fraction: 0.01 means 1%)")
    return {"solver": solver, **tolerances}


def _numeric_ask(out: Asker, card: Any, variant: Any) -> Answer:
    from qa.quiz import answers as parse

    given, number = out.read(
        tr("answer ({tolerance}) > ", tolerance=_tolerance(card)),
        parse.parse_number,
        tr(parse.NUMBER_FORMS),
    )
    correct = parse.is_close(number, variant.answer, card.rtol, card.atol)
    expected = {"value": variant.answer, "rtol": card.rtol, "atol": card.atol}
    return Answer(correct, None, given, expected, value=number)


def _numeric_verdict(out: Asker, card: Any, answer: Answer, variant: Any) -> None:
    from qa.quiz.bank import format_value

    value = format_value(variant.answer)
    if answer.correct:
        out.say(out.style.right(tr("Correct: {value}.", value=value)))
        return
    out.say(
        out.style.wrong(
            tr(
                "Wrong: the answer is {value}; you typed {given} (accepted {tolerance}).",
                value=value,
                given=format_value(answer.value),
                tolerance=_tolerance(card),
            )
        )
    )


def _numeric_page(card: Any, bank: Any, lang: str = "en") -> tuple[str, str]:
    """One variant, drawn with `default_rng(0)` by the solver in the answer module."""
    from qa.quiz.bank import format_value

    variant = bank.draw(card, seed=0)
    tolerance = _tolerance(card, lang)
    within = tr(" (accepted: {tolerance})", lang, tolerance=tolerance) if tolerance else ""
    note = tr("*`dl500 quiz` draws new numbers each time.*", lang)
    answer = f"**{format_value(variant.answer)}**{within}\n\n{variant.explanation}\n\n{note}"
    return variant.prompt, answer


def _numeric_anki(card: Any, bank: Any, instance: int = 0) -> tuple[str, str, str]:
    """One fixed variant of a live card; `instance` picks which (the same at every export)."""
    from qa.quiz.bank import format_value, fsrs_card_id
    from qa.quiz.export import ANKI_SEED

    variant = bank.draw(card, fsrs_card_id(card.id) ^ (ANKI_SEED + instance))
    back = tr(
        "<b>{value}</b> (accepted {tolerance}; "
        "in <code>dl500 quiz</code> the numbers change at every review)",
        value=format_value(variant.answer),
        tolerance=_tolerance(card),
    )
    return _html(variant.prompt), back, variant.explanation


CARD_TYPES: dict[str, CardType] = {
    "recall": CardType(
        "recall", "free recall", frozenset({"answer"}),
        _recall_parse, _recall_ask, _recall_verdict, _recall_page, _recall_anki,
    ),
    "choice": CardType(
        "choice", "multiple choice", frozenset({"options"}),
        _choice_parse, _choice_ask, _choice_verdict, _choice_page, _choice_anki,
    ),
    "truefalse": CardType(
        "truefalse", "true or false", frozenset({"answer"}),
        _truefalse_parse, _truefalse_ask, _truefalse_verdict, _truefalse_page, _truefalse_anki,
    ),
    "numeric": CardType(
        "numeric", "numeric", frozenset({"solver", "rtol", "atol"}),
        _numeric_parse, _numeric_ask, _numeric_verdict, _numeric_page, _numeric_anki,
        drawn=True,
    ),
}  # fmt: skip
