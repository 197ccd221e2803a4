r"""6.9 Backpropagation through time, derived in five steps and checked term by term.

For $a_t = U x_t + W h_{t-1} + b$, $h_t = \tanh(a_t)$, $o_t = V h_t + c$,
$\hat y_t = \operatorname{softmax}(o_t)$ and $L = \sum_t -\log \hat y_{t, y_t}$:

1. output error $\varepsilon_t = \partial L / \partial o_t = \hat y_t - \mathbf 1_{y_t}$;
2. one-step Jacobian $\partial h_j / \partial h_{j-1} = \operatorname{diag}(1 - h_j^2)\, W$;
3. total state gradient, backwards from $\delta_{T+1} = 0$:
   $\delta_t = V^\top \varepsilon_t + W^\top\big[(1 - h_{t+1}^2) \odot \delta_{t+1}\big]$;
4. through the tanh: $\tilde\delta_t = (1 - h_t^2) \odot \delta_t$;
5. sums over time: $\nabla_W L = \sum_t \tilde\delta_t h_{t-1}^\top$,
   $\nabla_U L = \sum_t \tilde\delta_t x_t^\top$, $\nabla_b L = \sum_t \tilde\delta_t$,
   $\nabla_V L = \sum_t \varepsilon_t h_t^\top$, $\nabla_c L = \sum_t \varepsilon_t$.

Unrolled, the gradient of one loss term is a sum over the step $k$ at which $W$ is used,

$$
\frac{\partial L_t}{\partial W} = \sum_{k=1}^{t} \frac{\partial L_t}{\partial h_t}
\Bigg(\prod_{j=k+1}^{t} \frac{\partial h_j}{\partial h_{j-1}}\Bigg)
\frac{\partial^+ h_k}{\partial W},
$$

where $\partial^+$ is the *immediate* derivative ($h_{k-1}$ held fixed). `demonstrate` checks the
five steps against central finite differences, together with three mistakes kept on purpose
(`VARIANTS`), and checks every term of the unrolled sum by perturbing only the copy of $W$ used at
step $k$ (`qa.core.unroll`).

Run it: `dl500 run 6.9`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qa.core import init, losses, output, rnn, unroll
from qa.core.gradcheck import numerical_gradient, rel_error
from qa.numbers import Number
from qa.viz import COLORS, FigureSpec, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "VARIANTS",
    "Demo",
    "bptt",
    "card_naive_jacobian_count",
    "card_scalar_linear_bptt",
    "demonstrate",
    "naive_jacobian_factors",
    "numbers",
    "output_error",
    "parameter_gradients",
    "state_gradients",
    "step_jacobian",
    "through_tanh",
    "unrolled_terms",
]

SEED = 0
PARAMS = ("U", "W", "b", "V", "c")
#: The correct derivation and three mistakes, kept as cases that must fail the gradient check.
VARIANTS = {
    "correct": "correct BPTT",
    "w-diag-order": "Jacobian written W·diag(1 − h²)",
    "missing-tanh-derivative": "tanh′ = 1 − h² left out",
    "total-derivative": "total dh_k/dW used as immediate",
}
TOLERANCE = 1e-6  # a correct gradient is far below it, a wrong one far above


def output_error(probs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    r"""Step 1: $\varepsilon_t = \hat y_t - \mathbf 1_{y_t}$, over `B` (the loss is a batch mean).

    Args:
        probs: $\hat y_t$, shape `(T, B, O)`.
        targets: Classes `(T, B)`.

    Returns:
        $\partial L / \partial o_t$, shape `(T, B, O)`.

    Examples:
        >>> output_error(np.array([[[0.25, 0.75]]]), np.array([[1]])).tolist()
        [[[0.25, -0.25]]]
    """
    onehot = np.eye(probs.shape[-1])[targets]
    return (probs - onehot) / probs.shape[1]


def step_jacobian(h: np.ndarray, W: np.ndarray) -> np.ndarray:
    r"""Step 2: the Jacobian $\partial h_j / \partial h_{j-1} = \operatorname{diag}(1 - h_j^2)\, W$.

    Args:
        h: The new state $h_j$, shape `(H,)`.
        W: Recurrent matrix `(H, H)`.

    Returns:
        The Jacobian, shape `(H, H)`; row `a` is row `a` of `W` times $1 - h_{j,a}^2$.

    Examples:
        >>> step_jacobian(np.array([0.0, 0.5]), np.ones((2, 2))).tolist()
        [[1.0, 1.0], [0.75, 0.75]]
    """
    return (1 - h**2)[:, None] * W


def state_gradients(
    dhs_out: np.ndarray, hs: np.ndarray, W: np.ndarray, variant: str = "correct"
) -> np.ndarray:
    r"""Step 3: $\delta_t = V^\top\varepsilon_t + W^\top[(1 - h_{t+1}^2) \odot \delta_{t+1}]$.

    Rows are batch entries, so $W^\top v$ is written `v @ W`.

    Args:
        dhs_out: $V^\top \varepsilon_t$ for each step (as rows), shape `(T, B, H)`.
        hs: States $h_1 \dots h_T$, shape `(T, B, H)`.
        W: Recurrent matrix `(H, H)`.
        variant: A key of `VARIANTS`; only `"w-diag-order"` and `"missing-tanh-derivative"`
            change this step.

    Returns:
        $\delta_t$, shape `(T, B, H)`.

    Examples:
        >>> hs = np.zeros((3, 1, 1))                       # tanh' = 1 everywhere
        >>> d = state_gradients(np.ones((3, 1, 1)), hs, np.array([[0.5]]))
        >>> d[:, 0, 0].tolist()                            # 1 + 0.5 (1 + 0.5 · 1)
        [1.75, 1.5, 1.0]
    """
    deltas = np.empty_like(dhs_out)
    nxt = np.zeros_like(dhs_out[0])
    for t in range(len(hs) - 1, -1, -1):
        deltas[t] = dhs_out[t] + nxt
        slope = 1 - hs[t] ** 2
        if variant == "w-diag-order":  # Jacobian W·diag(1 - h²): slope applied after W
            nxt = (deltas[t] @ W) * slope
        elif variant == "missing-tanh-derivative":
            nxt = deltas[t] @ W
        else:
            nxt = (slope * deltas[t]) @ W  # W^T [(1 - h_t²) ⊙ δ_t], as rows
    return deltas


def through_tanh(deltas: np.ndarray, hs: np.ndarray, variant: str = "correct") -> np.ndarray:
    r"""Step 4: $\tilde\delta_t = (1 - h_t^2) \odot \delta_t = \partial L / \partial a_t$.

    Args:
        deltas: $\delta_t$, shape `(T, B, H)`.
        hs: States $h_1 \dots h_T$, shape `(T, B, H)`.
        variant: With `"missing-tanh-derivative"` the factor $1 - h_t^2$ is left out.

    Returns:
        $\tilde\delta_t$, shape `(T, B, H)`.

    Examples:
        >>> through_tanh(np.ones((1, 1, 2)), np.array([[[0.0, 0.5]]])).tolist()
        [[[1.0, 0.75]]]
    """
    if variant == "missing-tanh-derivative":
        return deltas.copy()
    return (1 - hs**2) * deltas


def parameter_gradients(
    tilde: np.ndarray, eps: np.ndarray, xs: np.ndarray, hs: np.ndarray, h0: np.ndarray
) -> dict[str, np.ndarray]:
    r"""Step 5: every parameter's gradient as a sum over time (and batch) of immediate terms.

    Args:
        tilde: $\tilde\delta_t$, shape `(T, B, H)`.
        eps: $\varepsilon_t$, shape `(T, B, O)`.
        xs: Inputs `(T, B, D)`.
        hs: States $h_1 \dots h_T$, `(T, B, H)`.
        h0: Initial state `(B, H)`.

    Returns:
        `{"U": (H, D), "W": (H, H), "b": (H,), "V": (O, H), "c": (O,)}`.

    Examples:
        >>> g = parameter_gradients(np.ones((2, 1, 1)), np.ones((2, 1, 1)), np.ones((2, 1, 1)),
        ...                         np.full((2, 1, 1), 0.5), np.zeros((1, 1)))
        >>> {k: v.ravel().tolist() for k, v in g.items()}   # W: 1·h_0 + 1·h_1 = 0 + 0.5
        {'U': [2.0], 'W': [0.5], 'b': [2.0], 'V': [1.0], 'c': [2.0]}
    """
    prev = np.concatenate([h0[None], hs[:-1]])  # h_{t-1}
    return {
        "U": np.einsum("tbh,tbd->hd", tilde, xs),
        "W": np.einsum("tbh,tbk->hk", tilde, prev),
        "b": tilde.sum(axis=(0, 1)),
        "V": np.einsum("tbo,tbh->oh", eps, hs),
        "c": eps.sum(axis=(0, 1)),
    }


def _forward(params: dict, xs: np.ndarray, h0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hs, _ = rnn.forward({k: params[k] for k in ("U", "W", "b")}, xs, h0)
    logits, _ = output.forward({"V": params["V"], "c": params["c"]}, hs)
    return hs.copy(), logits


def sequence_loss(params: dict, xs: np.ndarray, targets: np.ndarray, h0: np.ndarray) -> float:
    r"""$L = \sum_t -\log \hat y_{t, y_t}$, averaged over the batch (the engine's forward pass)."""
    _, logits = _forward(params, xs, h0)
    return losses.softmax_cross_entropy(logits, targets, time_reduction="sum")[0]


def _engine_last_step_grad(params: dict, xs: np.ndarray, target: int, h0: np.ndarray):
    """∂L_T/∂W by the engine's BPTT, for the softmax loss of the last step only."""
    cell = {k: params[k] for k in ("U", "W", "b")}
    hs, cache = rnn.forward(cell, xs, h0)
    logits, out_cache = output.forward({"V": params["V"], "c": params["c"]}, hs[-1])
    _, dlogits = losses.softmax_cross_entropy(logits, np.full(xs.shape[1], target))
    dhs = np.zeros_like(hs)
    dhs[-1] = output.backward(dlogits, out_cache)[1]
    return rnn.backward(dhs, cache)[0]["W"]


def bptt(
    params: dict[str, np.ndarray],
    xs: np.ndarray,
    targets: np.ndarray,
    h0: np.ndarray,
    variant: str = "correct",
) -> dict[str, np.ndarray]:
    """The gradient of `sequence_loss` by the five steps, or by one of the wrong `VARIANTS`.

    Args:
        params: `{"U", "W", "b", "V", "c"}` as in `qa.core.init`.
        xs: Inputs `(T, B, D)`.
        targets: Classes `(T, B)`.
        h0: Initial state `(B, H)`.
        variant: A key of `VARIANTS`.

    Returns:
        Gradients with the keys of `params`.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {**init.rnn_params(rng, 2, 3), **init.output_params(rng, 3, 2)}
        >>> xs, y, h0 = rng.standard_normal((4, 1, 2)), rng.integers(0, 2, (4, 1)), np.zeros((1, 3))
        >>> from qa.core.gradcheck import check_gradients
        >>> errors = check_gradients(lambda p: sequence_loss(p, xs, y, h0), params,
        ...                          bptt(params, xs, y, h0))
        >>> max(errors.values()) < 1e-8
        True
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant: expected one of {', '.join(VARIANTS)}, got {variant!r}")
    hs, logits = _forward(params, xs, h0)
    eps = output_error(losses.softmax(logits), targets)  # step 1
    deltas = state_gradients(eps @ params["V"], hs, params["W"], variant)  # steps 2–3
    if variant == "total-derivative":
        # d h_k/dW in place of ∂⁺h_k/∂W counts each path of length n again n times:
        # μ_k = δ_k + W^T [(1 - h_{k+1}²) ⊙ μ_{k+1}] replaces δ_k.
        deltas = state_gradients(deltas, hs, params["W"])
    tilde = through_tanh(deltas, hs, variant)  # step 4
    return parameter_gradients(tilde, eps, xs, hs, h0)  # step 5


def unrolled_terms(
    params: dict[str, np.ndarray], xs: np.ndarray, target: int, h0: np.ndarray
) -> tuple[np.ndarray, int]:
    r"""The terms $k = 1 \dots T$ of $\partial L_T / \partial W$, each evaluated from scratch.

    Term $k$ is $\frac{\partial L_T}{\partial h_T}\big(\prod_{j=k+1}^{T} \operatorname{diag}(1 -
    h_j^2) W\big)\frac{\partial^+ h_k}{\partial W}$, with
    $(\partial^+ h_k / \partial W)_{a, ab} = (1 - h_{k,a}^2)\, h_{k-1,b}$, for a single sequence
    and the softmax loss $L_T$ of the last step only.

    Args:
        params: `{"U", "W", "b", "V", "c"}`.
        xs: Inputs of one sequence, `(T, 1, D)`.
        target: Class of the last step.
        h0: Initial state `(1, H)`.

    Returns:
        `(terms, factors)`: terms `(T, H, H)` (term `k` at index `k - 1`) and the number of
        Jacobian matrices multiplied, $\sum_k (T - k) = T(T-1)/2$.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {**init.rnn_params(rng, 2, 3), **init.output_params(rng, 3, 2)}
        >>> xs, h0 = rng.standard_normal((5, 1, 2)), np.zeros((1, 3))
        >>> terms, factors = unrolled_terms(params, xs, 1, h0)
        >>> factors, rel_error(terms.sum(axis=0), _engine_last_step_grad(params, xs, 1, h0)) < 1e-12
        (10, True)
    """
    hs, logits = _forward(params, xs, h0)
    h = np.concatenate([h0[None], hs])[:, 0]  # (T + 1, H): h_0 ... h_T
    T = xs.shape[0]
    eps = losses.softmax(logits[-1, 0]) - np.eye(logits.shape[-1])[target]
    dL_dhT = eps @ params["V"]  # row vector ∂L_T/∂h_T
    terms, factors = np.empty((T, *params["W"].shape)), 0
    for k in range(1, T + 1):
        product = np.eye(len(dL_dhT))
        for j in range(T, k, -1):  # ∂h_T/∂h_{T-1} ··· ∂h_{k+1}/∂h_k, rebuilt for every k
            product = product @ step_jacobian(h[j], params["W"])
            factors += 1
        row = dL_dhT @ product  # ∂L_T/∂h_k through the chain
        terms[k - 1] = np.outer(row * (1 - h[k] ** 2), h[k - 1])  # times ∂⁺h_k/∂W
    return terms, factors


def naive_jacobian_factors(T: int) -> int:
    r"""The Jacobian factors of the unrolled formulas of all T loss terms, each built from scratch.

    The term of $L_t$ needs $\sum_{k=1}^{t} (t - k) = t(t-1)/2$ factors (what `unrolled_terms`
    counts for one loss term: quadratic). Over $t = 1 \dots T$ that is $(T^3 - T)/6$, cubic in
    $T$. BPTT gets the same gradient with one Jacobian product per step.

    Examples:
        >>> [naive_jacobian_factors(T) for T in (1, 2, 3, 10)]
        [0, 1, 4, 165]
        >>> all(naive_jacobian_factors(T) == (T**3 - T) // 6 for T in range(1, 60))
        True
    """
    return sum(t * (t - 1) // 2 for t in range(1, T + 1))


def card_scalar_linear_bptt(rng: np.random.Generator) -> dict:
    """Quiz solver: BPTT of $L = h_T$ for $h_t = w h_{t-1}$, run by the engine."""
    h0 = float(rng.choice([0.5, 1.0, 2.0]))
    w = float(rng.choice([0.5, 0.8, 0.9, 1.1, 1.2, 1.5]))
    T = int(rng.integers(3, 9))
    params = {"U": np.zeros((1, 1)), "W": np.array([[w]]), "b": np.zeros(1)}
    hs, cache = rnn.forward(params, np.zeros((T, 1, 1)), np.array([[h0]]), activation="identity")
    dhs = np.zeros_like(hs)
    dhs[-1] = 1.0  # L = h_T
    grads, _, _ = rnn.backward(dhs, cache)
    return {"params": {"h0": h0, "w": w, "T": T}, "answer": float(grads["W"][0, 0])}


def card_naive_jacobian_count(rng: np.random.Generator) -> dict:
    """Quiz solver: count the Jacobians `unrolled_terms` multiplies for a random `t`."""
    t = int(rng.integers(3, 31))
    params = {**init.rnn_params(rng, 1, 2), **init.output_params(rng, 2, 2)}
    _, factors = unrolled_terms(params, rng.standard_normal((t, 1, 1)), 0, np.zeros((1, 2)))
    return {"params": {"t": t}, "answer": float(factors)}


@dataclass(frozen=True)
class Demo:
    """What `demonstrate` measured."""

    seed: int
    errors: dict  # variant -> {parameter: ‖bptt − finite differences‖ / ‖finite differences‖}
    term_norms: np.ndarray  # (T,) ‖term_k‖_F from the analytic formula
    numeric_norms: np.ndarray  # (T,) ‖finite difference perturbing only W^(k)‖_F
    term_errors: np.ndarray  # (T,) ‖term_k − finite difference‖ / ‖finite difference‖
    terms_vs_engine: float  # rel_error(Σ_k term_k, rnn.backward for L_T)


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / ‖b‖ (Frobenius): how far off a whole gradient is, not its worst entry."""
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def _term_check(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    T, D, H, O = 12, 3, 8, 4
    params = {
        **init.rnn_params(rng, D, H, recurrent="orthogonal", recurrent_scale=0.9),
        **init.output_params(rng, H, O),
    }
    xs = rng.standard_normal((T, 1, D))
    h0 = np.tanh(rng.standard_normal((1, H)))  # nonzero, so that term k = 1 is too
    target = int(rng.integers(O))
    terms, _ = unrolled_terms(params, xs, target, h0)
    Ws = unroll.copies(params["W"], T)

    def loss_T(_: np.ndarray) -> float:
        hs, _ = unroll.forward(params, Ws, xs, h0)
        logits, _ = output.forward({"V": params["V"], "c": params["c"]}, hs[-1])
        return losses.softmax_cross_entropy(logits, np.array([target]))[0]

    numeric = np.stack([numerical_gradient(loss_T, Ws[k]) for k in range(T)])  # one copy each
    return (
        np.linalg.norm(terms, axis=(1, 2)),
        np.linalg.norm(numeric, axis=(1, 2)),
        np.array([_relative(a, n) for a, n in zip(terms, numeric, strict=True)]),
        rel_error(terms.sum(axis=0), _engine_last_step_grad(params, xs, target, h0)),
    )


def demonstrate(seed: int = SEED, *, progress: Callable[[float], None] | None = None) -> Demo:
    """Finite-difference checks of BPTT (and of three wrong variants), and of each unrolled term.

    Gradient check: tanh RNN, D = 3, H = 5, O = 4, T = 6, B = 2, summed softmax cross-entropy,
    central differences with step 1e-5. Term check: T = 12, H = 8, W = 0.9·Q, loss L_T.
    """
    rng = np.random.default_rng(seed)
    T, B, D, H, O = 6, 2, 3, 5, 4
    params = {**init.rnn_params(rng, D, H), **init.output_params(rng, H, O)}
    params["b"] = 0.1 * rng.standard_normal(H)
    params["c"] = 0.1 * rng.standard_normal(O)
    xs = rng.standard_normal((T, B, D))
    targets = rng.integers(0, O, size=(T, B))
    h0 = np.zeros((B, H))
    work = {k: v.copy() for k, v in params.items()}
    numeric = {
        k: numerical_gradient(
            lambda _: sequence_loss(work, xs, targets, h0), work[k], order=2, step=1e-5
        )
        for k in PARAMS
    }
    errors = {}
    for i, variant in enumerate(VARIANTS):
        grads = bptt(params, xs, targets, h0, variant)
        errors[variant] = {k: _relative(grads[k], numeric[k]) for k in PARAMS}
        if progress is not None:
            progress(0.1 * (i + 1))
    norms, numeric_norms, term_errors, vs_engine = _term_check(rng)
    if progress is not None:
        progress(1.0)
    return Demo(seed, errors, norms, numeric_norms, term_errors, vs_engine)


def numbers(demo: Demo) -> dict[str, Number]:
    """The measured numbers the page, its captions and alt texts quote, by name (`{{ run.NAME }}`).

    The errors of a correct gradient are rounding and finite-difference error: their digits
    differ from machine to machine, and the page states the bounds that hold everywhere. The
    errors of the wrong variants and the sizes of the terms move only in their last digits.
    """
    seed = f"seed {demo.seed}"
    varies = "differs from machine to machine"
    correct = list(demo.errors["correct"].values())
    wrong = [demo.errors[v][p] for v in VARIANTS if v != "correct" for p in ("U", "W", "b")]
    T = len(demo.term_norms)
    return {
        "correct_min_error": Number(
            min(correct), ".1e", f"{seed}, smallest over U, W, b, V, c; {varies}"
        ),
        "correct_max_error": Number(
            max(correct), ".1e", f"{seed}, largest over U, W, b, V, c; {varies}"
        ),
        "wrong_min_error": Number(
            min(wrong), ".2g", f"{seed}, smallest over the mistakes in U, W, b"
        ),
        "wrong_max_error": Number(
            max(wrong), ".2g", f"{seed}, largest over the mistakes in U, W, b"
        ),
        "term_error_max": Number(
            float(demo.term_errors.max()), ".1e", f"{seed}, largest over k = 1..{T}; {varies}"
        ),
        "terms_vs_engine": Number(demo.terms_vs_engine, ".1e", f"{seed}, rounding error; {varies}"),
        "term_norm_last": Number(
            float(demo.term_norms[-1]), ".3g", f"{seed}, ‖term_k‖_F at k = {T}"
        ),
        "term_norm_first": Number(float(demo.term_norms[0]), ".1e", f"{seed}, ‖term_k‖_F at k = 1"),
    }


def summarize(demo: Demo) -> str:
    """The measured numbers, as plain text."""
    q = numbers(demo)
    lines = ["‖BPTT − finite differences‖ / ‖finite differences‖ (central, step 1e-5):"]
    for variant, label in VARIANTS.items():
        errs = ", ".join(f"{p} {demo.errors[variant][p]:.1e}" for p in PARAMS)
        lines.append(f"  {label:>32}: {errs}")
    lines += [
        f"  correct BPTT: from {q['correct_min_error']} to {q['correct_max_error']} "
        f"(tolerance {TOLERANCE:g}); the mistakes in U, W, b: from {q['wrong_min_error']} to "
        f"{q['wrong_max_error']}",
    ]
    T = len(demo.term_norms)
    lines += [
        f"unrolled terms of ∂L_T/∂W, T = {T}, W = 0.9·Q: ‖term_k‖ = {q['term_norm_last']} "
        f"(k = {T}) ... {q['term_norm_first']} (k = 1)",
        f"  each against a finite difference on its own copy W^(k): relative error at most "
        f"{q['term_error_max']}",
        f"  sum of the {T} terms against the engine's BPTT: relative error {q['terms_vs_engine']}",
    ]
    return "\n".join(lines)


def plot_finite_difference_check(demo: Demo) -> Figure:
    """Grouped bars: relative error per parameter for the correct derivation and each mistake."""
    fig, ax = new_figure(height=4.0)
    colors = (COLORS["blue"], COLORS["orange"], COLORS["red"], COLORS["purple"])
    width = 0.8 / len(VARIANTS)
    x = np.arange(len(PARAMS))
    for i, ((variant, label), color) in enumerate(zip(VARIANTS.items(), colors, strict=True)):
        values = [max(demo.errors[variant][p], 1e-16) for p in PARAMS]
        ax.bar(x + (i - 1.5) * width, values, width, color=color, label=label)
    ax.axhline(TOLERANCE, color=COLORS["black"], ls="--", lw=1, label=f"tolerance {TOLERANCE:g}")
    ax.set_yscale("log")
    ax.set_xticks(x, [f"${p}$" for p in PARAMS])
    ax.set(
        xlabel="parameter",
        ylabel=r"$\|g - g_{\mathrm{fd}}\| / \|g_{\mathrm{fd}}\|$",
        ylim=(1e-13, 1e2),
    )
    ax.set_title("BPTT against central differences: the derivation and three mistakes")
    fig.legend(loc="outside lower center", ncols=3, fontsize="small")
    return fig


def plot_term_by_term_check(demo: Demo) -> Figure:
    """Norm of each unrolled term, analytic vs finite difference on its copy of W."""
    fig, (top, bottom) = new_figure(2, 1, height=4.2, sharex=True, height_ratios=(2, 1))
    T = len(demo.term_norms)
    k = np.arange(1, T + 1)
    top.plot(k, demo.term_norms, "o", color=COLORS["blue"], ms=7, label="analytic term")
    top.plot(
        k,
        demo.numeric_norms,
        "x",
        color=COLORS["orange"],
        ms=7,
        mew=2,
        label=r"finite difference on $W^{(k)}$ only",
    )
    top.set(yscale="log", ylabel=r"$\|$term$_k\|_F$")
    top.set_title(r"Terms of $\partial L_T/\partial W$, $T = 12$, $W = 0.9\,Q$")
    top.legend()
    bottom.plot(k, demo.term_errors, "s-", color=COLORS["green"], ms=4)
    bottom.set(yscale="log", xlabel=r"step $k$ at which $W$ is used", ylabel="relative error")
    bottom.set_xticks(k)
    return fig


FIGURES = (
    FigureSpec(
        name="finite-difference-check",
        build=plot_finite_difference_check,
        alt="Grouped bar chart on a log scale of the relative error between BPTT gradients and "
        "central finite differences for U, W, b, V and c. Correct BPTT is between "
        "{{ run.correct_min_error }} and {{ run.correct_max_error }}, far below the dashed "
        "tolerance of 1e-6, for every parameter. The three mistakes are between "
        "{{ run.wrong_min_error }} and {{ run.wrong_max_error }} for U, W and b, and exactly at "
        "the level of the correct derivation for V and c.",
        caption="The five steps agree with central finite differences in every parameter. Each "
        "kept mistake (mis-ordered Jacobian, missing tanh derivative, total derivative used as "
        "the immediate one) fails in U, W and b, the parameters whose gradients pass through "
        "the recursion; V and c do not, so they stay correct.",
    ),
    FigureSpec(
        name="term-by-term-check",
        build=plot_term_by_term_check,
        alt="Top: the norm of each term k = 1 to 12 of the unrolled gradient on a log scale, "
        "analytic circles and finite-difference crosses on top of each other, falling from "
        "{{ run.term_norm_last }} at k = 12 to {{ run.term_norm_first }} at k = 1. Bottom: "
        "their relative error, at most {{ run.term_error_max }} (below 1e-8 on every machine).",
        caption="Each term of the unrolled sum equals a finite difference in which only the "
        "copy of W used at step k is perturbed: the last factor of each term is the immediate "
        "derivative. The terms shrink with the distance T − k, the subject of 6.9b.",
    ),
)
