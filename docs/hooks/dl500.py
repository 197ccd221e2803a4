"""The site's one MkDocs hook: a thin adapter from MkDocs' events to `qa.site`.

Everything the build adds lives in the package, in `qa.site` (see its docstring): the nav from
the question registry, the figures drawn by the answer modules, the page markers, the numbers
from this build's runs, the reproducibility report, the API reference and MathJax. This file
only hands MkDocs' objects to `qa.site.build.SiteBuild` and its results back to MkDocs, and turns
the build's problems into warnings, which the strict build makes fatal.

mkdocs.yml may name, under `extra.dl500`, the package whose data files define the questions
(`answers`, default `qa.answers`) and the report page (`report_page`, default `report.md`); the
tests build a fixture site that way.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from qa.questions import RegistryError
from qa.site.build import SiteBuild, SiteError

log = get_plugin_logger("dl500")
_build: list[SiteBuild] = []  # the build in progress (one per MkDocs config)


def _current() -> SiteBuild:
    if not _build:
        raise PluginError("dl500: the hook was not configured (on_config did not run)")
    return _build[-1]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _build and config.nav is _build[-1].nav_value:
        # mkdocs-static-i18n builds the next language with the same config: same build, same
        # nav, figures and runs (prepared once).
        return config
    options = config.extra.get("dl500") or {}
    if config.nav:
        raise PluginError(
            "mkdocs.yml must not list a 'nav:': the nav is generated from the questions' data "
            "files by qa.site.nav"
        )
    try:
        build = SiteBuild(
            docs=Path(config.docs_dir),
            project=Path(config.config_file_path).resolve().parent,
            answers=options.get("answers", "qa.answers"),
            report_page=options.get("report_page", "report.md"),
            log=log.info,
            warn=log.warning,
        )
        config.nav = build.nav_value = build.nav()
    except (SiteError, RegistryError) as exc:
        raise PluginError(str(exc)) from exc
    i18n = config.plugins.get("i18n")
    for language in i18n.config.languages if i18n else []:  # the nav's titles in Chinese
        language.nav_translations = {
            **build.nav_translations(language.locale),
            **(language.nav_translations or {}),
        }
    _build[:] = [build]
    return config


@event_priority(100)  # before plugins that snapshot the file list (the privacy plugin)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = _current()
    try:
        added = build.prepare()
    except SiteError as exc:
        raise PluginError(str(exc)) from exc
    for site_path, source in added.items():
        files.append(File.generated(config, site_path, abs_src_path=str(source)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # mkdocs-static-i18n tells each page's language (English when the plugin is off).
    lang = getattr(page.file, "locale", None) or "en"
    i18n = config.plugins.get("i18n")
    if i18n is not None and i18n.current_language != lang:
        # An English page shown on the Chinese site (the API reference, the changelog): the
        # search already has it from the English site.
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    return _current().page_markdown(page.file.src_uri, markdown, lang)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _current().page_html(html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _current().page_output(output)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    # 404.html is a template, not a page; it has the same head.
    return _current().page_output(output) if template_name.endswith(".html") else output
