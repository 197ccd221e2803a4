"""A tiny tape-based reverse-mode autodiff over NumPy arrays: an independent reference.

The engine's backward passes are written by hand. To check them against something that
shares none of their code, the cells are written again here in the most literal per-step form
on top of this ~100-line autodiff, whose only derivatives are those of elementary operations.
"""

from __future__ import annotations

import numpy as np


class Var:
    """A node of the computation graph: a value, its parents and how to push gradients back."""

    def __init__(self, value, parents=(), push=None):
        self.value = np.asarray(value, dtype=np.float64)
        self.parents = parents
        self.push = push  # push(grad_of_self) -> grads of parents, in order
        self.grad = None

    # elementary operations -------------------------------------------------------------
    def __add__(self, other):
        other = lift(other)
        return Var(
            self.value + other.value,
            (self, other),
            lambda g: (unbroadcast(g, self.value.shape), unbroadcast(g, other.value.shape)),
        )

    def __sub__(self, other):
        other = lift(other)
        return Var(
            self.value - other.value,
            (self, other),
            lambda g: (unbroadcast(g, self.value.shape), -unbroadcast(g, other.value.shape)),
        )

    def __mul__(self, other):
        other = lift(other)
        return Var(
            self.value * other.value,
            (self, other),
            lambda g: (
                unbroadcast(g * other.value, self.value.shape),
                unbroadcast(g * self.value, other.value.shape),
            ),
        )

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return lift(other) - self

    def __matmul__(self, other):
        return Var(
            self.value @ other.value, (self, other), lambda g: (g @ other.value.T, self.value.T @ g)
        )

    @property
    def T(self):
        return Var(self.value.T, (self,), lambda g: (g.T,))

    def __getitem__(self, idx):
        def push(g):
            full = np.zeros_like(self.value)
            full[idx] = g
            return (full,)

        return Var(self.value[idx], (self,), push)

    def sum(self):
        return Var(self.value.sum(), (self,), lambda g: (np.full_like(self.value, g),))


def lift(x):
    return x if isinstance(x, Var) else Var(x)


def unbroadcast(g, shape):
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def tanh(x):
    y = np.tanh(x.value)
    return Var(y, (x,), lambda g: (g * (1 - y * y),))


def sigmoid(x):
    y = 1 / (1 + np.exp(-x.value))
    return Var(y, (x,), lambda g: (g * y * (1 - y),))


def relu(x):
    return Var(np.maximum(x.value, 0), (x,), lambda g: (g * (x.value > 0),))


def identity(x):
    return x


ACT = {"tanh": tanh, "sigmoid": sigmoid, "relu": relu, "identity": identity}


def backprop(out):
    """Fill `.grad` of every node that `out` (a scalar) depends on."""
    order, seen = [], set()

    def visit(v):
        if id(v) in seen:
            return
        seen.add(id(v))
        for p in v.parents:
            visit(p)
        order.append(v)

    visit(out)
    for v in order:
        v.grad = None
    out.grad = np.ones_like(out.value)
    for v in reversed(order):
        if v.push is None or v.grad is None:
            continue
        for p, g in zip(v.parents, v.push(v.grad), strict=True):
            p.grad = g if p.grad is None else p.grad + g


# the cells, written literally ----------------------------------------------------------


def rnn_states(p, xs, h, activation):
    hs = []
    for t in range(xs.value.shape[0]):
        h = ACT[activation](xs[t] @ p["U"].T + h @ p["W"].T + p["b"])
        hs.append(h)
    return hs


def lstm_states(p, xs, h, c, forget_bias):
    H = h.value.shape[1]
    hs = []
    for t in range(xs.value.shape[0]):
        a = xs[t] @ p["U"].T + h @ p["W"].T + p["b"]
        i = sigmoid(a[:, :H])
        f = sigmoid(a[:, H : 2 * H] + forget_bias)
        g = tanh(a[:, 2 * H : 3 * H])
        o = sigmoid(a[:, 3 * H :])
        c = f * c + i * g
        h = o * tanh(c)
        hs.append(h)
    return hs


def gru_states(p, xs, h):
    H = h.value.shape[1]
    hs = []
    for t in range(xs.value.shape[0]):
        ax = xs[t] @ p["U"].T + p["b"]
        ah = h @ p["W"].T
        r = sigmoid(ax[:, :H] + ah[:, :H])
        z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])
        n = tanh(ax[:, 2 * H :] + r * (ah[:, 2 * H :] + p["b_hn"]))
        h = (1 - z) * n + z * h
        hs.append(h)
    return hs
