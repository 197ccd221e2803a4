r"""The engine: a small, exact NumPy implementation of recurrent networks and their training.

Notation of the source and of Goodfellow et al. (2016, ch. 10):
$h_t = \phi(U x_t + W h_{t-1} + b)$, $o_t = V h_t + c$, $\hat y_t = \operatorname{softmax}(o_t)$.
Weights are stored in that orientation (also PyTorch's): `U (H, D)`, `W (H, H)`, `b (H,)`,
`V (O, H)`, `c (O,)`. Arrays are time-major: inputs `xs (T, B, D)`, states `hs (T, B, H)`.
Everything is float64 unless the arrays passed in are another float dtype.

Modules:

- `rnn`, `lstm`, `gru` — cells: step and sequence forward passes, and their BPTT backward passes.
- `activations` — φ and its derivative expressed through φ's output.
- `output`, `losses` — the affine output layer; softmax cross-entropy and MSE with gradients.
- `gradcheck` — central finite differences and relative errors.
- `unroll` — the unrolled cell with one copy of `W` per step: each step's gradient contribution.
- `optim` — SGD, momentum, Adagrad, Adam; gradient clipping by global norm and by value.
- `init` — Gaussian, identity, orthogonal and Xavier initialisers; spectral scaling.
- `tasks` — adding problem, copy memory, latch, embedded Reber grammar.
- `model` — a cell plus an output layer plus a loss, as one differentiable function.
- `train` — a training loop that records loss and gradient norm and stops on non-finite values.
"""
