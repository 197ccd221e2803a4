"""Figures drawn by the build: byte-identical when redrawn, and cached under the right key."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import draw_figures  # docs/hooks/draw_figures.py (site_support puts docs/hooks on sys.path)
import figures  # docs/hooks/figures.py
import pytest
from dl500_fixture.answers import q9_01_sine
from dl500_fixture.questions import SINE
from site_support import ROOT, SITE

import qa
from qa.questions import QUESTIONS

FIXTURE_MODULE = q9_01_sine.__name__


def svgs(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.svg"))}


def test_two_renders_give_identical_bytes(tmp_path: Path) -> None:
    draw_figures.draw(FIXTURE_MODULE, tmp_path / "first")
    draw_figures.draw(FIXTURE_MODULE, tmp_path / "second")
    assert sorted(svgs(tmp_path / "first")) == ["noise.svg", "signal.svg"]
    assert svgs(tmp_path / "first") == svgs(tmp_path / "second")


def test_manifest_holds_alt_text_and_captions_in_order(tmp_path: Path) -> None:
    manifest = draw_figures.draw(FIXTURE_MODULE, tmp_path)
    assert json.loads((tmp_path / "figures.json").read_text(encoding="utf-8")) == manifest
    assert [(f["name"], f["alt"], f["caption"]) for f in manifest["figures"]] == [
        (s.name, s.alt, s.caption) for s in q9_01_sine.FIGURES
    ]


def test_manifest_holds_the_numbers_seed_and_machine_of_the_run(tmp_path: Path) -> None:
    # The page's numbers come from the same run that drew its figures, and say where it ran.
    from qa.machine import FIELDS

    manifest = draw_figures.draw(FIXTURE_MODULE, tmp_path)
    expected = q9_01_sine.numbers(q9_01_sine.demonstrate(q9_01_sine.SEED))
    assert manifest["numbers"] == {k: n.to_dict() for k, n in expected.items()}
    assert manifest["seed"] == q9_01_sine.SEED
    assert sorted(manifest["machine"]) == sorted(FIELDS)
    assert manifest["machine"]["threads"] == 1  # as `dl500 run` computes


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"alt": " "}, "figure 'signal' has no alt text"),
        ({"caption": ""}, "figure 'signal' has no caption"),
        ({"name": "noise"}, "duplicate figure name 'noise'"),
    ],
    ids=["no-alt", "no-caption", "duplicate-name"],
)
def test_figure_without_alt_caption_or_unique_name_is_refused(
    monkeypatch: pytest.MonkeyPatch, change: dict[str, str], message: str
) -> None:
    import dataclasses

    first, *rest = q9_01_sine.FIGURES
    monkeypatch.setattr(q9_01_sine, "FIGURES", (dataclasses.replace(first, **change), *rest))
    with pytest.raises(SystemExit, match=message):
        draw_figures.check_specs(q9_01_sine)


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_site_figures_were_drawn_from_the_current_code(built_site: Path, q: Any) -> None:
    # The cache entry named by the hash of today's sources must be the one the site shows.
    # (That redrawing gives the same bytes is tested above on the fixture, and for the real
    # modules by bench/bench_site.py, which compares two cold builds: their demonstrations
    # take minutes.)
    cache = Path(os.environ.get(figures.CACHE_ENV) or ROOT / ".cache" / "figures")
    entry = figures.cache_entry(q, cache)
    assert figures.is_complete(entry), f"{entry} is missing: the site is older than the code"
    assert svgs(SITE / "figures" / q.slug) == svgs(entry)


# --- the cache key ---------------------------------------------------------------------------


@pytest.fixture
def answers_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway package: `a` imports `b` and the submodule `exp.d`, and lazily `cli`.

    `c` stands apart, and `cli` (like qa.cli: it draws nothing) is not followed.
    """
    package = tmp_path / f"answers_{tmp_path.name.replace('-', '_')}"
    (package / "exp").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "exp" / "__init__.py").write_text("")
    (package / "a.py").write_text(
        f"from {package.name}.b import helper\n"
        f"from {package.name}.exp import d\n"
        f"def main():\n    from {package.name}.cli import run\n    return run()\n"
    )
    (package / "b.py").write_text("def helper():\n    return 1\n")
    (package / "c.py").write_text("VALUE = 3\n")
    (package / "cli.py").write_text("def run():\n    return 0\n")
    (package / "exp" / "d.py").write_text("VALUE = 4\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return package


@pytest.mark.parametrize(
    ("edited", "changes_key"),
    [("a.py", True), ("b.py", True), ("exp/d.py", True), ("c.py", False), ("cli.py", False)],
)
def test_cache_key_follows_the_module_and_what_it_imports(
    answers_package: Path, edited: str, changes_key: bool
) -> None:
    module = f"{answers_package.name}.a"
    before = figures.cache_key(module)
    with (answers_package / edited).open("a") as f:
        f.write("EDITED = True\n")
    assert (figures.cache_key(module) != before) is changes_key


@pytest.mark.parametrize(
    "new_b",
    [
        "# a comment that explains why\ndef helper():\n    return 1\n",
        'def helper():\n    """Reworded documentation."""\n    return 1\n',
        "def helper():\n\n    return   1\n",
    ],
    ids=["comment", "docstring", "layout"],
)
def test_cache_key_ignores_prose_and_layout(answers_package: Path, new_b: str) -> None:
    module = f"{answers_package.name}.a"
    before = figures.cache_key(module)
    (answers_package / "b.py").write_text(new_b)
    assert figures.cache_key(module) == before


@pytest.fixture
def qa_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the qa package that `figures` hashes instead of the real one."""
    copy = tmp_path / "qa"
    shutil.copytree(Path(qa.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "core" / "extra_module.py").write_text("X = 1\n")
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        if name == "qa":
            return importlib.util.spec_from_file_location("qa", copy / "__init__.py")
        return real_find_spec(name, *args)

    monkeypatch.setattr(figures.importlib.util, "find_spec", find_spec)
    return copy


@pytest.mark.parametrize("edited", ["core/extra_module.py", "viz.py", "answers/__init__.py"])
def test_cache_key_follows_the_shared_sources(qa_copy: Path, edited: str) -> None:
    before = figures.cache_key(FIXTURE_MODULE)
    with (qa_copy / edited).open("a") as f:
        f.write("\nEDITED = True\n")
    assert figures.cache_key(FIXTURE_MODULE) != before


def test_cache_key_ignores_sources_figures_do_not_use(qa_copy: Path) -> None:
    before = figures.cache_key(FIXTURE_MODULE)
    (qa_copy / "questions.py").write_text("# edited\n", encoding="utf-8")
    assert figures.cache_key(FIXTURE_MODULE) == before


@pytest.mark.parametrize("library", figures.LIBRARIES)
def test_cache_key_follows_library_versions(library: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = figures.cache_key(FIXTURE_MODULE)
    real_version = figures.metadata.version
    monkeypatch.setattr(
        figures.metadata,
        "version",
        lambda name: "0.0.0-test" if name == library else real_version(name),
    )
    assert figures.cache_key(FIXTURE_MODULE) != before


# --- drawing into the cache ------------------------------------------------------------------


def test_draw_fills_an_entry_and_prunes_stale_ones(tmp_path: Path) -> None:
    stale = tmp_path / f"{SINE.slug}-0123456789abcdef01234567"
    stale.mkdir()
    (stale / "signal.svg").write_text("old")
    unrelated = tmp_path / f"{SINE.slug}_other-0123456789abcdef01234567"
    unrelated.mkdir()
    entry = figures.cache_entry(SINE, tmp_path)
    assert not figures.is_complete(entry)
    assert figures.draw(SINE, entry) is None
    assert figures.is_complete(entry)
    assert sorted(figures.figures_of(SINE, entry)) == ["noise", "signal"]
    assert not stale.exists()
    assert unrelated.exists()


def test_entry_missing_a_figure_is_incomplete(tmp_path: Path) -> None:
    entry = figures.cache_entry(SINE, tmp_path)
    figures.draw(SINE, entry)
    (entry / "noise.svg").unlink()
    assert not figures.is_complete(entry)


def test_draw_reports_the_error_of_a_failing_module(tmp_path: Path) -> None:
    from dl500_fixture.broken_questions import BROKEN

    error = figures.draw(BROKEN, figures.cache_entry(BROKEN, tmp_path))
    assert error is not None
    assert "q9_02_broken (9.2) failed while drawing its figures" in error
    assert "ZeroDivisionError: the fixture's demonstration divides by zero" in error
    assert list(tmp_path.iterdir()) == []


def test_figure_html_escapes_alt_text() -> None:
    fig = figures.Rendered("9.1", "q9_01_sine", "x", Path("x.svg"), "a [b] \\ c", "Cap.")
    html = figures.figure_html(fig, "../x.svg")
    assert "![a \\[b\\] \\\\ c](../x.svg)" in html
    assert "Reproduce: `dl500 run 9.1`</figcaption>" in html
