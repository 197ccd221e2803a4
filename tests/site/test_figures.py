"""Figures drawn by the build: byte-identical when redrawn, cached under `qa.cache`'s key, with
the numbers, seed and machine of the run that drew them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from dl500_fixture.answers import q9_01_sine
from dl500_fixture.questions import BROKEN, SINE
from site_support import ROOT, SITE

from qa import cache
from qa import questions as registry
from qa.site import draw, figures

FIXTURE_MODULE = q9_01_sine.__name__


def svgs(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.svg"))}


def test_two_renders_give_identical_bytes(tmp_path: Path) -> None:
    draw.draw(FIXTURE_MODULE, tmp_path / "first")
    draw.draw(FIXTURE_MODULE, tmp_path / "second")
    assert sorted(svgs(tmp_path / "first")) == ["noise.svg", "signal.svg"]
    assert svgs(tmp_path / "first") == svgs(tmp_path / "second")


def test_manifest_holds_alt_text_and_captions_in_order(tmp_path: Path) -> None:
    manifest = draw.draw(FIXTURE_MODULE, tmp_path)
    assert json.loads((tmp_path / "figures.json").read_text(encoding="utf-8")) == manifest
    assert [(f["name"], f["alt"], f["caption"]) for f in manifest["figures"]] == [
        (s.name, s.alt, s.caption) for s in q9_01_sine.FIGURES
    ]


def test_manifest_holds_the_numbers_seed_and_machine_of_the_run(tmp_path: Path) -> None:
    # The page's numbers come from the same run that drew its figures, and say where it ran.
    from qa.machine import FIELDS

    manifest = draw.draw(FIXTURE_MODULE, tmp_path)
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
        draw.check_specs(q9_01_sine)


@pytest.mark.parametrize("q", registry.QUESTIONS, ids=lambda q: q.id)
def test_site_figures_were_drawn_from_the_current_code(built_site: Path, q: Any) -> None:
    # The cache entry named by the key of today's sources must be the one the site shows.
    # (That redrawing gives the same bytes is tested above on the fixture, and for the real
    # modules by bench/bench_site.py, which compares two cold builds.)
    root = Path(os.environ.get(figures.CACHE_ENV) or ROOT / ".cache" / "figures")
    entry = figures.cache_entry(q, root)
    assert figures.is_complete(entry), f"{entry} is missing: the site is older than the code"
    assert svgs(SITE / "figures" / q.slug) == svgs(entry)


def test_the_key_covers_the_module_what_it_imports_and_the_drawing_code() -> None:
    files = cache.dependencies([SINE.module, "qa.site.draw"])
    assert {"dl500_fixture/answers/q9_01_sine.py", "qa/site/draw.py", "qa/viz.py"} <= set(files)
    assert {"qa/machine.py", "qa/numbers.py", "qa/answers/__init__.py"} <= set(files)
    assert "qa/quiz/bank.py" not in files  # what the figures do not use does not count


# --- drawing into the cache ------------------------------------------------------------------


def test_draw_fills_an_entry_and_prunes_stale_ones(tmp_path: Path) -> None:
    stale = tmp_path / f"{SINE.slug}-0123456789abcdef01234567"
    stale.mkdir()
    (stale / "signal.svg").write_text("old")
    unrelated = tmp_path / f"{SINE.slug}_other-0123456789abcdef01234567"
    unrelated.mkdir()
    entry = figures.cache_entry(SINE, tmp_path)
    assert not figures.is_complete(entry)
    assert figures.draw(SINE, entry) > 0
    assert figures.is_complete(entry)
    assert sorted(figures.figures_of(SINE, entry)) == ["noise", "signal"]
    assert figures.run_numbers(SINE, entry).seed == q9_01_sine.SEED
    assert not stale.exists()
    assert unrelated.exists()


def test_entry_missing_a_figure_is_incomplete(tmp_path: Path) -> None:
    entry = figures.cache_entry(SINE, tmp_path)
    figures.draw(SINE, entry)
    (entry / "noise.svg").unlink()
    assert not figures.is_complete(entry)


def test_draw_reports_the_error_of_a_failing_module_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(figures.DrawError) as error:
        figures.draw(BROKEN, figures.cache_entry(BROKEN, tmp_path))
    assert "q9_02_broken (9.2) failed while drawing its figures" in str(error.value)
    assert "ZeroDivisionError: the fixture's demonstration divides by zero" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_figure_html_escapes_alt_text_and_fills_numbers() -> None:
    fig = figures.Rendered("9.1", "q9_01_sine", "x", Path("x.svg"), "a [b] \\ c", "{{ run.n }}.")
    html = figures.figure_html(fig, "../x.svg", {"run.n": "0.5"})
    assert "![a \\[b\\] \\\\ c](../x.svg)" in html
    assert "0.5. Reproduce: `dl500 run 9.1`</figcaption>" in html
