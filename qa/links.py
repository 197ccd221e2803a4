"""Where the site lives, and the URL of a question's page or of one of its sections.

The site's address is `site_url` in the project's `mkdocs.yml` (read when the package runs from
its source tree), unless `DL500_SITE_URL` says otherwise, e.g. for a mirror or a local preview
(`DL500_SITE_URL=http://127.0.0.1:8000/ dl500 quiz`). Cards link to their section by URL in the
quiz, in the Anki deck and on the site.

Examples:
    >>> page_url("answers/q6_08_forward_pass/", "zh", "the-math", base="https://x.org/dl500/")
    'https://x.org/dl500/zh/answers/q6_08_forward_pass/#the-math'
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

__all__ = ["DEFAULT_SITE_URL", "SITE_URL_ENV", "page_url", "site_url"]

SITE_URL_ENV = "DL500_SITE_URL"
#: Used when neither the environment nor a source tree's mkdocs.yml says where the site is.
DEFAULT_SITE_URL = "https://example.invalid/dl500-rnn/"

_SITE_URL_LINE = re.compile(r"^site_url:\s*['\"]?([^'\"\s#]+)", re.M)


def site_url() -> str:
    """The site's base URL, ending with `/`."""
    url = os.environ.get(SITE_URL_ENV) or _configured() or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


@cache
def _configured() -> str | None:
    config = Path(__file__).resolve().parents[1] / "mkdocs.yml"
    try:
        match = _SITE_URL_LINE.search(config.read_text(encoding="utf-8"))
    except OSError:  # installed without its source tree
        return None
    return match[1] if match else None


def page_url(path: str, lang: str = "en", section: str = "", *, base: str | None = None) -> str:
    """The URL of the built page at `path` (e.g. `answers/q6_08_forward_pass/`) in `lang`."""
    base = site_url() if base is None else base
    prefix = "" if lang == "en" else f"{lang}/"
    return f"{base}{prefix}{path}" + (f"#{section}" if section else "")
