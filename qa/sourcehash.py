"""Fingerprints of Python source that change with the code, not with its prose.

The site's figures and the experiments' results are cached under a hash of the code that
produced them. Hashing the raw bytes would make a reworded docstring or comment rerun every
experiment (minutes of work for no new number); hashing the syntax tree with its docstrings
removed reruns them only when what executes changes.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_DEFINITIONS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def code_fingerprint(source: str | bytes, filename: str = "<source>") -> bytes:
    r"""What of a module's source can change its behaviour, as bytes to hash.

    Comments, formatting and the docstrings of the module, its classes and its functions are left
    out; every other string, name and number is kept. Source that does not parse is returned
    as it is, so it still changes the hash (and fails loudly where it is imported).

    Args:
        source: the text of a Python module.
        filename: named in nothing but the parser's error messages.

    Returns:
        A canonical dump of the module's syntax tree, UTF-8 encoded.

    Examples:
        >>> code_fingerprint("'Old words.'\nx = 1  # why\n") == code_fingerprint("x = 1\n")
        True
        >>> code_fingerprint("x = 1\n") == code_fingerprint("x = 2\n")
        False
    """
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError:
        return source.encode() if isinstance(source, str) else source
    for node in ast.walk(tree):
        if isinstance(node, _DEFINITIONS) and node.body and _is_docstring(node.body[0]):
            # a body may not be empty: a docstring-only function keeps a `pass` in its place
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree, annotate_fields=False, include_attributes=False).encode()


def update_with_sources(digest: Any, files: Iterable[tuple[str, Path]]) -> None:
    """Feed each `(label, path)` to a `hashlib` digest: the label, then the file's fingerprint.

    The label is hashed too, so that moving or renaming a file also changes the digest.
    """
    for label, path in files:
        digest.update(f"\0{label}\0".encode())
        digest.update(file_fingerprint(path))


def file_fingerprint(path: Path) -> bytes:
    """`code_fingerprint` of the file at `path`, parsed once per version of the file."""
    stat = path.stat()
    return _cached_file_fingerprint(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1024)
def _cached_file_fingerprint(path: str, mtime_ns: int, size: int) -> bytes:
    # One build asks for the same core modules once per answer module and per experiment;
    # the modification time and size in the key make an edited file count as new.
    return code_fingerprint(Path(path).read_bytes(), filename=path)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )
