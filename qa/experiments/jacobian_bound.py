r"""Experiment 2 — the Jacobian-product bound of Pascanu et al. (2013).

For $h_t = \phi(U x_t + W h_{t-1} + b)$ one step's Jacobian is
$\partial h_t / \partial h_{t-1} = \operatorname{diag}(\phi'(a_t))\,W$, and sub-multiplicativity
of the spectral norm gives

$$
\Big\lVert \frac{\partial h_t}{\partial h_k} \Big\rVert_2
= \Big\lVert \prod_{j=k+1}^{t} \operatorname{diag}(\phi'(a_j))\,W \Big\rVert_2
\le \big(\gamma\,\sigma_{\max}(W)\big)^{t-k},
\qquad \gamma = \sup|\phi'|.
$$

So $\sigma_{\max}(W) < 1/\gamma$ is *sufficient* for the gradient to vanish, and
$\sigma_{\max}(W) > 1/\gamma$ is *necessary* for it to explode — but not sufficient: saturated
units have $\phi' \approx 0$ and can shrink the product however large $W$ is.

We run random RNNs (tanh, sigmoid, ReLU) whose $W$ is a Gaussian matrix rescaled to a chosen
$\sigma_{\max}$, driven by Gaussian inputs, and track the exact spectral norm of the Jacobian
product (renormalised every step so nothing under- or overflows). For the linear RNN with
$W = \rho Q$, $Q$ orthogonal, we back-propagate a vector through the engine's identity-activation
RNN and compare $\lVert (W^\top)^n v\rVert / \lVert v\rVert$ with $\rho^n$.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.core import init, rnn
from qa.core.activations import GAMMA, derivative_from_output
from qa.experiments.base import Check, Verdict, grade, map_units, spread
from qa.viz import FigureSpec

TITLE = "The Jacobian-product bound"
CLAIM = (
    "The norm of the product of step Jacobians diag(φ′(a_j)) W over t − k steps is at most "
    "(γ σ_max(W))^(t−k), so σ_max < 1/γ makes gradients vanish and σ_max > 1/γ is necessary, "
    "but not sufficient, for them to explode (Pascanu, Mikolov & Bengio 2013, §2.1)."
)
SOURCE = "Pascanu, Mikolov & Bengio 2013 §2.1, eqs. (5)–(7)"
PUBLISHED = (
    "A proof, not a measurement: λ₁ < 1/γ is sufficient for vanishing and λ₁ > 1/γ necessary "
    "for exploding; for a linear RNN the long-term components shrink or grow as ρⁿ (read in "
    "the paper's full text; also Goodfellow et al. 2016, §10.7)."
)
PUBLISHED_SHORT = "‖∏ diag(φ′)W‖ ≤ (γσ_max)ⁿ; linear RNN scales as ρⁿ (a proof)"
QUESTIONS = ("6.9b", "6.9", "6.7")

TITLE_ZH = "雅可比矩阵乘积的上界"
CLAIM_ZH = (
    "t − k步的单步雅可比矩阵（Jacobian）diag(φ′(a_j)) W之积，其范数至多为(γ σ_max(W))^(t−k)；"
    "因此σ_max < 1/γ会使梯度消失（vanishing gradient），而σ_max > 1/γ是梯度爆炸（exploding "
    "gradient）的必要条件，但不是充分条件（Pascanu、Mikolov和Bengio，2013，§2.1）。"
)
PUBLISHED_ZH = (
    "这是证明，不是测量：λ₁ < 1/γ是梯度消失的充分条件，λ₁ > 1/γ是梯度爆炸的必要条件；"
    "对线性RNN，长期分量按ρⁿ缩小或增长（读自论文全文；另见Goodfellow等，2016，§10.7，"
    "即《深度学习》中译本10.7节）。"
)
PUBLISHED_SHORT_ZH = "‖∏ diag(φ′)W‖ ≤ (γσ_max)ⁿ；线性RNN按ρⁿ缩放（证明）"


@dataclass(frozen=True, kw_only=True)
class Config:
    r"""Sizes and seeds.

    Attributes:
        hidden: `H`.
        inputs: `D`; inputs are $\mathcal N(0, 1)$, `U` has entries $\mathcal N(0, 1/D)$.
        steps: Length of the Jacobian product.
        batch: Sequences per seed (each gives its own product).
        gains: Values of $\gamma\,\sigma_{\max}(W)$ to try for each activation.
        activations: Nonlinearities to try.
        rhos: Scales $\rho$ of the linear RNN $W = \rho Q$.
        linear_steps: $n$ for the linear RNN.
        seeds: One random RNN per seed, activation and gain.
    """

    hidden: int = 32
    inputs: int = 4
    steps: int = 60
    batch: int = 8
    gains: tuple[float, ...] = (0.5, 0.9, 1.5, 2.1, 6.0)
    activations: tuple[str, ...] = ("tanh", "sigmoid", "relu")
    rhos: tuple[float, ...] = (0.9, 1.0, 1.1)
    linear_steps: int = 50
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)


QUICK = Config(hidden=16, steps=40, batch=4, linear_steps=30, seeds=(0, 1, 2))
FULL = Config()


def jacobian_norms(
    rng: np.random.Generator, activation: str, gain: float, config: Config
) -> tuple[np.ndarray, float]:
    r"""$\log_{10}\lVert\partial h_t/\partial h_0\rVert_2$ for $t = 1..T$ for one random RNN.

    Returns:
        `(log_norms, sigma_max)`: shape `(T, B)`, and $\sigma_{\max}(W)$.

    Examples:
        >>> cfg = Config(hidden=8, steps=5, batch=2)
        >>> logs, s = jacobian_norms(np.random.default_rng(0), "tanh", 0.5, cfg)
        >>> logs.shape, round(s, 12)
        ((5, 2), 0.5)
    """
    H, D, T, B = config.hidden, config.inputs, config.steps, config.batch
    sigma = gain / GAMMA[activation]
    W = init.scale_to_singular_value(init.gaussian(rng, (H, H), 1.0), sigma)
    params = {"U": init.gaussian(rng, (H, D), 1 / math.sqrt(D)), "W": W, "b": np.zeros(H)}
    hs, _ = rnn.forward(params, rng.standard_normal((T, B, D)), activation=activation)
    dphi = derivative_from_output(activation, hs)  # (T, B, H)
    P = np.broadcast_to(np.eye(H), (B, H, H)).copy()
    log_scale = np.zeros(B)
    out = np.empty((T, B))
    for t in range(T):
        P = dphi[t][:, :, None] * (W @ P)  # diag(φ′(a_t)) W · (product so far)
        norms = np.linalg.norm(P, 2, axis=(1, 2))
        safe = np.where(norms > 0, norms, 1.0)
        P /= safe[:, None, None]  # keep the product at unit norm; the scale goes to the log
        log_scale += np.where(norms > 0, np.log10(safe), -np.inf)
        out[t] = log_scale
    return out, float(np.linalg.norm(W, 2))


def _unit(unit: tuple[str, float, int, Config], progress: Any = None) -> dict[str, Any]:
    activation, gain, seed, config = unit
    logs, sigma = jacobian_norms(np.random.default_rng(seed), activation, gain, config)
    t = np.arange(1, config.steps + 1)[:, None]
    bound = t * math.log10(GAMMA[activation] * sigma)
    with np.errstate(invalid="ignore"):
        excess = np.where(np.isneginf(logs), -np.inf, logs - bound)
    return {
        "activation": activation,
        "gain": gain,
        "seed": seed,
        "sigma_max": sigma,
        "final_log10": float(np.median(logs[-1])),
        "max_excess_log10": float(excess.max()),  # ≤ 0 when the bound holds
        "median_curve": np.median(logs, axis=1).tolist(),
    }


def linear_rnn(rho: float, n: int, seed: int, hidden: int) -> float:
    r"""$\lVert (W^\top)^n v\rVert / \lVert v\rVert$ for $W = \rho Q$, by BPTT through the engine.

    Examples:
        >>> round(linear_rnn(0.5, 3, seed=0, hidden=4), 12)
        0.125
    """
    rng = np.random.default_rng(seed)
    W = rho * init.orthogonal(rng, hidden)
    params = {"U": np.zeros((hidden, 1)), "W": W, "b": np.zeros(hidden)}
    hs, cache = rnn.forward(params, np.zeros((n, 1, 1)), activation="identity")
    v = rng.standard_normal((1, hidden))
    dhs = np.zeros_like(hs)
    dhs[-1] = v  # L = v · h_n, so ∂L/∂h_0 = (Wᵀ)ⁿ v
    _, _, dh0 = rnn.backward(dhs, cache)
    return float(np.linalg.norm(dh0) / np.linalg.norm(v))


def run(config: Config, *, progress: Any = None, jobs: int = 1) -> dict[str, Any]:
    """Every activation × gain × seed, plus the linear RNN.

    Returns:
        A record with one entry per random RNN (`runs`) and the linear RNN's measured and
        predicted norms (`linear`).
    """
    units = [
        (a, g, s, config) for a in config.activations for g in config.gains for s in config.seeds
    ]
    runs = map_units(_unit, units, jobs=1 if len(units) < 40 else jobs, progress=progress)
    linear = []
    for rho in config.rhos:
        for seed in config.seeds:
            got = linear_rnn(rho, config.linear_steps, seed, config.hidden)
            want = rho**config.linear_steps
            linear.append(
                {
                    "rho": rho,
                    "seed": seed,
                    "measured": got,
                    "rho_n": want,
                    "rel_error": abs(got - want) / want,
                }
            )
    return {
        "steps": config.steps,
        "linear_steps": config.linear_steps,
        "runs": runs,
        "linear": linear,
    }


def _groups(record: dict[str, Any]) -> dict[tuple[str, float], list[dict[str, Any]]]:
    groups: dict[tuple[str, float], list[dict[str, Any]]] = {}
    for r in record["runs"]:
        groups.setdefault((r["activation"], r["gain"]), []).append(r)
    return groups


def summary(record: dict[str, Any], lang: str = "en") -> str:
    """Our numbers in one line, in `lang` ("en" or "zh")."""
    worst = max(r["max_excess_log10"] for r in record["runs"])
    above = [
        (a, g, spread([r["final_log10"] for r in rs])["median"])
        for (a, g), rs in _groups(record).items()
        if g > 1
    ]
    colon = "：" if lang == "zh" else ": "
    vanish = [f"{a} γσ={g:g}{colon}10^{m:.0f}" for a, g, m in above if m < -2]
    grow = [f"{a} γσ={g:g}{colon}10^{m:+.0f}" for a, g, m in above if m > 2]
    lin = max(x["rel_error"] for x in record["linear"])
    held = sum(r["max_excess_log10"] <= 1e-9 for r in record["runs"])
    if lang == "zh":
        return (
            f"上界在{held}/{len(record['runs'])}次运行中成立（log10(范数/上界)最大为{worst:.1e}）；"
            f"高于1/γ仍然消失的：{'，'.join(vanish) or '无'}；爆炸的："
            f"{'，'.join(grow) or '无'}（‖∂h_T/∂h_0‖的中位数，T = {record['steps']}）；"
            f"线性RNN W = ρQ与ρⁿ相符，误差在{lin:.0e}以内"
        )
    return (
        f"bound held in {held}/{len(record['runs'])} runs (largest log10(norm/bound) "
        f"{worst:.1e}); "
        f"above 1/γ still vanishing: {', '.join(vanish) or 'none'}; exploding: "
        f"{', '.join(grow) or 'none'} (median ‖∂h_T/∂h_0‖, T = {record['steps']}); "
        f"linear W = ρQ matches ρⁿ to {lin:.0e}"
    )


def headline(record: dict[str, Any], lang: str = "en") -> str:
    """Our result in a few words, for the report's table."""
    runs = record["runs"]
    above = [r for r in runs if r["gain"] > 1]
    held = sum(r["max_excess_log10"] <= 1e-9 for r in runs)
    vanished = sum(r["final_log10"] < -2 for r in above)
    grew = sum(r["final_log10"] > 2 for r in above)
    if lang == "zh":
        return (
            f"上界在{held}/{len(runs)}次运行中成立；高于1/γ的{len(above)}次运行中仍有"
            f"{vanished}次消失，{grew}次爆炸"
        )
    return (
        f"bound held in {held}/{len(runs)} runs; above 1/γ {vanished} of {len(above)} still "
        f"vanished, {grew} exploded"
    )


def verdict(record: dict[str, Any], lang: str = "en") -> Verdict:
    """Reproduced if the bound always holds, ρⁿ is exact, and above 1/γ both outcomes occur.

    `lang` ("en" or "zh") is the language of the criteria and the reason; the checks and the
    status do not depend on it.
    """
    zh = lang == "zh"
    runs = record["runs"]
    worst = max(r["max_excess_log10"] for r in runs)
    below = [r for r in runs if r["gain"] < 1]
    above = [r for r in runs if r["gain"] > 1]
    below_worst = max((r["final_log10"] for r in below), default=float("nan"))
    lin = max(x["rel_error"] for x in record["linear"])
    vanish_above = [r for r in above if r["final_log10"] < -2]
    grow_above = [r for r in above if r["final_log10"] > 2]
    checks = [
        Check(
            "每次运行的每一步都满足上界(γσ_max)^t"
            if zh
            else "the bound (γσ_max)^t holds at every step of every run",
            worst <= 1e-9,
            f"{len(runs)}次运行中log10(范数/上界)的最大值 = {worst:+.2e}"
            if zh
            else f"worst log10(norm/bound) = {worst:+.2e} over {len(runs)} runs",
            core=True,
        ),
        Check(
            "σ_max < 1/γ ⇒ 乘积消失（在T处 < 10⁻²）"
            if zh
            else "σ_max < 1/γ ⇒ the product vanishes (< 10⁻² at T)",
            bool(below) and below_worst < -2,
            f"低于1/γ时log10范数中位数的最大值：{below_worst:.1f}"
            if zh
            else f"largest median log10 norm below 1/γ: {below_worst:.1f}",
            core=True,
        ),
        Check(
            "线性RNN W = ρQ：‖(Wᵀ)ⁿv‖/‖v‖ = ρⁿ" if zh else "linear RNN W = ρQ: ‖(Wᵀ)ⁿv‖/‖v‖ = ρⁿ",
            lin < 1e-10,
            f"最大相对误差{lin:.1e}" if zh else f"worst relative error {lin:.1e}",
            core=True,
        ),
        Check(
            "σ_max > 1/γ不是充分条件：高于1/γ的运行中有些仍然消失"
            if zh
            else "σ_max > 1/γ is not sufficient: some runs above 1/γ still vanish",
            bool(vanish_above),
            f"高于1/γ的{len(above)}次运行中有{len(vanish_above)}次最终低于10⁻²"
            if zh
            else f"{len(vanish_above)} of {len(above)} runs above 1/γ end below 10⁻²",
            core=True,
        ),
        Check(
            "σ_max > 1/γ允许爆炸：高于1/γ的运行中有些增长到10²以上"
            if zh
            else "σ_max > 1/γ allows explosion: some runs above 1/γ grow past 10²",
            bool(grow_above),
            f"高于1/γ的{len(above)}次运行中有{len(grow_above)}次最终高于10²"
            if zh
            else f"{len(grow_above)} of {len(above)} runs above 1/γ end above 10²",
        ),
    ]
    return grade(checks, lang=lang)


def _figure(record: dict[str, Any]):
    from qa.core.activations import GAMMA as G
    from qa.viz import new_figure

    acts = sorted({r["activation"] for r in record["runs"]}, key=["tanh", "sigmoid", "relu"].index)
    fig, axes = new_figure(1, len(acts), width=3.2 * len(acts), height=3.4, sharey=True)
    axes = np.atleast_1d(axes)
    groups = _groups(record)
    gains = sorted({g for _, g in groups})
    T = record["steps"]
    t = np.arange(1, T + 1)
    for ax, act in zip(axes, acts, strict=True):
        for (a, g), rs in sorted(groups.items()):
            if a != act:
                continue
            curve = np.array(rs[0]["median_curve"])
            color = f"C{gains.index(g) % 7}"  # the same gain has the same colour in every panel
            line = ax.plot(t, curve, label=f"γσ_max = {g:g}", color=color)[0]
            ax.plot(
                t,
                t * math.log10(G[act] * rs[0]["sigma_max"]),
                ls=":",
                lw=0.8,
                color=line.get_color(),
            )
        ax.set_ylim(-30, 30)
        ax.set_title(act)
        ax.set_xlabel("steps back t")
    axes[0].set_ylabel("log₁₀ ‖∂h_t/∂h_0‖₂")
    axes[-1].legend(fontsize="small", loc="lower left")
    return fig


def _linear_figure(record: dict[str, Any]):
    from qa.viz import new_figure

    fig, ax = new_figure(width=4.4, height=3.2)
    n = record["linear_steps"]
    k = np.arange(n + 1)
    for rho in sorted({x["rho"] for x in record["linear"]}):
        measured = next(x["measured"] for x in record["linear"] if x["rho"] == rho)
        line = ax.semilogy(k, rho**k, ls=":", label=f"ρ = {rho:g}: ρⁿ")[0]
        ax.semilogy([n], [measured], "o", color=line.get_color())
    ax.set_xlabel("n")
    ax.set_ylabel("‖(Wᵀ)ⁿ v‖ / ‖v‖")
    ax.set_title("Linear RNN, W = ρQ")
    ax.legend(fontsize="small")
    return fig


FIGURES = (
    FigureSpec(
        name="products",
        build=_figure,
        alt="Three panels (tanh, sigmoid, ReLU) of log10 of the Jacobian-product norm against "
        "the number of steps, one solid line per gain γσ_max and its bound as a dotted line. "
        "Every solid line stays below its dotted bound; below gain 1 all lines fall; above "
        "gain 1 some lines still fall and some rise.",
        caption="Median over sequences of ‖∂h_t/∂h_0‖₂ for one random RNN per gain (seed 0); "
        "dotted: the bound (γσ_max)^t.",
        alt_zh="三幅子图（tanh、sigmoid、ReLU），画出雅可比矩阵乘积范数的log10随步数的变化："
        "每个增益γσ_max一条实线，它的上界是一条点线。每条实线都在它的点线之下；增益低于1时，"
        "所有线都下降；增益高于1时，有些线仍然下降，有些上升。",
        caption_zh="每个增益一个随机RNN（种子0），‖∂h_t/∂h_0‖₂在各序列上的中位数；"
        "点线：上界(γσ_max)^t",
    ),
    FigureSpec(
        name="linear",
        build=_linear_figure,
        alt="Log-scale plot of ρ^n for ρ = 0.9, 1 and 1.1, with dots at n = 50 for the measured "
        "norm of (Wᵀ)ⁿv/‖v‖, each lying on its curve.",
        caption="For W = ρQ with Q orthogonal, back-propagating through the linear RNN scales "
        "every vector by exactly ρⁿ.",
        alt_zh="对数坐标下ρ = 0.9、1和1.1时的ρ^n曲线；n = 50处的圆点是实测的(Wᵀ)ⁿv/‖v‖的范数，"
        "每个圆点都落在对应的曲线上。",
        caption_zh="W = ρQ且Q正交时，通过线性RNN反向传播会把每个向量恰好缩放ρⁿ倍",
    ),
)

#: The English texts of the figures, in Chinese (`qa.viz.translate_figure`).
FIGURE_WORDS_ZH = {
    "steps back t": "回溯步数t",
    "relu": "ReLU",
    "Linear RNN, W = ρQ": "线性RNN，W = ρQ",
}
