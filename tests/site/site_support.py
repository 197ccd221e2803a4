"""Helpers for the tests of the site: where things are, serving a site, building the fixture.

Tests of the real site need `site/` (built by `make site`, which `make test` runs first) and
some need a Chromium. Without them a test is skipped with the reason, except under CI=true,
where a missing site or browser is a failure: CI must never pass a check it did not run.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("DL500_SITE_DIR", ROOT / "site")).resolve()
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOOKS = ROOT / "docs" / "hooks"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Flags for Chromium on a machine with no internet (see shared/reference/tooling.md §4.3).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))


def unavailable(reason: str) -> None:
    """Skip the test, or fail it under CI=true."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing prerequisite is a failure)", pytrace=False)
    pytest.skip(reason)


def site_config() -> dict:
    """The project's mkdocs.yml, parsed."""
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def base_path() -> str:
    """The path part of site_url, e.g. "/dl500-rnn/": where the site expects to be served."""
    return urlsplit(site_config()["site_url"]).path or "/"


def chromium_path() -> str | None:
    """Debian's chromium, or $CHROMIUM."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a tab closed mid-request
            super().handle_error(request, client_address)


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve a built site on 127.0.0.1 as if it were deployed at its site_url.

    The site is served under the path of site_url, and sitemap.xml has site_url replaced by the
    local address: Material's scripts trust only the links that its sitemap lists, comparing
    host *and port*, which match on the real host but not on a test port.
    Returns the server (running in a thread) and the site's local URL.
    """
    site_url = site_config()["site_url"]
    base = urlsplit(site_url).path or "/"
    local: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            inside = path.startswith(base)
            return super().translate_path("/" + path[len(base) :] if inside else "/-outside-")

        def do_GET(self) -> None:
            if self.path.split("?")[0] != base + "sitemap.xml":
                return super().do_GET()
            body = Path(self.translate_path(self.path)).read_bytes()
            body = body.replace(site_url.encode(), local[0].encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None

        def log_message(self, *args: object) -> None:
            pass

    server = _Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    local.append(f"http://127.0.0.1:{server.server_port}{base}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, local[0]


@dataclass
class FixtureBuild:
    """The result of building the fixture site."""

    returncode: int
    log: str
    site: Path
    cache: Path

    def page(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


def build_fixture(
    workdir: Path,
    *,
    answers: str = "dl500_fixture.answers",
    pages: dict[str, str | None] | None = None,
    config_changes: dict | None = None,
    cache: Path | None = None,
    site: Path | None = None,
    bank: Path | None = None,
) -> FixtureBuild:
    """Build the fixture site in `workdir` with the project's own config and hooks.

    Args:
        workdir: Empty or reused directory; receives docs/, mkdocs.yml, site/ and cache/.
        answers: The package whose data files define the fixture's questions.
        pages: Pages to add or replace (path under docs/ -> text), or remove (-> None).
        config_changes: Top-level mkdocs.yml keys to override.
        cache: Figure cache directory (default: workdir/cache).
        site: Output directory (default: workdir/site).
        bank: Directory of `<slug>.toml` card files (`DL500_BANK`; default: the package's).
    """
    docs = workdir / "docs"
    if not docs.exists():
        shutil.copytree(FIXTURES / "docs", docs)
        for shared in ("javascripts", "stylesheets"):
            shutil.copytree(ROOT / "docs" / shared, docs / shared)
    for path, text in (pages or {}).items():
        if text is None:
            (docs / path).unlink()
        else:
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_text(text, encoding="utf-8")
    cache = cache or workdir / "cache"
    site = site or workdir / "site"
    config = site_config()
    config.update(
        site_name="dl500 fixture",
        docs_dir=str(docs),
        site_dir=str(site),
        hooks=[str(HOOKS / Path(h).name) for h in config["hooks"]],
        extra={"dl500": {"answers": answers}},
    )
    config.pop("watch", None)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            plugin["mkdocstrings"]["handlers"]["python"]["paths"] = [str(FIXTURES), str(ROOT)]
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(ROOT)]
    config.update(config_changes or {})
    config_file = workdir / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(FIXTURES), str(ROOT)]),
        "DL500_FIGURE_CACHE": str(cache),
        **({"DL500_BANK": str(bank)} if bank else {}),  # see qa.quiz.bank
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "MPLBACKEND": "Agg",
        "NO_COLOR": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file)],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
        check=False,
    )
    return FixtureBuild(proc.returncode, proc.stdout + proc.stderr, site, cache)
