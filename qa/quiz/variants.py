r"""A numeric card's variants: the numbers its solver draws, checked, and the text they fill.

A numeric card's solver (a function of its answer module) takes a `np.random.Generator` and
returns `{"params": {...}, "answer": float}`. `check_variant` validates that and fills the
card's `{name}` placeholders; a brace after a word character, `\`, `^`, `_` or `}` is LaTeX
(`h_{t}`, `x^{T}`, `\frac{a}{b}`), not a placeholder.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.quiz.bank import Card

__all__ = ["SolverError", "Variant", "check_variant", "fill_placeholders", "format_value"]

# `{name}` not glued to a word, a command or a subscript (`h_{t}` and `\frac{a}` are LaTeX).
# A superscript may hold one (`(s/4)^{n}`: the power is the parameter), so `^{name}` is filled
# when `name` is a parameter, and is LaTeX otherwise.
# ASCII letters only: a Chinese character before the brace ("经过{n}个因子") does not make it LaTeX.
_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9_\\^}])\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FILLABLE = re.compile(r"(?<![A-Za-z0-9_\\}])\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SolverError(Exception):
    """A numeric card's solver could not be imported, failed, or returned something invalid."""


@dataclass(frozen=True)
class Variant:
    """One drawn instance of a numeric card.

    Attributes:
        seed: Seed of the `np.random.Generator` the parameters were drawn with.
        params: The drawn parameters (plain Python values), substituted into the prompt.
        answer: The correct value, computed by the solver.
        prompt: The prompt with the parameters filled in.
        explanation: The explanation with the parameters filled in.
    """

    seed: int
    params: dict[str, Any]
    answer: float
    prompt: str
    explanation: str


def _plain(value: Any, name: str) -> Any:
    """A drawn parameter as a plain Python value (NumPy scalars and arrays converted)."""
    if hasattr(value, "tolist"):  # NumPy scalar or array
        value = value.tolist()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SolverError(f"parameter {name} is {value}")
        return value
    if isinstance(value, list | tuple):
        return [_plain(item, name) for item in value]
    raise SolverError(f"parameter {name} has unsupported type {type(value).__name__}")


def format_value(value: Any) -> str:
    """A parameter or answer as shown to the learner.

    Examples:
        >>> format_value(19200.0), format_value(0.25), format_value([1, 0.5]), format_value(1e-7)
        ('19200', '0.25', '[1, 0.5]', '1e-07')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return str(value)


def fill_placeholders(text: str, params: Mapping[str, Any]) -> str:
    """Replace `{name}` by the parameter `name`; other braces (LaTeX) are left alone.

    Examples:
        >>> fill_placeholders("({s}/4)^{n}, $h_{t}$, $x^{k}$", {"s": 2, "n": 30, "t": 1})
        '(2/4)^30, $h_{t}$, $x^{k}$'
        >>> fill_placeholders("经过{n}个因子", {"n": 7})
        '经过7个因子'
    """
    return _FILLABLE.sub(lambda m: format_value(params[m[1]]) if m[1] in params else m[0], text)


def check_variant(card: Card, result: Any, seed: int) -> Variant:
    """Validate what a solver returned and build the variant.

    A solver returns `{"params": {...}, "answer": float}`. The answer must be finite; every
    `{name}` placeholder of the prompt and explanation must be a parameter; and every float
    parameter must print exactly (the learner computes with what is shown).

    Raises:
        SolverError: With a message saying what is wrong.
    """
    where = f"card {card.id}: {card.solver}()"
    if not isinstance(result, Mapping) or set(result) != {"params", "answer"}:
        raise SolverError(f"{where} must return a dict with exactly the keys 'params', 'answer'")
    raw_params = result["params"]
    if not isinstance(raw_params, Mapping) or not all(isinstance(k, str) for k in raw_params):
        raise SolverError(f"{where}: 'params' must be a dict with string keys")
    params = {name: _plain(value, name) for name, value in raw_params.items()}
    answer = result["answer"]
    if hasattr(answer, "item") and getattr(answer, "size", 1) == 1:
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        raise SolverError(f"{where}: 'answer' must be a real number, not {answer!r}")
    answer = float(answer)
    if not math.isfinite(answer):
        raise SolverError(f"{where}: 'answer' is {answer}")
    for field_name, text in (("prompt", card.prompt), ("explanation", card.explanation)):
        missing = {m[1] for m in _PLACEHOLDER.finditer(text)} - set(params)
        if missing:
            raise SolverError(
                f"{where}: the {field_name} uses {{{', '.join(sorted(missing))}}} "
                "but 'params' has no such key"
            )
    for name, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, float) and float(format_value(item)) != item:
                raise SolverError(
                    f"{where}: parameter {name} = {item!r} would be shown as "
                    f"{format_value(item)}; draw values that print exactly, e.g. round(x, 3)"
                )
    return Variant(
        seed=seed,
        params=params,
        answer=answer,
        prompt=fill_placeholders(card.prompt, params),
        explanation=fill_placeholders(card.explanation, params),
    )
