"""6.9b: the Jacobian-product bound holds, the linear case is exact, and far terms vanish."""

import numpy as np
import pytest

from qa.answers import q6_09b_vanishing_gradients as m
from qa.core.activations import GAMMA

NAME = "qa.answers.q6_09b_vanishing_gradients"


def test_derivative_maxima_are_gamma_at_zero():
    x = np.linspace(-5, 5, 1001)
    c = m.derivative_curves(x)
    for name in ("sigmoid", "tanh"):
        d = c[f"d_{name}"]
        assert d.max() == GAMMA[name]
        assert x[d.argmax()] == 0.0
        assert np.all(d > 0)
    assert set(np.unique(c["d_relu"])) == {0.0, 1.0}


def test_tanh_slope_is_four_times_the_sigmoid_slope_at_twice_the_input():
    x = np.linspace(-4, 4, 81)
    tanh_slope = m.derivative_curves(x)["d_tanh"]
    sigmoid_slope = m.derivative_curves(2 * x)["d_sigmoid"]
    np.testing.assert_allclose(tanh_slope, 4 * sigmoid_slope, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("rho", [0.8, 1.0, 1.1])
def test_linear_rnn_jacobian_norm_is_exactly_rho_to_the_t(rho, rng):
    norms = m.jacobian_product_norms(rng, "identity", rho, hidden=8, steps=20)
    np.testing.assert_allclose(norms, rho ** np.arange(1, 21), rtol=1e-10)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("multiple", [0.5, 2.0])
def test_bound_holds_for_fresh_networks(activation, multiple, rng):
    s = multiple / GAMMA[activation]
    norms = m.jacobian_product_norms(rng, activation, s, hidden=16, steps=30)
    assert np.all(norms <= (GAMMA[activation] * s) ** np.arange(1, 31) * (1 + 1e-12))


@pytest.mark.parametrize("seed", range(5))
def test_sigmoid_bound_card_is_s_over_4_to_the_n(seed):
    card = m.card_sigmoid_bound(np.random.default_rng(seed))
    s, n = card["params"]["s"], card["params"]["n"]
    assert s in np.arange(0.5, 6.01, 0.5) and 2 <= n <= 10
    assert card["answer"] == pytest.approx((s / 4) ** n, rel=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_orthogonal_power_card_is_rho_to_the_n(seed):
    card = m.card_orthogonal_power_norm(np.random.default_rng(seed))
    rho, n = card["params"]["rho"], card["params"]["n"]
    assert 2 <= n <= 20
    assert card["answer"] == pytest.approx(rho**n, rel=1e-10)


def test_demonstration_never_exceeds_the_bound(demo_of):
    demo = demo_of(NAME)
    t = np.arange(1, m.STEPS + 1)
    for (activation, multiple), norms in demo.norms.items():
        assert np.all(norms <= multiple**t * (1 + 1e-12)), (activation, multiple)


def test_demonstration_vanishes_below_and_at_the_threshold(demo_of):
    demo = demo_of(NAME)
    for activation in ("tanh", "sigmoid"):
        for multiple in (0.5, 1.0):
            assert demo.norms[activation, multiple][-1] < 1e-6


def test_demonstration_saturation_makes_one_and_a_half_over_gamma_vanish_too(demo_of):
    # The caption's claim (above 1/γ is necessary, not sufficient) and the card
    # 6.9b-explodes-whenever's "well below 1": seed 0 ends at 3.9e-3 (tanh) and 1.5e-6
    # (sigmoid). Nothing is trained, so another machine moves these at rounding level only
    # (relative 3e-14 across the OpenBLAS kernels we tried): a factor 25 is a wide margin.
    demo = demo_of(NAME)
    for activation in ("tanh", "sigmoid"):
        norms = demo.norms[activation, 1.5]
        assert norms[-1] < 0.1 < 1.0 < 1.5**m.STEPS


def test_demonstration_gradient_share_collapses_with_distance(demo_of):
    demo = demo_of(NAME)
    for s, share in demo.share.items():
        assert share[0] == pytest.approx(1.0)
        assert np.all(np.diff(share) <= 1e-15), s
    assert demo.share[0.5][5] < 0.01
    assert demo.share[1.0][20] < 0.01
    assert demo.share[0.5][10] < demo.share[1.0][10] < demo.share[1.5][10]


def test_saturated_units_pass_back_little_gradient():
    x = np.concatenate([np.linspace(-8, -3, 51), np.linspace(3, 8, 51)])
    c = m.derivative_curves(x)
    assert c["d_tanh"].max() < 0.01 and c["d_sigmoid"].max() < 0.05


def test_numbers_are_the_measured_values(demo_of):
    demo = demo_of(NAME)
    n = m.numbers(demo)
    assert n["tanh_15_end"].value == demo.norms["tanh", 1.5][-1]
    assert n["sigmoid_3_end"].value == demo.norms["sigmoid", 3.0][-1]
    assert 0.99 < n["worst_bound_ratio"].value <= 1 + 1e-12  # the bound, nearly reached at t = 1
    share = demo.share[1.0]
    d = n["share_below_1"].value
    assert share[d] < 0.01 <= share[d - 1]
    # Exact math, shown as measured: tanh′(5) = 1 - tanh²(5), sigmoid′(5) = σ(5)(1 - σ(5)).
    assert str(n["d_tanh_5"]) == "0.00018" and str(n["d_sigmoid_5"]) == "0.0066"
