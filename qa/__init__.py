"""dl500-rnn: executable answers to the RNN questions 6.4–6.10 of *DeepLearning-500-questions*.

Subpackages:

- `qa.core` — a small, exact NumPy engine: RNN, LSTM and GRU cells with BPTT, losses,
  gradient checking, clipping, optimisers, initialisers, synthetic tasks, a training loop.
- `qa.answers` — one runnable answer module per question.
- `qa.questions` — the registry of questions that the site, the CLI and the quiz read.
- `qa.cli` — the `dl500` command line.

Importing `qa` itself is cheap: it does not import NumPy.
"""

__version__ = "0.1.0"
