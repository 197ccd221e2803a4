"""Batch and layer normalisation and the normalised RNN: finite differences, an independent
autodiff, and the properties that distinguish the two normalisations."""

import numpy as np
import pytest

from qa.core import norm
from qa.core.gradcheck import check_gradients, numerical_gradient, rel_error
from tests.core import autodiff as ad

TOL = 1e-7
EPS = 1e-5


def _affine(rng, C):
    return {"gamma": 1 + 0.5 * rng.standard_normal(C), "beta": rng.standard_normal(C)}


NORM_CASES = [  # (name, shape, kwargs)
    ("batch-per_step", (4, 5, 3), {"stats": "per_step"}),
    ("batch-shared", (4, 5, 3), {"stats": "shared"}),
    ("batch-one-step", (6, 3), {"stats": "per_step"}),
    ("layer-sequence", (4, 5, 3), None),
    ("layer-one-step", (6, 3), None),
]


def _forward(kwargs):
    if kwargs is None:
        return lambda p, x: norm.layer_norm_forward(p, x, eps=EPS)
    return lambda p, x: norm.batch_norm_forward(p, x, eps=EPS, **kwargs)


def _backward(kwargs):
    return norm.layer_norm_backward if kwargs is None else norm.batch_norm_backward


@pytest.mark.parametrize(("name", "shape", "kwargs"), NORM_CASES, ids=[c[0] for c in NORM_CASES])
def test_normalisation_gradients_match_finite_differences(name, shape, kwargs):
    rng = np.random.default_rng(len(name))
    params = _affine(rng, shape[-1])
    xs = 2 * rng.standard_normal(shape) + 1
    G = rng.standard_normal(shape)
    fwd = _forward(kwargs)
    ys, cache = fwd(params, xs)
    grads, dxs = _backward(kwargs)(G, cache)
    errors = check_gradients(lambda p: float(np.sum(fwd(p, xs)[0] * G)), params, grads)
    assert max(errors.values()) < TOL, errors
    numeric = numerical_gradient(lambda x: float(np.sum(fwd(params, x)[0] * G)), xs.copy())
    assert rel_error(dxs, numeric) < TOL


# The reference autodiff has no mean or square root: two more elementary operations, here.
def _mean(x, axes):
    n = np.prod([x.value.shape[a] for a in axes])
    return ad.Var(
        x.value.mean(axis=axes, keepdims=True),
        (x,),
        lambda g: (np.broadcast_to(g, x.value.shape) / n,),
    )


def _rsqrt(x):
    y = 1 / np.sqrt(x.value)
    return ad.Var(y, (x,), lambda g: (-0.5 * g * y**3,))


def _ad_normalize(x, gamma, beta, axes):
    centred = x - _mean(x, axes)
    return centred * _rsqrt(_mean(centred * centred, axes) + EPS) * gamma + beta


AXES = {
    "batch-per_step": (1,),
    "batch-shared": (0, 1),
    "batch-one-step": (0,),
    "layer-sequence": (2,),
    "layer-one-step": (1,),
}


@pytest.mark.parametrize(("name", "shape", "kwargs"), NORM_CASES, ids=[c[0] for c in NORM_CASES])
def test_normalisation_matches_reference_autodiff(name, shape, kwargs):
    rng = np.random.default_rng(100 + len(name))
    params = _affine(rng, shape[-1])
    xs = rng.standard_normal(shape)
    G = rng.standard_normal(shape)
    ys, cache = _forward(kwargs)(params, xs)
    grads, dxs = _backward(kwargs)(G, cache)
    x, gamma, beta = ad.Var(xs), ad.Var(params["gamma"]), ad.Var(params["beta"])
    out = _ad_normalize(x, gamma, beta, AXES[name])
    ad.backprop((out * G).sum())
    np.testing.assert_allclose(ys, out.value, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dxs, x.grad, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads["gamma"], gamma.grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads["beta"], beta.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("stats", ["per_step", "shared"])
def test_batch_norm_statistics_are_per_step_or_pooled_over_time(stats, rng):
    # Each step has its own scale, as the early steps of an RNN started from h0 = 0 do.
    xs = rng.standard_normal((6, 50, 2)) * np.arange(1, 7)[:, None, None]
    ys, _ = norm.batch_norm_forward({"gamma": np.ones(2), "beta": np.zeros(2)}, xs, stats=stats)
    step_std = ys.std(axis=1)
    if stats == "per_step":
        np.testing.assert_allclose(step_std, 1.0, rtol=1e-4)
    else:
        np.testing.assert_allclose(ys.reshape(-1, 2).std(axis=0), 1.0, rtol=1e-4)
        assert step_std[-1].min() > 4 * step_std[0].max()


def test_batch_norm_with_batch_size_one_outputs_beta_and_passes_no_gradient(rng):
    params = _affine(rng, 4)
    xs = rng.standard_normal((1, 4))
    ys, cache = norm.batch_norm_forward(params, xs)
    np.testing.assert_array_equal(ys[0], params["beta"])
    _, dxs = norm.batch_norm_backward(rng.standard_normal((1, 4)), cache)
    np.testing.assert_array_equal(dxs, 0.0)


@pytest.mark.parametrize(("scale", "shift"), [(10.0, 0.0), (0.01, 3.0), (2.0, -7.0)])
def test_layer_norm_ignores_scale_and_shift_of_its_input(scale, shift, rng):
    params = _affine(rng, 5)
    xs = rng.standard_normal((1, 5))  # batch size 1 is fine
    y1, _ = norm.layer_norm_forward(params, xs, eps=0.0)
    y2, _ = norm.layer_norm_forward(params, scale * xs + shift, eps=0.0)
    np.testing.assert_allclose(y1, y2, rtol=1e-10, atol=1e-12)


def _rnn_params(rng, D, H):
    return {
        "U": rng.standard_normal((H, D)),
        "W": rng.standard_normal((H, H)) / np.sqrt(H),
        **_affine(rng, H),
    }


@pytest.mark.parametrize("kind", ["batch", "layer"])
def test_normalised_rnn_gradients_match_finite_differences(kind):
    rng = np.random.default_rng(5 if kind == "batch" else 6)
    T, B, D, H = 5, 4, 2, 3
    params = _rnn_params(rng, D, H)
    xs = rng.standard_normal((T, B, D))
    h0 = 0.5 * rng.standard_normal((B, H))
    G = rng.standard_normal((T, B, H))
    hs, cache = norm.rnn_forward(params, xs, h0, norm=kind)
    grads, dxs, dh0 = norm.rnn_backward(G, cache)

    def loss(p, x=xs, h=h0):
        return float(np.sum(norm.rnn_forward(p, x, h, norm=kind)[0] * G))

    # A smaller step than the default: some input gradients are ~1e-5, where the five-point
    # stencil's truncation error at step 1e-3 is already 2e-7 of the value.
    step = 3e-4
    errors = check_gradients(loss, params, grads, step=step)
    assert max(errors.values()) < TOL, errors
    assert (
        rel_error(dxs, numerical_gradient(lambda x: loss(params, x=x), xs.copy(), step=step)) < TOL
    )
    assert (
        rel_error(dh0, numerical_gradient(lambda h: loss(params, h=h), h0.copy(), step=step)) < TOL
    )


def test_step_and_sequence_forms_of_the_normalised_rnn_agree(rng):
    params = _rnn_params(rng, 2, 3)
    xs = rng.standard_normal((4, 3, 2))
    hs, _ = norm.rnn_forward(params, xs, norm="layer")
    h = np.zeros((3, 3))
    for t in range(4):
        h, _ = norm.rnn_step_forward(params, xs[t], h, norm="layer")
        np.testing.assert_array_equal(h, hs[t])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: norm.batch_norm_forward(
                {"gamma": np.ones(2), "beta": np.zeros(2)}, np.zeros((3, 2)), stats="time"
            ),
            "stats",
        ),
        (
            lambda: norm.batch_norm_forward(
                {"gamma": np.ones(3), "beta": np.zeros(3)}, np.zeros((3, 2))
            ),
            "gamma",
        ),
        (lambda: norm.layer_norm_forward({"gamma": np.ones(2)}, np.zeros((3, 2))), "beta"),
        (
            lambda: norm.rnn_forward(
                _rnn_params(np.random.default_rng(0), 2, 3), np.zeros((3, 1, 2)), norm="group"
            ),
            "norm",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
