"""The code fingerprint behind both caches: code changes count, prose does not."""

from __future__ import annotations

import os

import pytest

from qa.experiments import load
from qa.experiments.runner import cache_key
from qa.sourcehash import code_fingerprint, file_fingerprint

BASE = '"""Module words."""\n\nclass A:\n    """Class words."""\n\n    def f(self):\n        """Words."""\n        return "x"  # why\n'


@pytest.mark.parametrize(
    "variant",
    [
        BASE.replace("Module words.", "Other words."),
        BASE.replace("Class words.", "Other words."),
        BASE.replace('"""Words."""', '"""Other words, over\n        two lines."""'),
        BASE.replace("# why", "# because"),
        BASE.replace("\n\nclass", "\n\n\n\nclass"),
        BASE.replace('        """Words."""\n', ""),
    ],
    ids=["module-doc", "class-doc", "function-doc", "comment", "blank-lines", "doc-removed"],
)
def test_prose_and_layout_do_not_change_the_fingerprint(variant: str) -> None:
    assert code_fingerprint(variant) == code_fingerprint(BASE)


@pytest.mark.parametrize(
    "variant",
    [
        BASE.replace('return "x"', 'return "y"'),  # a string that is not a docstring
        BASE.replace("def f(self)", "def g(self)"),
        BASE.replace('return "x"', 'return "x" + ""'),
        BASE + "LIMIT = 3\n",
    ],
    ids=["string-literal", "name", "expression", "new-statement"],
)
def test_code_changes_change_the_fingerprint(variant: str) -> None:
    assert code_fingerprint(variant) != code_fingerprint(BASE)


def test_a_docstring_only_function_still_differs_from_another_body() -> None:
    only_doc = 'def f():\n    """Words."""\n'
    assert code_fingerprint(only_doc) == code_fingerprint("def f():\n    pass\n")
    assert code_fingerprint(only_doc) != code_fingerprint("def f():\n    return 1\n")


def test_source_that_does_not_parse_is_hashed_as_it_is() -> None:
    assert code_fingerprint("def (:\n") == b"def (:\n"


def test_experiment_key_follows_the_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    module = load("latch")
    import qa.sourcehash as sourcehash

    before = cache_key(module, module.QUICK)
    monkeypatch.setattr(sourcehash, "file_fingerprint", lambda path: b"changed code")
    assert cache_key(module, module.QUICK) != before


def test_file_fingerprint_sees_an_edit_of_the_same_size(tmp_path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    before = file_fingerprint(path)
    path.write_text("x = 2\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later write
    assert file_fingerprint(path) != before
    assert file_fingerprint(path) == code_fingerprint("x = 2\n")
