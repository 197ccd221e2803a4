"""The numbers on the built pages are the ones this machine computes: the terminal agrees.

A page quotes its run through `{{ run.NAME }}` markers, filled when the site is built from the
cached run that drew its figures. On the machine that built the site, `dl500 run ID --numbers`
must print the same digits for every number the page shows, and no marker may be left unfilled.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qa.questions import QUESTIONS, get

SPAN = re.compile(r'<span class="dl500-number" data-number="([^"]+)" title="[^"]*">([^<]*)</span>')


def shown(page: str) -> dict[str, set[str]]:
    """Marker name -> the texts the page shows for it."""
    out: dict[str, set[str]] = {}
    for name, text in SPAN.findall(page):
        out.setdefault(name, set()).add(html.unescape(text))
    return out


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_no_marker_is_left_unfilled(built_site: Path, q) -> None:
    page = (built_site / q.url / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"\{\{\s*(run|exp)\.", re.sub(r"<code>.*?</code>", "", page, flags=re.S))


@pytest.mark.parametrize("qid", ["6.8"])
def test_the_terminal_prints_the_numbers_the_page_shows(built_site: Path, qid: str) -> None:
    q = get(qid)
    page = (built_site / q.url / "index.html").read_text(encoding="utf-8")
    on_page = {k.removeprefix("run."): v for k, v in shown(page).items() if k.startswith("run.")}
    assert on_page, f"page {q.page} shows no number of its run"
    out = subprocess.run(
        [sys.executable, "-m", "qa", "run", qid, "--numbers"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    printed = {}
    for line in out.splitlines():
        if match := re.match(r"^(\w+)\s{2,}(.+?)(?:\s{2}\(.*\))?$", line):
            printed[match[1]] = match[2]
    for name, texts in on_page.items():
        assert texts == {printed[name]}, f"{name}: page {texts}, terminal {printed.get(name)}"
