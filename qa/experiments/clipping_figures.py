"""The clipping experiment's figures, drawn from its record (`qa.experiments.clipping`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from qa.experiments.clipping_runs import MODES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["readout_side_runs", "spikes", "validation"]


def _by_mode(runs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {m: [r for r in runs if r["mode"] == m] for m in MODES}


COLORS_BY_MODE = {"none": "red", "norm": "blue"}
LABELS = {"none": "no clipping", "norm": "norm clipping"}


def validation(record: dict[str, Any]) -> Figure:
    """The validation MSE of every run, without and with clipping; jumps at spikes marked."""
    from qa.viz import COLORS, new_figure

    fig, axes = new_figure(1, 2, width=8.8, height=3.4, sharey=True)
    for ax, (mode, runs) in zip(axes, _by_mode(record["runs"]).items(), strict=True):
        color = COLORS[COLORS_BY_MODE[mode]]
        for r in runs:
            y = np.array([np.nan if v is None else v for v in r["val_mse"]], dtype=float)
            ax.plot(r["val_steps"], y, color=color, lw=0.7, alpha=0.6)
            big = [
                s
                for s in r["spikes"]
                if s["jump"] is not None and s["jump"] >= record["jump_factor"]
            ]
            for s in big:
                ax.plot([s["step"]], [0.45], "v", color=color, ms=5)
        ax.axhline(1 / 6, color=COLORS["black"], ls="--", lw=0.8)
        ax.set(xlim=(0, record["steps"]), ylim=(0, 0.5), xlabel="update")
        ax.set_title(f"{LABELS[mode]} ({len(runs)} seeds)")
    axes[0].set_ylabel("validation MSE (dashed: 1/6)")
    return fig


def spikes(record: dict[str, Any]) -> Figure:
    """Two steps from each spike's parameters, and where the gradient's norm is at spikes."""
    from qa.viz import COLORS, new_figure

    fig, (ax, ax2) = new_figure(1, 2, width=8.8, height=3.4)
    spikes = [
        s
        for r in record["runs"]
        for s in r["spikes"]
        if s.get("jump_plain") is not None and s.get("jump_clipped") is not None
    ]
    ratio = [s["ratio"] for s in spikes]
    for key, label, color, order in (
        ("jump_plain", "plain step", "red", 3),
        ("jump_clipped", "clipped step", "blue", 2),
    ):
        ax.scatter(
            ratio,
            [s[key] for s in spikes],
            s=12,
            color=COLORS[color],
            alpha=0.6,
            zorder=order,
            label=f"{label} ({len(spikes)})",
        )
    ax.axhline(1, color=COLORS["black"], lw=0.8)
    ax.axhline(2, color=COLORS["grey"], ls="--", lw=0.8)
    ax.set(xscale="log", yscale="log", xlabel="‖g‖ / running median", ylabel="loss after / before")
    ticks = [0.25, 0.5, 1, 2, 4, 8, 16]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_title("Two steps from each spike's parameters")
    ax.legend(fontsize="small", loc="upper left")
    labels = ["W", "U, b", "V, c"]
    typical = [r["typical_shares"] for r in record["runs"] if r["typical_shares"]]
    at_spikes = [s["shares"] for r in record["runs"] for s in r["spikes"]]

    def shares(rows: list[dict[str, float]]) -> list[float]:
        if not rows:
            return [0.0, 0.0, 0.0]
        return [
            float(np.median([x["W"] for x in rows])),
            float(np.median([x["U"] + x["b"] for x in rows])),
            float(np.median([x["head"] for x in rows])),
        ]

    x = np.arange(3)
    ax2.bar(x - 0.2, shares(typical), 0.4, color=COLORS["grey"], label="ordinary updates")
    ax2.bar(
        x + 0.2, shares(at_spikes), 0.4, color=COLORS["red"], label=f"spikes ({len(at_spikes)})"
    )
    ax2.set_xticks(x, labels)
    ax2.set(ylim=(0, 1), ylabel="share of ‖g‖² (median)")
    ax2.set_title("Where the norm is")
    ax2.legend(fontsize="small", loc="upper right")
    return fig


def readout_side_runs(record: dict[str, Any]) -> Figure:
    """The gradient norm of the side runs at the read-out's unstable learning rate."""
    from qa.viz import COLORS, new_figure

    fig, ax = new_figure(width=6.4, height=3.4)
    for r in record["readout_runs"]:
        y = np.array([np.nan if v is None else v for v in r["norm_curve"]], dtype=float)
        x = np.linspace(0, r["steps_done"], len(y) + 1)[1:]
        ax.plot(x, y, color=COLORS[COLORS_BY_MODE[r["mode"]]], lw=0.8, alpha=0.7)
        if r["w_zero_from"] is not None:
            ax.axvline(r["w_zero_from"], color=COLORS["grey"], lw=0.6, ls=":")
    ax.set(yscale="log", xlabel="update", ylabel="‖g‖ before clipping (window max)")
    ax.set_yticks([1e0, 1e40, 1e80, 1e120, 1e160])
    ax.set_xlim(0, record["readout_runs"][0]["steps"] if record["readout_runs"] else 1)
    ax.set_title(f"η = {record['big_lr']:g}: unclipped (red), clipped (blue)")
    return fig
