r"""6.5 RNNs versus feed-forward networks, on a task that needs memory and nothing else.

A feed-forward network maps a fixed-size input to an output; to see context it must be given a
window of the last $w$ inputs, $\tilde x_t = [x_{t-w+1}; \dots; x_t]$, with

$$
\begin{aligned}
\hat y_t &= \operatorname{softmax}\big(V \tanh(\tilde U \tilde x_t + b) + c\big),
  \qquad \tilde U \in \mathbb{R}^{H \times wD},\\
&\text{with } wDH + H + OH + O \text{ parameters}.
\end{aligned}
$$

An RNN feeds back a summary instead, $h_t = \tanh(U x_t + W h_{t-1} + b)$, with
$HD + H^2 + H + OH + O$ parameters whatever the context. Unrolled over $T$ steps it *is* a
$T$-layer feed-forward network whose layers share $U, W, b$:
$h_t = F(F(\cdots F(h_0, x_1) \cdots), x_t)$ with $F(h, x) = \tanh(U x + W h + b)$.

`demonstrate` trains three models with the same budget on **delayed recall** (the target at
step $t$ is the input $x_{t-k}$, symbols from an alphabet of $m = 4$): a per-step MLP ($w = 1$),
a window MLP ($w = 4$) and a tanh RNN ($H = 32$). The MLPs are built from the engine's affine
layer (`qa.core.output`) and trained with the same loop as the RNN. It also runs the RNN as an
explicit stack of $T$ tied feed-forward layers and measures the difference.

Run it: `dl500 run 6.5`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from qa.core import activations, init, losses, optim, output, rnn, tasks
from qa.core.model import SequenceModel
from qa.core.train import train
from qa.numbers import Number
from qa.viz import COLORS, FigureSpec, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Demo",
    "Layer",
    "card_window_mlp_parameters",
    "delayed_recall",
    "demonstrate",
    "embedded_reber_lookalikes",
    "numbers",
    "parameter_count",
    "reber_prefixes",
    "reber_window",
    "unrolled_forward",
    "window_inputs",
    "window_mlp_loss_and_grads",
    "window_mlp_params",
]

SEED = 0
ALPHABET = 4  # m: chance accuracy is 1/m
HIDDEN = 32
WINDOW = 4
DELAYS = tuple(range(25))
STEPS = 200  # Adam updates per model and delay
SCORED = 10  # scored steps per sequence: sequences have length k + SCORED
MODELS = ("per-step MLP", "window MLP", "RNN")
SOLVED = 0.99  # accuracy that counts as solving a delay
FAILED = 0.4  # accuracy that counts as failing it: chance is 1/m = 0.25


def delayed_recall(
    rng: np.random.Generator, delay: int, seq_len: int, batch_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """A batch of delayed recall: the target at step `t` is the symbol read at step `t - delay`.

    Args:
        rng: Source of randomness.
        delay: `k` ≥ 0.
        seq_len: `T` > `k`.
        batch_size: `B`.

    Returns:
        `(xs, targets)`: one-hot inputs `(T, B, m)` and classes `(T, B)`, -1 for the first `k`
        steps (nothing to recall yet; the loss skips them).

    Examples:
        >>> xs, targets = delayed_recall(np.random.default_rng(0), 2, 6, 1)
        >>> symbols = xs[:, 0].argmax(axis=1).tolist()
        >>> targets[:, 0].tolist()[2:] == symbols[:4], targets[:2, 0].tolist()
        (True, [-1, -1])
    """
    symbols = rng.integers(0, ALPHABET, size=(seq_len, batch_size))
    targets = np.full((seq_len, batch_size), -1, dtype=np.int64)
    targets[delay:] = symbols[: seq_len - delay]
    return np.eye(ALPHABET)[symbols], targets


def window_inputs(xs: np.ndarray, width: int) -> np.ndarray:
    r"""$\tilde x_t = [x_{t-w+1}; \dots; x_t]$ for every step, zeros before the sequence starts.

    Args:
        xs: Inputs, shape `(T, B, D)`.
        width: `w` ≥ 1.

    Returns:
        Shape `(T, B, w·D)`, oldest input first.

    Examples:
        >>> xs = np.arange(3.0).reshape(3, 1, 1)
        >>> window_inputs(xs, 2)[:, 0].tolist()
        [[0.0, 0.0], [0.0, 1.0], [1.0, 2.0]]
    """
    T, B, D = xs.shape
    padded = np.concatenate([np.zeros((width - 1, B, D), dtype=xs.dtype), xs])
    return np.concatenate([padded[i : i + T] for i in range(width)], axis=-1)


def window_mlp_params(
    rng: np.random.Generator, width: int, input_size: int, hidden_size: int, output_size: int
) -> dict[str, np.ndarray]:
    """Parameters of the window MLP: `{"U": (H, w·D), "b": (H,), "V": (O, H), "c": (O,)}`.

    Examples:
        >>> p = window_mlp_params(np.random.default_rng(0), 4, 4, 32, 4)
        >>> {k: v.shape for k, v in p.items()}
        {'U': (32, 16), 'b': (32,), 'V': (4, 32), 'c': (4,)}
    """
    fan_in = width * input_size
    return {
        "U": init.gaussian(rng, (hidden_size, fan_in), 1.0 / np.sqrt(fan_in)),
        "b": np.zeros(hidden_size),
        **init.output_params(rng, hidden_size, output_size),
    }


def window_mlp_loss_and_grads(
    params: dict[str, np.ndarray], xs: np.ndarray, targets: np.ndarray, width: int
) -> tuple[float, dict[str, np.ndarray]]:
    """Mean cross-entropy of the window MLP over the scored steps, and its gradients.

    Two affine layers of the engine with a tanh between them, applied to every step at once
    (no state, so the steps are independent).

    Args:
        params: From `window_mlp_params`.
        xs: Inputs, shape `(T, B, D)`.
        targets: Classes `(T, B)`, -1 to skip.
        width: `w`.

    Returns:
        `(loss, grads)`, `grads` with the keys of `params`.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> xs, targets = delayed_recall(rng, 1, 8, 2)
        >>> loss, grads = window_mlp_loss_and_grads(window_mlp_params(rng, 2, 4, 5, 4), xs,
        ...                                         targets, 2)
        >>> sorted(grads), loss > 0
        (['U', 'V', 'b', 'c'], True)
    """
    hidden = {"V": params["U"], "c": params["b"]}  # the engine's affine layer, reused
    pre, hidden_cache = output.forward(hidden, window_inputs(xs, width))
    h = activations.apply("tanh", pre)
    logits, out_cache = output.forward({"V": params["V"], "c": params["c"]}, h)
    loss, dlogits = losses.softmax_cross_entropy(logits, targets, time_reduction="mean")
    out_grads, dh = output.backward(dlogits, out_cache)
    in_grads, _ = output.backward(dh * activations.derivative_from_output("tanh", h), hidden_cache)
    return loss, {"U": in_grads["V"], "b": in_grads["c"], **out_grads}


def _window_mlp_logits(params: dict[str, np.ndarray], xs: np.ndarray, width: int) -> np.ndarray:
    h = np.tanh(window_inputs(xs, width) @ params["U"].T + params["b"])
    return h @ params["V"].T + params["c"]


def parameter_count(model: str, width: int = 1, *, D: int = ALPHABET, H: int = HIDDEN) -> int:
    """Number of parameters, counted from the arrays the engine builds (`O = D` here).

    Args:
        model: `"window MLP"` or `"RNN"`.
        width: Context length `w` of the window MLP (ignored for the RNN).
        D: Input size (= output size).
        H: Hidden size.

    Examples:
        >>> parameter_count("window MLP", 4), parameter_count("RNN")
        (676, 1316)
    """
    rng = np.random.default_rng(0)
    if model == "RNN":
        params = {**init.rnn_params(rng, D, H), **init.output_params(rng, H, D)}
    else:
        params = window_mlp_params(rng, width, D, H, D)
    return sum(p.size for p in params.values())


class Layer(NamedTuple):
    r"""One feed-forward layer of the unrolled network: $h' = \tanh(W h + U x + b)$."""

    U: np.ndarray  # (H, D)
    W: np.ndarray  # (H, H)
    b: np.ndarray  # (H,)

    def __call__(self, h: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Apply the layer to the previous layer's output `h (B, H)` and its input `x (B, D)`."""
        return np.tanh(h @ self.W.T + (x @ self.U.T + self.b))


def unrolled_forward(params: dict[str, np.ndarray], xs: np.ndarray) -> np.ndarray:
    """The RNN run as a stack of `T` feed-forward layers that are one and the same `Layer`.

    Args:
        params: `{"U": (H, D), "W": (H, H), "b": (H,)}`.
        xs: Inputs, shape `(T, B, D)`; layer `t` receives `xs[t]`.

    Returns:
        The outputs of the `T` layers, shape `(T, B, H)`.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = init.rnn_params(rng, 3, 5)
        >>> xs = rng.standard_normal((20, 2, 3))
        >>> bool(np.allclose(unrolled_forward(params, xs), rnn.forward(params, xs)[0],
        ...                  rtol=0, atol=1e-14))
        True
    """
    layers = [Layer(params["U"], params["W"], params["b"])] * xs.shape[0]  # tied: one object
    h = np.zeros((xs.shape[1], params["W"].shape[0]))
    outs = []
    for layer, x in zip(layers, xs, strict=True):
        h = layer(h, x)
        outs.append(h)
    return np.stack(outs)


def card_window_mlp_parameters(rng: np.random.Generator) -> dict:
    """Quiz solver: build a window MLP with random sizes and count its parameters."""
    k, D, H, O = (int(rng.integers(lo, hi + 1)) for lo, hi in ((2, 10), (2, 32), (4, 64), (2, 16)))
    params = window_mlp_params(rng, k, D, H, O)
    return {
        "params": {"k": k, "D": D, "H": H, "O": O},
        "answer": float(sum(p.size for p in params.values())),
    }


# --------------------------------------------------------------------------- grammars and windows


def reber_prefixes(max_len: int = 14) -> list[tuple[str, frozenset[str]]]:
    """Every prefix of a Reber string up to `max_len` symbols, with the symbols allowed next.

    Read off `qa.core.tasks.REBER_GRAPH` exactly, no sampling.

    Examples:
        >>> dict(reber_prefixes(2))["BT"] == frozenset("SX")
        True
    """
    out: list[tuple[str, frozenset[str]]] = []
    todo: list[tuple[str, int]] = [("", 0)]
    while todo:
        prefix, state = todo.pop()
        edges = tasks.REBER_GRAPH[state]
        out.append((prefix, frozenset(symbol for symbol, _ in edges)))
        if len(prefix) < max_len:
            todo.extend((prefix + s, nxt) for s, nxt in edges if nxt is not None)
    return out


def reber_window(max_len: int = 14) -> int:
    """The fewest last symbols that always tell which symbols may come next in a Reber string.

    A window MLP that sees this many symbols (and where the string starts) predicts the set of
    legal continuations as well as any model with memory: the grammar has unbounded strings
    (its loops), but no long dependencies. Checked on every prefix up to `max_len` symbols.

    Examples:
        >>> reber_window()
        2
    """
    prefixes = reber_prefixes(max_len)
    for w in range(1, max_len + 1):
        seen: dict[str, frozenset[str]] = {}
        if all(seen.setdefault(p[-w:], allowed) == allowed for p, allowed in prefixes):
            return w
    raise ValueError(f"no window up to {max_len} symbols works")


def embedded_reber_lookalikes(window: int) -> tuple[str, str]:
    """Two embedded Reber prefixes that end in the same `window` symbols but continue differently.

    The embedded grammar repeats its second symbol (T or P) after an inner Reber string of any
    length (Hochreiter & Schmidhuber 1997, §5.1). Both prefixes end with the same inner string,
    made longer than `window` with its S loop; the next symbol is T for one and P for the other.
    So no window, however wide, predicts this grammar: it needs memory.

    Examples:
        >>> a, b = embedded_reber_lookalikes(20)
        >>> a[-20:] == b[-20:], a[:2], b[:2]
        (True, 'BT', 'BP')
        >>> nxt = [tasks.reber_next_distributions(s + s[1] + "E")[len(s) - 1] for s in (a, b)]
        >>> [tasks.REBER_SYMBOLS[int(d.argmax())] for d in nxt]
        ['T', 'P']
    """
    inner = "BT" + "S" * max(window, 1) + "XSE"
    return "BT" + inner, "BP" + inner


@dataclass(frozen=True)
class Demo:
    """What `demonstrate` measured."""

    seed: int
    delays: np.ndarray  # (K,)
    accuracy: dict  # model name -> (K,) test accuracy over the scored steps
    widths: np.ndarray  # context lengths w for the parameter counts
    mlp_counts: np.ndarray  # window-MLP parameter count for each w
    rnn_count: int
    unrolled_steps: int
    unrolled_max_diff: float  # max |h_t(unrolled layers) - h_t(rnn.forward)|


def _accuracy(logits: np.ndarray, targets: np.ndarray) -> float:
    scored = targets >= 0
    return float(np.sum((logits.argmax(axis=-1) == targets) & scored) / scored.sum())


def demonstrate(seed: int = SEED, *, progress: Callable[[float], None] | None = None) -> Demo:
    """Train the three models on delayed recall for every delay in `DELAYS`.

    Each model and delay: `STEPS` Adam updates (lr 0.01, global-norm clip 1) on fresh batches of
    32 sequences of length `k + SCORED`; accuracy on 500 held-out sequences.
    """
    rng = np.random.default_rng(seed)
    rnn_model = SequenceModel(cell="rnn", activation="tanh", readout="all", loss="ce")
    accuracy: dict[str, list[float]] = {name: [] for name in MODELS}
    for i, k in enumerate(DELAYS):
        T = k + SCORED
        test_xs, test_targets = delayed_recall(rng, k, T, 500)
        for name, width in (("per-step MLP", 1), ("window MLP", WINDOW)):
            result = train(
                lambda p, _, w=width, k=k, T=T: window_mlp_loss_and_grads(
                    p, *delayed_recall(rng, k, T, 32), w
                ),
                window_mlp_params(rng, width, ALPHABET, HIDDEN, ALPHABET),
                optim.Adam(lr=0.01),
                STEPS,
                clip_norm=1.0,
            )
            logits = _window_mlp_logits(result.params, test_xs, width)
            accuracy[name].append(_accuracy(logits, test_targets))
        result = train(
            lambda p, _, k=k, T=T: rnn_model.loss_and_grads(p, *delayed_recall(rng, k, T, 32)),
            rnn_model.init(rng, ALPHABET, HIDDEN, ALPHABET),
            optim.Adam(lr=0.01),
            STEPS,
            clip_norm=1.0,
        )
        accuracy["RNN"].append(_accuracy(rnn_model.predict(result.params, test_xs), test_targets))
        if progress is not None:
            progress((i + 1) / len(DELAYS))

    cell = {k: result.params[k] for k in ("U", "W", "b")}  # the RNN trained last
    xs, _ = delayed_recall(rng, 0, 100, 16)
    diff = float(np.abs(unrolled_forward(cell, xs) - rnn.forward(cell, xs)[0]).max())
    widths = np.arange(1, 41)
    return Demo(
        seed=seed,
        delays=np.array(DELAYS),
        accuracy={name: np.array(v) for name, v in accuracy.items()},
        widths=widths,
        mlp_counts=np.array([parameter_count("window MLP", int(w)) for w in widths]),
        rnn_count=parameter_count("RNN"),
        unrolled_steps=xs.shape[0],
        unrolled_max_diff=diff,
    )


def _solved_up_to(acc: np.ndarray, delays: np.ndarray, threshold: float = SOLVED) -> int:
    """Largest delay such that every delay up to it reaches the threshold (-1 if none)."""
    failed = np.flatnonzero(acc < threshold)
    if not failed.size:
        return int(delays[-1])
    return int(delays[failed[0] - 1]) if failed[0] > 0 else -1


def _failed_from(acc: np.ndarray, delays: np.ndarray, threshold: float = FAILED) -> int | None:
    """Smallest delay from which every accuracy is below the threshold (None if the last is not)."""
    above = np.flatnonzero(acc >= threshold)
    if not above.size:
        return int(delays[0])
    return int(delays[above[-1] + 1]) if above[-1] + 1 < len(delays) else None


def numbers(demo: Demo) -> dict[str, Number]:
    """The measured numbers the page, its captions and alt texts quote, by name (`{{ run.NAME }}`).

    Every accuracy comes from one training run per model and delay, whose trajectory another
    machine can change; the MLPs' limits are structural, the RNN's is what training found.
    """
    seed = f"seed {demo.seed}"
    rnn_acc, delays = demo.accuracy["RNN"], demo.delays
    failed_from = _failed_from(rnn_acc, delays)
    tail = rnn_acc[delays >= failed_from] if failed_from is not None else np.array([np.nan])
    beyond = np.concatenate(
        [demo.accuracy["per-step MLP"][delays >= 1], demo.accuracy["window MLP"][delays >= WINDOW]]
    )
    return {
        "rnn_solved_up_to": Number(
            _solved_up_to(rnn_acc, delays),
            "d",
            f"{seed}: the largest k such that the RNN's accuracy is at least {SOLVED} for every "
            "delay up to it",
        ),
        "rnn_failed_from": Number(
            failed_from,
            "d",
            f"{seed}: the smallest k from which the RNN's accuracy stays below {FAILED}",
        ),
        "rnn_failed_max": Number(
            None if failed_from is None else float(tail.max()),
            ".3f",
            f"{seed}: the RNN's highest accuracy from that delay on",
        ),
        "per_step_acc_0": Number(
            float(demo.accuracy["per-step MLP"][0]), ".3f", f"{seed}: per-step MLP, k = 0"
        ),
        "window_inside_min": Number(
            float(demo.accuracy["window MLP"][delays < WINDOW].min()),
            ".3f",
            f"{seed}: the window MLP's lowest accuracy for k < {WINDOW}",
        ),
        "mlp_beyond_min": Number(
            float(beyond.min()), ".3f", f"{seed}: lowest accuracy of both MLPs beyond their input"
        ),
        "mlp_beyond_max": Number(
            float(beyond.max()), ".3f", f"{seed}: highest accuracy of both MLPs beyond their input"
        ),
        "unrolled_max_diff": Number(
            demo.unrolled_max_diff,
            ".3g",
            f"max |h_t(unrolled) − h_t(rnn.forward)| over {demo.unrolled_steps} steps; "
            "0 wherever BLAS sums in the same order, rounding level at most",
        ),
    }


def summarize(demo: Demo) -> str:
    """The measured numbers, as plain text."""
    n = numbers(demo)
    lines = [
        f"delayed recall, alphabet m = {ALPHABET} (chance {1 / ALPHABET:.2f}), "
        f"{STEPS} Adam steps per model and delay k = {demo.delays[0]}..{demo.delays[-1]}",
    ]
    for name in MODELS:
        acc = demo.accuracy[name]
        far = acc[demo.delays >= WINDOW]
        solved = n["rnn_solved_up_to"] if name == "RNN" else _solved_up_to(acc, demo.delays)
        lines.append(
            f"{name:>12}: accuracy ≥ {SOLVED} for every k ≤ {solved}; "
            f"k = 0: {acc[0]:.2f}; mean over k ≥ {WINDOW}: {far.mean():.2f}; "
            f"at k = {demo.delays[-1]}: {acc[-1]:.2f}"
        )
    lines += [
        f"RNN: accuracy below {FAILED} for every k ≥ {n['rnn_failed_from']} "
        f"(at most {n['rnn_failed_max']})",
        f"per-step MLP at k = 0: {n['per_step_acc_0']}; window MLP for k < {WINDOW}: at least "
        f"{n['window_inside_min']}; both MLPs beyond their input: {n['mlp_beyond_min']} to "
        f"{n['mlp_beyond_max']}",
        f"parameters (H = {HIDDEN}): window MLP {demo.mlp_counts[1] - demo.mlp_counts[0]}·w + "
        f"{2 * demo.mlp_counts[0] - demo.mlp_counts[1]} for context w; "
        f"RNN {demo.rnn_count} for any context",
        f"RNN run as {demo.unrolled_steps} tied feed-forward layers: max |difference| from "
        f"rnn.forward = {n['unrolled_max_diff']}",
    ]
    return "\n".join(lines)


def plot_delayed_recall(demo: Demo) -> Figure:
    """Test accuracy against the delay, for the three models."""
    fig, ax = new_figure(height=3.4)
    styles = {
        "per-step MLP": (COLORS["orange"], "s", "per-step MLP (no context)"),
        "window MLP": (COLORS["green"], "^", f"window MLP (w = {WINDOW})"),
        "RNN": (COLORS["blue"], "o", f"tanh RNN (H = {HIDDEN})"),
    }
    for name, (color, marker, label) in styles.items():
        ax.plot(demo.delays, demo.accuracy[name], color=color, marker=marker, ms=4, label=label)
    ax.axhline(1 / ALPHABET, color=COLORS["black"], ls="--", lw=1, label="chance (1/m)")
    ax.axvline(WINDOW - 0.5, color=COLORS["grey"], ls=":", lw=1)
    ax.set(xlabel=r"delay $k$ (target $= x_{t-k}$)", ylabel="test accuracy", ylim=(0, 1.05))
    ax.set_title(f"Delayed recall, {STEPS} Adam steps for every model and delay")
    ax.legend(loc="upper right")
    return fig


def plot_parameters_vs_context(demo: Demo) -> Figure:
    """Parameter count against context length: linear for the window MLP, flat for the RNN."""
    fig, ax = new_figure(height=3.2)
    ax.plot(demo.widths, demo.mlp_counts, color=COLORS["green"], label="window MLP, context w")
    ax.axhline(demo.rnn_count, color=COLORS["blue"], label="RNN, any context")
    ax.set(xlabel=r"context length $w$ (inputs seen)", ylabel="parameters", ylim=(0, None))
    ax.set_title(f"Parameters, D = O = {ALPHABET}, H = {HIDDEN}: wDH + H + HO + O vs constant")
    ax.legend()
    return fig


FIGURES = (
    FigureSpec(
        name="delayed-recall",
        build=plot_delayed_recall,
        alt="Line chart of test accuracy against the delay k from 0 to 24, with a dashed line "
        "at chance, 0.25. The per-step MLP is at {{ run.per_step_acc_0 }} for k = 0 and at "
        "chance for every larger k. The window MLP is at least at {{ run.window_inside_min }} for "
        "k = 0 to 3 and at chance from k = 4 (both MLPs between {{ run.mlp_beyond_min }} and "
        "{{ run.mlp_beyond_max }} where their input does not reach). The RNN is at 0.99 or more "
        "up to k = {{ run.rnn_solved_up_to }}, then falls, and stays below 0.4 from "
        "k = {{ run.rnn_failed_from }} (at most {{ run.rnn_failed_max }}).",
        caption="Delayed recall with an alphabet of 4, each model trained once, with the same "
        "budget, for each delay. The MLPs fail exactly where their input stops reaching back (a "
        "structural limit). The RNN has no such limit, but with this budget training teaches it "
        "to hold a symbol reliably for only {{ run.rnn_solved_up_to }} steps in this build's "
        "run, far short of the longest delays.",
    ),
    FigureSpec(
        name="parameters-vs-context",
        build=plot_parameters_vs_context,
        alt="Line chart of parameter count against context length w from 1 to 40: the window "
        "MLP's count rises in a straight line, by 128 parameters per step of context, while the "
        "RNN's count is a horizontal line at 1316.",
        caption="Exact parameter counts, taken from the arrays the code builds: a window MLP "
        "pays for every step of context in its first layer; the RNN's count does not depend on "
        "how far back it can look.",
    ),
)
