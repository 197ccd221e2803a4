"""The registry of questions: the one list that the site, the CLI and the quiz read.

Each question has a stable id (`6.9b` is ours, for the second section numbered "6.9"
upstream), an English title, the original Chinese title and number as printed upstream, tags
and a difficulty. Its answer module is `qa/answers/<slug>.py`, its data (interview answer and
self-check cards) `qa/answers/<slug>.toml`, and its page `docs/answers/<slug>.md`.

This module imports only the standard library, so that `dl500 list`, `dl500 show` and
`dl500 due` start fast.

Examples:
    >>> [q.id for q in QUESTIONS]
    ['6.4', '6.5', '6.6', '6.7', '6.8', '6.9', '6.9b', '6.10']
    >>> get("6.8").module
    'qa.answers.q6_08_forward_pass'
    >>> get("6.8").page
    'answers/q6_08_forward_pass.md'
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["QUESTIONS", "Question", "UnknownQuestionError", "closest", "get", "ids"]


@dataclass(frozen=True, kw_only=True)
class Question:
    """One interview question of chapter 6.

    Attributes:
        id: Stable id used everywhere (`"6.8"`, `"6.9b"`).
        slug: Stem shared by the answer module, its data file and its page.
        title: English title.
        title_zh: The original Chinese title, as printed upstream.
        upstream_number: The section number printed upstream (both 6.9 and 6.9b print "6.9").
        tags: Topic tags, used by `dl500 quiz --tag`.
        difficulty: `"easy"`, `"medium"` or `"hard"`.
    """

    id: str
    slug: str
    title: str
    title_zh: str
    upstream_number: str
    tags: tuple[str, ...]
    difficulty: str

    @property
    def module(self) -> str:
        """Dotted name of the answer module."""
        return f"qa.answers.{self.slug}"

    @property
    def page(self) -> str:
        """Path of the page, relative to `docs/`."""
        return f"answers/{self.slug}.md"

    @property
    def url(self) -> str:
        """Path of the built page, relative to the site root."""
        return f"answers/{self.slug}/"

    def data(self) -> dict[str, Any]:
        """The question's data file (`interview_answer`, `cards`), parsed."""
        return _load_data(self.slug)


QUESTIONS: tuple[Question, ...] = (
    Question(
        id="6.4",
        slug="q6_04_cnn_vs_rnn",
        title="How do CNNs and RNNs differ?",
        title_zh="CNN和RNN的区别",
        upstream_number="6.4",
        tags=("architecture", "cnn", "tcn"),
        difficulty="easy",
    ),
    Question(
        id="6.5",
        slug="q6_05_rnn_vs_fnn",
        title="How do RNNs differ from feed-forward networks?",
        title_zh="RNNs和FNNs有什么区别",
        upstream_number="6.5",
        tags=("architecture", "memory", "parameter-sharing"),
        difficulty="easy",
    ),
    Question(
        id="6.6",
        slug="q6_06_rnn_training",
        title="How does training an RNN compare with training a feed-forward network?",
        title_zh="RNNs训练和传统ANN训练异同点",
        upstream_number="6.6",
        tags=("training", "bptt", "parameter-sharing"),
        difficulty="medium",
    ),
    Question(
        id="6.7",
        slug="q6_07_loss_oscillation",
        title="Why does the loss jump around when training an RNN?",
        title_zh="为什么RNN训练的时候Loss波动很大",
        upstream_number="6.7",
        tags=("training", "exploding-gradients", "clipping"),
        difficulty="medium",
    ),
    Question(
        id="6.8",
        slug="q6_08_forward_pass",
        title="The standard RNN forward pass",
        title_zh="标准RNN前向输出流程",
        upstream_number="6.8",
        tags=("forward-pass", "notation", "softmax"),
        difficulty="easy",
    ),
    Question(
        id="6.9",
        slug="q6_09_bptt",
        title="Deriving backpropagation through time (BPTT)",
        title_zh="BPTT算法推导",
        upstream_number="6.9",
        tags=("bptt", "gradients", "derivation"),
        difficulty="hard",
    ),
    Question(
        id="6.9b",
        slug="q6_09b_vanishing_gradients",
        title="Why do gradients vanish in an RNN?",
        title_zh="RNN中为什么会出现梯度消失",
        upstream_number="6.9",
        tags=("vanishing-gradients", "jacobian", "activations"),
        difficulty="medium",
    ),
    Question(
        id="6.10",
        slug="q6_10_fixing_vanishing",
        title="How can vanishing gradients in an RNN be fixed?",
        title_zh="如何解决RNN中的梯度消失问题",
        upstream_number="6.10",
        tags=("vanishing-gradients", "lstm", "relu", "normalization"),
        difficulty="medium",
    ),
)

_BY_ID = {q.id: q for q in QUESTIONS}


class UnknownQuestionError(LookupError):
    """Raised by `get` for an id that is not registered; its message lists the known ids."""


def ids() -> list[str]:
    """The registered ids, in book order."""
    return [q.id for q in QUESTIONS]


def closest(text: str) -> str | None:
    """The registered id most similar to `text`, or None when nothing is close.

    Examples:
        >>> closest("6.99")
        '6.9'
        >>> closest("6.9B")
        '6.9b'
        >>> closest("lstm") is None
        True
    """
    lowered = text.strip().lower()
    if lowered in _BY_ID:
        return lowered
    matches = difflib.get_close_matches(lowered, ids(), n=1, cutoff=0.6)
    return matches[0] if matches else None


def get(question_id: str) -> Question:
    """The question with this id (case-insensitive, surrounding spaces ignored).

    Raises:
        UnknownQuestionError: For an unknown id; the message names the closest known id.

    Examples:
        >>> get(" 6.9B ").slug
        'q6_09b_vanishing_gradients'
        >>> get("6.99")
        Traceback (most recent call last):
        ...
        qa.questions.UnknownQuestionError: unknown question '6.99' (did you mean 6.9?); ...
    """
    key = question_id.strip().lower()
    if key in _BY_ID:
        return _BY_ID[key]
    hint = closest(question_id)
    suggestion = f" (did you mean {hint}?)" if hint else ""
    raise UnknownQuestionError(
        f"unknown question {question_id!r}{suggestion}; known ids: {', '.join(ids())}"
    )


@cache
def _load_data(slug: str) -> dict[str, Any]:
    text = resources.files("qa.answers").joinpath(f"{slug}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
