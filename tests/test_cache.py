"""One recipe for cache keys: editing code that a result depends on changes exactly its key.

The keys are computed on a copy of the package, edited the way a contributor would edit it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import cache

QA = Path(cache.__file__).resolve().parent
RESULTS = {
    "latch": ["qa.experiments.latch"],
    "clipping": ["qa.experiments.clipping"],
    "6.8": ["qa.answers.q6_08_forward_pass"],
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(QA, tmp_path / "qa", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def keys(root: Path) -> dict[str, str]:
    return {name: cache.key(mods, params={"n": 1}, roots=[root]) for name, mods in RESULTS.items()}


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("relative", "changed"),
    [
        ("qa/experiments/latch.py", {"latch"}),  # the module itself
        ("qa/experiments/training.py", {"clipping"}),  # imported by one result, not the others
        ("qa/core/rnn.py", {"latch", "clipping", "6.8"}),  # the engine they all stand on
        ("qa/quiz/stats.py", set()),  # a module none of them imports
    ],
    ids=["own-module", "imported-by-one", "imported-by-all", "unrelated"],
)
def test_editing_code_reruns_exactly_the_results_that_depend_on_it(tree, relative, changed):
    before = keys(tree)
    with (tree / relative).open("a", encoding="utf-8") as f:
        f.write("\n_EDITED = 1\n")
    after = keys(tree)
    assert {name for name in RESULTS if before[name] != after[name]} == changed


def test_rewording_a_docstring_or_a_comment_reruns_nothing(tree):
    before = keys(tree)
    edit(tree, "qa/core/rnn.py", '"""', '"""Reworded. ')
    edit(tree, "qa/experiments/latch.py", "import numpy as np\n", "import numpy as np  # why\n")
    assert keys(tree) == before


def test_parameters_and_salt_are_part_of_the_key():
    mods = RESULTS["latch"]
    assert cache.key(mods, params={"n": 1}) != cache.key(mods, params={"n": 2})
    assert cache.key(mods, salt="a") != cache.key(mods, salt="b")
    assert cache.key(mods, params={"a": 1, "b": 2}) == cache.key(mods, params={"b": 2, "a": 1})


def test_an_unknown_module_is_an_error():
    with pytest.raises(ModuleNotFoundError, match=r"qa\.experiments\.no_such"):
        cache.dependencies(["qa.experiments.no_such"])


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = cache.atomic_write(tmp_path / "d" / "x.json", "{}")
    assert target.read_text() == "{}" and [p.name for p in target.parent.iterdir()] == ["x.json"]


def test_a_failed_atomic_directory_leaves_the_old_entry(tmp_path):
    entry = tmp_path / "entry"
    entry.mkdir()
    (entry / "old.svg").write_text("old")

    def half_drawn() -> None:
        with cache.atomic_directory(entry) as staging:
            (staging / "new.svg").write_text("half")
            raise RuntimeError("the drawing failed")

    with pytest.raises(RuntimeError, match="the drawing failed"):
        half_drawn()
    assert [p.name for p in tmp_path.iterdir()] == ["entry"]
    assert (entry / "old.svg").read_text() == "old"
