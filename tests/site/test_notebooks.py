"""Each answer's notebook (`qa.site.notebooks`): generated from its module, valid, and it runs.

The notebooks are executed with nbclient in a kernel of this interpreter (`sys.executable`),
from a kernelspec written into a temporary directory, with Jupyter's and IPython's directories
there too: nothing outside the project's own install is used. Every English notebook runs, and
one Chinese one (the Chinese differ only in words and font, which `test_twins` checks).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from qa.questions import QUESTIONS
from qa.site import notebooks
from qa.site.build import SiteBuild

ROOT = Path(__file__).resolve().parents[2]
IDS = [q.id for q in QUESTIONS]
FIGURE_MIME = ("image/svg+xml", "image/png")


def figures_of(q) -> list[str]:
    import importlib

    return [spec.name for spec in importlib.import_module(q.module).FIGURES]


# -- generated from the module --------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_the_notebook_is_valid_and_names_the_module_figures_and_summary(q, lang) -> None:
    nb = notebooks.notebook(q, lang)
    nbformat.validate(nb)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert f"import {q.module} as demo" in code
    assert "answers.run(demo, demo.SEED)" in code and "demo.summarize(result)" in code
    for name in figures_of(q):
        assert f"figures[{name!r}].build(result)" in code
        assert f"`{name}`" in text
    assert (q.title if lang == "en" else q.title_zh) in nb.cells[0].source
    assert f"dl500 run {q.id}" in nb.cells[-1].source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    if lang == "zh":
        assert "translate_figure(fig, words)" in code and "cjk=True" in code
        assert re.search(r"[\u4e00-\u9fff]", nb.cells[1].source)  # the Chinese answer


def test_the_notebook_is_deterministic(tmp_path: Path) -> None:
    q = QUESTIONS[0]
    a = notebooks.write(q, tmp_path / "a.ipynb", "zh").read_bytes()
    b = notebooks.write(q, tmp_path / "b.ipynb", "zh").read_bytes()
    assert a == b
    assert [c["id"] for c in nbformat.reads(a.decode(), 4).cells][:2] == [
        f"{q.slug}-0",
        f"{q.slug}-1",
    ]


def test_captions_quote_numbers_by_name_and_the_cell_prints_them() -> None:
    q = next(q for q in QUESTIONS if q.id == "6.8")
    nb = notebooks.notebook(q)
    caption = next(c.source for c in nb.cells if "`hidden-states`" in c.source)
    assert "{{" not in caption and "`best_unit`" in caption
    cell = next(c.source for c in nb.cells if "figures['hidden-states']" in c.source)
    assert "['best_unit', 'linear_readout']" in cell and "numbers[name]" in cell


def test_the_cache_writes_once_and_gives_both_languages(tmp_path: Path) -> None:
    qs = QUESTIONS[:2]
    lines: list[str] = []
    files = notebooks.prepare(qs, tmp_path, log=lines.append)
    assert set(files) == {notebooks.site_path(q, lang) for q in qs for lang in ("en", "zh")}
    assert all(f.is_file() for f in files.values())
    assert notebooks.prepare(qs, tmp_path, log=lines.append) == files
    assert lines == [
        f"notebooks: 2 written, 0 from the cache ({tmp_path})",
        f"notebooks: 0 written, 2 from the cache ({tmp_path})",
    ]


def test_the_page_links_its_languages_notebook() -> None:
    build = SiteBuild(docs=ROOT / "docs", project=ROOT, report_page=None)
    q = QUESTIONS[0]
    en = build.page_markdown(q.page, "<!-- dl500:question-meta -->\n")
    zh = build.page_markdown(q.page, "<!-- dl500:question-meta -->\n", "zh")
    assert f"**Notebook:** [{q.slug}.ipynb](../notebooks/{q.slug}.ipynb){{ download }}" in en
    assert f"**笔记本：** [{q.slug}.ipynb](../notebooks/zh/{q.slug}.ipynb){{ download }}" in zh


# -- executed -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A kernelspec `python3` running this interpreter, and Jupyter's directories, in a tmp dir."""
    from ipykernel.kernelspec import write_kernel_spec

    root = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(root / "kernels" / "python3")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core's future default, no warning
        for name, folder in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("IPYTHONDIR", "ipython"),
        ):
            env.setenv(name, str(root / folder))
        env.setenv("MPLBACKEND", "Agg")
        yield root / "kernels"


def execute(nb: nbformat.NotebookNode, kernels: Path, workdir: Path) -> nbformat.NotebookNode:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    specs = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    manager = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    assert manager.kernel_spec.argv[0] == sys.executable
    client = NotebookClient(
        nb, km=manager, timeout=600, resources={"metadata": {"path": str(workdir)}}
    )
    return client.execute(cleanup_kc=True)  # shut the kernel down, close its sockets


def check_ran(nb: nbformat.NotebookNode, q) -> None:
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    shown = [
        o for c in code for o in c.outputs if o.output_type == "display_data"
        if any(m in o.data for m in FIGURE_MIME)
    ]  # fmt: skip
    assert len(shown) == len(figures_of(q))
    printed = "".join(
        o.text for c in code for o in c.outputs if o.output_type == "stream" and o.name == "stdout"
    )
    assert printed.strip()  # the report
    errors = [o.text for c in code for o in c.outputs if o.get("name") == "stderr"]
    assert not errors, errors


@pytest.mark.slow
@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_the_notebook_runs_top_to_bottom(q, kernel: Path, tmp_path: Path) -> None:
    started = time.perf_counter()
    nb = execute(notebooks.notebook(q), kernel, tmp_path)
    check_ran(nb, q)
    print(f"{q.id}: {time.perf_counter() - started:.1f} s")


@pytest.mark.slow
def test_a_chinese_notebook_runs_with_chinese_figures(kernel: Path, tmp_path: Path) -> None:
    q = next(q for q in QUESTIONS if q.id == "6.8")
    nb = execute(notebooks.notebook(q, "zh"), kernel, tmp_path)
    check_ran(nb, q)
    svg = next(
        o.data["image/svg+xml"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "image/svg+xml" in o.get("data", {})
    )
    assert "<svg" in svg


# -- the built site -------------------------------------------------------------------------
@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_the_built_site_links_each_page_to_its_notebook(q, built_site: Path) -> None:
    for lang, page, notebook in (
        ("en", f"answers/{q.slug}/index.html", f"../../notebooks/{q.slug}.ipynb"),
        ("zh", f"zh/answers/{q.slug}/index.html", None),
    ):
        html = (built_site / page).read_text(encoding="utf-8")
        target = built_site / notebooks.site_path(q, lang)
        assert target.is_file(), f"{target} missing: rebuild the site"
        nbformat.validate(nbformat.read(target, 4))
        tags = re.findall(r'<a [^>]*href="[^"]+\.ipynb"[^>]*>', html)
        assert len(tags) == 1 and " download" in tags[0], (page, tags)
        links = re.findall(r'href="([^"]+\.ipynb)"', tags[0])
        resolved = (built_site / page).parent.joinpath(links[0]).resolve()
        assert resolved == target.resolve(), (page, links[0])
        if notebook:
            assert links[0] == notebook
