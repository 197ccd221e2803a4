r"""Synthetic sequence tasks with known answers and known baselines.

Each generator takes an explicit `np.random.Generator` and returns time-major arrays.

- `adding_problem` — two marked values in a noise sequence; predict their sum. Predicting the
  constant 1 has MSE $\operatorname{Var}(a + b) = 2 \cdot \tfrac1{12} = \tfrac16$ (Arjovsky et al.
  2016 state 0.167; Le et al. 2015 and Bai et al. 2018 print 0.1767, a misquote).
- `copy_memory` — remember 10 symbols across a gap of `T` blanks (Arjovsky et al. 2016). A
  memoryless predictor scores $10 \ln 8 / (T + 20)$: `copy_memory_baseline`.
- `latch` — the class of a sequence is set by its first few inputs and must be kept through
  noise until the last step (after the "information latching" problem of Bengio et al. 1994).
- `embedded_reber` — strings of the embedded Reber grammar (Hochreiter & Schmidhuber 1997,
  experiment 1): predict the next symbol; `reber_next_distributions` gives the exact
  conditional distribution at every step, hence the best achievable loss.

Examples:
    >>> rng = np.random.default_rng(0)
    >>> xs, y = adding_problem(rng, seq_len=10, batch_size=4)
    >>> xs.shape, y.shape, xs[:, :, 1].sum(axis=0).tolist()     # exactly two markers each
    ((10, 4, 2), (4, 1), [2.0, 2.0, 2.0, 2.0])
    >>> round(copy_memory_baseline(100), 4)
    0.1733
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = [
    "ADDING_TRIVIAL_MSE",
    "REBER_GRAPH",
    "REBER_SYMBOLS",
    "LatchBatch",
    "adding_problem",
    "copy_memory",
    "copy_memory_baseline",
    "embedded_reber",
    "encode_symbols",
    "latch",
    "reber_next_distributions",
]

#: MSE of always predicting 1 on `adding_problem`: the variance of the sum of two U[0, 1].
ADDING_TRIVIAL_MSE = 1.0 / 6.0


def _positive_int(name: str, value: int, minimum: int = 1) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name}: expected an integer ≥ {minimum}, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- adding problem


def adding_problem(
    rng: np.random.Generator, seq_len: int, batch_size: int, *, dtype: type = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """A batch of the adding problem.

    Each input step is a pair (value, marker): values are i.i.d. U[0, 1]; exactly two markers
    are 1, one at a uniformly random step of the first half and one of the second half (as in
    Le et al. 2015 and Arjovsky et al. 2016). The target is the sum of the two marked values.

    Args:
        rng: Source of randomness.
        seq_len: `T` ≥ 2.
        batch_size: `B`.
        dtype: Floating dtype.

    Returns:
        `(xs, y)`: inputs `(T, B, 2)` and targets `(B, 1)`.

    Examples:
        >>> xs, y = adding_problem(np.random.default_rng(1), 6, 1)
        >>> marked = xs[:, 0, 1] == 1
        >>> bool(np.isclose(xs[marked, 0, 0].sum(), y[0, 0]))
        True
    """
    T = _positive_int("seq_len", seq_len, 2)
    B = _positive_int("batch_size", batch_size)
    half = T // 2
    xs = np.zeros((T, B, 2), dtype=dtype)
    xs[:, :, 0] = rng.uniform(0.0, 1.0, size=(T, B))
    first = rng.integers(0, half, size=B)
    second = rng.integers(half, T, size=B)
    cols = np.arange(B)
    xs[first, cols, 1] = 1.0
    xs[second, cols, 1] = 1.0
    y = (xs[first, cols, 0] + xs[second, cols, 0])[:, None]
    return xs, y.astype(dtype, copy=False)


# --------------------------------------------------------------------------- copy memory

COPY_LENGTH = 10  # symbols to remember
COPY_ALPHABET = 10  # 0 blank, 1..8 data symbols, 9 delimiter


def copy_memory(
    rng: np.random.Generator, gap: int, batch_size: int, *, dtype: type = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """A batch of the copy-memory task (the variant of Arjovsky et al. 2016).

    Symbols: 0 is the blank, 1–8 are data, 9 is the delimiter. The input is 10 data symbols
    drawn uniformly from 1–8, then `gap - 1` blanks, the delimiter, and 10 more blanks
    (length `gap + 20`). The target is blank for the first `gap + 10` steps, then the 10 data
    symbols in order.

    Args:
        rng: Source of randomness.
        gap: `T` ≥ 1, the number of steps between the last data symbol and the delimiter, plus one.
        batch_size: `B`.
        dtype: Floating dtype of the one-hot inputs.

    Returns:
        `(xs, targets)`: one-hot inputs `(T + 20, B, 10)` and integer targets `(T + 20, B)`.

    Examples:
        >>> xs, targets = copy_memory(np.random.default_rng(0), gap=5, batch_size=1)
        >>> seq = xs[:, 0].argmax(axis=1).tolist()
        >>> seq[:10] == targets[-10:, 0].tolist() and seq[14] == 9
        True
    """
    T = _positive_int("gap", gap)
    B = _positive_int("batch_size", batch_size)
    length = T + 2 * COPY_LENGTH
    data = rng.integers(1, 9, size=(COPY_LENGTH, B))
    symbols = np.zeros((length, B), dtype=np.int64)
    symbols[:COPY_LENGTH] = data
    symbols[T + COPY_LENGTH - 1] = 9
    targets = np.zeros((length, B), dtype=np.int64)
    targets[-COPY_LENGTH:] = data
    return np.eye(COPY_ALPHABET, dtype=dtype)[symbols], targets


def copy_memory_baseline(gap: int) -> float:
    r"""Cross-entropy per step of the best memoryless predictor: $10 \ln 8 / (T + 20)$.

    It outputs the blank with certainty until the delimiter has passed, then a uniform guess
    over the 8 data symbols for the last 10 steps (Arjovsky et al. 2016).

    Examples:
        >>> round(copy_memory_baseline(1000), 4)
        0.0204
    """
    T = _positive_int("gap", gap)
    return COPY_LENGTH * math.log(8) / (T + 2 * COPY_LENGTH)


# --------------------------------------------------------------------------- latch


class LatchBatch(NamedTuple):
    """A batch of the latch task."""

    labels: np.ndarray  # (B,) class 0 or 1
    noise: np.ndarray  # (T, B) zero for the first `prefix` steps, Gaussian after
    targets: np.ndarray  # (B,) -0.8 for class 0, +0.8 for class 1


def latch(
    rng: np.random.Generator,
    seq_len: int,
    batch_size: int,
    *,
    prefix: int = 3,
    noise_std: float = 0.2,
    dtype: type = np.float64,
) -> LatchBatch:
    """A batch of the two-class latch task (after Bengio et al. 1994).

    A sequence's class is decided by its first `prefix` inputs, which a model learns per class
    (in Bengio et al. they are trainable values); every later input is Gaussian noise. The
    target, read at the last step only, is -0.8 or +0.8. To succeed, the model has to *latch*
    the class into its state and hold it through `seq_len - prefix` noisy steps.

    Args:
        rng: Source of randomness.
        seq_len: `T` > `prefix`.
        batch_size: `B`.
        prefix: Number of class-specific input steps `L`.
        noise_std: Standard deviation of the noise after the prefix.
        dtype: Floating dtype.

    Returns:
        A `LatchBatch`.

    Examples:
        >>> batch = latch(np.random.default_rng(0), seq_len=6, batch_size=3)
        >>> batch.noise.shape, bool((batch.noise[:3] == 0).all())
        ((6, 3), True)
    """
    L = _positive_int("prefix", prefix)
    T = _positive_int("seq_len", seq_len, L + 1)
    B = _positive_int("batch_size", batch_size)
    labels = rng.integers(0, 2, size=B)
    noise = np.zeros((T, B), dtype=dtype)
    noise[L:] = noise_std * rng.standard_normal((T - L, B))
    targets = np.where(labels == 1, 0.8, -0.8).astype(dtype)
    return LatchBatch(labels, noise, targets)


# --------------------------------------------------------------------------- Reber grammar

REBER_SYMBOLS = "BTPSXVE"

#: The Reber grammar (Reber 1967, as used by Cleeremans et al. 1989) as a graph:
#: state -> ((symbol, next state), ...), each choice with probability 1/2. State 0 expects the
#: opening B, state 6 the closing E; None ends the string.
REBER_GRAPH = {
    0: (("B", 1),),
    1: (("T", 2), ("P", 3)),
    2: (("S", 2), ("X", 4)),
    3: (("T", 3), ("V", 5)),
    4: (("X", 3), ("S", 6)),
    5: (("P", 4), ("V", 6)),
    6: (("E", None),),
}


def _reber_inner(rng: np.random.Generator) -> str:
    state: int | None = 0
    out = []
    while state is not None:
        options = REBER_GRAPH[state]
        symbol, state = options[rng.integers(len(options))] if len(options) > 1 else options[0]
        out.append(symbol)
    return "".join(out)


def embedded_reber(rng: np.random.Generator, n: int) -> list[str]:
    """`n` strings of the embedded Reber grammar: `B` + (`T`|`P`) + Reber string + same + `E`.

    The symbol after `B` must be repeated just before the final `E`; the Reber string in
    between is at least 5 symbols long, so the network has to remember it over a gap.

    Examples:
        >>> s = embedded_reber(np.random.default_rng(0), 3)
        >>> all(w[0] == "B" and w[-1] == "E" and w[1] == w[-2] for w in s)
        True
    """
    count = _positive_int("n", n)
    strings = []
    for _ in range(count):
        branch = "TP"[rng.integers(2)]
        strings.append("B" + branch + _reber_inner(rng) + branch + "E")
    return strings


def reber_next_distributions(string: str) -> np.ndarray:
    r"""The exact distribution of the next symbol after each prefix of an embedded Reber string.

    Row `t` is the distribution of `string[t + 1]` given `string[: t + 1]`, over
    `REBER_SYMBOLS`. Its nonzero entries are the grammatical continuations; a perfect
    predictor's cross-entropy on the string is $-\sum_t \log p_t(\text{string}[t+1])$,
    i.e. $\ln 2$ per binary choice.

    Raises:
        ValueError: If the string is not in the embedded Reber grammar.

    Examples:
        >>> d = reber_next_distributions("BTBTXSETE")
        >>> "".join(REBER_SYMBOLS[i] for i in np.flatnonzero(d[0]))    # after B: T or P
        'TP'
        >>> d[-1].tolist() == [0, 0, 0, 0, 0, 0, 1]                      # after the repeat: E
        True
    """
    index = {s: i for i, s in enumerate(REBER_SYMBOLS)}
    rows = []

    def dist(options: str) -> np.ndarray:
        row = np.zeros(len(REBER_SYMBOLS))
        for s in options:
            row[index[s]] = 1.0 / len(options)
        return row

    def fail(pos: int) -> ValueError:
        return ValueError(f"not an embedded Reber string: {string!r} (at position {pos})")

    if len(string) < 9 or string[0] != "B" or string[1] not in "TP":
        raise fail(0)
    rows.append(dist("TP"))  # after the opening B
    branch = string[1]
    rows.append(dist("B"))  # the inner string opens with B
    state: int | None = 0
    pos = 2
    while state is not None:
        if pos >= len(string):
            raise fail(pos)
        choices = dict(REBER_GRAPH[state])
        if string[pos] not in choices:
            raise fail(pos)
        state = choices[string[pos]]
        pos += 1
        options = branch if state is None else "".join(s for s, _ in REBER_GRAPH[state])
        rows.append(dist(options))
    if pos + 2 != len(string) or string[pos] != branch or string[pos + 1] != "E":
        raise fail(pos)
    rows.append(dist("E"))
    return np.stack(rows)


def encode_symbols(
    strings: list[str], *, alphabet: str = REBER_SYMBOLS, dtype: type = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """Next-symbol prediction data: one-hot inputs and integer targets, padded to one length.

    Step `t` of a string feeds `string[t]` and targets `string[t + 1]`. Shorter strings are
    padded with all-zero inputs and target -1 (ignored by the loss).

    Returns:
        `(xs, targets)`: `(T, B, len(alphabet))` and `(T, B)` with `T = max(len) - 1`.

    Examples:
        >>> xs, targets = encode_symbols(["BTE", "BE"], alphabet="BTE")
        >>> targets.tolist()
        [[1, 2], [2, -1]]
    """
    index = {s: i for i, s in enumerate(alphabet)}
    T = max(len(s) for s in strings) - 1
    xs = np.zeros((T, len(strings), len(alphabet)), dtype=dtype)
    targets = np.full((T, len(strings)), -1, dtype=np.int64)
    for b, s in enumerate(strings):
        codes = [index[c] for c in s]
        xs[np.arange(len(s) - 1), b, codes[:-1]] = 1.0
        targets[: len(s) - 1, b] = codes[1:]
    return xs, targets
