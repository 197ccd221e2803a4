r"""6.6 Training an RNN: backpropagation on the unrolled graph, with weights shared over time.

Give each step its own dummy copy $W^{(t)}$ of the recurrent matrix, constrained to equal $W$
(Goodfellow et al. 2016, §10.2.2). The chain rule then says that a shared weight's gradient is
the sum of the gradients of its uses:

$$
\nabla_W L = \sum_{t=1}^{T} \nabla_{W^{(t)}} L, \qquad
\nabla_{W^{(t)}} L = \big[(1 - h_t^2) \odot \delta_t\big]\, h_{t-1}^\top, \qquad
\delta_t = \frac{\partial L}{\partial h_t}.
$$

Truncated BPTT with window $k$ keeps, for each loss term $L_t$, only the uses of the weights at
steps $t-k+1, \dots, t$:
$\hat g_k = \sum_t \sum_{s=t-k+1}^{t} \nabla_{\theta^{(s)}} L_t$, which equals the full gradient
only for $k = T$.

`demonstrate` computes each step's contribution with the engine's step functions and one copy of
$W$ per step (`qa.core.unroll`), checks their sum against the sequence BPTT of `qa.core.rnn` and
against finite differences, measures the bias of truncated BPTT as a function of the window for
a contracting and an expanding $W$, and measures what the forward pass keeps for the backward
pass as the sequence grows.

Run it: `dl500 run 6.6`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qa.core import gru, init, losses, lstm, output, rnn, unroll
from qa.core.gradcheck import numerical_gradient, rel_error
from qa.numbers import Number
from qa.viz import COLORS, FigureSpec, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Demo",
    "cache_bytes",
    "card_bptt_memory",
    "contributions_by_loss",
    "demonstrate",
    "numbers",
    "per_step_weight_gradients",
    "truncated_gradient",
]

SEED = 0
CELL_KEYS = ("U", "W", "b")
SCALES = (0.9, 2.0)  # W = s·Q: contracting and expanding
LENGTHS = (25, 50, 100, 200, 400, 800, 1600)
MEMORY_SIZES = {"B": 32, "H": 64, "D": 8}


def per_step_weight_gradients(
    params: dict[str, np.ndarray], xs: np.ndarray, dhs: np.ndarray
) -> np.ndarray:
    r"""$\nabla_{W^{(t)}} L$ for every step `t`, with one dummy copy of $W$ per step.

    Args:
        params: `{"U": (H, D), "W": (H, H), "b": (H,)}` of a tanh cell.
        xs: Inputs, shape `(T, B, D)`.
        dhs: $\partial L / \partial h_t$ from the layers above, shape `(T, B, H)`.

    Returns:
        Shape `(T, H, H)`; the sum over the first axis is $\nabla_W L$.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = init.rnn_params(rng, 2, 3)
        >>> xs, dhs = rng.standard_normal((5, 1, 2)), rng.standard_normal((5, 1, 3))
        >>> per_step = per_step_weight_gradients(params, xs, dhs)
        >>> grads, _, _ = rnn.backward(dhs, rnn.forward(params, xs)[1])
        >>> per_step.shape, rel_error(per_step.sum(axis=0), grads["W"]) < 1e-13
        ((5, 3, 3), True)
    """
    _, caches = unroll.forward(params, unroll.copies(params["W"], xs.shape[0]), xs)
    per_step, _, _ = unroll.backward(dhs, caches)
    return per_step["W"]


def contributions_by_loss(
    params: dict[str, np.ndarray], xs: np.ndarray, dhs: np.ndarray
) -> np.ndarray:
    r"""What the use of $\theta = (U, W, b)$ at step `s` adds to the gradient of each $L_t$.

    That is $\nabla_{\theta^{(s)}} L_t$ for every pair of a loss term and a parameter use.

    Args:
        params: `{"U": (H, D), "W": (H, H), "b": (H,)}` of a tanh cell.
        xs: Inputs, shape `(T, B, D)`.
        dhs: $\partial L_t / \partial h_t$ for each step, shape `(T, B, H)`.

    Returns:
        Shape `(T, T, P)` with `P = H·D + H·H + H`, indexed `[t, s]`; zero for `s > t` (a
        parameter use cannot affect an earlier loss).

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = init.rnn_params(rng, 2, 3)
        >>> C = contributions_by_loss(params, rng.standard_normal((4, 1, 2)),
        ...                           rng.standard_normal((4, 1, 3)))
        >>> C.shape, bool(np.all(C[0, 1:] == 0))
        ((4, 4, 18), True)
    """
    T = xs.shape[0]
    _, caches = unroll.forward(params, unroll.copies(params["W"], T), xs)
    out = np.zeros((T, T, sum(params[k].size for k in CELL_KEYS)))
    for t in range(T):
        only_t = np.zeros_like(dhs[: t + 1])
        only_t[t] = dhs[t]
        per_step, _, _ = unroll.backward(only_t, caches[: t + 1])
        out[t, : t + 1] = np.concatenate([per_step[k].reshape(t + 1, -1) for k in CELL_KEYS], 1)
    return out


#: Which terms `[t, s]` (loss t, parameter use at step s ≤ t) each truncation keeps, for a
#: window k. Sliding: every loss goes back k steps (Williams & Peng's k1 = 1, k2 = k). Chunked:
#: non-overlapping windows of k steps, a loss goes back to its window's start (k1 = k2 = k).
SCHEMES: dict[str, Callable[[np.ndarray, np.ndarray, int], np.ndarray]] = {
    "sliding": lambda t, s, k: (s <= t) & (t - s < k),
    "chunked": lambda t, s, k: (s <= t) & (t // k == s // k),
}


def truncated_gradient(
    contributions: np.ndarray, window: int, scheme: str = "sliding"
) -> np.ndarray:
    r"""The gradient of truncated BPTT with windows of `window` steps (`SCHEMES`).

    Args:
        contributions: From `contributions_by_loss`, shape `(T, T, P)`.
        window: `k` ≥ 1; `k = T` gives the full BPTT gradient in both schemes.
        scheme: `"sliding"` (each $L_t$ backpropagated through `window` steps) or `"chunked"`
            (non-overlapping windows; $L_t$ backpropagated to the start of its window).

    Returns:
        Shape `(P,)`.

    Examples:
        >>> C = np.ones((3, 3, 1)) * np.tril(np.ones((3, 3)))[..., None]   # every term = 1
        >>> [float(truncated_gradient(C, k)[0]) for k in (1, 2, 3)]         # 3, then 3+2, 3+2+1
        [3.0, 5.0, 6.0]
        >>> [float(truncated_gradient(C, k, "chunked")[0]) for k in (1, 2, 3)]  # windows {0,1},{2}
        [3.0, 4.0, 6.0]
    """
    T = contributions.shape[0]
    t, s = np.arange(T)[:, None], np.arange(T)[None, :]
    return contributions[SCHEMES[scheme](t, s, window)].sum(axis=0)


def cache_bytes(cache: tuple) -> int:
    """Bytes of the arrays a forward pass keeps for its backward pass (each buffer once).

    Examples:
        >>> params = init.rnn_params(np.random.default_rng(0), 8, 64)
        >>> _, cache = rnn.forward(params, np.zeros((100, 32, 8)))
        >>> xs, hs, U, W = 100 * 32 * 8, 101 * 32 * 64, 64 * 8, 64 * 64   # float64 entries
        >>> cache_bytes(cache) == 8 * (xs + hs + U + W)
        True
    """
    seen: dict[int, int] = {}
    for item in cache:
        if isinstance(item, np.ndarray):
            base = item if item.base is None else item.base
            seen[id(base)] = base.nbytes
    return sum(seen.values())


def card_bptt_memory(rng: np.random.Generator) -> dict:
    """Quiz solver: run the engine's forward pass and count the hidden-state values it returns."""
    H, B, T = (int(rng.integers(lo, hi + 1)) for lo, hi in ((8, 128), (1, 64), (10, 200)))
    hs, _ = rnn.forward(init.rnn_params(rng, 1, H), np.zeros((T, B, 1)))
    return {"params": {"H": H, "B": B, "T": T}, "answer": float(hs.size)}


@dataclass(frozen=True)
class Demo:
    """What `demonstrate` measured."""

    seed: int
    per_step_norms: np.ndarray  # (T,) ‖∇_{W^(t)} L_T‖_F, t = 1..T
    sum_vs_engine: float  # rel_error(Σ_t ∇_{W^(t)} L, rnn.backward)
    sum_vs_numeric: float  # rel_error(Σ_t ∇_{W^(t)} L, finite differences)
    windows: np.ndarray  # (K,) truncation windows k = 1..T
    cosine: dict  # scale -> (K,) cosine(truncated, full), sliding windows
    error: dict  # scale -> (K,) ‖truncated - full‖ / ‖full‖, sliding windows
    chunked_cosine: dict  # the same for non-overlapping windows
    chunked_error: dict
    lengths: np.ndarray  # (N,) sequence lengths T
    memory: dict  # cell name -> (N,) bytes kept by the forward pass
    seconds: np.ndarray  # (N,) wall-clock time of one RNN forward + backward (not plotted)


def _tanh_rnn(rng: np.random.Generator, scale: float, T: int, B: int, D: int, H: int, O: int):
    """A tanh RNN with W = scale·Q, random data, and the gradients ∂L_t/∂h_t of a softmax loss."""
    params = init.rnn_params(rng, D, H, recurrent="orthogonal", recurrent_scale=scale)
    head = init.output_params(rng, H, O)
    xs = rng.standard_normal((T, B, D))
    hs, _ = rnn.forward(params, xs)
    logits, out_cache = output.forward(head, hs)
    targets = rng.integers(0, O, size=(T, B))
    _, dlogits = losses.softmax_cross_entropy(logits, targets)
    _, dhs = output.backward(dlogits, out_cache)
    return params, head, xs, targets, dhs


def _per_step_experiment(rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    T, B = 30, 4
    params, head, xs, targets, dhs = _tanh_rnn(rng, 0.9, T, B, 4, 16, 4)
    last = np.zeros_like(dhs)
    last[-1] = dhs[-1]  # the loss at the last step only: L = L_T

    def loss_T(W: np.ndarray) -> float:
        hs, _ = rnn.forward({**params, "W": W}, xs)
        value, _ = losses.softmax_cross_entropy(output.forward(head, hs[-1])[0], targets[-1])
        return value

    per_step = per_step_weight_gradients(params, xs, last)
    grads, _, _ = rnn.backward(last, rnn.forward(params, xs)[1])
    numeric = numerical_gradient(loss_T, params["W"].copy())
    total = per_step.sum(axis=0)
    norms = np.linalg.norm(per_step, axis=(1, 2))
    return norms, rel_error(total, grads["W"]), rel_error(total, numeric)


def _timed_forward_backward(params: dict, xs: np.ndarray) -> float:
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        hs, cache = rnn.forward(params, xs)
        rnn.backward(np.ones_like(hs), cache)
        best = min(best, time.perf_counter() - start)
    return best


def demonstrate(seed: int = SEED, *, progress: Callable[[float], None] | None = None) -> Demo:
    """Per-step contributions, truncated-BPTT bias and the cost of BPTT against `T`."""
    rng = np.random.default_rng(seed)
    norms, vs_engine, vs_numeric = _per_step_experiment(rng)

    T = 50
    windows = np.arange(1, T + 1)
    measured: dict[str, tuple[dict, dict]] = {scheme: ({}, {}) for scheme in SCHEMES}
    for scale in SCALES:
        params, _, xs, _, dhs = _tanh_rnn(rng, scale, T, 4, 4, 16, 4)
        C = contributions_by_loss(params, xs, dhs)
        full = truncated_gradient(C, T)
        for scheme, (cosine, error) in measured.items():
            trunc = np.stack([truncated_gradient(C, int(k), scheme) for k in windows])
            cosine[scale] = trunc @ full / (np.linalg.norm(trunc, axis=1) * np.linalg.norm(full))
            error[scale] = np.linalg.norm(trunc - full, axis=1) / np.linalg.norm(full)
    if progress is not None:
        progress(0.3)

    B, H, D = MEMORY_SIZES["B"], MEMORY_SIZES["H"], MEMORY_SIZES["D"]
    cells = {
        "RNN": (rnn.forward, init.rnn_params(rng, D, H)),
        "GRU": (gru.forward, init.gru_params(rng, D, H)),
        "LSTM": (lstm.forward, init.lstm_params(rng, D, H)),
    }
    memory: dict[str, list[int]] = {name: [] for name in cells}
    seconds = []
    for i, length in enumerate(LENGTHS):
        xs = rng.standard_normal((length, B, D))
        for name, (forward, params) in cells.items():
            memory[name].append(cache_bytes(forward(params, xs)[1]))
        seconds.append(_timed_forward_backward(cells["RNN"][1], xs))
        if progress is not None:
            progress(0.3 + 0.7 * (i + 1) / len(LENGTHS))
    return Demo(
        seed=seed,
        per_step_norms=norms,
        sum_vs_engine=vs_engine,
        sum_vs_numeric=vs_numeric,
        windows=windows,
        cosine=measured["sliding"][0],
        error=measured["sliding"][1],
        chunked_cosine=measured["chunked"][0],
        chunked_error=measured["chunked"][1],
        lengths=np.array(LENGTHS),
        memory={name: np.array(v) for name, v in memory.items()},
        seconds=np.array(seconds),
    )


def _bytes_per_step(demo: Demo, name: str) -> int:
    """The growth of a cell's cache per time step (exact: the cache is linear in T)."""
    memory, lengths = demo.memory[name], demo.lengths
    return int((memory[-1] - memory[0]) // (lengths[-1] - lengths[0]))


def _first_window(demo: Demo, scale: float, below: float) -> int:
    return int(demo.windows[np.argmax(demo.error[scale] < below)])


def _first_cosine_window(demo: Demo, scale: float, above: float) -> int:
    return int(demo.windows[np.argmax(demo.cosine[scale] > above)])


def numbers(demo: Demo) -> dict[str, Number]:
    """The measured numbers the page, its captions and alt texts quote, by name (`{{ run.NAME }}`).

    The gradients are deterministic for a seed, so only their last digits move with the machine;
    the two agreement errors are rounding-level and differ from machine to machine (the page
    states the bound that holds everywhere). The timings are wall-clock, this machine's and this
    run's.
    """
    seed = f"seed {demo.seed}"
    n, T = demo.per_step_norms, len(demo.per_step_norms)
    small, large = min(SCALES), max(SCALES)
    per_step = {name: _bytes_per_step(demo, name) for name in demo.memory}
    mib = {name: float(m[-1]) / 2**20 for name, m in demo.memory.items()}
    us = 1e6 * demo.seconds / demo.lengths
    last_T = int(demo.lengths[-1])
    timing = "wall-clock, best of 3: this machine's, and it varies from run to run"
    return {
        "sum_vs_engine": Number(
            demo.sum_vs_engine, ".1e", f"{seed}, rounding error: differs from machine to machine"
        ),
        "sum_vs_numeric": Number(
            demo.sum_vs_numeric, ".1e", f"{seed}, differs from machine to machine"
        ),
        "norm_last": Number(float(n[-1]), ".2g", f"{seed}, ‖∇W(t) L_T‖_F at t = {T}"),
        "norm_mid": Number(float(n[T // 2 - 1]), ".1e", f"{seed}, ‖∇W(t) L_T‖_F at t = {T // 2}"),
        "norm_t2": Number(float(n[1]), ".1e", f"{seed}, ‖∇W(t) L_T‖_F at t = 2"),
        "norm_orders": Number(
            float(np.log10(n[-1] / n[1])), ".0f", f"{seed}, log10 of the ratio t = {T} / t = 2"
        ),
        "contracting_cos_k1": Number(float(demo.cosine[small][0]), ".2f", f"{seed}, k = 1"),
        "contracting_k_cos99": Number(
            _first_cosine_window(demo, small, 0.99), "d", f"{seed}: first k with cosine > 0.99"
        ),
        "contracting_k_1pct": Number(
            _first_window(demo, small, 0.01), "d", f"{seed}: first k with error < 1 %"
        ),
        "contracting_min_error": Number(
            float(demo.error[small][:-1].min()), ".0e", f"{seed}: smallest error for k < T"
        ),
        "expanding_cos_k1": Number(float(demo.cosine[large][0]), ".2f", f"{seed}, k = 1"),
        "expanding_cos_k10": Number(float(demo.cosine[large][9]), ".2f", f"{seed}, k = 10"),
        "expanding_max_cos_k10": Number(
            float(demo.cosine[large][:10].max()), ".2f", f"{seed}: largest cosine for k ≤ 10"
        ),
        "expanding_k_cos95": Number(
            _first_cosine_window(demo, large, 0.95), "d", f"{seed}: first k with cosine > 0.95"
        ),
        "expanding_k_1pct": Number(
            _first_window(demo, large, 0.01), "d", f"{seed}: first k with error < 1 %"
        ),
        "contracting_err_k10": Number(
            float(demo.error[small][9]), ".1e", f"{seed}, sliding windows, k = 10"
        ),
        "chunked_contracting_err_k10": Number(
            float(demo.chunked_error[small][9]), ".1e", f"{seed}, non-overlapping windows, k = 10"
        ),
        "chunked_contracting_k_1pct": Number(
            int(demo.windows[np.argmax(demo.chunked_error[small] < 0.01)]),
            "d",
            f"{seed}: first k with error < 1 %, non-overlapping windows",
        ),
        "gru_bytes_per_step": Number(per_step["GRU"], ",d", "exact: the cache's growth per step"),
        "lstm_bytes_per_step": Number(per_step["LSTM"], ",d", "exact: the cache's growth per step"),
        "gru_over_rnn": Number(per_step["GRU"] / per_step["RNN"], ".1f", "exact ratio"),
        "lstm_over_rnn": Number(per_step["LSTM"] / per_step["RNN"], ".1f", "exact ratio"),
        "rnn_mib_last": Number(mib["RNN"], ".0f", f"exact, at T = {last_T}"),
        "gru_mib_last": Number(mib["GRU"], ".0f", f"exact, at T = {last_T}"),
        "lstm_mib_last": Number(mib["LSTM"], ".0f", f"exact, at T = {last_T}"),
        "ms_first": Number(1e3 * float(demo.seconds[0]), ".2f", f"{timing}, T = {demo.lengths[0]}"),
        "ms_last": Number(1e3 * float(demo.seconds[-1]), ".0f", f"{timing}, T = {last_T}"),
        "us_per_step_first": Number(float(us[0]), ".0f", f"{timing}, T = {demo.lengths[0]}"),
        "us_per_step_last": Number(float(us[-1]), ".0f", f"{timing}, T = {last_T}"),
    }


def summarize(demo: Demo) -> str:
    """The measured numbers, as plain text."""
    q = numbers(demo)
    n, T = demo.per_step_norms, len(demo.per_step_norms)
    B, H, D = MEMORY_SIZES["B"], MEMORY_SIZES["H"], MEMORY_SIZES["D"]
    lines = [
        f"per-step contributions, tanh RNN H = 16, W = 0.9·Q, loss at the last of {T} "
        f"steps: ‖∇W(t)‖ = {q['norm_last']} at t = {T}, {q['norm_mid']} at t = {T // 2}, "
        f"{q['norm_t2']} at t = 2 (about {q['norm_orders']} orders of magnitude below), and "
        f"exactly {n[0]:g} at t = 1 (h_0 = 0)",
        f"sum over steps vs the engine's BPTT: relative error {q['sum_vs_engine']}; "
        f"vs finite differences: {q['sum_vs_numeric']}",
        f"truncated BPTT, loss at all {len(demo.windows)} steps, H = 16:",
    ]
    small, large = min(SCALES), max(SCALES)
    for scale in SCALES:
        err, cos = demo.error[scale], demo.cosine[scale]
        name = "contracting" if scale == small else "expanding"
        lines.append(
            f"  W = {scale}·Q: k = 1: cosine {q[f'{name}_cos_k1']}, error {err[0]:.2f}; "
            f"k = 10: cosine {cos[9]:.3f}, error {err[9]:.2e}; error < 1% from "
            f"k = {q[f'{name}_k_1pct']}; k = T: error {err[-1]:.1e}"
        )
    lines += [
        f"  W = {small}·Q: cosine > 0.99 from k = {q['contracting_k_cos99']}; "
        f"smallest error for k < T: {q['contracting_min_error']}",
        f"  W = {large}·Q: cosine at k = 10: {q['expanding_cos_k10']}, largest for k ≤ 10: "
        f"{q['expanding_max_cos_k10']}; cosine > 0.95 from k = {q['expanding_k_cos95']}",
        f"  non-overlapping windows, W = {small}·Q: error at k = 10: "
        f"{q['chunked_contracting_err_k10']} (sliding: {q['contracting_err_k10']}); "
        f"error < 1% from k = {q['chunked_contracting_k_1pct']}",
    ]
    lines.append(
        f"memory kept for the backward pass, B = {B}, H = {H}, D = {D}: "
        f"RNN {_bytes_per_step(demo, 'RNN'):,d}, GRU {q['gru_bytes_per_step']}, "
        f"LSTM {q['lstm_bytes_per_step']} bytes/step (RNN: 8·B·(D + H) = {8 * B * (D + H)}; "
        f"GRU {q['gru_over_rnn']}×, LSTM {q['lstm_over_rnn']}× the RNN's); "
        f"at T = {demo.lengths[-1]}: RNN {q['rnn_mib_last']}, GRU {q['gru_mib_last']}, "
        f"LSTM {q['lstm_mib_last']} MiB"
    )
    lines.append(
        f"RNN forward + backward (wall-clock, best of 3; this machine, varies run to run): "
        f"{q['ms_first']} ms at T = {demo.lengths[0]}, "
        f"{q['ms_last']} ms at T = {demo.lengths[-1]}; per step: "
        + ", ".join(f"{1e6 * s / n:.0f}" for s, n in zip(demo.seconds, demo.lengths, strict=True))
        + " µs"
    )
    return "\n".join(lines)


def plot_per_step_contributions(demo: Demo) -> Figure:
    """Bar chart of ‖∇_{W^(t)} L_T‖ against the step t."""
    fig, ax = new_figure(height=3.2)
    # t = 1 is left out: its contribution is exactly 0, because it multiplies h_0 = 0.
    steps = np.arange(2, len(demo.per_step_norms) + 1)
    ax.bar(steps, demo.per_step_norms[1:], color=COLORS["blue"], width=0.8)
    ax.set_yscale("log")
    ax.set(xlabel=r"step $t$ at which $W$ is used", ylabel=r"$\|\nabla_{W^{(t)}} L_T\|_F$")
    ax.set_title(r"One contribution per use of $W$; they sum to $\nabla_W L_T$")
    return fig


def plot_truncated_bptt_bias(demo: Demo) -> Figure:
    """Cosine and relative error of truncated BPTT against the window, for two scales of W.

    Solid: sliding windows (every loss backpropagated k steps); dashed: non-overlapping windows.
    """
    fig, (left, right) = new_figure(1, 2, width=7.6, height=3.2)
    colors = dict(zip(SCALES, (COLORS["blue"], COLORS["red"]), strict=True))
    k = demo.windows[:-1]  # at k = T the error is exactly 0, which a log axis cannot show
    for scale in SCALES:
        label = rf"$W = {scale}\,Q$"
        left.plot(demo.windows, demo.cosine[scale], color=colors[scale], label=label)
        right.plot(k, demo.error[scale][:-1], color=colors[scale], label=label)
        left.plot(demo.windows, demo.chunked_cosine[scale], color=colors[scale], ls="--", lw=1)
        right.plot(k, demo.chunked_error[scale][:-1], color=colors[scale], ls="--", lw=1)
    left.plot([], [], color=COLORS["grey"], ls="--", lw=1, label="non-overlapping")
    left.set(xlabel="window $k$", ylabel="cosine(truncated, full)", ylim=(None, 1.02))
    right.set(xlabel="window $k$", ylabel=r"$\|\hat g_k - g\| / \|g\|$", yscale="log")
    left.set_title("Direction")
    right.set_title("Relative error (0 at k = T)")
    left.legend()
    return fig


def plot_memory_and_time_vs_length(demo: Demo) -> Figure:
    """Bytes kept by the forward pass against T, for the RNN, GRU and LSTM."""
    fig, ax = new_figure(height=3.2)
    for name, color in (("RNN", "blue"), ("GRU", "green"), ("LSTM", "orange")):
        ax.plot(
            demo.lengths,
            demo.memory[name] / 2**20,
            marker="o",
            ms=4,
            color=COLORS[color],
            label=name,
        )
    ax.set(xlabel="sequence length $T$", ylabel="MiB kept for the backward pass", ylim=(0, None))
    B, H, D = MEMORY_SIZES["B"], MEMORY_SIZES["H"], MEMORY_SIZES["D"]
    ax.set_title(f"BPTT memory grows linearly with T (B = {B}, H = {H}, D = {D})")
    ax.legend()
    return fig


FIGURES = (
    FigureSpec(
        name="per-step-contributions",
        build=plot_per_step_contributions,
        alt="Bar chart on a log scale of the size of each step's contribution to the gradient "
        "of W, for steps 2 to 30 with the loss at step 30: the bars fall almost steadily from "
        "{{ run.norm_last }} at the last step to {{ run.norm_t2 }} at step 2, about "
        "{{ run.norm_orders }} orders of magnitude.",
        caption="Each use of the shared W contributes one term to its gradient (tanh RNN, "
        "H = 16, W = 0.9·Q, loss at the last step; step 1's term is exactly 0 because it "
        "multiplies h_0 = 0). The terms sum to the engine's BPTT gradient to rounding error "
        "(relative error {{ run.sum_vs_engine }} in this run; below 1e-12 on every machine), "
        "and match a finite-difference gradient to {{ run.sum_vs_numeric }} (below 1e-9).",
    ),
    FigureSpec(
        name="truncated-bptt-bias",
        build=plot_truncated_bptt_bias,
        alt="Two panels against the truncation window k from 1 to 50. Left: cosine between the "
        "truncated and the full gradient; for W = 0.9·Q it starts at {{ run.contracting_cos_k1 }} "
        "and exceeds 0.99 from k = {{ run.contracting_k_cos99 }}; for W = 2·Q it stays at most "
        "{{ run.expanding_max_cos_k10 }} up to k = 10 and passes 0.95 only at "
        "k = {{ run.expanding_k_cos95 }}. Right: the relative error on a log scale, falling "
        "steadily to {{ run.contracting_min_error }} for 0.9·Q but staying above 1% until "
        "k = {{ run.expanding_k_1pct }} for 2·Q. Dashed lines, for non-overlapping windows, are "
        "the worse approximation (each loss term is backpropagated at most k steps): lower "
        "cosine on the left, higher error on the right; for 0.9·Q the error at k = 10 is "
        "{{ run.chunked_contracting_err_k10 }} against {{ run.contracting_err_k10 }}.",
        caption="Truncated BPTT against full BPTT (T = 50, loss at every step). Solid: sliding "
        "windows, each loss term backpropagated k steps; dashed: non-overlapping windows of k "
        "steps, each loss backpropagated to the start of its window. With contracting "
        "Jacobians a short window is nearly exact; with expanding ones the dropped long-range "
        "terms dominate and the truncated gradient points elsewhere. At k = T both equal the "
        "full gradient.",
    ),
    FigureSpec(
        name="memory-and-time-vs-length",
        build=plot_memory_and_time_vs_length,
        alt="Line chart of the memory kept by the forward pass for the backward pass against "
        "the sequence length T from 25 to 1600, for an RNN, a GRU and an LSTM: three straight "
        "lines through the origin, reaching about {{ run.rnn_mib_last }} MiB for the RNN, "
        "{{ run.gru_mib_last }} MiB for the GRU and {{ run.lstm_mib_last }} MiB for the LSTM "
        "at T = 1600.",
        caption="What the forward pass keeps for the backward pass, measured as the bytes of "
        "the arrays in its cache: linear in T for every cell. The work of one forward and "
        "backward pass is linear in T too; its wall-clock time depends on the machine and "
        "varies from run to run, so `dl500 run 6.6` prints it instead of plotting it.",
    ),
)
