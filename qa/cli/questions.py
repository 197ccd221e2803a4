"""Commands that read the question registry: `list`, `show` and `run`."""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

from qa import questions as registry
from qa.cli.argtypes import at_least
from qa.cli.errors import EXIT_USAGE, CLIError
from qa.i18n import current, localize, tr
from qa.questions import Question, UnknownQuestionError, get

__all__ = ["register", "run_question"]

DEFAULT_OUT = Path("dl500-figures")


def register(sub: Any) -> None:
    """Add `list`, `show` and `run` to the `dl500` sub-parsers."""
    p = sub.add_parser("list", help="list the questions", description="List the questions.")
    p.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "show",
        help="print a question's interview answer",
        description="Print the 60-second interview answer to a question.",
    )
    p.add_argument("id", metavar="ID", help="question id, e.g. 6.8 (see 'dl500 list')")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "run",
        help="run a question's demonstration and write its figures",
        description=(
            "Run the demonstration behind a question's answer: print its results and write "
            "its figures as SVG."
        ),
    )
    p.add_argument("id", metavar="ID", help="question id, e.g. 6.8 (see 'dl500 list')")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"directory for the figures (default: {DEFAULT_OUT}/; with --numbers, none)",
    )
    p.add_argument("--seed", type=_seed, default=None, metavar="N", help="random seed (≥ 0)")
    p.add_argument(
        "--numbers",
        action="store_true",
        help="print the named numbers that the page quotes instead of the summary",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "open",
        help="open a question's page, or a card's section, in the browser",
        description=(
            "Open the site's page of a question (e.g. 6.8), or the section a card tests (e.g. "
            "6.8-weight-shapes), in the browser, in the --lang chosen. The site's address is "
            "mkdocs.yml's site_url, or $DL500_SITE_URL."
        ),
    )
    p.add_argument("target", metavar="ID", help="a question id (6.8) or a card id (6.8-...)")
    p.add_argument("--print", action="store_true", help="print the URL only; open nothing")
    p.set_defaults(func=cmd_open)


_seed = at_least(0, "a seed")


def _question(raw: str) -> Question:
    try:
        return get(raw)
    except UnknownQuestionError:
        hint = registry.closest(raw)
        raise CLIError(
            tr(
                "unknown question {id}{hint}; known ids: {ids}",
                id=repr(raw),
                hint=tr(" (did you mean {hint}?)", hint=hint) if hint else "",
                ids=tr(", ").join(registry.ids()),
            ),
            status=EXIT_USAGE,
        ) from None


def cmd_list(args: argparse.Namespace) -> int:
    """Print the registry as a table or JSON."""
    if args.json:
        rows = [
            {
                "id": q.id,
                "title": q.title,
                "title_zh": q.title_zh,
                "upstream_number": q.upstream_number,
                "difficulty": q.difficulty,
                "tags": list(q.tags),
                "module": q.module,
                "page": q.page,
            }
            for q in registry.QUESTIONS
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    questions = registry.QUESTIONS
    width = max(len(q.id) for q in questions)
    zh = current() == "zh"
    for q in questions:
        title = q.title_zh if zh else f"{q.title}  ({q.title_zh})"
        print(f"{q.id:<{width}}  {tr(q.difficulty):<6}  {title}")
    print(
        "\n"
        + tr(
            "{n} questions. 'dl500 show ID' for an answer, 'dl500 run ID' to run it.",
            n=len(questions),
        )
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print a question's interview answer (in Chinese with `--lang zh`)."""
    from qa.quiz.term import markdown_to_text

    q = _question(args.id)
    data = localize(q.data(), current())
    width = min(shutil.get_terminal_size((88, 20)).columns, 88)
    if current() == "zh":
        print(f"{q.id}  {q.title_zh}  （{tr('upstream §{n}', n=q.upstream_number)}）\n")
    else:
        print(f"{q.id}  {q.title}")
        print(f"     {q.title_zh} (upstream §{q.upstream_number})\n")
    print(markdown_to_text(data["interview_answer"], width=width))
    page = q.page if current() == "en" else q.page.replace(".md", ".zh.md")
    print("\n" + tr("Page: docs/{page}   Run it: dl500 run {id}", page=page, id=q.id))
    return 0


def run_question(q: Question, *, out: Path | None, seed: int | None, numbers: bool = False) -> int:
    """Run a question's demonstration, print its summary and write its figures to `out`.

    With `numbers`, print the named numbers that the page quotes (`{{ run.NAME }}`) instead of
    the summary: on the machine that built the site, they are the page's numbers. Figures are
    then written only if `out` is given.
    """
    from qa import answers
    from qa.cli.progress import ProgressBar

    module = importlib.import_module(q.module)
    seed = module.SEED if seed is None else seed
    title = q.title_zh if current() == "zh" else q.title
    print(tr("{id}  {title}  (seed {seed})", id=q.id, title=title, seed=seed), flush=True)
    start = time.monotonic()
    bar = ProgressBar(f"dl500 run {q.id}")
    try:
        result = answers.run(module, seed, progress=bar)
    finally:
        bar.close()
    if numbers:
        from qa.numbers import table

        print(table(module.numbers(result)))
    else:
        print(module.summarize(result))
    if out is None and numbers:
        print(tr("done in {seconds}s", seconds=f"{time.monotonic() - start:.1f}"))
        return 0
    out = DEFAULT_OUT if out is None else out
    from qa.viz import save_svg

    target = out / q.slug
    try:
        target.mkdir(parents=True, exist_ok=True)
        for spec in module.FIGURES:
            path = save_svg(spec.build(result), target / f"{spec.name}.svg")
            print(tr("wrote {path}", path=path))
    except OSError as exc:
        raise CLIError(
            tr(
                "cannot write figures to {target}: {reason}",
                target=target,
                reason=exc.strerror or exc,
            )
        ) from None
    print(tr("done in {seconds}s", seconds=f"{time.monotonic() - start:.1f}"))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run a question's demonstration."""
    return run_question(_question(args.id), out=args.out, seed=args.seed, numbers=args.numbers)


def cmd_open(args: argparse.Namespace) -> int:
    """Open (or print) the URL of a question's page or of a card's section."""
    import webbrowser

    from qa.links import page_url

    lang = current()
    if args.target in registry.ids() or "-" not in args.target:
        url = page_url(_question(args.target).url, lang)
    else:
        from qa.quiz.bank import load_bank

        card = load_bank(lang=lang).by_id().get(args.target)
        if card is None:
            raise CLIError(tr("unknown card {id}", id=repr(args.target)), status=EXIT_USAGE)
        url = card.url
    if args.print:
        print(url)
        return 0
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    print(
        tr("Opened {url}", url=url)
        if opened
        else tr("No browser to open; the page is {url}", url=url)
    )
    return 0
