"""Named numbers and their markers: formatting, where a marker is filled and how, and errors."""

import math

import numpy as np
import pytest

from qa.numbers import MissingNumberError, Number, fill, fill_markdown, names, plain

VALUES = {"run.a": "1.5", "exp.adding.lstm": "0.001"}


def span(name, text):
    return f"<{name}>{text}</>"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (Number(0.72031, ".1%"), "72.0 %"),
        (Number(1.0, ".0%"), "100 %"),
        (Number(2769, ",d"), "2,769"),
        (Number(np.float64(1.234e-24), ".1e"), "1.2e-24"),
        (Number(np.int64(7), "d"), "7"),
        (Number(None, ".3f"), "—"),
        (Number(math.inf, ".3f"), "∞"),
        (Number(-math.inf, ".3f"), "−∞"),
        (Number(math.nan, ".3f"), "NaN"),
        (Number("BTSXXVVE"), "BTSXXVVE"),
    ],
)
def test_a_number_prints_with_its_spec(number, text):
    assert str(number) == text


@pytest.mark.parametrize("value", [np.float64(0.5), np.int64(3), math.inf, None, "s"])
def test_to_dict_gives_plain_json_values(value):
    import json

    data = Number(value, "").to_dict() if isinstance(value, str) else Number(value, ".2f").to_dict()
    json.dumps(data, allow_nan=False)
    assert data["text"] == str(Number(value, "" if isinstance(value, str) else ".2f"))


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("x {{ run.a }} y", "x <run.a>1.5</> y"),
        ("{{run.a}}", "<run.a>1.5</>"),
        ("$x = {{ run.a }}$", "$x = 1.5$"),
        ("$\\max_t\n|x| = {{ run.a }}$", "$\\max_t\n|x| = 1.5$"),
        ("$$\nx = {{ run.a }}\n$$\n", "$$\nx = 1.5\n$$\n"),
        ("`{{ run.a }}`", "`{{ run.a }}`"),
        ("``a ` {{ run.a }}``", "``a ` {{ run.a }}``"),
        ("```\n{{ run.zz }}\n```\n{{ run.a }}", "```\n{{ run.zz }}\n```\n<run.a>1.5</>"),
        ("~~~\n{{ run.zz }}\n~~~\n", "~~~\n{{ run.zz }}\n~~~\n"),
        ("costs \\$5, {{ run.a }}", "costs \\$5, <run.a>1.5</>"),
        ("$a$\n\n{{ run.a }} $b$", "$a$\n\n<run.a>1.5</> $b$"),
        ("{{ exp.adding.lstm }}", "<exp.adding.lstm>0.001</>"),
    ],
    ids=[
        "prose", "tight", "inline-math", "math-over-a-line-break", "display-math", "code",
        "double-backticks", "fenced", "tilde-fence", "escaped-dollar", "blank-line", "experiment",
    ],
)  # fmt: skip
def test_markers_are_filled_in_prose_and_math_and_left_in_code(markdown, expected):
    assert fill_markdown(markdown, VALUES, span) == expected


def test_a_missing_number_names_itself_and_the_known_ones():
    with pytest.raises(MissingNumberError, match=r"no number 'run\.b' \(known: run\.a\)"):
        fill_markdown("{{ run.b }} and {{ run.a }}", VALUES, span)


@pytest.mark.parametrize("text", ["{{ runs.a }}", "{{ run. a }}", "{{ exp.adding }}x{{ rn.x }}"])
def test_a_misspelt_marker_is_an_error_not_text(text):
    with pytest.raises(MissingNumberError, match=r"not a number marker|no number"):
        fill(text, VALUES)


def test_latex_double_braces_are_not_markers():
    assert fill("\\frac{{a}}{b}", VALUES) == "\\frac{{a}}{b}"


def test_names_and_plain():
    assert names("{{ run.a }} {{exp.adding.lstm}}") == ["run.a", "exp.adding.lstm"]
    assert plain({"a": Number(0.5, ".2f")}, prefix="exp.x") == {"exp.x.a": "0.50"}
