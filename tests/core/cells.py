"""Helpers shared by the engine tests: build random cells and run them through a common API."""

from __future__ import annotations

import numpy as np

from qa.core import gru, init, lstm, rnn

CELLS = ("rnn", "lstm", "gru")
ACTIVATIONS = ("tanh", "sigmoid", "relu", "identity")


def make_params(rng, cell, D, H, dtype=np.float64):
    """Random parameters with nonzero biases, so that every bias gradient is exercised."""
    if cell == "rnn":
        p = init.rnn_params(rng, D, H, recurrent="gaussian", recurrent_scale=1.2)
        p["b"] = 0.3 * rng.standard_normal(H)
    elif cell == "lstm":
        p = init.lstm_params(rng, D, H)
        p["b"] = p["b"] + 0.3 * rng.standard_normal(4 * H)
    else:
        p = init.gru_params(rng, D, H)
        p["b"] = 0.3 * rng.standard_normal(3 * H)
        p["b_hn"] = 0.3 * rng.standard_normal(H)
    return {k: v.astype(dtype) for k, v in p.items()}


def make_state(rng, cell, B, H, dtype=np.float64):
    h = (0.5 * rng.standard_normal((B, H))).astype(dtype)
    if cell == "lstm":
        return (h, (0.5 * rng.standard_normal((B, H))).astype(dtype))
    return h


def module(cell):
    return {"rnn": rnn, "lstm": lstm, "gru": gru}[cell]


def forward(cell, params, xs, state=None, activation="tanh", forget_bias=0.0):
    if cell == "rnn":
        return rnn.forward(params, xs, state, activation=activation)
    if cell == "lstm":
        return lstm.forward(params, xs, state, forget_bias=forget_bias)
    return gru.forward(params, xs, state)


def step_loop(cell, params, xs, state, activation="tanh", forget_bias=0.0):
    """Run the step functions over the sequence; returns (hs, caches)."""
    hs, caches = [], []
    for t in range(xs.shape[0]):
        if cell == "rnn":
            state, cache = rnn.step_forward(params, xs[t], state, activation=activation)
            hs.append(state)
        elif cell == "lstm":
            state, cache = lstm.step_forward(params, xs[t], state, forget_bias=forget_bias)
            hs.append(state[0])
        else:
            state, cache = gru.step_forward(params, xs[t], state)
            hs.append(state)
        caches.append(cache)
    return np.stack(hs), caches


def step_loop_backward(cell, dhs, caches):
    """BPTT with the step functions; returns (grads, dxs, dstate0)."""
    T = len(caches)
    grads, dxs = None, [None] * T
    if cell == "lstm":
        carry = (np.zeros_like(dhs[0]), np.zeros_like(dhs[0]))
    else:
        carry = np.zeros_like(dhs[0])
    for t in range(T - 1, -1, -1):
        if cell == "lstm":
            g, dx, carry = lstm.step_backward((dhs[t] + carry[0], carry[1]), caches[t])
        else:
            g, dx, carry = module(cell).step_backward(dhs[t] + carry, caches[t])
        dxs[t] = dx
        grads = g if grads is None else {k: grads[k] + g[k] for k in g}
    return grads, np.stack(dxs), carry
