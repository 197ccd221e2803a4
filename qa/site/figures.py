"""Each answer module's figures, drawn at build time into a cache, and placed where a page asks.

For every question, `qa.site.draw` runs the demonstration once in a fresh process and saves each
`FigureSpec` of the module's `FIGURES` as deterministic SVG, with a manifest of the figures'
texts and of the run's numbers, seed and machine. The entries are cached under `.cache/figures/`
(or `$DL500_FIGURE_CACHE`), keyed by `qa.cache.key` over the module and all it imports, so a
rebuild with no change draws nothing; missing entries are drawn in parallel, one process per
core. The figures enter the site as `figures/<slug>/<name>.svg`.

On a question's page, `<!-- dl500:figure NAME -->` becomes a `<figure>` with the image, its alt
text and its caption (their `{{ run.NAME }}` markers filled from the same run) and the command
that reproduces it.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa import cache
from qa.i18n import tr
from qa.machine import cores
from qa.numbers import fill

__all__ = [
    "CACHE_ENV",
    "DrawError",
    "Rendered",
    "RunNumbers",
    "cache_entry",
    "cache_key",
    "draw",
    "draw_missing",
    "figure_html",
    "figures_of",
    "is_complete",
    "run_numbers",
]

CACHE_ENV = "DL500_FIGURE_CACHE"
VERSION = "dl500-figures-3"  # the manifest's format


class DrawError(RuntimeError):
    """An answer module failed while drawing its figures; the message ends with its traceback."""


@dataclass(frozen=True)
class Rendered:
    """A figure on disk, with what a page needs to show it."""

    question_id: str
    slug: str
    name: str
    path: Path
    alt: str
    caption: str
    lang: str = "en"

    @property
    def site_path(self) -> str:
        """Where the figure lands in the site (the Chinese copy in a `zh/` folder)."""
        folder = f"figures/{self.slug}" + ("" if self.lang == "en" else f"/{self.lang}")
        return f"{folder}/{self.name}.svg"


@dataclass(frozen=True)
class RunNumbers:
    """What a question's cached run measured, as its figure manifest recorded it.

    Attributes:
        question_id: E.g. `"6.8"`.
        numbers: name -> `{"text", "value", "about"}` (`qa.numbers.Number.to_dict`).
        seed: The seed the run used.
        machine: `qa.machine.describe()` of the process that ran it.
    """

    question_id: str
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    seed: int | None = None
    machine: dict[str, Any] = field(default_factory=dict)

    def plain(self) -> dict[str, str]:
        """`{"run.NAME": printed value}`, for `qa.numbers.fill`."""
        return {f"run.{name}": n["text"] for name, n in self.numbers.items()}

    def about(self) -> dict[str, str]:
        """`{"run.NAME": what the number is}`, for the tooltips."""
        return {f"run.{name}": n.get("about", "") for name, n in self.numbers.items()}


def cache_root(project: Path) -> Path:
    """Where drawn figures are kept between builds: `$DL500_FIGURE_CACHE` or `.cache/figures`."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).resolve() if env else project / ".cache" / "figures"


def cache_key(q: Any) -> str:
    """The key of a question's figures (`qa.cache.key`).

    Over its module and all it imports, the drawing code, the words of its Chinese copies, and
    the NumPy and Matplotlib versions.
    """
    words = q.data().get("figure_words_zh", {})
    return cache.key(
        [q.module, "qa.site.draw"],
        params={"figure_words_zh": words},
        libraries=("numpy", "matplotlib"),
        salt=VERSION,
    )


def cache_entry(q: Any, root: Path) -> Path:
    """The directory holding (or to hold) the question's current figures."""
    return root / f"{q.slug}-{cache_key(q)[:24]}"


def _manifest(entry: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((entry / "figures.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "figures" in data and "numbers" in data else None


def is_complete(entry: Path) -> bool:
    """Whether a cache entry holds its manifest and every figure the manifest names."""
    manifest = _manifest(entry)
    if manifest is None:
        return False
    return all(
        (entry / where / f"{f['name']}.svg").is_file()
        for f in manifest["figures"]
        for where in (".", "zh")
    )


def draw(q: Any, entry: Path) -> float:
    """Draw the question's figures into `entry` in a fresh process; the seconds it took.

    Raises:
        DrawError: The module failed; the message ends with the last lines of its traceback.
    """
    started = time.perf_counter()
    with cache.atomic_directory(entry) as staging:
        proc = subprocess.run(
            [sys.executable, "-m", "qa.site.draw", q.module, str(staging)],
            capture_output=True,
            text=True,
            # The same import path as this process: qa, and any package a registry names.
            env={
                **os.environ,
                "MPLBACKEND": "Agg",
                # One BLAS thread per process: the modules are drawn one process per core.
                "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1",
                "PYTHONPATH": os.pathsep.join(filter(None, sys.path)),
            },
            check=False,
        )
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
            raise DrawError(f"{q.module} ({q.id}) failed while drawing its figures:\n{tail}")
    for old in entry.parent.glob(f"{q.slug}-*"):  # the question's stale entries
        if old != entry and old.name[len(q.slug) + 1 :].isalnum():
            shutil.rmtree(old, ignore_errors=True)
    return time.perf_counter() - started


def draw_missing(
    questions: Sequence[Any], root: Path, *, log: Callable[[str], None] = print
) -> list[Any]:
    """Draw, in parallel, the questions whose cache entry is incomplete; return them.

    Raises:
        DrawError: Naming every module that failed.
    """
    root.mkdir(parents=True, exist_ok=True)
    missing = [q for q in questions if not is_complete(cache_entry(q, root))]

    def one(q: Any) -> str | None:
        try:
            seconds = draw(q, cache_entry(q, root))
        except DrawError as exc:
            return str(exc)
        log(f"drew the figures of {q.id} in {seconds:.1f}s")
        return None

    with ThreadPoolExecutor(max_workers=cores()) as pool:
        errors = [e for e in pool.map(one, missing) if e]
    if errors:
        raise DrawError("\n\n".join(errors))
    return missing


def figures_of(q: Any, entry: Path, lang: str = "en") -> dict[str, Rendered]:
    """The question's figures in a complete cache entry, by name, in one language.

    The Chinese alt text and caption come from the data file's `[figures_zh.NAME]` tables (read
    now, so that editing them redraws nothing); a missing one leaves the text empty, which
    `figure_html` reports.
    """
    manifest = _manifest(entry) or {"figures": []}
    texts = q.data().get("figures_zh", {}) if lang == "zh" else {}
    out = {}
    for f in manifest["figures"]:
        name = f["name"]
        alt, caption = f["alt"], f["caption"]
        if lang == "zh":
            table = texts.get(name, {})
            alt, caption = table.get("alt", ""), table.get("caption", "")
        path = entry / ("zh" if lang == "zh" else ".") / f"{name}.svg"
        out[name] = Rendered(q.id, q.slug, name, path, alt, caption, lang)
    return out


def run_numbers(q: Any, entry: Path) -> RunNumbers:
    """The numbers, seed and machine of the run behind a complete cache entry."""
    manifest = _manifest(entry) or {}
    return RunNumbers(
        question_id=q.id,
        numbers=manifest.get("numbers", {}),
        seed=manifest.get("seed"),
        machine=manifest.get("machine", {}),
    )


def figure_html(
    fig: Rendered,
    src: str,
    values: dict[str, str] | None = None,
    *,
    command: str = "",
    ident: str = "",
) -> str:
    """Markdown-in-HTML for one figure: image, alt text, caption and how to reproduce it.

    Args:
        fig: The figure.
        src: The image's path relative to the page.
        values: Printed numbers for the `{{ run.NAME }}` markers of the alt text and caption.
        command: The command that reproduces it (default `dl500 run ID`).
        ident: The figure's HTML id (default `figure-NAME`).

    Raises:
        qa.numbers.MissingNumberError: For a marker that `values` cannot fill.
    """
    values = values or {}
    alt = " ".join(fill(fig.alt, values).split())
    alt = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    caption = " ".join(fill(fig.caption, values).split())
    if fig.lang == "zh" and caption and caption[-1] not in "。！？）":
        caption += "。"  # a Chinese caption is a phrase; the command after it needs a stop
    command = command or f"dl500 run {fig.question_id}"
    reproduce = tr("Reproduce:", fig.lang)
    ident = ident or f"figure-{fig.name}"
    return (
        f'<figure class="dl500-figure" id="{html.escape(ident)}" markdown="block">\n\n'
        f"![{alt}]({src})\n\n"
        f'<figcaption markdown="span">{caption} '
        f"{reproduce} `{command}`</figcaption>\n\n"
        "</figure>"
    )
