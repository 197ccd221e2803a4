"""Recurrent models and training runs on the adding problem, shared by several experiments.

`MODELS` names the recurrent networks the experiments compare, each a `qa.core.model`
configuration plus the keyword arguments of its initialiser. `train_adding` trains one of them
(or any loss-and-gradient function) on fresh batches of the adding problem with the engine's
training loop and scores it on a fixed test set.

Examples:
    >>> model, kwargs = MODELS["irnn"]
    >>> model.activation, kwargs["recurrent"]
    ('relu', 'identity')
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.core import optim, tasks
from qa.core.model import SequenceModel
from qa.core.train import train
from qa.experiments.base import cast, finite, thin

__all__ = [
    "MODELS",
    "MODEL_LABELS",
    "MODEL_LABELS_ZH",
    "RunSpec",
    "adding_test_set",
    "init_params",
    "train_adding",
]

_LAST = {"readout": "last", "loss": "mse"}

#: name -> (model, keyword arguments of its initialiser).
MODELS: dict[str, tuple[SequenceModel, dict[str, Any]]] = {
    # W ~ N(0, 1/H), U ~ N(0, 1/D): the plain tanh RNN.
    "tanh": (SequenceModel(cell="rnn", activation="tanh", **_LAST), {"recurrent": "gaussian"}),
    "tanh_orthogonal": (
        SequenceModel(cell="rnn", activation="tanh", **_LAST),
        {"recurrent": "orthogonal"},
    ),
    # ReLU with a Gaussian W, and the IRNN (W = I) of Le et al. (2015); U ~ N(0, 0.1²).
    "relu": (
        SequenceModel(cell="rnn", activation="relu", **_LAST),
        {"recurrent": "gaussian", "input_std": 0.1},
    ),
    "irnn": (
        SequenceModel(cell="rnn", activation="relu", **_LAST),
        {"recurrent": "identity", "input_std": 0.1},
    ),
    # LSTM with the forget-gate bias initialised to 1 (Gers et al. 2000) or 0, and the GRU;
    # their input weights are drawn like the tanh RNN's, N(0, 1/D) (see `init_params`).
    "lstm": (SequenceModel(cell="lstm", **_LAST), {"forget_bias": 1.0, "input_std": None}),
    "lstm_fb0": (SequenceModel(cell="lstm", **_LAST), {"forget_bias": 0.0, "input_std": None}),
    "gru": (SequenceModel(cell="gru", **_LAST), {"input_std": None}),
}

MODEL_LABELS = {
    "tanh": "tanh RNN, Gaussian W",
    "tanh_orthogonal": "tanh RNN, orthogonal W",
    "relu": "ReLU RNN, Gaussian W",
    "irnn": "IRNN (ReLU, W = I)",
    "lstm": "LSTM, forget bias 1",
    "lstm_fb0": "LSTM, forget bias 0",
    "gru": "GRU",
}

#: The labels in Chinese (the same words as the answers' Chinese figures, `figure_words_zh`).
MODEL_LABELS_ZH = {
    "tanh": "tanh RNN，高斯W",
    "tanh_orthogonal": "tanh RNN，正交W",
    "relu": "ReLU RNN，高斯W",
    "irnn": "IRNN（ReLU，W = I）",
    "lstm": "LSTM，遗忘门偏置1",
    "lstm_fb0": "LSTM，遗忘门偏置0",
    "gru": "GRU",
}


def init_params(
    name: str,
    rng: np.random.Generator,
    input_size: int,
    hidden: int,
    output_size: int = 1,
    **overrides: Any,
) -> dict[str, np.ndarray]:
    r"""Fresh parameters of `MODELS[name]`.

    The gated cells' initialisers (`qa.core.init.lstm_params`, `gru_params`) draw the input
    weights Xavier-uniform, whose spread for 2 inputs and 32 units is a third of the tanh RNN's
    $\mathcal N(0, 1/D)$. An `input_std` key (None meaning $1/\sqrt{D}$) redraws them as
    $\mathcal N(0, \text{input\_std}^2)$, so that every model reads the inputs at the same
    scale; in the project's runs the LSTM with Xavier inputs often had not left the 1/6 plateau
    of the adding problem after 2000 steps.

    Examples:
        >>> p = init_params("lstm", np.random.default_rng(0), 2, 4)
        >>> p["U"].shape, p["b"][4:8].tolist()
        ((16, 2), [1.0, 1.0, 1.0, 1.0])
    """
    model, kwargs = MODELS[name]
    kwargs = {**kwargs, **overrides}
    redraw = model.cell != "rnn" and "input_std" in kwargs
    std = kwargs.pop("input_std") if redraw else None
    params = model.init(rng, input_size, hidden, output_size, **kwargs)
    if redraw:
        std = 1 / np.sqrt(input_size) if std is None else std
        params["U"] = std * rng.standard_normal(params["U"].shape)
    return params


def adding_test_set(
    seq_len: int, size: int, seed: int, dtype: str = "float64"
) -> tuple[np.ndarray, np.ndarray]:
    """A fixed test set of the adding problem, from its own generator."""
    return tasks.adding_problem(np.random.default_rng([seed, 7919]), seq_len, size, dtype=dtype)


@dataclass(frozen=True, kw_only=True)
class RunSpec:
    """One training run on the adding problem.

    Attributes:
        model: A key of `MODELS`.
        seed: Seed of the initialisation and of the training batches.
        seq_len: `T`.
        hidden: `H`.
        steps: Updates.
        batch: Sequences per update.
        optimizer: `"adam"` or `"sgd"`.
        lr: Learning rate.
        clip_norm: Global-norm clipping threshold, or None.
        clip_value: Element-wise clipping bound, or None.
        test_size: Sequences in the test set.
        init: Overrides of the initialiser's keyword arguments.
        dtype: The floating type of the parameters, the data and every computation
            (the experiments use `qa.experiments.base.TRAINING_DTYPE`).
    """

    model: str
    seed: int
    seq_len: int
    hidden: int
    steps: int
    batch: int = 32
    optimizer: str = "adam"
    lr: float = 1e-3
    clip_norm: float | None = 1.0
    clip_value: float | None = None
    test_size: int = 1000
    init: tuple[tuple[str, Any], ...] = ()
    dtype: str = "float64"


def _optimizer(name: str, lr: float) -> optim.Optimizer:
    if name == "adam":
        return optim.Adam(lr=lr)
    if name == "sgd":
        return optim.SGD(lr=lr)
    raise ValueError(f"optimizer: expected 'adam' or 'sgd', got {name!r}")


def train_adding(
    spec: RunSpec,
    progress: Callable[[float], None] | None = None,
    *,
    loss_and_grads: Callable[..., Any] | None = None,
    predict: Callable[..., np.ndarray] | None = None,
    params: dict[str, np.ndarray] | None = None,
    on_gradient: Callable[[dict[str, np.ndarray]], None] | None = None,
) -> dict[str, Any]:
    """Train on fresh adding-problem batches; score the final parameters on a fixed test set.

    By default the model is `MODELS[spec.model]`; pass `loss_and_grads`, `predict` and `params`
    to train something else (e.g. a convolutional network) in exactly the same way.

    Args:
        spec: What to run.
        progress: Called with the fraction of steps done.
        loss_and_grads: `(params, xs, y) -> (loss, grads)`.
        predict: `(params, xs) -> predictions (B, 1)`.
        params: Initial parameters.
        on_gradient: Called with every raw gradient (before clipping), e.g. to study it.

    Returns:
        A dict: `test_mse` (None if the run diverged) and its standard error `test_se`,
        `diverged`, `stop_reason`,
        `max_loss`, thinned `loss` and `grad_norm` curves, `steps_done`, `seconds`.
    """
    rng = np.random.default_rng(spec.seed)
    if loss_and_grads is None:
        model, _ = MODELS[spec.model]
        params = init_params(spec.model, rng, 2, spec.hidden, **dict(spec.init))
        loss_and_grads, predict = model.loss_and_grads, model.predict
    params = cast(params, spec.dtype)
    data = np.random.default_rng([spec.seed, 104729])

    def objective(p: dict[str, np.ndarray], step: int):
        xs, y = tasks.adding_problem(data, spec.seq_len, spec.batch, dtype=spec.dtype)
        loss, grads = loss_and_grads(p, xs, y)
        if on_gradient is not None:
            on_gradient(grads)
        return loss, grads

    started = time.perf_counter()
    result = train(
        objective,
        params,
        _optimizer(spec.optimizer, spec.lr),
        spec.steps,
        clip_norm=spec.clip_norm,
        clip_value=spec.clip_value,
        progress=progress,
    )
    test_mse = test_se = None
    if not result.diverged:
        xs, y = adding_test_set(spec.seq_len, spec.test_size, spec.seed, spec.dtype)
        with np.errstate(all="ignore"):  # a run can end finite but huge; that is a result too
            err = (predict(result.params, xs) - y) ** 2
            test_mse = finite(err.mean())
            test_se = finite(err.std() / np.sqrt(err.size))
    losses = result.losses
    return {
        "model": spec.model,
        "seed": spec.seed,
        "test_mse": test_mse,
        "test_se": test_se,  # standard error of test_mse over the test sequences
        "diverged": result.diverged,
        "stop_reason": result.stop_reason,
        "steps_done": result.steps,
        "max_loss": finite(losses.max()) if len(losses) else None,
        "final_loss": finite(losses[-50:].mean()) if len(losses) else None,
        "loss": thin(losses, 200),
        "grad_norm": thin(result.grad_norms, 200, how="max"),
        "seconds": time.perf_counter() - started,
    }
