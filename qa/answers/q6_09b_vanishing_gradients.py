r"""6.9b Why gradients vanish in an RNN: a product of Jacobians, measured exactly.

For $h_j = \phi(a_j)$, $a_j = U x_j + W h_{j-1} + b$, back-propagating from step $t$ to step $k$
multiplies $t - k$ Jacobians, and the spectral norm is sub-multiplicative:

$$
\begin{aligned}
\frac{\partial h_t}{\partial h_k} &= \prod_{j=k+1}^{t} \operatorname{diag}\big(\phi'(a_j)\big)\, W,
\\
\Big\lVert \frac{\partial h_t}{\partial h_k} \Big\rVert_2
&\le \big(\gamma\, \sigma_{\max}(W)\big)^{t-k}, \qquad \gamma = \sup_x |\phi'(x)|,
\end{aligned}
$$

with $\gamma = 1$ for tanh and ReLU and $\gamma = 1/4$ for the sigmoid (Pascanu et al. 2013).
$\sigma_{\max}(W) < 1/\gamma$ is sufficient for vanishing; $\sigma_{\max}(W) > 1/\gamma$ is
necessary, not sufficient, for exploding, since saturated units have $\phi' \ll \gamma$.

`demonstrate` plots the activation derivatives, multiplies out the exact Jacobian products of
random tanh and sigmoid RNNs with $W = s\,Q$ ($Q$ orthogonal, so $\sigma_{\max}(W) = s$) for $s$
below, at and above $1/\gamma$, and splits the BPTT gradient of $W$ by the time distance of its
terms (one copy of $W$ per step, `qa.core.unroll`).

Run it: `dl500 run 6.9b`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qa.core import activations, init, losses, output, rnn, unroll
from qa.core.activations import GAMMA
from qa.numbers import Number
from qa.viz import COLORS, FigureSpec, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Demo",
    "card_orthogonal_power_norm",
    "card_sigmoid_bound",
    "demonstrate",
    "derivative_curves",
    "gradient_share_by_distance",
    "jacobian_product_norms",
    "numbers",
]

SEED = 0
HIDDEN = 32
STEPS = 60
MULTIPLES = (0.5, 1.0, 1.5, 3.0)  # s·γ: the scale of W in units of 1/γ
SHARE_SCALES = (0.5, 1.0, 1.5)  # s for the tanh network of the gradient split


def derivative_curves(x: np.ndarray) -> dict[str, np.ndarray]:
    """Sigmoid, tanh and their derivatives, and the ReLU derivative, from `qa.core.activations`.

    Args:
        x: Points, any shape.

    Returns:
        `{"sigmoid", "tanh"}` and their derivatives `{"d_sigmoid", "d_tanh", "d_relu"}`, each
        shaped like `x`.

    Examples:
        >>> c = derivative_curves(np.array([0.0]))
        >>> {k: float(v[0]) for k, v in c.items() if k.startswith("d_")}
        {'d_sigmoid': 0.25, 'd_tanh': 1.0, 'd_relu': 0.0}
    """
    out = {}
    for name in ("sigmoid", "tanh", "relu"):
        h = activations.apply(name, x)
        if name != "relu":
            out[name] = h
        out[f"d_{name}"] = activations.derivative_from_output(name, h)
    return out


def jacobian_product_norms(
    rng: np.random.Generator,
    activation: str,
    scale: float,
    *,
    hidden: int = HIDDEN,
    steps: int = STEPS,
    input_size: int = 8,
) -> np.ndarray:
    r"""Exact $\lVert \partial h_t / \partial h_0 \rVert_2$, $t = 1 \dots T$, for $W = s\,Q$.

    The inputs are $\mathcal N(0, 1)$ with `U` entries $\mathcal N(0, 1/D)$, so each unit's input
    drive is about $\mathcal N(0, 1)$; $b = 0$, $h_0 = 0$.

    Args:
        rng: Source of randomness.
        activation: `"tanh"` or `"sigmoid"` (any of `qa.core.activations`).
        scale: $s = \sigma_{\max}(W)$.
        hidden: `H`.
        steps: `T`.
        input_size: `D`.

    Returns:
        Shape `(T,)`.

    Examples:
        >>> norms = jacobian_product_norms(np.random.default_rng(0), "tanh", 0.9, steps=10)
        >>> bool(np.all(norms <= 0.9 ** np.arange(1, 11) * (1 + 1e-12)))   # the bound
        True
    """
    params = init.rnn_params(rng, input_size, hidden, recurrent="orthogonal", recurrent_scale=scale)
    hs, _ = rnn.forward(params, rng.standard_normal((steps, 1, input_size)), activation=activation)
    slopes = activations.derivative_from_output(activation, hs[:, 0])  # φ′(a_t), (T, H)
    product = np.eye(hidden)
    norms = np.empty(steps)
    for t in range(steps):
        product = slopes[t][:, None] * (params["W"] @ product)  # diag(φ′(a_t)) W · ∂h_{t-1}/∂h_0
        norms[t] = np.linalg.norm(product, 2)
    return norms


def gradient_share_by_distance(
    rng: np.random.Generator, scale: float, *, hidden: int = HIDDEN, steps: int = STEPS
) -> np.ndarray:
    r"""Share of $\nabla_W L_T$ carried by terms from distance $d$ or more, for $d = 0 \dots T-1$.

    $\nabla_W L_T = \sum_k \nabla_{W^{(k)}} L_T$; the term of step $k$ has distance $d = T - k$.
    The share is $\sum_{d' \ge d} \lVert \text{term}_{d'} \rVert_F / \sum_{d'} \lVert
    \text{term}_{d'} \rVert_F$ for a tanh RNN with $W = s\,Q$, 8 random sequences, and a softmax
    loss on the last step only.

    Returns:
        Shape `(T,)`, starting at 1 and decreasing.

    Examples:
        >>> share = gradient_share_by_distance(np.random.default_rng(0), 0.5, steps=20)
        >>> float(share[0]), bool(share[5] < 0.01)
        (1.0, True)
    """
    B, D, O = 8, 8, 4
    params = init.rnn_params(rng, D, hidden, recurrent="orthogonal", recurrent_scale=scale)
    head = init.output_params(rng, hidden, O)
    xs = rng.standard_normal((steps, B, D))
    hs, caches = unroll.forward(params, unroll.copies(params["W"], steps), xs)
    logits, out_cache = output.forward(head, hs[-1])
    _, dlogits = losses.softmax_cross_entropy(logits, rng.integers(0, O, size=B))
    dhs = np.zeros_like(hs)
    dhs[-1] = output.backward(dlogits, out_cache)[1]
    per_step, _, _ = unroll.backward(dhs, caches)
    by_distance = np.linalg.norm(per_step["W"], axis=(1, 2))[::-1]  # index d = T - k
    return np.cumsum(by_distance[::-1])[::-1] / by_distance.sum()


def card_sigmoid_bound(rng: np.random.Generator) -> dict:
    r"""Quiz solver: the bound $(\gamma\, s)^n$ with the engine's sigmoid $\gamma$."""
    s = float(rng.integers(1, 13) / 2)  # 0.5, 1.0, ..., 6.0
    n = int(rng.integers(2, 11))
    return {"params": {"s": s, "n": n}, "answer": float((GAMMA["sigmoid"] * s) ** n)}


def card_orthogonal_power_norm(rng: np.random.Generator) -> dict:
    r"""Quiz solver: $\lVert (\rho Q)^n \rVert_2$ for a random orthogonal `Q` of the engine."""
    rho = float(rng.choice([0.5, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.5]))
    n = int(rng.integers(2, 21))
    W = rho * init.orthogonal(rng, 8)
    return {
        "params": {"rho": rho, "n": n},
        "answer": float(np.linalg.norm(np.linalg.matrix_power(W, n), 2)),
    }


@dataclass(frozen=True)
class Demo:
    """What `demonstrate` measured."""

    seed: int
    x: np.ndarray  # (N,) points of the activation plot
    curves: dict  # name -> (N,)
    norms: dict  # (activation, multiple of 1/γ) -> (T,) ‖∂h_t/∂h_0‖₂
    share: dict  # s -> (T,) share of ∇_W L_T from distances ≥ d


def demonstrate(seed: int = SEED, *, progress: Callable[[float], None] | None = None) -> Demo:
    """Activation derivatives, exact Jacobian-product norms, and the gradient split by distance."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-5, 5, 401)
    norms = {}
    for activation in ("tanh", "sigmoid"):
        for m in MULTIPLES:
            norms[activation, m] = jacobian_product_norms(rng, activation, m / GAMMA[activation])
    if progress is not None:
        progress(0.5)
    share = {s: gradient_share_by_distance(rng, s) for s in SHARE_SCALES}
    if progress is not None:
        progress(1.0)
    return Demo(seed, x, derivative_curves(x), norms, share)


def _worst_bound_ratio(demo: Demo) -> float:
    t = np.arange(1, STEPS + 1)
    return max(float(np.max(n / m**t)) for (_, m), n in demo.norms.items())


def _first_below(share: np.ndarray, level: float) -> int:
    return int(np.argmax(share < level))


_KEY = {0.5: "05", 1.0: "1", 1.5: "15", 3.0: "3"}  # multiple of 1/γ or s -> name suffix


def numbers(demo: Demo) -> dict[str, Number]:
    """The measured numbers the page, its captions and alt texts quote, by name (`{{ run.NAME }}`).

    Nothing is trained: every number is an exact product of Jacobians (or a gradient) of a random
    network drawn from the seed, so another machine moves it only at rounding level, except
    for the chaotic tanh network at 3/γ, whose last digits it can move a little more.
    """
    seed = f"seed {demo.seed}"
    out = {
        "d_tanh_5": Number(float(demo.curves["d_tanh"][0]), ".2g", "tanh′ at |x| = 5"),
        "d_sigmoid_5": Number(float(demo.curves["d_sigmoid"][0]), ".2g", "sigmoid′ at |x| = 5"),
        "worst_bound_ratio": Number(
            _worst_bound_ratio(demo),
            ".7f",
            f"{seed}: largest ‖∂h_t/∂h_0‖₂ / (γs)^t over all t and the eight networks",
        ),
    }
    for (activation, m), norms in demo.norms.items():
        out[f"{activation}_{_KEY[m]}_end"] = Number(
            float(norms[-1]),
            ".2g",
            f"{seed}: ‖∂h_{STEPS}/∂h_0‖₂ of the {activation} network with s = {m:g}/γ",
        )
    norms = demo.norms[("tanh", 1.5)]  # norms[i] is ‖∂h_(i+1)/∂h_0‖₂
    peak = int(np.argmax(norms))
    out["tanh_15_peak"] = Number(
        float(norms[peak]), ".2g", f"{seed}: the largest ‖∂h_t/∂h_0‖₂ of tanh, s = 1.5/γ"
    )
    out["tanh_15_peak_t"] = Number(peak + 1, "d", f"{seed}: the t where it is largest")
    for s, share in demo.share.items():
        out[f"share_below_{_KEY[s]}"] = Number(
            _first_below(share, 0.01),
            "d",
            f"{seed}: the smallest d from which terms at distance ≥ d carry under 1 % of the "
            f"gradient, W = {s:g}·Q",
        )
    return out


def summarize(demo: Demo) -> str:
    """The measured numbers, as plain text."""
    n = numbers(demo)
    lines = [
        "max of sigmoid′ and tanh′ on [-5, 5]: "
        f"{demo.curves['d_sigmoid'].max():.4f} and {demo.curves['d_tanh'].max():.4f} (at x = 0); "
        f"at |x| = 5: {n['d_sigmoid_5']} and {n['d_tanh_5']}",
        f"‖∂h_t/∂h_0‖₂ for W = s·Q, H = {HIDDEN} (bound (γs)^t):",
    ]
    for (activation, m), norms in demo.norms.items():
        lines.append(
            f"  {activation:>7}, s = {m:g}/γ: t = 10: {norms[9]:.1e}, "
            f"t = {STEPS}: {n[f'{activation}_{_KEY[m]}_end']} (bound {m**STEPS:.1e})"
        )
    lines.append(
        f"  tanh, s = 1.5/γ: largest {n['tanh_15_peak']} at t = {n['tanh_15_peak_t']}, then falls"
    )
    lines.append(f"  largest ‖∂h_t/∂h_0‖ / bound over all t and networks: {n['worst_bound_ratio']}")
    lines.append("share of ∇_W L_T from terms at distance ≥ d (tanh, W = s·Q):")
    for s, share in demo.share.items():
        lines.append(
            f"  s = {s:g}: d ≥ 5: {share[5]:.1e}, d ≥ 10: {share[10]:.1e}, d ≥ 20: "
            f"{share[20]:.1e}; below 1% from d = {n[f'share_below_{_KEY[s]}']}"
        )
    return "\n".join(lines)


def plot_activation_derivatives(demo: Demo) -> Figure:
    """Sigmoid and tanh (left); their derivatives and ReLU's (right), maxima marked."""
    fig, (left, right) = new_figure(1, 2, width=7.6, height=3.0, sharex=True)
    c = demo.curves
    left.plot(demo.x, c["sigmoid"], color=COLORS["blue"], label="sigmoid")
    left.plot(demo.x, c["tanh"], color=COLORS["orange"], label="tanh")
    left.set(xlabel="$x$", title="Activation")
    left.legend()
    right.plot(demo.x, c["d_sigmoid"], color=COLORS["blue"], label="sigmoid′")
    right.plot(demo.x, c["d_tanh"], color=COLORS["orange"], label="tanh′")
    right.plot(demo.x, c["d_relu"], color=COLORS["green"], ls="--", label="ReLU′")
    for value, text, offset in ((0.25, "1/4", (8, -3)), (1.0, "1", (-48, -3))):
        right.plot([0], [value], "o", color=COLORS["black"], ms=5)
        right.annotate(f"max {text}", (0, value), xytext=offset, textcoords="offset points")
    right.set(xlabel="$x$", title="Derivative", ylim=(-0.05, 1.15))
    right.legend(loc="center right", fontsize="small")
    return fig


def plot_jacobian_norm_vs_distance(demo: Demo) -> Figure:
    """Exact ‖∂h_t/∂h_0‖₂ against t, with the bound (γs)^t dashed, for tanh and sigmoid."""
    fig, axes = new_figure(1, 2, width=7.6, height=3.4, sharey=True)
    t = np.arange(1, STEPS + 1)
    colors = (COLORS["blue"], COLORS["green"], COLORS["orange"], COLORS["red"])
    for ax, activation in zip(axes, ("tanh", "sigmoid"), strict=True):
        for m, color in zip(MULTIPLES, colors, strict=True):
            ax.plot(t, demo.norms[activation, m], color=color, label=f"$s = {m:g}/\\gamma$")
            ax.plot(t, m**t, color=color, ls="--", lw=0.9)
        ax.set(yscale="log", xlabel="$t$", ylim=(1e-30, 1e30))
        ax.set_title(f"{activation} ($\\gamma = {GAMMA[activation]:g}$)")
    axes[0].set_ylabel(r"$\|\partial h_t/\partial h_0\|_2$ (dashed: $(\gamma s)^t$)")
    axes[1].legend(fontsize="small", loc="lower left")
    return fig


def plot_gradient_share_by_distance(demo: Demo) -> Figure:
    """Share of the gradient of W from terms at distance ≥ d, for three scales of W."""
    fig, ax = new_figure(height=3.2)
    d = np.arange(STEPS - 1)  # d = T - 1 (k = 1) is left out: that term is 0, as h_0 = 0
    for s, color in zip(
        SHARE_SCALES, (COLORS["blue"], COLORS["green"], COLORS["orange"]), strict=True
    ):
        ax.plot(d, demo.share[s][:-1], color=color, label=f"$W = {s:g}\\,Q$")
    ax.set(
        yscale="log",
        ylim=(1e-12, 1.5),
        xlabel="distance $d = T - k$",
        ylabel="share from distances $\\geq d$",
    )
    ax.set_title(r"Where $\nabla_W L_T$ comes from (tanh, $T = 60$, loss at the last step)")
    ax.legend()
    return fig


FIGURES = (
    FigureSpec(
        name="activation-derivatives",
        build=plot_activation_derivatives,
        alt="Two panels on x from -5 to 5. Left: the sigmoid rising from 0 to 1 and tanh from "
        "-1 to 1. Right: their derivatives, bell-shaped with maxima 1/4 (sigmoid) and 1 (tanh) "
        "marked at x = 0 and below 0.05 beyond |x| = 3, and the ReLU derivative, a step from 0 "
        "to 1 at x = 0.",
        caption="The derivatives bound the diagonal factor of each Jacobian: γ = 1/4 for the "
        "sigmoid, 1 for tanh and ReLU. Beyond |x| = 3, tanh′ < 0.01 and sigmoid′ < 0.05: a "
        "saturated unit passes back little gradient, whatever W is.",
    ),
    FigureSpec(
        name="jacobian-norm-vs-distance",
        build=plot_jacobian_norm_vs_distance,
        alt="Two log-scale panels, tanh and sigmoid, of the spectral norm of the Jacobian "
        "product against t from 1 to 60, for W scaled to 0.5, 1, 1.5 and 3 times 1/γ, with "
        "the bound (γs)^t dashed. Every curve stays below its dashed line. At 0.5/γ the curves "
        "fall even faster than their bound; at 1/γ the bound is flat at 1 but the curves fall "
        "to {{ run.tanh_1_end }} (tanh) and {{ run.sigmoid_1_end }} (sigmoid); at 1.5/γ the "
        "bound grows to 4e10 while the curves end at {{ run.tanh_15_end }} and "
        "{{ run.sigmoid_15_end }}; at 3/γ the curves grow, to {{ run.tanh_3_end }} (tanh) and "
        "{{ run.sigmoid_3_end }} (sigmoid), far below the bound of 4e28.",
        caption="Exact Jacobian products of random RNNs with W = s·Q. The bound always holds, "
        "and below s = 1/γ it forces the products to vanish. Above it they may grow or not: at "
        "1.5/γ saturation still makes them vanish, which is why σ_max > 1/γ is only necessary "
        "for exploding.",
    ),
    FigureSpec(
        name="gradient-share-by-distance",
        build=plot_gradient_share_by_distance,
        alt="Log-scale line chart of the share of the gradient of W that comes from terms at "
        "distance d or more, against d from 0 to 58, for W = 0.5·Q, 1·Q and 1.5·Q. All start "
        "at 1 and fall roughly exponentially: the share is below 1 % from "
        "d = {{ run.share_below_05 }} for 0.5·Q, from d = {{ run.share_below_1 }} for 1·Q, and "
        "only from d = {{ run.share_below_15 }} for 1.5·Q.",
        caption="Split by distance, the gradient of W is made almost entirely of short-range "
        "terms when the Jacobians contract: the learning signal for long-range dependencies "
        "vanishes while the gradient itself does not.",
    ),
)
