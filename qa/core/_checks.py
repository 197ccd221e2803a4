"""Argument checks shared by the engine: clear `ValueError`s naming expected and given."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

__all__ = ["check_array", "check_keys", "check_same_dtype", "float_dtype"]


def float_dtype(name: str, x: Any) -> np.dtype:
    """The dtype of `x`, which must be a floating-point NumPy array.

    Raises:
        ValueError: If `x` is not an ndarray or not of a floating dtype.
    """
    if not isinstance(x, np.ndarray):
        raise ValueError(f"{name}: expected a NumPy array, got {type(x).__name__}")
    if x.dtype.kind != "f":  # float16…longdouble; the same test as np.issubdtype, 20× faster
        raise ValueError(f"{name}: expected a floating-point dtype, got {x.dtype}")
    return x.dtype


def check_array(name: str, x: Any, shape: tuple[int | str | None, ...]) -> np.ndarray:
    """Check that `x` is a float array of the given shape (`None` matches any size).

    Returns:
        `x` itself, unchanged.

    Raises:
        ValueError: Naming the expected and the given shape.

    Examples:
        >>> check_array("xs", np.zeros((2, 3)), (None, 3)).shape
        (2, 3)
        >>> check_array("xs", np.zeros((2, 4)), ("T", 3))
        Traceback (most recent call last):
        ...
        ValueError: xs: expected shape (T, 3), got (2, 4)
    """
    float_dtype(name, x)
    ok = x.ndim == len(shape) and all(
        not isinstance(e, int) or e == n for e, n in zip(shape, x.shape, strict=False)
    )
    if not ok:
        wanted = ", ".join("?" if e is None else str(e) for e in shape)
        if len(shape) == 1:
            wanted += ","
        raise ValueError(f"{name}: expected shape ({wanted}), got {tuple(x.shape)}")
    return x


def check_keys(name: str, params: Mapping[str, Any], keys: Iterable[str]) -> None:
    """Check that `params` is a mapping with exactly the given keys.

    Raises:
        ValueError: Naming missing and unexpected keys.
    """
    if not isinstance(params, Mapping):
        raise ValueError(f"{name}: expected a dict of arrays, got {type(params).__name__}")
    wanted = set(keys)
    given = set(params)
    if wanted != given:
        parts = []
        if wanted - given:
            parts.append(f"missing {sorted(wanted - given)}")
        if given - wanted:
            parts.append(f"unexpected {sorted(given - wanted)}")
        raise ValueError(f"{name}: expected keys {sorted(wanted)}; {', '.join(parts)}")


def check_same_dtype(**arrays: np.ndarray | None) -> np.dtype:
    """The common floating dtype of the given arrays (None entries are skipped).

    Raises:
        ValueError: If the arrays do not all share one floating dtype.
    """
    dtypes = {name: float_dtype(name, a) for name, a in arrays.items() if a is not None}
    if len(set(dtypes.values())) > 1:
        listing = ", ".join(f"{n}: {d}" for n, d in dtypes.items())
        raise ValueError(f"expected one floating dtype for all arrays, got {listing}")
    return next(iter(dtypes.values()))
