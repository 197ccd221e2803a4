"""The two languages of the project: which one to speak, and the Chinese of data and messages.

Everything a learner reads exists in English and in Simplified Chinese:

- **Data files** hold the Chinese beside the English: `prompt` and `prompt_zh`, `text` and
  `text_zh`, ... `localize` turns such a table into the one-language table the code reads.
- **Messages** of the command line, the quiz and the site are written in English in the code and
  looked up here with `tr` (a message catalogue as gettext keeps one, keyed by the English text;
  the catalogue is the table `ZH` in `qa/i18n_zh.py`). A test checks that every message the code
  passes to `tr` has its Chinese.
- **The language** is `--lang` where a command takes it, else the locale (`LC_ALL`,
  `LC_MESSAGES`, `LANG`, `LANGUAGE`: `zh_CN.UTF-8` speaks Chinese), else English.

Examples:
    >>> localize({"prompt": "Why?", "prompt_zh": "为什么？", "id": "x"}, "zh")
    {'prompt': '为什么？', 'id': 'x'}
    >>> localize({"prompt": "Why?", "prompt_zh": "为什么？", "id": "x"}, "en")
    {'prompt': 'Why?', 'id': 'x'}
    >>> language_from_env({"LANG": "zh_CN.UTF-8"}), language_from_env({"LANG": "C.UTF-8"})
    ('zh', 'en')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = [
    "LANGUAGES",
    "SUFFIX",
    "current",
    "language_from_env",
    "localize",
    "missing_zh",
    "set_language",
    "tr",
]

#: The languages, the default first.
LANGUAGES = ("en", "zh")
#: How a data file marks the Chinese twin of a field.
SUFFIX = "_zh"


def localize(value: Any, lang: str) -> Any:
    """A data table in one language: each `key_zh` replaces `key` (zh) or is dropped (en).

    Works through nested tables and arrays of tables (a card's options). A field without a
    Chinese twin keeps its English in the Chinese table; `missing_zh` lists such fields.
    """
    if isinstance(value, list):
        return [localize(v, lang) for v in value]
    if not isinstance(value, Mapping):
        return value
    out = {k: localize(v, lang) for k, v in value.items() if not k.endswith(SUFFIX)}
    if lang == "zh":
        for key, text in value.items():
            if key.endswith(SUFFIX) and isinstance(text, str) and text.strip():
                out[key[: -len(SUFFIX)]] = text
    return out


def missing_zh(value: Any, where: str = "") -> list[str]:
    """Text fields of a data table (with its nested tables) that have no Chinese twin.

    Examples:
        >>> missing_zh({"prompt": "a", "prompt_zh": "甲", "options": [{"text": "b"}]})
        ['options[1].text']
    """
    out: list[str] = []
    if isinstance(value, list):
        for i, v in enumerate(value, start=1):
            out += missing_zh(v, f"{where}[{i}]")
    elif isinstance(value, Mapping):
        for key, v in value.items():
            if key.endswith(SUFFIX):
                continue
            path = f"{where}.{key}" if where else key
            if key in _TEXT_FIELDS and isinstance(v, str):
                twin = value.get(key + SUFFIX)
                if not isinstance(twin, str) or not twin.strip():
                    out.append(path)
            else:
                out += missing_zh(v, path)
    return out


# The fields that are prose for a reader (ids, types, anchors and solver names are not).
_TEXT_FIELDS = frozenset(
    {"interview_answer", "prompt", "answer", "explanation", "text", "feedback"}
)


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """`"zh"` when the locale is Chinese, else `"en"` (POSIX order: LC_ALL first)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return "zh" if env[name].lower().startswith("zh") else _from_language(env)
    return _from_language(env)


def _from_language(env: Mapping[str, str]) -> str:
    first = (env.get("LANGUAGE") or "").split(":")[0].lower()
    return "zh" if first.startswith("zh") else "en"


_LANGUAGE = ["en"]  # the language of this process's messages: `dl500 --lang`, or the locale


def set_language(lang: str) -> None:
    """Make `lang` the language of `tr` calls that name none (the command line sets it once)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    _LANGUAGE[0] = lang


def current() -> str:
    """The language `set_language` chose (English until it is called)."""
    return _LANGUAGE[0]


def tr(message: str, lang: str | None = None, /, **values: Any) -> str:
    """The message in `lang` (default: `current()`), with `{name}` fields filled from `values`.

    Examples:
        >>> tr("Reproduce:", "zh"), tr("Reproduce:", "en")
        ('复现：', 'Reproduce:')
        >>> tr("{n} cards due", "zh", n=3)
        '3张卡片到期'
    """
    text = message
    if (lang or _LANGUAGE[0]) == "zh":
        from qa.i18n_zh import ZH

        text = ZH.get(message, message)
    return text.format(**values) if values else text
