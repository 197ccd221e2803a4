"""Engine speed: one training step (forward + BPTT + all gradients) of the NumPy RNN and LSTM,
side by side with PyTorch CPU's nn.RNN / nn.LSTM, in float32, and the achieved GFLOP/s next to
the machine's GEMM rate measured in the same run.

Before timing, the two implementations are checked to compute the same gradients (float64).
Measurements alternate between the contestants round by round, so that drift in the machine's
speed affects both alike; each reported time is the median over the rounds. Within a round a
contestant first waits `--settle` seconds and runs once untimed, then `--calls` times timed:
both libraries keep their worker threads spinning for a while after a call (OpenBLAS and the
OpenMP runtime), and on two cores the other library's spinning threads would otherwise be timed
too (interleaving call by call slowed PyTorch's LSTM step up to 6x in our runs).

Usage: python bench/bench_engine.py [--rounds N] [--calls N] [--settle S] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.core import gru, lstm, rnn

SIZES = [(100, 32, 64, 128), (100, 128, 128, 256)]  # (T, B, D, H)
GATES = {"rnn": 1, "gru": 3, "lstm": 4}
MODULES = {"rnn": rnn, "gru": gru, "lstm": lstm}
# Targets from the issue: NumPy time / PyTorch time, per (cell, size index).
TARGETS = {("rnn", 0): 0.5, ("rnn", 1): 1.0, ("lstm", 0): 1.0, ("lstm", 1): 1.0}


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


def flops(cell: str, T: int, B: int, D: int, H: int) -> float:
    """Multiply-adds ×2 of a training step: forward (U x, W h), backward (δW, δU, W^T δ, U^T δ)."""
    G = GATES[cell] * H
    return 3 * 2.0 * T * B * G * (D + H)


def numpy_params(rng, cell, D, H, dtype):
    G = GATES[cell] * H
    p = {
        "U": rng.standard_normal((G, D)) / np.sqrt(D),
        "W": rng.standard_normal((G, H)) / np.sqrt(H),
        "b": 0.1 * rng.standard_normal(G),
    }
    if cell == "gru":
        p["b_hn"] = 0.1 * rng.standard_normal(H)
    return {k: v.astype(dtype) for k, v in p.items()}


def numpy_step(cell, params, xs, dhs):
    _, cache = MODULES[cell].forward(params, xs)
    return MODULES[cell].backward(dhs, cache)


def torch_twin(torch, cell, params, D, H, dtype):
    """A PyTorch module holding the same weights as our parameter dict."""
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    m = cls(D, H).to(dtype)
    with torch.no_grad():
        m.weight_ih_l0.copy_(torch.from_numpy(params["U"]))
        m.weight_hh_l0.copy_(torch.from_numpy(params["W"]))
        m.bias_ih_l0.copy_(torch.from_numpy(params["b"]))
        m.bias_hh_l0.zero_()
        if cell == "gru":
            m.bias_ih_l0[2 * H :] = torch.from_numpy(params["b"][2 * H :])
            m.bias_hh_l0[2 * H :] = torch.from_numpy(params["b_hn"])
    return m


def parity(torch, cell) -> float:
    """Largest relative difference between our gradients and PyTorch autograd's, in float64."""
    rng = np.random.default_rng(0)
    T, B, D, H = 7, 3, 5, 6
    p = numpy_params(rng, cell, D, H, np.float64)
    xs, dhs = rng.standard_normal((T, B, D)), rng.standard_normal((T, B, H))
    grads, dxs, _ = numpy_step(cell, p, xs, dhs)
    m = torch_twin(torch, cell, p, D, H, torch.float64)
    x = torch.from_numpy(xs).requires_grad_(True)
    out, _ = m(x)
    out.backward(torch.from_numpy(dhs))
    theirs = {"U": m.weight_ih_l0.grad, "W": m.weight_hh_l0.grad, "x": x.grad}
    ours = {"U": grads["U"], "W": grads["W"], "x": dxs}
    worst = 0.0
    for k in ours:
        a, b = ours[k], theirs[k].numpy()
        worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))))
    return worst


def gemm_rate(n=2048, repeats=5) -> float:
    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    a @ a
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        a @ a
        times.append(time.perf_counter() - t)
    return 2 * n**3 / statistics.median(times) / 1e9


def timed(fn, calls: int, settle: float) -> float:
    """Seconds per call of `fn`, once the other side's threads have stopped spinning."""
    time.sleep(settle)
    fn()
    t = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t) / calls


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=3, help="timed calls per round")
    parser.add_argument(
        "--settle", type=float, default=0.3, help="seconds of rest before each contestant's turn"
    )
    parser.add_argument(
        "--json", type=Path, default=Path(__file__).parent / "results" / "engine.json"
    )
    args = parser.parse_args(argv)
    # As every process of the project that trains does (qa.machine.keep_freed_memory): without
    # it NumPy pays page faults for each step's arrays, which PyTorch's caching allocator avoids.
    from qa.machine import keep_freed_memory

    keep_freed_memory()

    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed: timing NumPy only (make bench installs the bench extra).")
    info = machine()
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    print(
        f"machine: {info['cpu']}, {info['cores']} cores; numpy {info['numpy']}"
        + (f", torch {info['torch']} ({info['torch_threads']} threads)" if torch else "")
    )

    if torch is not None:
        for cell in ("rnn", "lstm", "gru"):
            print(
                f"parity with PyTorch autograd, float64, {cell}: worst relative difference "
                f"{parity(torch, cell):.1e}"
            )

    gemm = gemm_rate()
    print(f"GEMM rate (NumPy float32, 2048³): {gemm:.0f} GFLOP/s\n")

    rows = []
    for si, (T, B, D, H) in enumerate(SIZES):
        for cell in ("rnn", "lstm", "gru"):
            rng = np.random.default_rng(1)
            p = numpy_params(rng, cell, D, H, np.float32)
            xs = rng.standard_normal((T, B, D)).astype(np.float32)
            dhs = rng.standard_normal((T, B, H)).astype(np.float32)
            contestants = {
                "numpy": lambda p=p, xs=xs, dhs=dhs, cell=cell: numpy_step(cell, p, xs, dhs)
            }
            if torch is not None:
                m = torch_twin(torch, cell, p, D, H, torch.float32)
                x = torch.from_numpy(xs).requires_grad_(True)
                g = torch.from_numpy(dhs)

                def torch_step(m=m, x=x, g=g):
                    m.zero_grad(set_to_none=True)
                    x.grad = None
                    out, _ = m(x)
                    out.backward(g)

                contestants["torch"] = torch_step
                if cell == "lstm":

                    def torch_no_onednn(step=torch_step):
                        with warnings.catch_warnings():  # torch warns about a TF32 flag here
                            warnings.simplefilter("ignore")
                            with torch.backends.mkldnn.flags(enabled=False):
                                step()

                    contestants["torch_no_onednn"] = torch_no_onednn
            for fn in contestants.values():  # warm-up
                fn()
                fn()
            times = {k: [] for k in contestants}
            for _ in range(args.rounds):
                for k, fn in contestants.items():
                    times[k].append(timed(fn, args.calls, args.settle))
            med = {k: statistics.median(v) for k, v in times.items()}
            f = flops(cell, T, B, D, H)
            row = {
                "cell": cell,
                "T": T,
                "B": B,
                "D": D,
                "H": H,
                "gflop": f / 1e9,
                "numpy_ms": med["numpy"] * 1e3,
                "numpy_gflops": f / med["numpy"] / 1e9,
                "gemm_gflops": gemm,
            }
            if "torch" in med:
                row["torch_ms"] = med["torch"] * 1e3
                row["ratio"] = med["numpy"] / med["torch"]
                row["target"] = TARGETS.get((cell, si))
            if "torch_no_onednn" in med:
                row["torch_no_onednn_ms"] = med["torch_no_onednn"] * 1e3
                row["ratio_no_onednn"] = med["numpy"] / med["torch_no_onednn"]
            rows.append(row)

    header = (
        f"{'cell':5} {'T,B,D,H':>17} {'NumPy ms':>9} {'torch ms':>9} {'ratio':>6} {'target':>10}"
        f" {'NumPy GF/s':>10} {'of GEMM':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        size = f"{r['T']},{r['B']},{r['D']},{r['H']}"
        torch_ms = f"{r['torch_ms']:9.2f}" if "torch_ms" in r else f"{'-':>9}"
        ratio = f"{r['ratio']:6.2f}" if "ratio" in r else f"{'-':>6}"
        target = r.get("target")
        verdict = (
            ""
            if target is None or "ratio" not in r
            else (f"≤{target:.1f} ok" if r["ratio"] <= target else f"≤{target:.1f} MISS")
        )
        print(
            f"{r['cell']:5} {size:>17} {r['numpy_ms']:9.2f} {torch_ms} {ratio} {verdict:>10} "
            f"{r['numpy_gflops']:10.0f} {r['numpy_gflops'] / r['gemm_gflops']:8.0%}"
        )
    for r in rows:
        if "torch_no_onednn_ms" in r:
            print(
                f"  context: {r['cell']} {r['T']},{r['B']},{r['D']},{r['H']} against PyTorch with "
                f"oneDNN off (ATen autograd path): {r['torch_no_onednn_ms']:.2f} ms, "
                f"ratio {r['ratio_no_onednn']:.2f}"
            )

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"machine": info, "gemm_gflops": gemm, "rows": rows}, indent=2) + "\n"
    )
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
