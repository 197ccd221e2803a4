"""Parsing typed answers: the accepted forms, the rejected ones, and fuzzing of both."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.quiz.answers import (
    AnswerError,
    command,
    is_close,
    parse_choice,
    parse_grade,
    parse_number,
    parse_truefalse,
)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("19200", 19200.0),
        ("19,200", 19200.0),
        (" 19200 ", 19200.0),
        ("1.92e4", 19200.0),
        ("1.92E+4", 19200.0),
        ("19 200", 19200.0),
        ("19_200", 19200.0),
        ("1,234,567.5", 1234567.5),
        ("-0.5", -0.5),
        ("−0.5", -0.5),
        ("+.25", 0.25),
        ("3/4", 0.75),
        ("1.92×10^4", 19200.0),
        ("2*10**3", 2000.0),
        ("5 x 10^-3", 0.005),
        ("１９２００", 19200.0),
        ("0", 0.0),
    ],
)
def test_numbers_in_common_forms_are_read(typed, value):
    assert parse_number(typed) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("", "type a number"),
        ("abc", "not a number"),
        ("1,5", "use a point for decimals"),
        ("50%", "without '%'"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("1e400", "too large"),
        ("1/0", "divide by zero"),
        ("19,20", "use a point"),
        ("1.2.3", "not a number"),
        ("0x1F", "not a number"),
    ],
)
def test_malformed_numbers_are_rejected_with_a_hint(typed, hint):
    with pytest.raises(AnswerError, match=hint):
        parse_number(typed)


@pytest.mark.parametrize(
    ("typed", "index"),
    [
        ("a", 0),
        ("B", 1),
        (" c ", 2),
        ("(b)", 1),
        ("b)", 1),
        ("2", 1),
        ("4.", 3),
        ("Softmax", 1),
        ("  tanh  ", 2),
    ],
)
def test_choices_by_letter_number_or_text(typed, index):
    assert parse_choice(typed, 4, ["sigmoid", "softmax", "tanh", "relu"]) == index


@pytest.mark.parametrize("typed", ["e", "5", "0", "", "soft", "ab"])
def test_choices_out_of_range_are_rejected_with_the_accepted_forms(typed):
    with pytest.raises(AnswerError, match="a letter a–d, a number 1–4"):
        parse_choice(typed, 4, ["sigmoid", "softmax", "tanh", "relu"])


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("true", True),
        ("T", True),
        ("yes", True),
        ("y", True),
        ("1", True),
        ("false", False),
        ("F", False),
        ("No", False),
        ("n", False),
        ("0", False),
    ],
)
def test_true_false_forms(typed, value):
    assert parse_truefalse(typed) is value


@pytest.mark.parametrize(
    ("typed", "grade"), [("1", 1), ("again", 1), ("H", 2), ("good", 3), (" 4 ", 4), ("easy", 4)]
)
def test_self_grades(typed, grade):
    assert parse_grade(typed) == grade


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        (":help", "help"),
        ("?", "help"),
        (":sk", "skip"),
        (":UNDO", "undo"),
        (":q", "quit"),
        (":", None),
        ("quit", None),
        (":x", None),
    ],
)
def test_session_commands(typed, name):
    assert command(typed) == name


@pytest.mark.parametrize(
    ("given_value", "expected", "rtol", "atol", "ok"),
    [
        (19200.4, 19200, 0, 0.5, True),
        (19200.6, 19200, 0, 0.5, False),
        (0.099, 0.1, 0.01, 0, True),
        (0.0989, 0.1, 0.01, 0, False),
        (-0.1, 0.1, 0.01, 0, False),
        (1e-9, 0.0, 0.01, 1e-6, True),
    ],
)
def test_numeric_tolerance(given_value, expected, rtol, atol, ok):
    assert is_close(given_value, expected, rtol, atol) is ok


# -- fuzzing -----------------------------------------------------------------------------
PARSERS = [
    parse_number,
    parse_truefalse,
    parse_grade,
    lambda text: parse_choice(text, 3, ["one", "two", "three"]),
]


@given(text=st.text(max_size=60), which=st.sampled_from(range(len(PARSERS))))
def test_any_typed_text_is_either_accepted_or_rejected_with_a_message(text, which):
    message = "accepted"
    try:
        PARSERS[which](text)
    except AnswerError as exc:
        message = str(exc)
    assert message
    command(text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_printed_float_reads_back_exactly(x):
    assert parse_number(repr(x)) == x
    assert parse_number(f"  {x!r}\n") == x


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_with_thousands_separators_read_back(n):
    assert parse_number(f"{n:,}") == n
    assert parse_number(f"{n:_}") == n
    assert parse_number(f"{n:,}".replace(",", " ")) == n


@given(st.floats(min_value=1e-300, max_value=1e300), st.floats(min_value=0, max_value=0.5))
def test_a_value_within_the_relative_tolerance_is_accepted(expected, fraction):
    rtol = 0.01
    assert is_close(expected * (1 + rtol * fraction), expected, rtol, 0.0)
    assert not is_close(expected * (1 + 3 * rtol), expected, rtol, 0.0) or math.isinf(
        expected * 1.03
    )
