"""Activation derivatives and their bounds; initialisers and spectral scaling."""

import numpy as np
import pytest

from qa.core import activations, init
from qa.core.gradcheck import numerical_gradient


@pytest.mark.parametrize("name", activations.ACTIVATIONS)
def test_derivative_from_output_matches_finite_differences(name, rng):
    a = rng.uniform(-4, 4, size=50)
    a = a[np.abs(a) > 1e-2]  # away from ReLU's kink
    h = activations.apply(name, a)
    numeric = np.array(
        [
            numerical_gradient(lambda v: float(activations.apply(name, v)[0]), np.array([x]))[0]
            for x in a
        ]
    )
    np.testing.assert_allclose(
        activations.derivative_from_output(name, h), numeric, rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize(("name", "gamma"), [("sigmoid", 0.25), ("tanh", 1.0)])
def test_sigmoid_and_tanh_derivatives_peak_at_zero_with_gamma(name, gamma):
    a = np.linspace(-10, 10, 200_001)  # includes 0 exactly
    d = activations.derivative_from_output(name, activations.apply(name, a))
    assert d.max() == pytest.approx(gamma, rel=0, abs=1e-15)
    assert a[d.argmax()] == 0.0
    assert activations.GAMMA[name] == gamma
    assert np.all(d > 0)


def test_sigmoid_never_overflows():
    with np.errstate(all="raise"):
        values = activations.sigmoid(np.array([-1e308, -800.0, 0.0, 800.0, 1e308]))
    assert values.tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]


@pytest.mark.parametrize("n", [1, 3, 16])
def test_orthogonal_matrices_have_unit_singular_values(n, rng):
    np.testing.assert_allclose(
        np.linalg.svd(init.orthogonal(rng, n), compute_uv=False), 1.0, atol=1e-12
    )


@pytest.mark.parametrize("target", [0.5, 1.0, 2.5])
def test_scaling_sets_the_largest_singular_value_and_the_spectral_radius(target, rng):
    M = rng.standard_normal((6, 6))
    assert np.linalg.norm(init.scale_to_singular_value(M, target), 2) == pytest.approx(target)
    assert np.abs(
        np.linalg.eigvals(init.scale_to_spectral_radius(M, target))
    ).max() == pytest.approx(target)


def test_scaling_refuses_degenerate_matrices():
    with pytest.raises(ValueError, match="nonzero"):
        init.scale_to_singular_value(np.zeros((2, 2)), 1.0)
    with pytest.raises(ValueError, match="nonzero eigenvalue"):
        init.scale_to_spectral_radius(np.array([[0.0, 1.0], [0.0, 0.0]]), 1.0)


@pytest.mark.parametrize(
    ("kind", "scale"), [("gaussian", 1.0), ("orthogonal", 0.9), ("identity", 1.0), ("xavier", 1.0)]
)
def test_recurrent_matrices_have_the_documented_scale(kind, scale, rng):
    W = init.recurrent_matrix(rng, 200, kind, scale=scale)
    top = np.linalg.norm(W, 2)
    expected = {
        "gaussian": 2.0,
        "orthogonal": 0.9,
        "identity": 1.0,
        "xavier": 2 * np.sqrt(1 / 200) * np.sqrt(200),
    }[kind]
    assert top == pytest.approx(expected, rel=0.1)
