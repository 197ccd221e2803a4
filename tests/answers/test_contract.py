"""Every answer module keeps the contract the site, the CLI and the quiz rely on."""

import importlib
import inspect
import io
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from qa.numbers import Number, names
from qa.questions import QUESTIONS
from qa.viz import FigureSpec, to_svg

MODULES = [q.module for q in QUESTIONS]


@pytest.mark.parametrize("name", MODULES)
def test_module_exposes_the_answer_contract(name):
    module = importlib.import_module(name)
    assert isinstance(module.SEED, int)
    assert callable(module.demonstrate) and callable(module.summarize)
    assert callable(module.numbers)
    assert not hasattr(module, "main")  # library code: `dl500 run ID` runs any answer
    assert "progress" in inspect.signature(module.demonstrate).parameters
    assert module.__doc__ and module.__doc__.strip()
    specs = module.FIGURES
    assert specs and all(isinstance(s, FigureSpec) for s in specs)
    assert len({s.name for s in specs}) == len(specs)
    for s in specs:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s.name), s.name
        assert len(s.alt) > 30 and len(s.caption) > 30


@pytest.mark.parametrize("name", MODULES)
def test_figures_build_from_the_demonstration_deterministically(name, demo_of):
    module = importlib.import_module(name)
    result = demo_of(name)
    for spec in module.FIGURES:
        fig = spec.build(result)
        assert isinstance(fig, Figure)
        assert to_svg(fig) == to_svg(spec.build(result))


@pytest.mark.parametrize("name", MODULES)
def test_summary_reports_measured_numbers(name, demo_of):
    module = importlib.import_module(name)
    text = module.summarize(demo_of(name))
    assert isinstance(text, str) and re.search(r"\d", text)


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_have_doctests(name):
    module = importlib.import_module(name)
    public = [
        getattr(module, n)
        for n in getattr(module, "__all__", [])
        if inspect.isfunction(getattr(module, n))
    ]
    with_examples = [f for f in public if f.__doc__ and ">>>" in f.__doc__]
    assert with_examples, f"{name}: no public function carries a doctest"


def test_numeric_solvers_are_reproducible_from_the_generator():
    from qa.answers import q6_08_forward_pass as m

    a = m.card_parameter_count(np.random.default_rng(3))
    b = m.card_parameter_count(np.random.default_rng(3))
    assert a == b and a["answer"] == m.parameter_count(
        a["params"]["D"], a["params"]["H"], a["params"]["O"]
    )
    assert io  # keep the import list honest for future solvers


@pytest.mark.parametrize("name", MODULES)
def test_importing_a_module_does_not_load_matplotlib(name):
    # The quiz imports answer modules for their numeric solvers and must show a card quickly.
    import subprocess
    import sys

    code = f"import sys, {name}; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _page(name):
    q = next(q for q in QUESTIONS if q.module == name)
    return (Path(__file__).resolve().parents[2] / "docs" / q.page).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", MODULES)
def test_numbers_name_every_number_the_page_and_the_figures_quote(name, demo_of):
    module = importlib.import_module(name)
    numbers = module.numbers(demo_of(name))
    assert all(isinstance(n, Number) for n in numbers.values())
    quoted = names(_page(name)) + [
        n for spec in module.FIGURES for n in names(spec.alt) + names(spec.caption)
    ]
    run = {n.removeprefix("run.") for n in quoted if n.startswith("run.")}
    assert run <= set(numbers), f"not in {name}.numbers: {sorted(run - set(numbers))}"


@pytest.mark.parametrize("name", MODULES)
def test_the_terminal_prints_every_number_the_page_can_quote(name, demo_of):
    # `dl500 run ID` prints `summarize`; on the machine that built the site it must show the
    # page's digits, so every named number is printed, formatted alike.
    module = importlib.import_module(name)
    demo = demo_of(name)
    numbers, text = module.numbers(demo), module.summarize(demo)
    # A number in words has a Chinese twin (`NAME_zh`, for the Chinese page); the terminal
    # prints its English, `NAME`.
    missing = [
        f"{k} = {n}"
        for k, n in numbers.items()
        if str(n) not in text and not (k.endswith("_zh") and k.removesuffix("_zh") in numbers)
    ]
    assert not missing, f"{name}.summarize does not print: {missing}"


@pytest.mark.parametrize("name", MODULES)
def test_a_page_that_quotes_its_run_says_which_run_and_machine(name):
    page = _page(name)
    quotes = any(n.startswith("run.") for n in names(page))
    assert quotes == bool(re.search(r"^<!-- dl500:computed -->$", page, re.M))
