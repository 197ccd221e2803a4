r"""6.8 The standard RNN forward pass, run end to end.

At each step $t = 1, \dots, T$, starting from $h_0 = 0$:

$$
\begin{aligned}
h_t &= \tanh(U x_t + W h_{t-1} + b), & o_t &= V h_t + c, \\
\hat y_t &= \operatorname{softmax}(o_t), & L &= \textstyle\sum_{t=1}^{T} -\log \hat y_{t, y_t}.
\end{aligned}
$$

`forward_pass` computes exactly these four lines with the engine (`qa.core.rnn`,
`qa.core.output`, `qa.core.losses`). `demonstrate` trains a 16-unit network to predict the next
symbol of strings from the embedded Reber grammar (Hochreiter & Schmidhuber 1997, experiment 1)
and records, for one held-out string, what the forward pass produces at every step: the hidden
states $h_t$ and the predicted distributions $\hat y_t$. Because the grammar is known, so is the
best achievable loss, which the training curve is compared with.

Run it: `dl500 run 6.8`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from qa.core import init, losses, optim, output, rnn, tasks
from qa.core.model import SequenceModel
from qa.core.train import train
from qa.numbers import Number
from qa.viz import COLORS, FigureSpec, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Demo",
    "ForwardPass",
    "demonstrate",
    "forward_pass",
    "numbers",
    "parameter_count",
    "sequence_loss",
]

SEED = 0
HIDDEN = 16
STEPS = 3000
SYMBOLS = tasks.REBER_SYMBOLS


class ForwardPass(NamedTuple):
    """Everything the forward pass computes, for `T` steps of a batch of `B` sequences."""

    hs: np.ndarray  # (T, B, H) hidden states h_1 ... h_T
    os: np.ndarray  # (T, B, O) scores o_t = V h_t + c
    probs: np.ndarray  # (T, B, O) ŷ_t = softmax(o_t)


def forward_pass(
    params: dict[str, np.ndarray], xs: np.ndarray, h0: np.ndarray | None = None
) -> ForwardPass:
    """The standard RNN forward pass with a tanh state and a softmax output at every step.

    Args:
        params: `{"U": (H, D), "W": (H, H), "b": (H,), "V": (O, H), "c": (O,)}`.
        xs: Inputs, shape `(T, B, D)`.
        h0: Initial state `(B, H)`; zeros if None.

    Returns:
        A `ForwardPass` of states, scores and probabilities.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {**init.rnn_params(rng, 7, 16), **init.output_params(rng, 16, 7)}
        >>> xs, _ = tasks.encode_symbols(["BTBPVVETE"])
        >>> out = forward_pass(params, xs)
        >>> out.hs.shape, out.probs.shape
        ((8, 1, 16), (8, 1, 7))
        >>> bool(np.allclose(out.probs.sum(axis=-1), 1.0))   # a distribution at every step
        True
    """
    cell = {k: params[k] for k in ("U", "W", "b")}
    hs, _ = rnn.forward(cell, xs, h0, activation="tanh")
    os, _ = output.forward({"V": params["V"], "c": params["c"]}, hs)
    return ForwardPass(hs.copy(), os, losses.softmax(os))


def sequence_loss(probs: np.ndarray, targets: np.ndarray) -> float:
    r"""$L = \sum_t -\log \hat y_{t, y_t}$, averaged over the batch.

    Args:
        probs: Predicted distributions, shape `(T, B, O)`.
        targets: Target classes, shape `(T, B)` (-1 marks padding, which is skipped).

    Examples:
        >>> uniform = np.full((3, 1, 7), 1 / 7)          # knowing nothing: 3 steps of ln 7
        >>> round(sequence_loss(uniform, np.array([[0], [4], [6]])) / float(np.log(7)), 12)
        3.0
    """
    mask = targets >= 0
    picked = np.take_along_axis(probs, np.where(mask, targets, 0)[..., None], axis=-1)[..., 0]
    return float(-np.sum(np.log(picked) * mask) / probs.shape[1])


def parameter_count(input_size: int, hidden_size: int, output_size: int) -> int:
    """Number of weights and biases: `U` (H·D), `W` (H·H), `b` (H), `V` (O·H), `c` (O).

    Examples:
        >>> parameter_count(7, 16, 7)
        503
    """
    D, H, O = input_size, hidden_size, output_size
    return H * D + H * H + H + O * H + O


def card_parameter_count(rng: np.random.Generator) -> dict:
    """Quiz solver: draw sizes, build the parameters with the engine and count their entries."""
    D, H, O = (
        int(rng.choice(c)) for c in ((10, 50, 128, 300), (32, 64, 100, 256), (2, 10, 50, 1000))
    )
    params = {**init.rnn_params(rng, D, H), **init.output_params(rng, H, O)}
    return {
        "params": {"D": D, "H": H, "O": O},
        "answer": float(sum(p.size for p in params.values())),
    }


def card_forward_macs(rng: np.random.Generator) -> dict:
    """Quiz solver: multiply-adds of a forward pass, T·B·(U.size + W.size + V.size).

    The sizes come from parameters built by the engine; biases, tanh and softmax are not counted.
    """
    T, B = int(rng.integers(5, 51)), int(rng.integers(1, 33))
    D, H, O = int(rng.integers(2, 33)), int(rng.integers(4, 65)), int(rng.integers(2, 33))
    params = {**init.rnn_params(rng, D, H), **init.output_params(rng, H, O)}
    per_step = params["U"].size + params["W"].size + params["V"].size
    return {"params": {"T": T, "B": B, "D": D, "H": H, "O": O}, "answer": float(T * B * per_step)}


@dataclass(frozen=True)
class Demo:
    """What `demonstrate` measured."""

    seed: int
    train_losses: np.ndarray  # (STEPS,) mean cross-entropy per symbol on each minibatch
    eval_steps: np.ndarray  # steps at which the held-out loss was measured
    eval_losses: np.ndarray  # held-out cross-entropy per symbol at those steps
    floor: float  # the grammar's own cross-entropy per symbol on the held-out strings
    string: str  # the held-out string shown in the figures
    probs: np.ndarray  # (len - 1, 7) ŷ_t for that string
    allowed: np.ndarray  # (len - 1, 7) True where the grammar allows the next symbol
    hidden: np.ndarray  # (len - 1, H) h_t for that string
    choice_accuracy: float  # held-out steps whose allowed set is exactly the top predictions
    best_unit_accuracy: float  # the best single unit's sign as a branch (T/P) detector
    linear_readout_accuracy: float  # a linear read-out of the whole h_t as a branch detector


def _per_symbol_loss(
    model: SequenceModel, params: dict, xs: np.ndarray, targets: np.ndarray
) -> float:
    loss, _ = losses.softmax_cross_entropy(
        model.predict(params, xs), targets, time_reduction="mean"
    )
    return loss


def demonstrate(seed: int = SEED, *, progress: Callable[[float], None] | None = None) -> Demo:
    """Train a tanh RNN (H = 16) on embedded Reber strings and record its forward pass.

    Training: 512 strings, minibatches of 32, Adam (lr 0.01), gradient norm clipped at 1,
    `STEPS` updates. Evaluation: 256 other strings, scored per symbol against the exact
    next-symbol distributions of the grammar.
    """
    rng = np.random.default_rng(seed)
    model = SequenceModel(cell="rnn", activation="tanh", readout="all", loss="ce")
    params = model.init(rng, len(SYMBOLS), HIDDEN, len(SYMBOLS))
    train_strings = tasks.embedded_reber(rng, 512)
    test_strings = tasks.embedded_reber(rng, 256)
    test_xs, test_targets = tasks.encode_symbols(test_strings)
    evals: list[tuple[int, float]] = []

    def objective(p: dict, step: int) -> tuple[float, dict]:
        if step % 100 == 0:
            evals.append((step, _per_symbol_loss(model, p, test_xs, test_targets)))
        batch = [train_strings[i] for i in rng.integers(0, len(train_strings), 32)]
        return model.loss_and_grads(p, *tasks.encode_symbols(batch))

    result = train(objective, params, optim.Adam(lr=0.01), STEPS, clip_norm=1.0, progress=progress)
    evals.append((STEPS, _per_symbol_loss(model, result.params, test_xs, test_targets)))

    dists = [tasks.reber_next_distributions(s) for s in test_strings]
    floor = float(
        np.mean(
            np.concatenate(
                [
                    -np.log(d[np.arange(len(s) - 1), [SYMBOLS.index(c) for c in s[1:]]])
                    for s, d in zip(test_strings, dists, strict=True)
                ]
            )
        )
    )
    probs = losses.softmax(model.predict(result.params, test_xs))
    hits = total = 0
    for b, d in enumerate(dists):
        for t, row in enumerate(d):
            k = int(np.count_nonzero(row))
            hits += set(np.argsort(probs[t, b])[-k:]) == set(np.flatnonzero(row))
            total += 1
    states = model.states(result.params, test_xs)  # (T, B, H)
    unit_accuracy, readout_accuracy = _branch_memory(states, test_strings)
    shown = next(b for b, s in enumerate(test_strings) if 12 <= len(s) <= 16)
    n = len(test_strings[shown]) - 1
    hidden = states[:n, shown]
    return Demo(
        seed=seed,
        train_losses=result.losses,
        eval_steps=np.array([s for s, _ in evals]),
        eval_losses=np.array([v for _, v in evals]),
        floor=floor,
        string=test_strings[shown],
        probs=probs[:n, shown],
        allowed=dists[shown] > 0,
        hidden=hidden,
        choice_accuracy=hits / total,
        best_unit_accuracy=unit_accuracy,
        linear_readout_accuracy=readout_accuracy,
    )


def _branch_memory(states: np.ndarray, strings: list[str]) -> tuple[float, float]:
    """How well the state encodes the branch (T or P) while the embedded string is read.

    Returns the accuracy of the best single unit's sign, and of a least-squares linear read-out
    of all of h_t fitted on half of the strings and scored on the other half.
    """
    feats, labels, half = [], [], []
    for b, s in enumerate(strings):
        inner = slice(1, len(s) - 2)  # from reading the branch symbol to the inner string's E
        feats.append(states[inner, b])
        labels.append(np.full(len(s) - 3, 1.0 if s[1] == "T" else -1.0))
        half.append(np.full(len(s) - 3, b % 2 == 0))
    X, y, fit = np.concatenate(feats), np.concatenate(labels), np.concatenate(half)
    agree = ((X > 0) == (y > 0)[:, None]).mean(axis=0)
    unit = float(np.maximum(agree, 1 - agree).max())  # a unit may code either polarity
    Xb = np.hstack([X, np.ones((len(X), 1))])
    w, *_ = np.linalg.lstsq(Xb[fit], y[fit], rcond=None)
    readout = float(np.mean(np.sign(Xb[~fit] @ w) == y[~fit]))
    return unit, readout


def numbers(demo: Demo) -> dict[str, Number]:
    """The measured numbers the page quotes, by name (`{{ run.NAME }}`)."""
    seed = f"seed {demo.seed}"
    return {
        "start_loss": Number(float(demo.eval_losses[0]), ".3f", f"{seed}, before training"),
        "end_loss": Number(float(demo.eval_losses[-1]), ".3f", f"{seed}, after {STEPS} steps"),
        "floor": Number(demo.floor, ".3f", "exact, from the grammar, on the held-out strings"),
        "loss_at_500": Number(_loss_at(demo, 500), ".3f", f"{seed}, after 500 steps"),
        "choice_accuracy": Number(demo.choice_accuracy, ".1%", seed),
        "repeat_probability": Number(
            _repeat_probability(demo), ".1%", f"{seed}, second-to-last step of the string shown"
        ),
        "best_unit": Number(demo.best_unit_accuracy, ".1%", seed),
        "linear_readout": Number(demo.linear_readout_accuracy, ".1%", seed),
        "string": Number(demo.string, about=f"{seed}: the held-out string shown"),
    }


def _loss_at(demo: Demo, step: int) -> float:
    """The held-out loss measured at `step` (a multiple of the evaluation interval)."""
    return float(demo.eval_losses[list(demo.eval_steps).index(step)])


def _repeat_probability(demo: Demo) -> float:
    """ŷ of the right symbol (the string's second) where it must come back, after the inner E."""
    return float(demo.probs[-2, SYMBOLS.index(demo.string[1])])


def summarize(demo: Demo) -> str:
    """The measured numbers, as plain text."""
    n = numbers(demo)
    return "\n".join(
        [
            f"tanh RNN, H = {HIDDEN} ({parameter_count(7, HIDDEN, 7)} parameters), "
            f"{len(demo.train_losses)} Adam steps",
            f"held-out cross-entropy per symbol: {n['start_loss']} at the start -> "
            f"{n['end_loss']} at the end",
            f"best achievable (the grammar's own entropy on these strings): {n['floor']}",
            f"held-out cross-entropy per symbol after 500 steps: {n['loss_at_500']}",
            f"steps where the top predictions are exactly the grammatical next symbols: "
            f"{n['choice_accuracy']}",
            f"probability of the right T/P where it must be repeated, on the string shown: "
            f"{n['repeat_probability']}",
            f"branch (T or P) read from h_t inside the embedded string: best single unit "
            f"{n['best_unit']}, linear read-out of all units {n['linear_readout']}",
            f"string shown in the figures: {n['string']}",
        ]
    )


def plot_training_curve(demo: Demo) -> Figure:
    """Cross-entropy per symbol during training, against the grammar's entropy floor."""
    fig, ax = new_figure(height=3.2)
    steps = np.arange(1, len(demo.train_losses) + 1)
    ax.plot(steps, demo.train_losses, color=COLORS["sky"], lw=0.6, alpha=0.6, label="minibatch")
    ax.plot(
        demo.eval_steps,
        demo.eval_losses,
        color=COLORS["blue"],
        marker="o",
        ms=3,
        label="held-out strings",
    )
    ax.axhline(
        demo.floor, color=COLORS["black"], ls="--", lw=1, label="best achievable (grammar entropy)"
    )
    ax.set(xlabel="training step", ylabel="cross-entropy per symbol (nats)", ylim=(0, None))
    ax.set_title("A 16-unit RNN learns the embedded Reber grammar")
    ax.legend()
    return fig


def _symbol_ticks(ax, demo: Demo) -> None:
    ax.set_xticks(range(len(demo.string) - 1), list(demo.string[:-1]))
    ax.set_xlabel(r"input symbol $x_t$ at step $t$")
    ax.grid(False)


def plot_next_symbol_probabilities(demo: Demo) -> Figure:
    """ŷ_t for each step of one held-out string; grammatical next symbols outlined."""
    from matplotlib.patches import Rectangle

    fig, ax = new_figure(height=3.0)
    image = ax.imshow(demo.probs.T, aspect="auto", cmap="Blues", vmin=0, vmax=1)
    for t, s in zip(*np.nonzero(demo.allowed), strict=True):
        ax.add_patch(Rectangle((t - 0.5, s - 0.5), 1, 1, fill=False, ec=COLORS["orange"], lw=2))
    ax.set_yticks(range(len(SYMBOLS)), list(SYMBOLS))
    ax.set_ylabel(r"next symbol")
    _symbol_ticks(ax, demo)
    ax.set_title(r"$\hat y_t = \mathrm{softmax}(V h_t + c)$; orange: what the grammar allows")
    fig.colorbar(image, ax=ax, label="probability")
    return fig


def plot_hidden_states(demo: Demo) -> Figure:
    """h_t, unit by unit, for each step of the same string."""
    fig, ax = new_figure(height=3.4)
    image = ax.imshow(demo.hidden.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_yticks(range(0, HIDDEN, 3))
    ax.set_ylabel("hidden unit")
    _symbol_ticks(ax, demo)
    ax.set_title(r"$h_t = \tanh(U x_t + W h_{t-1} + b)$ along the string")
    fig.colorbar(image, ax=ax, label="activation")
    return fig


FIGURES = (
    FigureSpec(
        name="training-curve",
        build=plot_training_curve,
        alt="Line chart: cross-entropy per symbol falls from about 2 to near the dashed "
        "line of the grammar's entropy within a few hundred steps, then stays just above it.",
        caption="Cross-entropy per symbol while a 16-unit tanh RNN learns next-symbol "
        "prediction on embedded Reber strings; the dashed line is the best any predictor can do.",
    ),
    FigureSpec(
        name="next-symbol-probabilities",
        build=plot_next_symbol_probabilities,
        alt="Heatmap of predicted next-symbol probabilities (7 symbols by step) for one held-out "
        "string, with the grammatically allowed symbols outlined; the probability mass sits "
        "inside the outlines, split about evenly where the grammar offers two choices.",
        caption="The output of the forward pass at every step of one held-out string: where "
        "the grammar allows two symbols the network splits its bet; where it allows one, "
        "including the long-range repeat before the final E, it is confident.",
    ),
    FigureSpec(
        name="hidden-states",
        build=plot_hidden_states,
        alt="Heatmap of the 16 hidden units (rows) over the steps of the same string "
        "(columns), values between -1 and 1, many of them near -1 or 1.",
        caption="The hidden state along the same string: the network's whole memory of the "
        "past. No single unit stores the branch (T or P) that must be repeated at the end: the "
        "best one's sign gives it {{ run.best_unit }} of the time, a linear read-out of all 16 "
        "units {{ run.linear_readout }}.",
    ),
)
