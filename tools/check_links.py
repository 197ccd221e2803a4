"""Check every link, anchor and asset reference in a built static site, offline.

Usage:
    python tools/check_links.py [SITE_DIR] [--base PATH]

SITE_DIR defaults to `site`. PATH is the path part of the URL the site is served under (for
root-relative links such as those of 404.html); it defaults to the path of `site_url` in
./mkdocs.yml, else "/".

Broken: a relative or root-relative reference to a file that is not there, a `#fragment` that no
element of the target page has, and any asset (image, script, style sheet, frame...) loaded from
another host — the site must work with no network. Links (`<a href>`) to other hosts are counted,
not fetched. Exit status 1 if anything is broken, 0 otherwise. Standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Which attribute of which tag refers to something; `a` is a link, the rest load assets.
REFERENCES = {
    "a": "href",
    "img": "src",
    "script": "src",
    "link": "href",
    "source": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "object": "data",
}
# <link rel=...> values that point at something the browser does not load as part of the page.
NOT_LOADED_RELS = {"canonical", "alternate", "next", "prev", "author", "license", "help"}


class _PageParser(HTMLParser):
    """Collects the ids of a page and what it refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, bool]] = []  # (tag, url, loaded as an asset)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        for key in ("id", "name") if tag == "a" else ("id",):
            if key in values:
                self.ids.add(values[key])
        attr = REFERENCES.get(tag)
        if attr and values.get(attr):
            rels = set(values.get("rel", "").lower().split())
            loaded = tag != "a" and not (tag == "link" and rels & NOT_LOADED_RELS)
            self.refs.append((tag, values[attr].strip(), loaded))


@dataclass
class Report:
    """What the check found."""

    pages: int = 0
    references: int = 0
    broken: list[str] = field(default_factory=list)
    external_links: set[str] = field(default_factory=set)


def check(site: Path, base: str = "/") -> Report:
    """Check every HTML page under `site`, served under the URL path `base`."""
    site = site.resolve()
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    parsed: dict[Path, _PageParser] = {}
    for path in sorted(site.rglob("*.html")):
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path] = parser
    report = Report(pages=len(parsed))
    for page, parser in parsed.items():
        where = page.relative_to(site).as_posix()
        for tag, ref, loaded in parser.refs:
            report.references += 1
            problem = _problem(site, base, page, ref, loaded, parsed, report)
            if problem:
                report.broken.append(f"{where}: <{tag}> {ref} ({problem})")
    return report


def _problem(
    site: Path,
    base: str,
    page: Path,
    ref: str,
    loaded: bool,
    parsed: dict[Path, _PageParser],
    report: Report,
) -> str | None:
    """Why `ref` on `page` is broken, or None."""
    url = urlsplit(ref)
    if url.scheme in ("http", "https") or ref.startswith("//"):
        if loaded:
            return "asset from another host"
        report.external_links.add(ref)
        return None
    if url.scheme:  # mailto:, data:, javascript:, tel:
        return None
    path = unquote(url.path)
    if path.startswith("/"):
        if not path.startswith(base):
            return f"root-relative outside the site's base {base}"
        target = site / path[len(base) :]
    else:
        target = page.parent / path if path else page
    target = target.resolve()
    if not target.is_relative_to(site):
        return "points outside the site"
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return "no such file"
    fragment = unquote(url.fragment)
    if fragment and target.suffix == ".html" and fragment not in _ids(parsed, target):
        return f"no element with id {fragment!r}"
    return None


def _ids(parsed: dict[Path, _PageParser], page: Path) -> set[str]:
    return parsed[page].ids if page in parsed else set()


def default_base(config: Path = Path("mkdocs.yml")) -> str:
    """The path part of site_url in mkdocs.yml, or "/"."""
    if config.is_file():
        match = re.search(r"^site_url:\s*['\"]?(\S+?)['\"]?\s*$", config.read_text("utf-8"), re.M)
        if match:
            return urlsplit(match.group(1)).path or "/"
    return "/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=Path("site"), help="built site")
    parser.add_argument("--base", help="URL path the site is served under (default: site_url)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"check_links: {args.site} holds no built site (no index.html)", file=sys.stderr)
        return 2
    report = check(args.site, args.base if args.base is not None else default_base())
    for line in report.broken:
        print(f"BROKEN {line}")
    print(
        f"{report.pages} pages, {report.references} references, {len(report.broken)} broken, "
        f"{len(report.external_links)} links to other hosts (not fetched)"
    )
    return 1 if report.broken else 0


if __name__ == "__main__":
    sys.exit(main())
