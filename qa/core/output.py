r"""The output layer $o_t = V h_t + c$, applied at every step (or to any stack of states).

Examples:
    >>> import numpy as np
    >>> params = {"V": np.array([[1.0, -1.0]]), "c": np.array([0.5])}
    >>> os, cache = forward(params, np.array([[[2.0, 1.0]]]))     # T=1, B=1, H=2
    >>> os.tolist()
    [[[1.5]]]
    >>> grads, dhs = backward(np.ones_like(os), cache)
    >>> grads["V"].tolist(), dhs.tolist()
    ([[2.0, 1.0]], [[[1.0, -1.0]]])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qa.core._checks import check_array, check_keys, check_same_dtype

__all__ = ["Cache", "backward", "forward"]

Params = dict[str, np.ndarray]


class Cache(NamedTuple):
    """What `backward` needs from `forward`."""

    hs: np.ndarray  # (..., H)
    V: np.ndarray  # (O, H)


def forward(params: Params, hs: np.ndarray) -> tuple[np.ndarray, Cache]:
    """Affine read-out of the states.

    Args:
        params: `{"V": (O, H), "c": (O,)}`.
        hs: States, shape `(..., H)`: `(T, B, H)` for every step, `(B, H)` for the last one.

    Returns:
        `(os, cache)`, `os` of shape `(..., O)`.

    Raises:
        ValueError: For wrong shapes or dtypes.
    """
    check_keys("params", params, ("V", "c"))
    O, H = check_array("params['V']", params["V"], (None, None)).shape
    check_array("params['c']", params["c"], (O,))
    check_array("hs", hs, (None,) * (np.ndim(hs) - 1) + (H,))
    check_same_dtype(V=params["V"], c=params["c"], hs=hs)
    return hs @ params["V"].T + params["c"], Cache(hs, params["V"])


def backward(dos: np.ndarray, cache: Cache) -> tuple[Params, np.ndarray]:
    r"""Backward through the read-out.

    Args:
        dos: $\partial L / \partial o$, shape `(..., O)`.
        cache: From `forward`.

    Returns:
        `(grads, dhs)`: `grads = {"V": (O, H), "c": (O,)}` summed over all leading axes, and
        `dhs` shaped like the states.
    """
    hs, V = cache
    check_array("dos", dos, (*hs.shape[:-1], V.shape[0]))
    flat_d = dos.reshape(-1, V.shape[0])
    grads = {"V": flat_d.T @ hs.reshape(-1, V.shape[1]), "c": flat_d.sum(axis=0)}
    return grads, dos @ V
