r"""Losses with their gradients: softmax cross-entropy and mean squared error.

Softmax cross-entropy for logits $o \in \mathbb R^O$ and a target class $y$:

$$
\hat y = \operatorname{softmax}(o), \qquad
\ell = -\log \hat y_y = \log \sum_k e^{o_k} - o_y, \qquad
\frac{\partial \ell}{\partial o} = \hat y - e_y .
$$

The log-sum-exp is computed after subtracting $\max_k o_k$, so no exponential overflows.
The sequence loss of the source is $L = \sum_t \ell_t$; here each function returns the loss
averaged over the batch (and, by default, summed over time), with its gradient.

Examples:
    >>> import numpy as np
    >>> logits = np.log(np.array([[[0.5, 0.25, 0.25]]]))   # T=1, B=1, O=3
    >>> loss, dlogits = softmax_cross_entropy(logits, np.array([[0]]))
    >>> round(loss, 6), dlogits.round(6).tolist()          # -log 0.5 and ŷ - e_y
    (0.693147, [[[-0.5, 0.25, 0.25]]])
"""

from __future__ import annotations

import numpy as np

from qa.core._checks import check_array, float_dtype

__all__ = ["log_softmax", "mse", "softmax", "softmax_cross_entropy"]


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """`log softmax` along the last axis, computed stably.

    Examples:
        >>> np.exp(log_softmax(np.array([1000.0, 1000.0]))).tolist()
        [0.5, 0.5]
    """
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax along the last axis, computed stably.

    Examples:
        >>> softmax(np.array([0.0, np.log(3.0)])).round(6).tolist()
        [0.25, 0.75]
    """
    return np.exp(log_softmax(logits))


def softmax_cross_entropy(
    logits: np.ndarray,
    targets: np.ndarray,
    *,
    time_reduction: str = "sum",
) -> tuple[float, np.ndarray]:
    r"""Cross-entropy of softmax outputs against integer targets, and its gradient.

    Works for every step (`logits (T, B, O)`, `targets (T, B)`) or the last step only
    (`logits (B, O)`, `targets (B,)`). Targets equal to -1 are ignored (padding).

    Args:
        logits: Scores $o_t$, shape `(T, B, O)` or `(B, O)`.
        targets: Class indices in `[0, O)` or -1, shape `(T, B)` or `(B,)`.
        time_reduction: `"sum"` (the source's $L = \sum_t \ell_t$) or `"mean"` over the
            targets present, for `(T, B, O)` logits.

    Returns:
        `(loss, dlogits)`: the loss averaged over the batch, and its gradient shaped like
        `logits`.

    Raises:
        ValueError: For mismatched shapes, non-integer or out-of-range targets.

    Examples:
        >>> logits = np.zeros((2, 1, 4))                     # uniform over 4 classes
        >>> loss, _ = softmax_cross_entropy(logits, np.array([[1], [3]]))
        >>> round(loss / float(np.log(4)), 12)               # two steps of ln 4 each
        2.0
    """
    float_dtype("logits", logits)
    if logits.ndim not in (2, 3):
        raise ValueError(f"logits: expected shape (T, B, O) or (B, O), got {logits.shape}")
    targets = np.asarray(targets)
    if not np.issubdtype(targets.dtype, np.integer):
        raise ValueError(f"targets: expected integer class indices, got dtype {targets.dtype}")
    if targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets: expected shape {logits.shape[:-1]}, got {targets.shape}")
    O = logits.shape[-1]
    if targets.size and (targets.min() < -1 or targets.max() >= O):
        raise ValueError(
            f"targets: expected values in [0, {O}) or -1, got {targets.min()}…{targets.max()}"
        )
    if time_reduction not in ("sum", "mean"):
        raise ValueError(f"time_reduction: expected 'sum' or 'mean', got {time_reduction!r}")

    B = logits.shape[-2]
    mask = targets >= 0
    safe = np.where(mask, targets, 0)
    logp = log_softmax(logits)
    picked = np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]
    total = -float(np.sum(picked * mask))
    # The source's L = Σ_t ℓ_t sums over time; "mean" divides by the number of targets instead.
    norm = max(int(mask.sum()), 1) if logits.ndim == 3 and time_reduction == "mean" else B
    dlogits = np.exp(logp)
    np.put_along_axis(
        dlogits, safe[..., None], np.take_along_axis(dlogits, safe[..., None], -1) - 1, -1
    )
    dlogits *= mask[..., None] / norm
    return total / norm, dlogits.astype(logits.dtype, copy=False)


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    r"""Mean squared error $\frac1N\sum (\text{pred} - \text{target})^2$ over all N entries.

    Args:
        pred: Predictions, any shape.
        target: Targets of the same shape.

    Returns:
        `(loss, dpred)` with `dpred = 2 (pred - target) / N`.

    Examples:
        >>> loss, d = mse(np.array([1.0, 3.0]), np.array([1.0, 1.0]))
        >>> loss, d.tolist()
        (2.0, [0.0, 2.0])
    """
    float_dtype("pred", pred)
    check_array("target", np.asarray(target, dtype=pred.dtype), pred.shape)
    diff = pred - target
    return float(np.mean(diff * diff)), (2.0 / diff.size) * diff
