r"""Numbers a page quotes from a run: named by the code that measured them, rendered at build time.

A page never types a number that a run produced. The answer module (or experiment) that ran the
code names each number it offers in `numbers(result) -> dict[str, Number]`, with its format and,
where it is not obvious, what it is ("seed 0", "median of 10 seeds"). Pages, figure captions and
alt texts name the number with a marker, and the site's build fills in the value that the same
cached run computed, the run that drew the figures beside it:

- `{{ run.NAME }}` — a number of the page's own question (its answer module's `numbers`), or, in
  a figure's caption or alt text, of the result that drew the figure;
- `{{ exp.EXPERIMENT.NAME }}` — a number of an experiment's full run (the reproducibility report).

`dl500 run ID` prints the same `Number`s, formatted the same way, so that on one machine the
terminal and the page agree to the last printed digit. A marker that names no number is an
error (`MissingNumberError`), which fails the strict build.

This module imports only the standard library.

Examples:
    >>> str(Number(0.7203, ".1%")), str(Number(2769, ",d")), str(Number(1.2e-24, ".0e"))
    ('72.0 %', '2,769', '1e-24')
    >>> values = plain({"best_unit": Number(0.7203, ".1%", "seed 0")})
    >>> fill("best unit {{ run.best_unit }} of the time", values)
    'best unit 72.0 % of the time'
    >>> names("{{ run.a }} and {{exp.adding.lstm_mse}}")
    ['run.a', 'exp.adding.lstm_mse']
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MARKER",
    "MissingNumberError",
    "Number",
    "fill",
    "fill_markdown",
    "names",
    "plain",
    "table",
]

#: `{{ run.NAME }}` or `{{ exp.EXPERIMENT.NAME }}`; no other namespace is a number marker.
MARKER = re.compile(r"\{\{\s*((?:run|exp)(?:\.[A-Za-z0-9_-]+)+)\s*\}\}")

#: Anything that looks like a marker, to catch misspelt ones (`{{ runs.x }}`, `{{ run. x }}`).
_LOOSE = re.compile(r"\{\{\s*[A-Za-z_]\w*\s*\.[^{}\n]*\}\}")


class MissingNumberError(KeyError):
    """A marker names a number that the run does not provide; the message says which."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Number:
    """A value measured by a run, with how to print it and, if needed, what it is.

    Attributes:
        value: The number (or a short string, e.g. a symbol sequence); None prints as "—".
        spec: A format spec (`".3f"`, `".2g"`, `",d"`). A spec ending in `%` prints a fraction
            as a percentage with a space before the sign, the house style: `"72.0 %"`.
        about: What the number is, where the sentence around it may not say: its seed, or that
            it is a median over seeds. Shown as a tooltip on the page.

    Examples:
        >>> str(Number(None)), str(Number(float("inf"), ".2f")), str(Number("BTSSXXTVVEPE"))
        ('—', '∞', 'BTSSXXTVVEPE')
        >>> Number(1.0, ".1%").to_dict()
        {'text': '100.0 %', 'value': 1.0, 'about': ''}
    """

    value: float | int | str | None
    spec: str = ""
    about: str = ""

    def __str__(self) -> str:
        v = self.value
        if v is None:
            return "—"
        if isinstance(v, str):
            return v
        if isinstance(v, float) and not math.isfinite(v):
            return "NaN" if math.isnan(v) else ("∞" if v > 0 else "−∞")
        if self.spec.endswith("%"):
            return f"{format(100 * v, self.spec[:-1] + 'f')} %"
        return format(v, self.spec)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a cache manifest: the printed text, the value and the note."""
        value = self.value
        if isinstance(value, float) and not math.isfinite(value):
            value = None  # JSON has no inf or NaN; the text keeps what it was
        elif value is not None and not isinstance(value, (str, bool)):
            value = value.item() if hasattr(value, "item") else value  # a NumPy scalar
        return {"text": str(self), "value": value, "about": self.about}


def names(text: str, *, markdown: bool = False) -> list[str]:
    """The dotted names of the number markers in `text`, in order.

    With `markdown`, markers in code (fenced or inline) are left out: they are shown, not filled.

    Examples:
        >>> names("{{ run.a }} `{{ run.b }}`", markdown=True)
        ['run.a']
    """
    if markdown:
        text = "".join(
            _PROTECTED.sub(lambda m: "" if m.group(0).startswith("`") else m.group(0), chunk)
            for chunk, code in _fenced(text)
            if not code
        )
    return [m.group(1) for m in MARKER.finditer(text)]


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with every number marker replaced by its printed value.

    Args:
        text: Plain text (a caption, an alt text).
        values: Printed values by dotted name (`"run.best_unit"`), e.g. from `plain`.

    Raises:
        MissingNumberError: Naming every marker that `values` cannot fill, and any text that
            looks like a marker but is not one (a misspelt namespace).

    Examples:
        >>> fill("{{ run.x }}", {"run.y": "1"})
        Traceback (most recent call last):
        ...
        qa.numbers.MissingNumberError: no number 'run.x' (known: run.y)
    """
    problems = _Problems()
    out = _fill(text, values, None, problems)
    problems.raise_if_any(values)
    return out


def fill_markdown(
    markdown: str, values: Mapping[str, str], prose: Callable[[str, str], str] | None = None
) -> str:
    """Markdown with its number markers filled: in prose through `prose`, in math as plain text.

    Fenced code and inline code spans are left as they are, so a page can show the syntax
    itself. In math (`$...$`, `$$...$$` blocks) the value is inserted as plain text, since
    markup would break the formula; in prose, `prose(name, text)` may wrap it (the site adds a
    tooltip saying that the build computed it).

    Raises:
        MissingNumberError: As `fill`, for the whole page at once.

    Examples:
        >>> md = "Loss `{{ run.x }}` is {{ run.x }}, $x = {{ run.x }}$."
        >>> fill_markdown(md, {"run.x": "0.46"}, lambda name, text: f"<b>{text}</b>")
        'Loss `{{ run.x }}` is <b>0.46</b>, $x = 0.46$.'
    """
    problems = _Problems()
    out = []
    for chunk, code in _fenced(markdown):
        if code:
            out.append(chunk)
            continue
        pos = 0
        for token in _PROTECTED.finditer(chunk):
            out.append(_fill(chunk[pos : token.start()], values, prose, problems))
            text = token.group(0)
            out.append(text if text.startswith("`") else _fill(text, values, None, problems))
            pos = token.end()
        out.append(_fill(chunk[pos:], values, prose, problems))
    problems.raise_if_any(values)
    return "".join(out)


def _fenced(markdown: str) -> list[tuple[str, bool]]:
    """The text cut into runs of lines outside and inside fenced code: (text, is_code)."""
    chunks: list[tuple[str, bool]] = []
    fence = None
    for line in markdown.splitlines(keepends=True):
        stripped = line.strip()
        if fence is None and (opening := _CODE_FENCE.match(line)):
            fence = opening.group(1)
            chunks.append((line, True))
        elif fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            chunks.append((line, True))
        else:
            chunks.append((line, False))
    merged: list[tuple[str, bool]] = []
    for text, code in chunks:
        if merged and merged[-1][1] == code:
            merged[-1] = (merged[-1][0] + text, code)
        else:
            merged.append((text, code))
    return merged


_CODE_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
# An inline code span (backtick runs of equal length), display math $$...$$, or inline math
# $...$, which may run over a line break but not over a blank line.
_PROTECTED = re.compile(
    r"(`+)(?!`).+?(?<!`)\1(?!`)"
    r"|\$\$.+?\$\$"
    r"|(?<![\\$])\$(?!\$)(?:[^$\\\n]|\\.|\n(?![ \t]*\n))+?\$",
    re.S,
)


class _Problems:
    def __init__(self) -> None:
        self.missing: list[str] = []
        self.stray: list[str] = []

    def raise_if_any(self, values: Mapping[str, str]) -> None:
        if not (self.missing or self.stray):
            return
        parts = [f"no number {n!r}" for n in dict.fromkeys(self.missing)]
        parts += [f"not a number marker: {s!r} (write {{{{ run.NAME }}}})" for s in self.stray]
        namespaces = {n.rsplit(".", 1)[0] for n in self.missing}
        known = sorted(k for k in values if k.rsplit(".", 1)[0] in namespaces)
        hint = f" (known: {', '.join(known)})" if known else ""
        raise MissingNumberError("; ".join(parts) + hint)


def _fill(
    text: str,
    values: Mapping[str, str],
    render: Callable[[str, str], str] | None,
    problems: _Problems,
) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            problems.missing.append(name)
            return match.group(0)
        return values[name] if render is None else render(name, values[name])

    out = MARKER.sub(one, text)
    problems.stray += [m.group(0) for m in _LOOSE.finditer(MARKER.sub("", text))]
    return out


def plain(values: Mapping[str, Number], prefix: str = "run") -> dict[str, str]:
    """`{"run.NAME": printed value}` for a module's `numbers(...)`, ready for `fill`.

    Examples:
        >>> plain({"x": Number(0.5, ".2f")})
        {'run.x': '0.50'}
    """
    return {f"{prefix}.{name}": str(number) for name, number in values.items()}


def table(values: Mapping[str, Number] | Iterable[tuple[str, Number]]) -> str:
    """The numbers as aligned plain-text lines (`dl500 run ID --numbers`).

    Examples:
        >>> print(table({"floor": Number(0.4423, ".3f", "exact, from the grammar")}))
        floor  0.442  (exact, from the grammar)
    """
    rows = list(values.items() if isinstance(values, Mapping) else values)
    width = max((len(name) for name, _ in rows), default=0)
    lines = []
    for name, number in rows:
        about = f"  ({number.about})" if number.about else ""
        lines.append(f"{name:<{width}}  {number}{about}")
    return "\n".join(lines)
