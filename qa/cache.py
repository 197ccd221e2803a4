"""One recipe for the keys of cached results, and one way to write them atomically.

The site's figures, the experiments' results and the report's figures are all cached under a
key made the same way, from everything that can change them:

- **the code**: the modules that produce the result and every project module they import,
  directly or not, at any depth (an import inside a function counts), each fingerprinted without
  its docstrings and comments (`qa.sourcehash`), so that rewording prose reruns nothing while
  editing any code a result depends on reruns exactly the results that depend on it;
- **the parameters** (any JSON value: a configuration, the key of an upstream result);
- **the library versions** it runs on, and Python's.

Writes go to a temporary file or directory next to the target and are renamed into place, so a
reader sees a whole entry or none, even when a build is interrupted.

This module imports only the standard library.

Examples:
    >>> files = dependencies(["qa.experiments.latch"])
    >>> "qa/experiments/latch.py" in files and "qa/core/rnn.py" in files
    True
    >>> "qa/answers/__init__.py" in files     # nothing the experiment imports
    False
    >>> len(key(["qa.experiments.latch"], params={"seeds": [0, 1]}))
    64
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from qa.sourcehash import update_with_sources

__all__ = ["atomic_directory", "atomic_write", "dependencies", "key", "library_versions"]

_QA_ROOT = Path(__file__).resolve().parent.parent


def dependencies(modules: Iterable[str], *, roots: Sequence[Path] | None = None) -> dict[str, Path]:
    """The project modules that `modules` are made of: themselves and all they import.

    Args:
        modules: Dotted names of the modules a result comes from.
        roots: Directories that hold the top-level packages (default: the directory holding
            `qa`, and the directory of each other top-level package named in `modules`).

    Returns:
        Path relative to its root (`"qa/core/rnn.py"`) -> file, for every module reached,
        following only imports of the packages named in `modules` and of `qa`.

    Raises:
        ModuleNotFoundError: For a name in `modules` that no root holds.
    """
    modules = list(modules)
    packages = {"qa"} | {name.split(".")[0] for name in modules}
    roots = list(roots) if roots is not None else _default_roots(packages)
    found: dict[str, Path] = {}
    pending = list(modules)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        located = _locate(name, roots)
        if located is None:
            if name in modules:
                raise ModuleNotFoundError(f"no module {name!r} under {', '.join(map(str, roots))}")
            continue  # `from pkg import attribute`: not a module
        label, path = located
        found[label] = path
        parent = name.rpartition(".")[0]
        if parent:  # importing a.b.c runs a/__init__ and a/b/__init__ first
            pending.append(parent)
        pending.extend(n for n in _imports(path, name) if n.split(".")[0] in packages)
    return dict(sorted(found.items()))


def key(
    modules: Iterable[str],
    *,
    params: Any = None,
    libraries: Sequence[str] = ("numpy",),
    salt: str = "",
    roots: Sequence[Path] | None = None,
) -> str:
    """Hex SHA-256 of the code of `modules` (with their imports), `params` and library versions.

    Args:
        modules: What produces the result (see `dependencies`).
        params: Parameters of the result, as JSON (e.g. a configuration).
        libraries: Distributions whose versions change the result.
        salt: A version of the result's format: change it when the format changes.
        roots: As for `dependencies`.
    """
    digest = hashlib.sha256(f"dl500-cache-1\0{salt}\0".encode())
    files = dependencies(modules, roots=roots)
    update_with_sources(digest, files.items())
    digest.update(json.dumps(params, sort_keys=True, default=str).encode())
    digest.update(library_versions(tuple(libraries)).encode())
    return digest.hexdigest()


@cache
def library_versions(libraries: tuple[str, ...]) -> str:
    """`"numpy=2.4.6 matplotlib=3.10.8 python=3.11"` for the named distributions."""
    parts = [f"{lib}={metadata.version(lib)}" for lib in libraries]
    return " ".join([*parts, f"python={sys.version_info.major}.{sys.version_info.minor}"])


def atomic_write(path: Path, data: str | bytes) -> Path:
    """Write `data` to `path` through a temporary file renamed into place; return `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@contextmanager
def atomic_directory(path: Path) -> Iterator[Path]:
    """A temporary directory to fill, which replaces `path` whole if the block succeeds.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     target = Path(tmp) / "entry"
        ...     with atomic_directory(target) as staging:
        ...         _ = (staging / "a.txt").write_text("a")
        ...     sorted(p.name for p in Path(tmp).iterdir()), (target / "a.txt").read_text()
        (['entry'], 'a')
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)


def _default_roots(packages: set[str]) -> list[Path]:
    import importlib.util

    roots = [_QA_ROOT]
    for package in sorted(packages - {"qa"}):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            root = Path(spec.origin).resolve().parent
            roots.append(root.parent if spec.submodule_search_locations else root)
    return roots


def _locate(name: str, roots: Sequence[Path]) -> tuple[str, Path] | None:
    parts = name.split(".")
    for root in roots:
        for candidate in (Path(*parts).with_suffix(".py"), Path(*parts, "__init__.py")):
            if (root / candidate).is_file():
                return candidate.as_posix(), root / candidate
    return None


@cache
def _imports_cached(path: str, name: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=path)
    except SyntaxError:
        return ()
    base = name if Path(path).name == "__init__.py" else name.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package up
                anchor = base.rsplit(".", node.level - 1)[0] if node.level > 1 else base
                module = f"{anchor}.{node.module}" if node.module else anchor
            else:
                module = node.module or ""
            names.append(module)
            # `from qa.experiments import cliff` names a submodule, not (only) an attribute
            names += [f"{module}.{a.name}" for a in node.names if a.name != "*"]
    return tuple(names)


def _imports(path: Path, name: str) -> tuple[str, ...]:
    """Dotted names that the module `name`, in the file `path`, imports (parsed once a version)."""
    stat = path.stat()
    return _imports_cached(str(path), name, stat.st_mtime_ns, stat.st_size)
