"""tools/check_links.py: what it flags on small hand-made sites, and the built site passing it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from site_support import ROOT, FixtureBuild, base_path

sys.path.insert(0, str(ROOT / "tools"))
import check_links

SCRIPT = ROOT / "tools" / "check_links.py"

TARGET = '<html><body><h2 id="the-math">The math</h2><a name="old-anchor"></a></body></html>'


def make_site(root: Path, page: str) -> Path:
    """A site with index.html holding `page`, and a second page answers/x/index.html."""
    (root / "answers" / "x").mkdir(parents=True)
    (root / "answers" / "x" / "index.html").write_text(TARGET)
    (root / "img.svg").write_text("<svg/>")
    (root / "index.html").write_text(f"<html><body>{page}</body></html>")
    return root


@pytest.mark.parametrize(
    "html",
    [
        '<a href="answers/x/">page</a>',
        '<a href="answers/x/index.html#the-math">anchor</a>',
        '<a href="answers/x/#old-anchor">named anchor</a>',
        '<a href="#top" id="top">self</a>',
        '<img src="img.svg" alt="x">',
        '<a href="/base/answers/x/">root-relative</a>',
        '<a href="https://arxiv.org/abs/1211.5063">paper</a>',
        '<a href="mailto:someone@example.invalid">mail</a>',
        '<link rel="canonical" href="https://example.invalid/base/">',
    ],
    ids=lambda h: h.split(">")[0],
)
def test_good_references_pass(tmp_path: Path, html: str) -> None:
    report = check_links.check(make_site(tmp_path, html), "/base/")
    assert report.broken == []


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ('<a href="answers/y/">x</a>', "no such file"),
        ('<a href="answers/x/#the-maths">x</a>', "no element with id 'the-maths'"),
        ('<a href="#nowhere">x</a>', "no element with id 'nowhere'"),
        ('<img src="missing.svg" alt="x">', "no such file"),
        ('<script src="https://cdn.example.invalid/mathjax.js"></script>', "another host"),
        ('<link rel="stylesheet" href="//fonts.example.invalid/a.css">', "another host"),
        ('<img src="https://example.invalid/a.png" alt="x">', "another host"),
        ('<a href="/elsewhere/answers/x/">x</a>', "outside the site's base"),
        ('<a href="../../etc/passwd">x</a>', "outside the site"),
    ],
    ids=lambda v: v.split(">")[0] if v.startswith("<") else "",
)
def test_broken_references_are_reported(tmp_path: Path, html: str, reason: str) -> None:
    report = check_links.check(make_site(tmp_path, html), "/base/")
    assert len(report.broken) == 1
    assert reason in report.broken[0]


def test_script_exits_nonzero_and_names_the_broken_link(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", '<a href="answers/x/#nope">x</a>')
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(site), "--base", "/"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "BROKEN index.html: <a> answers/x/#nope" in proc.stdout


def test_script_rejects_a_directory_without_a_site(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "no built site" in proc.stderr


def test_fixture_site_has_no_broken_links(fixture_site: FixtureBuild) -> None:
    report = check_links.check(fixture_site.site, base_path())
    assert report.pages >= 3
    assert report.broken == []


def test_built_site_has_no_broken_links(built_site: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(built_site)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
