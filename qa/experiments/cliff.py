r"""Experiment 4 — the cliff in the loss surface of a one-unit RNN (Pascanu et al. 2013, Fig. 6).

Pascanu et al. study $x_t = w\,\sigma(x_{t-1}) + b$, $x_0 = 0.5$, no input, with the loss
$E = (\sigma(x_{50}) - 0.7)^2$. Writing $h_t = \sigma(x_t)$ this is exactly a one-unit sigmoid
RNN, $h_t = \sigma(w h_{t-1} + b)$, $h_0 = \sigma(0.5)$, $E = (h_{50} - 0.7)^2$, which the engine
runs. Where a small change of $(w, b)$ moves the unit across a bifurcation (from one attractor
to the other), $h_{50}$ jumps, and the loss surface has a wall: there the gradient, and the
curvature with it, are enormous, while almost everywhere else they are small.

We map $E$ and $\lVert\nabla E\rVert$ over a grid of $(w, b)$, scan $b$ finely across the wall at
$w = 5$, and run gradient descent from random starting points before the wall with and without
rescaling the gradient to norm 1 (Pascanu et al.'s Algorithm 1). Many units are evaluated at once
as one RNN with a diagonal $W$ (each unit is its own one-unit RNN).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.core import rnn
from qa.core.activations import sigmoid
from qa.experiments.base import Check, Verdict, grade
from qa.viz import FigureSpec

TITLE = "The cliff: exploding gradients in a one-unit RNN"
CLAIM = (
    "The loss surface of a recurrent net can hold steep walls where the gradient is orders of "
    "magnitude larger than elsewhere, so a plain gradient step there throws the parameters far "
    "away, while a rescaled (clipped) step does not (Pascanu, Mikolov & Bengio 2013, §2.3, "
    "Fig. 6)."
)
SOURCE = "Pascanu, Mikolov & Bengio 2013 §2.3, Fig. 6, Algorithm 1"
PUBLISHED = (
    "A figure, not numbers: the error surface of x_t = wσ(x_{t−1}) + b, E = (σ(x_50) − 0.7)², "
    "has “high curvature walls”; a gradient step that hits one is sent far, a rescaled step is "
    "not; “when the first derivative explodes, so does the second” (full text read)."
)
PUBLISHED_SHORT = "walls of huge gradient; clipped steps cross them (a figure)"
QUESTIONS = ("6.7",)

TITLE_ZH = "悬崖：单单元RNN中的梯度爆炸"
CLAIM_ZH = (
    "循环网络的损失曲面上可能有陡壁（悬崖，cliff），那里的梯度比别处大几个数量级，所以普通的"
    "梯度步在那里会把参数抛得很远，而重新缩放过的一步（梯度裁剪，gradient clipping）不会"
    "（Pascanu、Mikolov和Bengio，2013，§2.3，图6）。"
)
PUBLISHED_ZH = (
    "这是一张图，不是数字：x_t = wσ(x_{t−1}) + b、E = (σ(x_50) − 0.7)²的误差曲面上有"
    "“高曲率的壁”（原文：“high curvature walls”）；撞上壁的梯度步会被抛远，重新缩放过的"
    "一步不会；“一阶导数爆炸时，二阶导数也随之爆炸”（原文：“when the first derivative "
    "explodes, so does the second”）。均读自论文全文。"
)
PUBLISHED_SHORT_ZH = "梯度极大的陡壁；裁剪后的一步能越过它（一张图）"


@dataclass(frozen=True, kw_only=True)
class Config:
    r"""Sizes and seeds.

    Attributes:
        steps: Length of the unrolled recurrence (50 in the paper).
        x0: Initial $x_0$ (0.5 in the paper).
        target: Target of $\sigma(x_T)$ (0.7 in the paper).
        w_range, b_range: The grid's extent.
        grid: Grid points along w and b.
        scan_w: The w of the fine scan across the wall.
        scan_b: Extent of the fine scan.
        scan_points: Points of the fine scan.
        lr: Learning rate of the gradient-descent runs.
        clip: Norm the clipped runs rescale the gradient to.
        descent_steps: Steps of each gradient-descent run.
        seeds: One random starting point before the wall per seed.
    """

    steps: int = 50
    x0: float = 0.5
    target: float = 0.7
    w_range: tuple[float, float] = (3.0, 7.0)
    b_range: tuple[float, float] = (-4.0, -1.0)
    grid: tuple[int, int] = (201, 301)
    scan_w: float = 5.0
    scan_b: tuple[float, float] = (-2.72, -2.58)
    scan_points: int = 2001
    lr: float = 0.1
    clip: float = 1.0
    descent_steps: int = 200
    seeds: tuple[int, ...] = tuple(range(8))


QUICK = Config(grid=(61, 91), scan_points=701, descent_steps=120, seeds=tuple(range(6)))
FULL = Config()


def loss_and_grad(
    w: np.ndarray, b: np.ndarray, config: Config
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """E, ∂E/∂w and ∂E/∂b for many (w, b) pairs at once, by the engine's BPTT.

    Args:
        w: Recurrent weights, shape `(S,)`.
        b: Biases, shape `(S,)`.
        config: Uses `steps`, `x0`, `target`.

    Returns:
        `(E, dE_dw, dE_db)`, each of shape `(S,)`.

    Examples:
        >>> E, gw, gb = loss_and_grad(np.array([5.0, 5.0]), np.array([-2.7, -2.5]), FULL)
        >>> [round(v, 3) for v in E.tolist()]
        [0.361, 0.024]
    """
    S = len(b)
    params = {"U": np.zeros((S, 1)), "W": np.diag(w.astype(float)), "b": b.astype(float)}
    h0 = np.full((1, S), float(sigmoid(np.array([config.x0]))[0]))
    hs, cache = rnn.forward(params, np.zeros((config.steps, 1, 1)), h0, activation="sigmoid")
    err = hs[-1, 0] - config.target
    dhs = np.zeros_like(hs)
    dhs[-1, 0] = 2 * err
    grads, _, _ = rnn.backward(dhs, cache)
    return err**2, np.diag(grads["W"]).copy(), grads["b"]


def _descent(config: Config, clip: float | None) -> dict[str, Any]:
    starts = [np.random.default_rng(s) for s in config.seeds]
    w = np.array([r.uniform(config.scan_w - 0.5, config.scan_w + 0.5) for r in starts])
    b = np.array([r.uniform(config.scan_b[0] - 0.08, config.scan_b[0] + 0.1) for r in starts])
    path_w, path_b = [w.tolist()], [b.tolist()]
    max_step = np.zeros(len(w))
    left = np.zeros(len(w), dtype=bool)
    for _ in range(config.descent_steps):
        _, gw, gb = loss_and_grad(w, b, config)
        g = np.stack([gw, gb], axis=1)
        if clip is not None:  # Algorithm 1: if ‖g‖ ≥ threshold, g ← threshold · g / ‖g‖
            norm = np.linalg.norm(g, axis=1, keepdims=True)
            g = np.where(norm >= clip, g * (clip / np.maximum(norm, 1e-300)), g)
        step = config.lr * g
        max_step = np.maximum(max_step, np.linalg.norm(step, axis=1))
        w, b = w - step[:, 0], b - step[:, 1]
        left |= (w < config.w_range[0]) | (w > config.w_range[1])
        left |= (b < config.b_range[0]) | (b > config.b_range[1])
        path_w.append(w.tolist())
        path_b.append(b.tolist())
    final, _, _ = loss_and_grad(w, b, config)
    return {
        "max_step": max_step.tolist(),
        "left_region": left.tolist(),
        "final_loss": final.tolist(),
        "path_w": np.array(path_w).T.tolist(),
        "path_b": np.array(path_b).T.tolist(),
    }


def _rounded(a: np.ndarray) -> list[list[float]]:
    return [[float(f"{v:.5g}") for v in row] for row in a.tolist()]


def run(config: Config, *, progress: Any = None, jobs: int = 1) -> dict[str, Any]:
    """The grid, the fine scan and the descent runs.

    Returns:
        A record with the loss and gradient-norm grids, the scan, and both descent runs.
    """
    ws = np.linspace(*config.w_range, config.grid[0])
    bs = np.linspace(*config.b_range, config.grid[1])
    E = np.empty((len(ws), len(bs)))
    G = np.empty_like(E)
    for i, w in enumerate(ws):
        e, gw, gb = loss_and_grad(np.full(len(bs), w), bs, config)
        E[i], G[i] = e, np.hypot(gw, gb)
        if progress is not None and i % 10 == 0:
            progress(0.6 * i / len(ws))
    scan_b = np.linspace(*config.scan_b, config.scan_points)
    e, _, gb = loss_and_grad(np.full(len(scan_b), config.scan_w), scan_b, config)
    curvature = np.gradient(gb, scan_b)  # ∂²E/∂b², numerically from the exact gradient
    if progress is not None:
        progress(0.7)
    plain = _descent(config, None)
    clipped = _descent(config, config.clip)
    return {
        "w": ws.tolist(),
        "b": bs.tolist(),
        # The maps are for plotting: five significant digits are plenty and keep the record small.
        "loss": _rounded(E),
        "grad_norm": _rounded(G),
        "grid_median_grad": float(np.median(G)),
        "grid_max_grad": float(G.max()),
        "scan": {
            "w": config.scan_w,
            "b": scan_b.tolist(),
            "loss": e.tolist(),
            "dE_db": gb.tolist(),
            "d2E_db2": curvature.tolist(),
        },
        "descent": {"lr": config.lr, "clip": config.clip, "plain": plain, "clipped": clipped},
    }


def wall_width(b: np.ndarray, loss: np.ndarray, jump: float = 0.3) -> float:
    """The narrowest window of an evenly spaced scan over which the loss changes by > `jump`.

    Args:
        b: Evenly spaced values of the scanned parameter, shape `(N,)`.
        loss: The loss at each, shape `(N,)`.
        jump: The change in loss that makes a wall.

    Returns:
        The window's width in units of `b`; inf if the loss never changes by that much.

    Examples:
        >>> b = np.linspace(0.0, 1.0, 11)
        >>> wall_width(b, np.where(b < 0.5, 1.0, 0.0))     # a step: one grid spacing
        0.1
        >>> wall_width(b, b * 0.2)
        inf
    """
    for k in range(1, len(b)):
        if np.abs(loss[k:] - loss[:-k]).max() > jump:
            return float(b[k] - b[0])
    return float("inf")


def _wall(record: dict[str, Any]) -> dict[str, float]:
    s = record["scan"]
    b, e, g, c = (np.array(s[k]) for k in ("b", "loss", "dE_db", "d2E_db2"))
    peak = int(np.abs(g).argmax())
    width = wall_width(b, e)
    return {
        "peak_grad": float(np.abs(g[peak])),
        "peak_b": float(b[peak]),
        "ratio": float(np.abs(g[peak]) / record["grid_median_grad"]),
        "drop_width": float(width),
        "loss_range": float(e.max() - e.min()),
        "curv_ratio": float(np.abs(c).max() / np.median(np.abs(c))),
        "curv_peak_b": float(b[int(np.abs(c).argmax())]),
    }


def summary(record: dict[str, Any], lang: str = "en") -> str:
    """Our numbers in one line, in `lang` ("en" or "zh")."""
    w = _wall(record)
    d = record["descent"]
    p, c = d["plain"], d["clipped"]
    if lang == "zh":
        return (
            f"在w = {record['scan']['w']:g}处：max |∂E/∂b| = {w['peak_grad']:.3g}，位于b = "
            f"{w['peak_b']:.4f}，是网格上梯度范数中位数（{record['grid_median_grad']:.2g}）的"
            f"{w['ratio']:.2g}倍；E在Δb = {w['drop_width']:.1e}之内变化0.3；梯度下降（学习率"
            f"{d['lr']:g}，{len(p['max_step'])}个起点）：普通的步长最大{max(p['max_step']):.3g}，"
            f"{sum(p['left_region'])}次被抛出图外，最终E的中位数为{np.median(p['final_loss']):.3f}；"
            f"裁剪到{d['clip']:g}：{sum(c['left_region'])}次被抛出图外，最终E的中位数为"
            f"{np.median(c['final_loss']):.3f}"
        )
    return (
        f"at w = {record['scan']['w']:g}: max |∂E/∂b| = {w['peak_grad']:.3g} at b = "
        f"{w['peak_b']:.4f}, {w['ratio']:.2g}× the grid's median gradient norm "
        f"({record['grid_median_grad']:.2g}); E changes by 0.3 within Δb = {w['drop_width']:.1e}; "
        f"gradient descent (lr {d['lr']:g}, {len(p['max_step'])} starts): plain steps up to "
        f"{max(p['max_step']):.3g}, {sum(p['left_region'])} thrown off the map, median final E "
        f"{np.median(p['final_loss']):.3f}; clipped to {d['clip']:g}: {sum(c['left_region'])} "
        f"thrown off, median final E {np.median(c['final_loss']):.3f}"
    )


def headline(record: dict[str, Any], lang: str = "en") -> str:
    """Our result in a few words, for the report's table."""
    w = _wall(record)
    p, c = record["descent"]["plain"], record["descent"]["clipped"]
    n = len(p["left_region"])
    if lang == "zh":
        return (
            f"陡壁处的梯度是中位数的{w['ratio']:.0e}倍；被抛出图外：普通"
            f"{sum(p['left_region'])}/{n}，裁剪{sum(c['left_region'])}/{n}"
        )
    return (
        f"wall gradient {w['ratio']:.0e}× the median; thrown off the map: "
        f"{sum(p['left_region'])}/{n} plain, {sum(c['left_region'])}/{n} clipped"
    )


def verdict(record: dict[str, Any], lang: str = "en") -> Verdict:
    """Criteria: a wall ≥ 10³× steeper than typical, narrow, with the curvature peaking there.

    `lang` ("en" or "zh") is the language of the criteria and the reason; the checks and the
    status do not depend on it.
    """
    zh = lang == "zh"
    w = _wall(record)
    p, c = record["descent"]["plain"], record["descent"]["clipped"]
    n = len(p["left_region"])
    thrown, thrown_clipped = sum(p["left_region"]), sum(c["left_region"])
    final, final_clipped = np.median(p["final_loss"]), np.median(c["final_loss"])
    checks = [
        Check(
            "陡壁处的梯度至少是网格上中位数的10³倍"
            if zh
            else "the gradient at the wall is ≥ 10³× the median over the grid",
            w["ratio"] >= 1e3,
            f"{w['peak_grad']:.3g}，中位数{record['grid_median_grad']:.3g}（{w['ratio']:.2g}倍）"
            if zh
            else f"{w['peak_grad']:.3g} vs median {record['grid_median_grad']:.3g} "
            f"({w['ratio']:.2g}×)",
            core=True,
        ),
        Check(
            "损失在Δb < 0.02之内变化超过0.3（是陡壁，不是斜坡）"
            if zh
            else "the loss changes by > 0.3 within Δb < 0.02 (a wall, not a slope)",
            w["drop_width"] < 0.02,
            f"Δb = {w['drop_width']:.2e}",
            core=True,
        ),
        Check(
            "曲率在同一处爆炸（至少是它在扫描上中位数的10³倍）"
            if zh
            else "the curvature explodes at the same place (≥ 10³× its median on the scan)",
            w["curv_ratio"] >= 1e3 and abs(w["curv_peak_b"] - w["peak_b"]) < 0.005,
            f"{w['curv_ratio']:.2g}倍，位于b = {w['curv_peak_b']:.4f}"
            if zh
            else f"{w['curv_ratio']:.2g}× at b = {w['curv_peak_b']:.4f}",
        ),
        Check(
            "普通的梯度步把至少一半的运行抛出图外；裁剪后一次也没有"
            if zh
            else "plain gradient steps throw at least half the runs off the map; clipped, none",
            thrown >= n / 2 and not any(c["left_region"]),
            f"普通{thrown}/{n}，裁剪{thrown_clipped}/{n}"
            if zh
            else f"{thrown}/{n} plain vs {thrown_clipped}/{n} clipped",
        ),
        Check(
            "裁剪的运行最终损失比普通的低（最终损失的中位数）"
            if zh
            else "clipped runs end lower than plain runs (median final loss)",
            final_clipped < final,
            f"裁剪{final_clipped:.3f}，普通{final:.3f}"
            if zh
            else f"{final_clipped:.3f} vs {final:.3f}",
        ),
    ]
    return grade(checks, lang=lang)


def _surface_figure(record: dict[str, Any]):
    from matplotlib.colors import LogNorm

    from qa.viz import COLORS, new_figure

    fig, (ax, ax2) = new_figure(1, 2, width=8.6, height=3.6)
    ws, bs = np.array(record["w"]), np.array(record["b"])
    E = np.array(record["loss"])
    G = np.array(record["grad_norm"])
    m = ax.pcolormesh(bs, ws, E, shading="auto", cmap="viridis", rasterized=True)
    fig.colorbar(m, ax=ax, label="E")
    d = record["descent"]
    for path_w, path_b in zip(d["plain"]["path_w"], d["plain"]["path_b"], strict=True):
        ax.plot(path_b, path_w, color=COLORS["red"], lw=0.8, alpha=0.8)
    for path_w, path_b in zip(d["clipped"]["path_w"], d["clipped"]["path_b"], strict=True):
        ax.plot(path_b, path_w, color="white", lw=0.8)
    ax.set_xlim(bs[0], bs[-1])
    ax.set_ylim(ws[0], ws[-1])
    ax.set_xlabel("b")
    ax.set_ylabel("w")
    ax.set_title("Loss; descent paths: plain (red), clipped (white)")
    g = ax2.pcolormesh(
        bs,
        ws,
        np.maximum(G, 1e-6),
        shading="auto",
        cmap="magma",
        rasterized=True,
        norm=LogNorm(vmin=1e-4, vmax=max(G.max(), 1e-3)),
    )
    fig.colorbar(g, ax=ax2, label="‖∇E‖")
    ax2.set_xlabel("b")
    ax2.set_title("Gradient norm (log scale)")
    return fig


def _scan_figure(record: dict[str, Any]):
    from qa.viz import COLORS, new_figure

    s = record["scan"]
    fig, ax = new_figure(width=6.0, height=3.2)
    ax.plot(s["b"], s["loss"], color=COLORS["blue"], label="E")
    ax.set_xlabel(f"b (w = {s['w']:g})")
    ax.set_ylabel("E", color=COLORS["blue"])
    ax2 = ax.twinx()
    ax2.semilogy(s["b"], np.abs(s["dE_db"]), color=COLORS["red"], lw=0.9)
    ax2.set_ylabel("|∂E/∂b|", color=COLORS["red"])
    ax2.grid(False)
    ax.set_title("Across the wall")
    return fig


FIGURES = (
    FigureSpec(
        name="surface",
        build=_surface_figure,
        alt="Left: a heat map of the loss over b (horizontal) and w (vertical), high on the "
        "left and low on the right, separated by a sharp diagonal boundary; red gradient-descent "
        "paths jump far across it and off the map, white clipped paths cross it in small steps. "
        "Right: the gradient norm on a log scale, small everywhere except a thin bright line "
        "along the boundary.",
        caption="The loss surface of the one-unit RNN of Pascanu et al. (2013) and its gradient "
        "norm; paths of gradient descent without and with norm clipping.",
        alt_zh="左：损失在b（横轴）和w（纵轴）上的热图，左侧高、右侧低，中间被一条陡峭的斜向"
        "边界隔开；红色的梯度下降路径一步跳过边界，远远飞出图外，白色的裁剪路径以小步越过边界。"
        "右：对数刻度的梯度范数，除了沿边界的一条细亮线，处处都很小。",
        caption_zh="Pascanu等（2013）的单单元RNN的损失曲面及其梯度范数；不裁剪和按范数裁剪的"
        "梯度下降路径",
    ),
    FigureSpec(
        name="scan",
        build=_scan_figure,
        alt="The loss along b at w = 5 drops abruptly from about 0.34 to about 0.01, and the "
        "gradient magnitude on a log axis spikes by several orders of magnitude at the drop.",
        caption="A fine scan of b across the wall at w = 5: the loss and |∂E/∂b|.",
        alt_zh="w = 5时，损失沿b从约0.34骤降到约0.01；对数轴上的梯度大小在骤降处猛增几个数量级。",
        caption_zh="在w = 5处沿b穿过陡壁的精细扫描：损失和|∂E/∂b|",
    ),
)

#: The English texts of the figures, in Chinese (`qa.viz.translate_figure`).
FIGURE_WORDS_ZH = {
    "Loss; descent paths: plain (red), clipped (white)": "损失；下降路径：不裁剪（红）、裁剪（白）",
    "Gradient norm (log scale)": "梯度范数（对数刻度）",
    "Across the wall": "穿过陡壁",
}
