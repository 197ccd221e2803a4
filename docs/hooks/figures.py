"""Draws each answer module's figures at build time and places them where a page asks.

For every registered question, draw_figures.py runs `module.demonstrate(module.SEED)` once in a
fresh process and saves each `FigureSpec` of `module.FIGURES` as deterministic SVG. The SVGs
are cached under `.cache/figures/` (or `$DL500_FIGURE_CACHE`), keyed by a hash of everything
that produced them (its code: docstrings and comments do not count), so a rebuild with no
change runs no experiment; modules whose figures are not cached are drawn in parallel, one
process per core. The figures enter the site as
`figures/<slug>/<name>.svg`.

On a question's page, `<!-- dl500:figure NAME -->` becomes a <figure> with the image, its alt
text and a caption that names the command reproducing it; `{{ run.NAME }}` markers in the alt
text and caption are filled from the numbers of the same run (docs/hooks/number_markers.py fills the
page's own). The numbers, seed and machine of each question's run are left in
`dl500_common.RUNS` for that hook.
"""

from __future__ import annotations

import ast
import hashlib
import html
import importlib.util
import json
import os
import posixpath
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from dl500_common import (
    RUNS,
    RunNumbers,
    log,
    project_root,
    question_for_page,
    questions,
    replace_markers,
)
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from qa.numbers import MissingNumberError, fill
from qa.sourcehash import update_with_sources

CACHE_ENV = "DL500_FIGURE_CACHE"
DRAW = Path(__file__).with_name("draw_figures.py")
LIBRARIES = ("numpy", "matplotlib")


@dataclass(frozen=True)
class Rendered:
    """A figure on disk, with what a page needs to show it."""

    question_id: str
    slug: str
    name: str
    path: Path
    alt: str
    caption: str

    @property
    def site_path(self) -> str:
        """Where the figure lands in the site."""
        return f"figures/{self.slug}/{self.name}.svg"


# slug -> figure name -> Rendered; filled by on_files, read by on_page_markdown.
_figures: dict[str, dict[str, Rendered]] = {}


def cache_root(config: MkDocsConfig) -> Path:
    """Where drawn figures are kept between builds."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).resolve() if env else project_root(config) / ".cache" / "figures"


def source_files(module_name: str) -> list[tuple[str, Path]]:
    """(label, path) of every source file a module's figures depend on.

    That is the module itself, every `qa` module it imports directly or transitively (another
    answer module's helpers, `qa/experiments`), all of `qa/core`, `qa/viz.py`, `qa/machine.py`,
    `qa/answers/__init__.py` and the script that draws them.
    """
    qa_spec = importlib.util.find_spec("qa")
    if qa_spec is None or qa_spec.origin is None:
        raise PluginError("figures: the qa package is not importable")
    qa_dir = Path(qa_spec.origin).parent
    files = {f"qa/{p.relative_to(qa_dir).as_posix()}": p for p in qa_dir.glob("core/**/*.py")}
    files["qa/viz.py"] = qa_dir / "viz.py"
    files["qa/machine.py"] = qa_dir / "machine.py"  # writes the manifest's machine
    files["qa/answers/__init__.py"] = qa_dir / "answers" / "__init__.py"
    files["draw_figures.py"] = DRAW
    package = module_name.partition(".")[0]
    pending = [module_name]
    while pending:
        name = pending.pop()
        if name in files:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise PluginError(f"figures: cannot find the source of {name}")
        files[name] = Path(spec.origin)
        pending.extend(_imports_from(files[name], package))
    return sorted(files.items())


def _imports_from(path: Path, package: str) -> list[str]:
    """Modules of `package` that the file at `path` imports (but the CLI: it draws nothing)."""
    found = []
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == package or node.module.startswith(package + "."):
                found.append(node.module)
                # `from qa.experiments import cliff` names a submodule, not an attribute
                found.extend(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.startswith(package + "."))
    return [name for name in found if not name.startswith(f"{package}.cli") and _is_module(name)]


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # `pkg.module.attribute`: the parent is not a package
        return False


def library_versions() -> str:
    """The versions of the libraries that draw and save the figures, and of Python."""
    versions = " ".join(f"{lib}={metadata.version(lib)}" for lib in LIBRARIES)
    return f"{versions} python={sys.version_info.major}.{sys.version_info.minor}"


def cache_key(module_name: str) -> str:
    """Hex digest of the sources and library versions that produce a module's figures."""
    digest = hashlib.sha256(library_versions().encode())
    update_with_sources(digest, source_files(module_name))  # code only, not prose
    return digest.hexdigest()


def cache_entry(q: Any, cache: Path) -> Path:
    """The directory holding (or to hold) the question's current figures."""
    return cache / f"{q.slug}-{cache_key(q.module)[:24]}"


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
    return all((entry / f"{f['name']}.svg").is_file() for f in manifest["figures"])


def draw(q: Any, entry: Path) -> str | None:
    """Draw the question's figures into `entry` in a fresh process; the error, if any."""
    tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(DRAW), q.module, str(tmp)],
        capture_output=True,
        text=True,
        # The same import path as this process: qa, and any package the registry names.
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
        shutil.rmtree(tmp, ignore_errors=True)
        tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
        return f"{q.module} ({q.id}) failed while drawing its figures:\n{tail}"
    shutil.rmtree(entry, ignore_errors=True)
    tmp.rename(entry)  # atomic: a reader sees a whole entry or none
    for old in entry.parent.glob(f"{q.slug}-*"):  # the question's stale entries
        if old != entry and old.name[len(q.slug) + 1 :].isalnum():
            shutil.rmtree(old, ignore_errors=True)
    log.info(f"drew the figures of {q.id} in {time.perf_counter() - started:.1f}s")
    return None


def figures_of(q: Any, entry: Path) -> dict[str, Rendered]:
    """The question's figures in a complete cache entry, by name."""
    manifest = _manifest(entry) or {"figures": []}
    return {
        f["name"]: Rendered(
            q.id, q.slug, f["name"], entry / f"{f['name']}.svg", f["alt"], f["caption"]
        )
        for f in manifest["figures"]
    }


def run_numbers(q: Any, entry: Path) -> RunNumbers:
    """The numbers, seed and machine of the run behind a complete cache entry."""
    manifest = _manifest(entry) or {}
    return RunNumbers(
        question_id=q.id,
        numbers=manifest.get("numbers", {}),
        seed=manifest.get("seed"),
        machine=manifest.get("machine", {}),
    )


@event_priority(100)  # before plugins that snapshot the file list
def on_files(files: Files, config: MkDocsConfig) -> Files:
    cache = cache_root(config)
    cache.mkdir(parents=True, exist_ok=True)
    entries = {q.slug: cache_entry(q, cache) for q in questions(config)}
    missing = [q for q in questions(config) if not is_complete(entries[q.slug])]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        errors = [e for e in pool.map(lambda q: draw(q, entries[q.slug]), missing) if e]
    if errors:
        raise PluginError("figures: " + "\n\n".join(errors))
    _figures.clear()
    RUNS.clear()
    for q in questions(config):
        _figures[q.slug] = figures_of(q, entries[q.slug])
        RUNS[q.slug] = run_numbers(q, entries[q.slug])
        for fig in _figures[q.slug].values():
            files.append(File.generated(config, fig.site_path, abs_src_path=str(fig.path)))
    drawn = sum(len(_figures[q.slug]) for q in missing)
    total = sum(len(figs) for figs in _figures.values())
    log.info(f"figures: {drawn} drawn, {total - drawn} from the cache ({cache})")
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    src = page.file.src_uri

    def figure(match: Any) -> str | None:
        if match.group(1) != "figure":
            return None
        name = match.group(2)
        q = question_for_page(config, src)
        if q is None:
            log.warning(f"{src}: figure marker {name!r} on a page that is not a question's")
            return ""
        fig = _figures.get(q.slug, {}).get(name or "")
        if fig is None:
            known = ", ".join(_figures.get(q.slug, {})) or "none"
            log.warning(f"{src}: no figure {name!r} in {q.module}.FIGURES (it has: {known})")
            return ""
        try:
            values = RUNS[q.slug].plain()
            alt, caption = fill(fig.alt, values), fill(fig.caption, values)
        except MissingNumberError as exc:
            log.warning(f"{src}: figure {name!r} of {q.module}: {exc}")
            return ""
        src_path = posixpath.relpath(fig.site_path, posixpath.dirname(src) or ".")
        return figure_html(fig, src_path, alt=alt, caption=caption)

    return replace_markers(markdown, figure)


def figure_html(
    fig: Rendered, src: str, *, alt: str | None = None, caption: str | None = None
) -> str:
    """Markdown-in-HTML for one figure: image, alt text, caption and how to reproduce it.

    `alt` and `caption` default to the figure's own, for texts with no number markers.
    """
    alt = " ".join((fig.alt if alt is None else alt).split())
    alt = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    caption = " ".join((fig.caption if caption is None else caption).split())
    return (
        f'<figure class="dl500-figure" id="figure-{html.escape(fig.name)}" markdown="block">\n\n'
        f"![{alt}]({src})\n\n"
        f'<figcaption markdown="span">{caption} '
        f"Reproduce: `dl500 run {fig.question_id}`</figcaption>\n\n"
        "</figure>"
    )
