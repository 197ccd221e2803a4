"""Check a question's number markers without building the site, and show what they become.

    python tools/page_numbers.py 6.8            # run the demonstration, fill page, alt, captions
    python tools/page_numbers.py 6.8 --typed    # also list digits still typed in the page's prose

Runs the demonstration once (`qa.answers.run`, as `dl500 run` and the site do), then fills every
`{{ run.NAME }}` of `docs/answers/<slug>.md` and of the module's figure captions and alt texts
from `module.numbers(result)`, and every `{{ exp.NAME.FIELD }}` from the cached full runs of the
experiments (`.cache/experiments/`; run `dl500 reproduce` first if they are missing). Exits 1 if
a marker names no number. `--typed` lists numbers written in the prose outside math and code, for
a writer to check that none of them comes from a run.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import answers  # noqa: E402
from qa.numbers import MissingNumberError, fill, fill_markdown, names, plain, table  # noqa: E402
from qa.questions import get  # noqa: E402

_DIGITS = re.compile(r"(?<![\w.#/-])\d+(?:[.,]\d+)*(?:\s?%|e-?\d+)?(?![\w/])")


def experiment_values(markdown: str) -> dict[str, str]:
    wanted = {n.split(".")[1] for n in names(markdown) if n.startswith("exp.")}
    values: dict[str, str] = {}
    if not wanted:
        return values
    from qa.experiments.runner import cached
    from qa.site.report import experiment_numbers

    for name in sorted(wanted):
        outcome = cached(name)
        if outcome is None:
            print(f"note: no cached full run of {name}; run `dl500 reproduce {name}`")
            continue
        values.update(plain(experiment_numbers(outcome), prefix=f"exp.{name}"))
    return values


def typed_numbers(markdown: str) -> list[tuple[int, str]]:
    """(line, text) of digits in prose: outside code, math, links, markers and headings."""
    out = []
    body = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), markdown, flags=re.S)
    body = re.sub(r"\$\$.*?\$\$", lambda m: "\n" * m.group(0).count("\n"), body, flags=re.S)
    for i, line in enumerate(body.splitlines(), start=1):
        if line.lstrip().startswith(("#", "<!--", "- ", "doi", "::: ")) or "](http" in line:
            continue
        prose = re.sub(r"`[^`]*`|\$[^$]*\$|\{\{[^}]*\}\}|\[[^\]]*\]\([^)]*\)", " ", line)
        for m in _DIGITS.finditer(prose):
            out.append((i, m.group(0)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("id", help="question id, e.g. 6.8")
    parser.add_argument("--typed", action="store_true", help="list digits typed in the prose")
    args = parser.parse_args(argv)
    q = get(args.id)
    module = importlib.import_module(q.module)
    page = (ROOT / "docs" / q.page).read_text(encoding="utf-8")
    result = answers.run(module)
    numbers = module.numbers(result)
    values = plain(numbers) | experiment_values(page)
    print(table(numbers), end="\n\n")
    problems = 0
    try:
        fill_markdown(page, values)
    except MissingNumberError as exc:
        print(f"docs/{q.page}: {exc}")
        problems += 1
    for spec in module.FIGURES:
        for what in ("alt", "caption"):
            try:
                text = fill(getattr(spec, what), plain(numbers))
            except MissingNumberError as exc:
                print(f"{q.module} figure {spec.name!r} {what}: {exc}")
                problems += 1
            else:
                print(f"[{spec.name} {what}] {' '.join(text.split())}\n")
    if args.typed:
        print("Digits typed in the prose (check that none comes from a run):")
        for line, text in typed_numbers(page):
            print(f"  docs/{q.page}:{line}: {text}")
    print("markers: ok" if not problems else f"markers: {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
