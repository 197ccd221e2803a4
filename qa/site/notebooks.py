"""Each answer's demonstration as a Jupyter notebook, generated from its module and data file.

`notebook(q, lang)` builds, with nbformat, a notebook that runs the answer the way
`dl500 run ID` does: a title, the interview answer from the data file, a setup cell importing
the answer module, a cell running the demonstration (`qa.answers.run`), one printing its report
(`summarize`), and, for each `FigureSpec` of the module's `FIGURES`, its caption and a cell that
builds and shows it, drawn as the site draws it (`qa.viz.to_svg`; in Chinese, its words from
the data file's `[figure_words_zh]` and the CJK font). Nothing is typed twice: edit the module
or its data file and the notebook follows. Notebooks are written without outputs, with
deterministic cell ids, so the same inputs give the same bytes.

The site build writes both languages of every question into a cache under `.cache/notebooks/`,
keyed by `qa.cache.key` over the module (and all it imports), this generator, the data file's
bytes and nbformat's version, and adds them to the site as `notebooks/<slug>.ipynb` and
`notebooks/zh/<slug>.ipynb`; each answer page links its language's notebook
(`qa.site.markers.question_meta`). The tests execute every notebook with nbclient.

Examples:
    >>> from qa.questions import get
    >>> nb = notebook(get("6.8"))
    >>> nb.cells[0].source.splitlines()[0]
    '# 6.8 The standard RNN forward pass'
    >>> print(nb.cells[2].source)
    from IPython.display import SVG, display
    <BLANKLINE>
    from qa import answers
    from qa.viz import to_svg
    import qa.answers.q6_08_forward_pass as demo
    <BLANKLINE>
    figures = {spec.name: spec for spec in demo.FIGURES}
    >>> site_path(get("6.8"), "zh")
    'notebooks/zh/q6_08_forward_pass.ipynb'
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
import textwrap
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa import cache
from qa.i18n import LANGUAGES, tr
from qa.numbers import MARKER

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = [
    "cache_entry",
    "cache_key",
    "cache_root",
    "notebook",
    "prepare",
    "site_path",
    "write",
]

VERSION = "dl500-notebooks-1"  # the notebooks' layout: change it when the cells change shape

#: (name, English caption) of each figure of a module, in the order of its FIGURES.
Figures = Sequence[tuple[str, str]]


def site_path(q: Any, lang: str = "en") -> str:
    """Where the question's notebook lands in the site (the Chinese one in a `zh/` folder)."""
    return f"notebooks/{'' if lang == 'en' else f'{lang}/'}{q.slug}.ipynb"


def notebook(q: Any, lang: str = "en", *, figures: Figures | None = None) -> NotebookNode:
    """The question's demonstration as a notebook without outputs.

    Args:
        q: A registered question (`qa.questions.Question`).
        lang: `"en"`, or `"zh"` for the Chinese notebook (Chinese title, answer, captions and
            figure words; the report the module prints stays as `dl500 run` prints it).
        figures: `(name, caption)` of each of the module's `FIGURES`; by default the module is
            imported to read them. The site build passes those of the figures it drew, which a
            fresh process read. In Chinese the captions are the data file's
            `[figures_zh.NAME]`.
    """
    from nbformat import v4

    data = _data(q)
    if figures is None:
        module = importlib.import_module(q.module)
        figures = [(spec.name, spec.caption) for spec in module.FIGURES]
    if lang != "en":
        texts = data.get(f"figures_{lang}", {})
        figures = [(name, texts.get(name, {}).get("caption", "")) for name, _ in figures]
        # A Chinese caption is a phrase; as on the page (`figure_html`), it ends with a stop.
        figures = [(n, c + "。" if c and c[-1] not in "。！？）" else c) for n, c in figures]
    title = q.title if lang == "en" else q.title_zh
    answer_key = "interview_answer" if lang == "en" else f"interview_answer_{lang}"
    answer = textwrap.dedent(data.get(answer_key) or data.get("interview_answer", "")).strip()
    zh = lang != "en"

    cells = [
        v4.new_markdown_cell(
            f"# {q.id} {title}\n\n"
            + tr(
                "This notebook runs the demonstration of question {id}: the code of `{module}`, "
                "run as `dl500 run {id}` runs it. It is generated from that module and its data "
                "file, so it shows what the page shows. It needs the project installed "
                "(`pip install -e .` in the project's directory).",
                lang,
                id=q.id,
                module=q.module,
            )
        ),
        v4.new_markdown_cell(f"## {tr('The 60-second answer', lang)}\n\n{answer}"),
        v4.new_code_cell(
            "from IPython.display import SVG, display\n\n"
            "from qa import answers\n"
            + ("from qa.site.draw import figure_words_zh\n" if zh else "")
            + f"from qa.viz import {'to_svg, translate_figure' if zh else 'to_svg'}\n"
            f"import {q.module} as demo\n\n"
            "figures = {spec.name: spec for spec in demo.FIGURES}"
            + ("\nwords = figure_words_zh(demo)" if zh else "")
        ),
        v4.new_markdown_cell(
            f"## {tr('Run the demonstration', lang)}\n\n"
            + tr(
                "With the seed of the page's figures (`demo.SEED`) and one BLAS thread, as "
                "`dl500 run` runs it. The slowest demonstrations take about a minute.",
                lang,
            )
        ),
        v4.new_code_cell("result = answers.run(demo, demo.SEED)"),
        v4.new_markdown_cell(
            f"## {tr('What it measured', lang)}\n\n"
            + tr(
                "The report that `dl500 run {id}` prints; `numbers` holds each number by name.",
                lang,
                id=q.id,
            )
        ),
        v4.new_code_cell("numbers = demo.numbers(result)\nprint(demo.summarize(result))"),
    ]
    for n, (name, caption) in enumerate(figures, start=1):
        quoted = list(dict.fromkeys(MARKER.findall(caption)))
        text = " ".join(
            MARKER.sub(lambda m: f"`{m.group(1).removeprefix('run.')}`", caption).split()
        )
        if quoted:
            names = ", ".join(f"`{name.removeprefix('run.')}`" for name in quoted)
            text += " " + tr(
                "({names}: this run's numbers, printed under the figure.)", lang, names=names
            )
        heading = tr("Figure {n}: `{name}`", lang, n=n, name=name)
        cells.append(v4.new_markdown_cell(f"### {heading}\n\n{text}".strip()))
        code = f"fig = figures[{name!r}].build(result)\n"
        if zh:
            code += "translate_figure(fig, words)\ndisplay(SVG(to_svg(fig, cjk=True)))"
        else:
            code += "display(SVG(to_svg(fig)))"
        run_names = [m.removeprefix("run.") for m in quoted if m.startswith("run.")]
        if run_names:
            code += f'\nfor name in {run_names!r}:\n    print(f"{{name}}: {{numbers[name]}}")'
        cells.append(v4.new_code_cell(code))
    page = q.page if lang == "en" else q.page.removesuffix(".md") + f".{lang}.md"
    url = q.url if lang == "en" else f"{lang}/{q.url}"
    show = f"dl500 show {q.id}" + ("" if lang == "en" else f" --lang {lang}")
    cells.append(
        v4.new_markdown_cell(
            "---\n\n"
            + tr(
                "The page of this answer: *{title}*, `{url}` on the site (`docs/{page}` in the "
                "project). In a terminal, `dl500 run {id}` runs the same demonstration and "
                "prints the same report; `{show}` prints the answer.",
                lang,
                title=f"{q.id} {title}",
                url=url,
                page=page,
                id=q.id,
                show=show,
            )
        )
    )
    for i, cell in enumerate(cells):
        cell.id = f"{q.slug}-{i}"  # deterministic: nbformat would draw random ids
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "dl500": {"question": q.id, "module": q.module, "lang": lang},
    }
    return nb


def write(q: Any, path: Path, lang: str = "en", *, figures: Figures | None = None) -> Path:
    """Write the question's notebook (`notebook`) to `path`; returns `path`."""
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        nbformat.write(notebook(q, lang, figures=figures), f)
    return path


# ----------------------------------------------------------------------- the site's cache


def cache_root(project: Path) -> Path:
    """Where notebooks are kept between builds: `.cache/notebooks` of the project."""
    return project / ".cache" / "notebooks"


def cache_key(q: Any) -> str:
    """The key of a question's notebooks (`qa.cache.key`).

    Over its module and all it imports, this generator (with the message catalogue), the bytes
    of its data file, and nbformat's version.
    """
    digest = hashlib.sha256(_data_file(q).read_bytes()).hexdigest()
    return cache.key(
        [q.module, __name__],
        params={"data_file": digest},
        libraries=("nbformat",),
        salt=VERSION,
    )


def cache_entry(q: Any, root: Path) -> Path:
    """The directory holding (or to hold) the question's current notebooks."""
    return root / f"{q.slug}-{cache_key(q)[:24]}"


def _entry_file(q: Any, entry: Path, lang: str) -> Path:
    return entry / ("" if lang == "en" else lang) / f"{q.slug}.ipynb"


def prepare(
    questions: Sequence[Any],
    root: Path,
    figures: Mapping[str, Figures] | None = None,
    *,
    log: Callable[[str], None] = print,
) -> dict[str, Path]:
    """Write the notebooks that are missing from the cache; return site path -> file.

    Args:
        questions: The questions.
        root: The cache directory (`cache_root`).
        figures: Slug -> `(name, caption)` of each figure, as for `notebook`; a question
            missing from it has its figures read from its module.
        log: Called with a line saying how many were written.
    """
    out: dict[str, Path] = {}
    written = 0
    for q in questions:
        entry = cache_entry(q, root)
        files = {lang: _entry_file(q, entry, lang) for lang in LANGUAGES}
        if not all(f.is_file() for f in files.values()):
            with cache.atomic_directory(entry) as staging:
                for lang in LANGUAGES:
                    shown = (figures or {}).get(q.slug)
                    write(q, _entry_file(q, staging, lang), lang, figures=shown)
            for old in root.glob(f"{q.slug}-*"):  # the question's stale entries
                if old != entry and old.name[len(q.slug) + 1 :].isalnum():
                    shutil.rmtree(old, ignore_errors=True)
            written += 1
        out.update({site_path(q, lang): f for lang, f in files.items()})
    log(f"notebooks: {written} written, {len(questions) - written} from the cache ({root})")
    return out


# ----------------------------------------------------------------------- reading the sources


def _data_file(q: Any) -> Path:
    from qa.questions import package_directory

    return package_directory(q.package) / f"{q.slug}.toml"


def _data(q: Any) -> dict[str, Any]:
    # Read anew (not `q.data()`, cached for the process): the file the key was made from.
    return tomllib.loads(_data_file(q).read_text(encoding="utf-8"))
