"""Cards link to their section on the site: by URL, clickable in a terminal, openable from the quiz.

The site's address is mkdocs.yml's `site_url` unless `DL500_SITE_URL` overrides it; a card's URL
is its page in the card's language with its section's anchor. `dl500 open` opens (or prints) a
question's page or a card's section; `:open` in the quiz opens the card being asked.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from qa.links import page_url, site_url
from qa.quiz.bank import load_bank
from qa.quiz.term import Style

ROOT = Path(__file__).resolve().parents[2]


def test_the_site_url_is_mkdocs_site_url(monkeypatch) -> None:
    monkeypatch.delenv("DL500_SITE_URL", raising=False)
    configured = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(), re.M)[1]
    assert site_url() == configured


@pytest.mark.parametrize("value", ["http://127.0.0.1:8000", "http://127.0.0.1:8000/"])
def test_the_site_url_can_be_overridden(monkeypatch, value: str) -> None:
    monkeypatch.setenv("DL500_SITE_URL", value)
    assert site_url() == "http://127.0.0.1:8000/"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "http://h/answers/q6_08_forward_pass/#the-math"),
     ("zh", "http://h/zh/answers/q6_08_forward_pass/#the-math")],
)  # fmt: skip
def test_a_card_links_to_its_section_in_its_language(monkeypatch, lang, expected) -> None:
    monkeypatch.setenv("DL500_SITE_URL", "http://h/")
    card = load_bank(lang=lang).by_id()["6.8-fixture-recall"]
    assert card.url == expected.replace("the-math", card.section)
    assert page_url("answers/q6_08_forward_pass/", lang, "the-math", base="http://h/") == expected


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "env", "clickable"),
    [(Tty(), {"TERM": "xterm"}, True), (Tty(), {"TERM": "xterm", "NO_COLOR": "1"}, True),
     (Tty(), {"TERM": "dumb"}, False), (io.StringIO(), {"TERM": "xterm"}, False)],
    ids=["terminal", "no-colour terminal", "dumb terminal", "pipe"],
)  # fmt: skip
def test_a_link_is_clickable_only_in_a_terminal(stream, env, clickable: bool) -> None:
    text = Style(stream, env).link("http://h/x/")
    assert ("\033]8;;http://h/x/\033\\" in text) == clickable
    assert "http://h/x/" in text.replace("\033]8;;http://h/x/\033\\", "")


def test_dl500_open_prints_a_cards_url(dl500, monkeypatch) -> None:
    monkeypatch.setenv("DL500_SITE_URL", "http://h/")
    run = dl500("open", "6.8-fixture-recall", "--print", "--lang", "zh")
    assert run.status == 0 and run.out.strip().startswith(
        "http://h/zh/answers/q6_08_forward_pass/#"
    )


def test_dl500_open_opens_the_browser(dl500, monkeypatch) -> None:
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    monkeypatch.setenv("DL500_SITE_URL", "http://h/")
    run = dl500("open", "6.9")
    assert run.status == 0 and opened == ["http://h/answers/q6_09_bptt/"]


@pytest.mark.parametrize("target", ["6.8-no-such-card", "9.9"])
def test_dl500_open_of_an_unknown_id_is_a_usage_error(dl500, target: str) -> None:
    run = dl500("open", target, "--print")
    assert run.status == 2 and "unknown" in run.err and "Traceback" not in run.err


def test_open_in_the_quiz_opens_the_card_being_asked(dl500, monkeypatch) -> None:
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    monkeypatch.setenv("DL500_SITE_URL", "http://h/")
    run = dl500("quiz", "--limit", "1", stdin=":open\n:quit\n")
    assert run.status == 0 and len(opened) == 1
    assert opened[0].startswith("http://h/answers/") and f"Opened {opened[0]}" in run.out
