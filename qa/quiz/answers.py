"""Reading what a learner types: numbers, option choices, true/false and self-grades.

Each `parse_*` function returns the meaning of one typed line or raises `AnswerError`, whose
message lists the accepted forms (the session prints it and asks again). Every string is
either accepted or rejected with that message; nothing else is ever raised.

A few words work at every prompt: `:help` (or `?`), `:skip`, `:undo` and `:quit`
(see `command`).

Examples:
    >>> parse_number(" 19,200 "), parse_number("1.92e4"), parse_number("−0.5")
    (19200.0, 19200.0, -0.5)
    >>> parse_choice("B", 4), parse_choice("3)", 4)
    (1, 2)
    >>> parse_truefalse("no"), parse_grade("good")
    (False, 3)
    >>> parse_number("0,5")
    Traceback (most recent call last):
    ...
    qa.quiz.answers.AnswerError: not a number: use a point for decimals (0.5); ...
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from qa.i18n import tr

__all__ = [
    "COMMANDS",
    "GRADES",
    "GRADE_FORMS",
    "NUMBER_FORMS",
    "TRUEFALSE_FORMS",
    "AnswerError",
    "choice_forms",
    "command",
    "is_close",
    "parse_choice",
    "parse_grade",
    "parse_number",
    "parse_truefalse",
]

GRADES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
# The texts below are English; they are shown through `qa.i18n.tr` (their Chinese is in
# `qa.i18n_zh`). The grade words are what a learner may type, in either language.
COMMANDS = {
    "help": "show this help",
    "skip": "leave this card for later (nothing is recorded)",
    "undo": "take back your last answer and ask that card again",
    "open": "open this card's section of the site in your browser",
    "quit": "end the session (like Ctrl-D); progress is saved after every answer",
}
NUMBER_FORMS = "a number such as 19200, 19,200, 1.92e4, -0.5, 3/4 or 0.9^10"
TRUEFALSE_FORMS = "true or false (also t/f, yes/no, y/n, 1/0)"
GRADE_FORMS = "1 again (forgot), 2 hard, 3 good or 4 easy: the number or the word"

_MANTISSA = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_PLAIN = re.compile(rf"^{_MANTISSA}$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:e[+-]?\d+)?$")
_TIMES_TEN = re.compile(rf"^({_MANTISSA})\s*(?:x|×|\*|·)\s*10\s*(?:\^|\*\*)\s*\(?([+-]?\d+)\)?$")
_FRACTION = re.compile(rf"^({_MANTISSA})\s*/\s*({_MANTISSA})$")
_POWER = re.compile(rf"^\(?({_MANTISSA})\)?\s*(?:\^|\*\*)\s*\(?([+-]?\d+)\)?$")
_SPACES = "\u00a0\u2009\u202f\u2007 '’_"  # digit-group separators people type
_TRUE = {"t", "true", "y", "yes", "1", "✓"}
_FALSE = {"f", "false", "n", "no", "0", "✗"}


class AnswerError(ValueError):
    """A typed line that is not a valid answer; the message says what is accepted."""


def command(text: str) -> str | None:
    """The session command a line asks for (`help`, `skip`, `undo`, `quit`), or None.

    Examples:
        >>> command(":q"), command("?"), command(" :UNDO "), command("undo")
        ('quit', 'help', 'undo', None)
    """
    word = text.strip().casefold()
    if word in {"?", ":?", ":h"}:
        return "help"
    if not word.startswith(":"):
        return None
    word = word[1:].strip()
    for name in COMMANDS:
        if word and name.startswith(word):
            return name
    return None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return text.replace("\u2212", "-").replace("\u2013", "-")  # minus sign, en dash


def parse_number(text: str) -> float:
    """A typed number: `19200`, `19,200`, `19 200`, `1.92e4`, `1.92×10^4`, `3/4`, `−0.5`, `0.9^10`.

    A power is exact: `0.9^10` is 0.9 to the 10th, not a rounded copy of it.

    Examples:
        >>> parse_number("0.9^10") == 0.9**10, parse_number("(1.5)**3"), parse_number("2^-2")
        (True, 3.375, 0.25)

    Raises:
        AnswerError: Not a finite number in one of these forms.
    """
    raw = _clean(text)
    if not raw:
        raise AnswerError(tr("type {forms}", forms=tr(NUMBER_FORMS)))
    squeezed = re.sub(rf"(?<=\d)[{_SPACES}](?=\d)", "", raw)
    try:
        if _GROUPED.match(squeezed):
            value = float(squeezed.replace(",", ""))
        elif _PLAIN.match(squeezed):
            value = float(squeezed)
        elif match := _TIMES_TEN.match(squeezed):
            value = float(match[1]) * 10.0 ** int(match[2])
        elif match := _FRACTION.match(squeezed):
            denominator = float(match[2])
            if denominator == 0:
                raise AnswerError(tr("cannot divide by zero; type {forms}", forms=tr(NUMBER_FORMS)))
            value = float(match[1]) / denominator
        elif match := _POWER.match(squeezed):
            base, exponent = float(match[1]), int(match[2])
            if base == 0 and exponent < 0:
                raise AnswerError(tr("cannot divide by zero; type {forms}", forms=tr(NUMBER_FORMS)))
            value = base**exponent
        elif re.fullmatch(r"[+-]?\d+,\d+", squeezed):
            raise AnswerError(
                tr(
                    "not a number: use a point for decimals (0.5); a comma only groups "
                    "thousands (19,200)"
                )
            )
        elif squeezed.endswith("%"):
            raise AnswerError(
                tr("type the number without '%'; accepted: {forms}", forms=tr(NUMBER_FORMS))
            )
        else:
            raise AnswerError(tr("not a number; type {forms}", forms=tr(NUMBER_FORMS)))
    except (OverflowError, ValueError) as exc:  # 10.0**huge; int() of > 4300 digits
        if isinstance(exc, AnswerError):
            raise
        raise AnswerError(
            tr("that number is too large; type {forms}", forms=tr(NUMBER_FORMS))
        ) from None
    if not math.isfinite(value):
        raise AnswerError(tr("that number is too large; type {forms}", forms=tr(NUMBER_FORMS)))
    return value


def is_close(given: float, expected: float, rtol: float, atol: float) -> bool:
    """Whether a numeric answer is accepted: `|given − expected| ≤ max(rtol·|expected|, atol)`.

    Examples:
        >>> is_close(19200.4, 19200, 0.0, 0.5), is_close(0.0995, 0.1, 0.01, 0.0)
        (True, True)
    """
    return abs(given - expected) <= max(rtol * abs(expected), atol) * (1 + 1e-12)


def choice_forms(n_options: int) -> str:
    """How a choice among `n_options` can be typed, e.g. `a letter a–d, a number 1–4`."""
    last = chr(ord("a") + n_options - 1)
    return tr("a letter a–{last}, a number 1–{n}, or the option's text", last=last, n=n_options)


def parse_choice(text: str, n_options: int, options: Sequence[str] = ()) -> int:
    """The 0-based index of the chosen option: a letter (`b`, `(b)`, `b)`), a number, or the text.

    Raises:
        AnswerError: Nothing matches an option.
    """
    raw = _clean(text)
    match = re.fullmatch(r"\(?([a-z]|\d{1,3})[).:]?", raw)
    if match:
        token = match[1]
        index = int(token) - 1 if token.isdigit() else ord(token) - ord("a")
        if 0 <= index < n_options:
            return index
    wanted = " ".join(raw.split())
    for index, option in enumerate(options):
        if wanted and wanted == " ".join(_clean(option).split()):
            return index
    raise AnswerError(tr("choose one option: type {forms}", forms=choice_forms(n_options)))


def parse_truefalse(text: str) -> bool:
    """True or false: `true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n`, `1`/`0`.

    Raises:
        AnswerError: Any other text.
    """
    raw = _clean(text)
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise AnswerError(tr("type {forms}", forms=tr(TRUEFALSE_FORMS)))


def parse_grade(text: str) -> int:
    """A self-grade 1–4: the number, the word (`again`, `hard`, `good`, `easy`) or its initial.

    Raises:
        AnswerError: Any other text.
    """
    raw = _clean(text)
    for number, word in GRADES.items():
        if raw in {str(number), word, word[0]}:
            return number
    raise AnswerError(tr("grade yourself: {forms}", forms=tr(GRADE_FORMS)))
