"""Argument types shared by the subcommands: a bad value becomes argparse's usage error (exit 2).

Standard library only (and `qa.i18n`, which is): `dl500 due` imports this on its fast path.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from qa.i18n import tr


def at_least(minimum: int, noun: str = "a number") -> Callable[[str], int]:
    """An argparse `type` accepting whole numbers ≥ `minimum`.

    Args:
        minimum: the smallest value accepted.
        noun: what the value is, for the error message ("a seed"); shown through `tr`, so
            a noun of its own needs an entry in the message catalogue.

    Returns:
        A function from the argument's text to its value, raising `ArgumentTypeError` with a
        message that says what was expected and what was given.

    Examples:
        >>> at_least(1)(" 3 ")
        3
        >>> at_least(0, "a seed")("-2")
        Traceback (most recent call last):
        ...
        argparse.ArgumentTypeError: expected a seed ≥ 0, got -2
    """

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                tr("expected a whole number, got {text}", text=repr(text))
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                tr(
                    "expected {noun} ≥ {minimum}, got {value}",
                    noun=tr(noun),
                    minimum=minimum,
                    value=value,
                )
            )
        return value

    return parse
