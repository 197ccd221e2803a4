"""The dilated causal convolution and the TCN: finite differences, an independent autodiff,
causality and the receptive field."""

import numpy as np
import pytest

from qa.core import conv
from qa.core.gradcheck import check_gradients, numerical_gradient, rel_error
from tests.core import autodiff as ad

TOL = 1e-7
CONV_CASES = [  # (T, B, C_in, C_out, k, dilation)
    (7, 3, 2, 4, 2, 1),
    (9, 2, 3, 3, 3, 2),
    (5, 2, 2, 3, 3, 4),  # later taps reach before the start
    (6, 1, 1, 2, 1, 1),  # a 1×1 convolution
]


def _conv_params(rng, k, C_out, C_in):
    return {"W": rng.standard_normal((k, C_out, C_in)), "b": rng.standard_normal(C_out)}


def _loop_reference(params, xs, dilation):
    """The definition, one output step and one tap at a time."""
    W, b = params["W"], params["b"]
    T = xs.shape[0]
    ys = np.zeros((T, xs.shape[1], W.shape[1]))
    for t in range(T):
        ys[t] = b
        for j in range(W.shape[0]):
            if t - j * dilation >= 0:
                ys[t] += xs[t - j * dilation] @ W[j].T
    return ys


@pytest.mark.parametrize(
    "case", CONV_CASES, ids=lambda c: "T{}-B{}-Cin{}-Cout{}-k{}-d{}".format(*c)
)
def test_conv_forward_matches_its_definition(case):
    T, B, C_in, C_out, k, d = case
    rng = np.random.default_rng(T * 100 + k)
    params = _conv_params(rng, k, C_out, C_in)
    xs = rng.standard_normal((T, B, C_in))
    ys, _ = conv.forward(params, xs, dilation=d)
    np.testing.assert_allclose(ys, _loop_reference(params, xs, d), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "case", CONV_CASES, ids=lambda c: "T{}-B{}-Cin{}-Cout{}-k{}-d{}".format(*c)
)
def test_conv_gradients_match_finite_differences(case):
    T, B, C_in, C_out, k, d = case
    rng = np.random.default_rng(T * 10 + d)
    params = _conv_params(rng, k, C_out, C_in)
    xs = rng.standard_normal((T, B, C_in))
    G = rng.standard_normal((T, B, C_out))
    ys, cache = conv.forward(params, xs, dilation=d)
    grads, dxs = conv.backward(G, cache)
    errors = check_gradients(
        lambda p: float(np.sum(conv.forward(p, xs, dilation=d)[0] * G)), params, grads
    )
    assert max(errors.values()) < TOL, errors
    numeric = numerical_gradient(
        lambda x: float(np.sum(conv.forward(params, x, dilation=d)[0] * G)), xs.copy()
    )
    assert rel_error(dxs, numeric) < TOL


def _ad_conv(W, b, xs, T, k, d):
    """The convolution written with the reference autodiff's elementary operations."""
    out = []
    for t in range(T):
        y = b
        for j in range(k):
            if t - j * d >= 0:
                y = y + xs[t - j * d] @ W[j].T
        out.append(y)
    return out


@pytest.mark.parametrize(
    "case", CONV_CASES, ids=lambda c: "T{}-B{}-Cin{}-Cout{}-k{}-d{}".format(*c)
)
def test_conv_backward_matches_reference_autodiff(case):
    T, B, C_in, C_out, k, d = case
    rng = np.random.default_rng(T + 1000 * k)
    params = _conv_params(rng, k, C_out, C_in)
    xs = rng.standard_normal((T, B, C_in))
    G = rng.standard_normal((T, B, C_out))
    _, cache = conv.forward(params, xs, dilation=d)
    grads, dxs = conv.backward(G, cache)

    W, b, x = ad.Var(params["W"]), ad.Var(params["b"]), ad.Var(xs)
    ys = _ad_conv(W, b, x, T, k, d)
    loss = (ys[0] * G[0]).sum()
    for t in range(1, T):
        loss = loss + (ys[t] * G[t]).sum()
    ad.backprop(loss)
    np.testing.assert_allclose(grads["W"], W.grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads["b"], b.grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dxs, x.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("t", [0, 3, 6])
def test_conv_output_never_depends_on_future_inputs(t, rng):
    params = _conv_params(rng, 3, 2, 2)
    xs = rng.standard_normal((8, 2, 2))
    later = xs.copy()
    later[t + 1 :] += 5.0
    np.testing.assert_array_equal(
        conv.forward(params, xs, dilation=2)[0][: t + 1],
        conv.forward(params, later, dilation=2)[0][: t + 1],
    )


TCN_CASES = [  # (T, B, C_in, C, levels, k)
    (9, 2, 2, 3, 3, 2),
    (12, 3, 3, 3, 2, 3),  # no projection: C_in == C
]


def _tcn_case(case, seed):
    T, B, C_in, C, L, k = case
    rng = np.random.default_rng(seed)
    params = conv.tcn_params(rng, C_in, C, L, kernel_size=k)
    # Nonzero biases, and pre-activations kept off the relu kink so finite differences are valid.
    params = {n: v + 0.3 * rng.standard_normal(v.shape) for n, v in params.items()}
    xs = rng.standard_normal((T, B, C_in))
    return params, xs, rng.standard_normal((T, B, C))


def _relu_margin(params, xs):
    h, margin = xs, np.inf
    for i in range(conv.tcn_levels(params)):
        z, _ = conv.forward({"W": params[f"W{i}"], "b": params[f"b{i}"]}, h, dilation=2**i)
        margin = min(margin, float(np.abs(z).min()))
        skip = (
            conv.forward({"W": params["P"], "b": np.zeros(z.shape[-1])}, h)[0]
            if i == 0 and "P" in params
            else h
        )
        h = np.maximum(z, 0) + skip
    return margin


@pytest.mark.parametrize("case", TCN_CASES, ids=lambda c: "T{}-B{}-Cin{}-C{}-L{}-k{}".format(*c))
def test_tcn_gradients_match_finite_differences(case):
    params, xs, G = _tcn_case(case, seed=sum(case))
    assert _relu_margin(params, xs) > 2e-3, "pick another seed: a pre-activation is at the kink"
    hs, cache = conv.tcn_forward(params, xs)
    grads, dxs = conv.tcn_backward(G, cache)
    errors = check_gradients(
        lambda p: float(np.sum(conv.tcn_forward(p, xs)[0] * G)), params, grads, step=1e-4
    )
    assert max(errors.values()) < TOL, errors
    numeric = numerical_gradient(
        lambda x: float(np.sum(conv.tcn_forward(params, x)[0] * G)), xs.copy(), step=1e-4
    )
    assert rel_error(dxs, numeric) < TOL


@pytest.mark.parametrize(("levels", "k"), [(3, 2), (5, 2), (2, 3)])
def test_tcn_last_output_sees_exactly_its_receptive_field(levels, k, rng):
    T = 40
    params = conv.tcn_params(rng, 2, 4, levels, kernel_size=k)
    params = {n: v + 0.5 for n, v in params.items()}  # positive: no relu is dead, no cancellation
    xs = np.abs(rng.standard_normal((T, 1, 2)))
    hs, cache = conv.tcn_forward(params, xs)
    G = np.zeros_like(hs)
    G[-1] = 1.0
    _, dxs = conv.tcn_backward(G, cache)
    seen = np.flatnonzero(np.abs(dxs[:, 0]).sum(axis=1) > 0)
    R = conv.receptive_field(k, [2**i for i in range(levels)])
    assert seen.tolist() == list(range(T - R, T))


def test_tcn_does_not_modify_its_arguments(rng):
    params = conv.tcn_params(rng, 2, 3, 2)
    xs = rng.standard_normal((6, 2, 2))
    before = ({k: v.copy() for k, v in params.items()}, xs.copy())
    hs, cache = conv.tcn_forward(params, xs)
    G = rng.standard_normal(hs.shape)
    G_before = G.copy()
    conv.tcn_backward(G, cache)
    for k in params:
        np.testing.assert_array_equal(params[k], before[0][k])
    np.testing.assert_array_equal(xs, before[1])
    np.testing.assert_array_equal(G, G_before)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: conv.forward({"W": np.zeros((2, 3, 4)), "b": np.zeros(3)}, np.zeros((5, 1, 2))),
            "xs: expected shape",
        ),
        (
            lambda: conv.forward(
                {"W": np.zeros((2, 3, 2)), "b": np.zeros(3)}, np.zeros((5, 1, 2)), dilation=0
            ),
            "dilation",
        ),
        (
            lambda: conv.tcn_forward(
                {"W0": np.zeros((2, 3, 2)), "b0": np.zeros(3)}, np.zeros((5, 1, 2))
            ),
            "projection",
        ),
        (
            lambda: conv.tcn_forward(
                conv.tcn_params(np.random.default_rng(0), 2, 2, 2),
                np.zeros((5, 1, 2)),
                dilations=(1,),
            ),
            "dilations",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
