"""One build of the site: what it generates, and the pipeline every page goes through.

`SiteBuild` is what `docs/hooks/dl500.py` holds between MkDocs' events. It knows the questions
(`qa.questions.discover` of the configured answers package), and, once `prepare` has run, the
figures and numbers of each question's cached run and the experiments' full results. Each page's
Markdown then goes through `page_markdown`: every `<!-- dl500:NAME -->` marker is expanded in one
pass, then every `{{ run.NAME }}` / `{{ exp.NAME.FIELD }}` is filled. Problems do not raise: they
are handed to `warn`, naming the page, and MkDocs' strict mode turns them into a failed build.

Examples:
    >>> build = SiteBuild(docs=Path("docs"), project=Path("."), report_page=None)
    >>> print(build.page_markdown("index.md", "<!-- dl500:question-table -->").splitlines()[2])
    | 6.4 | [How do CNNs and RNNs differ?](answers/q6_04_cnn_vs_rnn.md) | <span lang="zh-Hans">CNN和RNN的区别</span> | easy | `architecture` `cnn` `tcn` |
"""  # noqa: E501

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from qa.i18n import LANGUAGES
from qa.machine import cores
from qa.numbers import MissingNumberError, plain
from qa.questions import PACKAGE, discover
from qa.site import figures, markers, mathjax, nav, notebooks, numbers, reference, report

__all__ = ["SiteBuild", "SiteError"]


_ALTERNATE_LINK = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


class SiteError(RuntimeError):
    """Something that stops the build before any page is made; the message says what."""


class SiteBuild:
    """The state of one build and the page pipeline.

    Args:
        docs: The docs directory.
        project: The directory holding mkdocs.yml (for `.cache/`).
        answers: The package whose data files define the questions.
        report_page: The page holding `<!-- dl500:report -->`, relative to `docs`, or None.
        log: Called with progress messages.
        warn: Called with problems; each fails a strict build.
    """

    def __init__(
        self,
        *,
        docs: Path,
        project: Path,
        answers: str = PACKAGE,
        report_page: str | None = "report.md",
        log: Callable[[str], None] = print,
        warn: Callable[[str], None] = print,
    ) -> None:
        self.docs, self.project = docs, project
        self.questions = discover(answers)
        self.report_page = report_page if report_page and (docs / report_page).is_file() else None
        self.log, self.warn = log, warn
        self.figures: dict[tuple[str, str], dict[str, figures.Rendered]] = {}  # (slug, lang)
        self.runs: dict[str, figures.RunNumbers] = {}
        self.outcomes: list[Any] = []
        self.report_figures: dict[str, Path] = {}
        self.exp_values: dict[str, str] = {}
        self.exp_about: dict[str, str] = {}
        self._prepared: dict[str, Path] | None = None
        self.nav_value: list[Any] | None = None  # the nav this build gave MkDocs

    # ------------------------------------------------------------------- before the pages

    def nav(self) -> list[Any]:
        """The nav, after checking that every question has its module and its page."""
        problems = nav.missing_parts(self.questions, self.docs)
        problems += reference.missing_pages(self.docs)
        if problems:
            raise SiteError("the questions and the files disagree:\n  " + "\n  ".join(problems))
        return nav.build_nav(self.questions, self.docs)

    def nav_translations(self, lang: str) -> dict[str, str]:
        """The nav's titles in `lang` (`qa.site.nav.nav_translations`)."""
        return nav.nav_translations(self.questions, lang)

    def prepare(self) -> dict[str, Path]:
        """Draw what is missing and run what is stale; return the files the site adds.

        Runs once per build: the pass for the second language gets the same files.

        Returns:
            Path in the site -> file on disk: every question's figures and notebook in both
            languages, the report's figures and MathJax.

        Raises:
            SiteError: When a module fails to draw, an experiment fails, or MathJax is missing.
        """
        if self._prepared is None:
            self._prepared = self._prepare()
        return dict(self._prepared)

    def _prepare(self) -> dict[str, Path]:
        out: dict[str, Path] = {}
        root = figures.cache_root(self.project)
        # The figures are drawn (subprocesses) while the experiments run (their own workers):
        # more processes than cores, but no core waits for the slowest job of either phase.
        with ThreadPoolExecutor(max_workers=1) as background:
            drawing = background.submit(figures.draw_missing, self.questions, root, log=self.log)
            try:
                report_files = self._prepare_report() if self.report_page else {}
            finally:
                error = drawing.exception()  # waits for the drawing to end, in every case
        if isinstance(error, figures.DrawError):
            raise SiteError(f"figures: {error}") from error
        if error is not None:
            raise error
        drawn = drawing.result()
        for q in self.questions:
            entry = figures.cache_entry(q, root)
            for lang in LANGUAGES:
                self.figures[q.slug, lang] = figures.figures_of(q, entry, lang)
                out.update({f.site_path: f.path for f in self.figures[q.slug, lang].values()})
            self.runs[q.slug] = figures.run_numbers(q, entry)
        total = sum(len(self.figures[q.slug, "en"]) for q in self.questions)
        drawn_count = sum(len(self.figures[q.slug, "en"]) for q in drawn)
        self.log(f"figures: {drawn_count} drawn, {total - drawn_count} from the cache ({root})")
        # The notebooks take the figures' names and captions from the manifests, which a fresh
        # process read from the modules (this one may hold a module edited since it was imported).
        shown = {
            q.slug: [(f.name, f.caption) for f in self.figures[q.slug, "en"].values()]
            for q in self.questions
        }
        out.update(
            notebooks.prepare(
                self.questions, notebooks.cache_root(self.project), shown, log=self.log
            )
        )
        out.update(report_files)
        try:
            out.update(mathjax.files())
        except FileNotFoundError as exc:
            raise SiteError(f"mathjax: {exc}") from exc
        return out

    def _prepare_report(self) -> dict[str, Path]:
        from qa.experiments.runner import cache_dir

        jobs = cores()
        try:
            self.outcomes = report.run_all(jobs=jobs, log=self.log)
        except Exception as exc:
            raise SiteError(f"report: an experiment failed: {type(exc).__name__}: {exc}") from exc
        out = {}
        for o in self.outcomes:
            target, _ = report.draw_figures(o, cache_dir())
            for spec in o.module.FIGURES:
                for lang in LANGUAGES:
                    where = "" if lang == "en" else f"{lang}/"
                    site_path = f"figures/experiments/{o.name}/{where}{spec.name}.svg"
                    out[site_path] = target / f"{where}{spec.name}.svg"
                    self.report_figures[f"{o.name}/{spec.name}/{lang}"] = Path(site_path)
            for name, number in report.experiment_numbers(o).items():
                self.exp_values[f"exp.{o.name}.{name}"] = str(number)
                self.exp_about[f"exp.{o.name}.{name}"] = number.about
        return out

    # ------------------------------------------------------------------- each page

    def question_for(self, src: str) -> Any | None:
        """The question whose page is `src` (relative to docs/; a Chinese twin too), or None."""
        src = re.sub(r"\.zh\.md$", ".md", src)
        return next((q for q in self.questions if q.page == src), None)

    def page_markdown(self, src: str, markdown: str, lang: str = "en") -> str:
        """The page, in language `lang`, with every marker expanded and every number filled."""
        q = self.question_for(src)
        src = re.sub(r"\.zh\.md$", ".md", src)  # a twin shares its original's links and role
        has_note = bool(numbers.COMPUTED.search(markdown))

        def expand(match: re.Match[str]) -> str | None:
            name, arg = match.group(1), match.group(2)
            try:
                return self._marker(name, arg, q, src, lang)
            except (markers.MarkerError, MissingNumberError) as exc:
                self.warn(f"{src}: {exc}")
                return ""

        markdown = markers.replace_markers(markdown, expand)
        values, about = dict(self.exp_values), dict(self.exp_about)
        if q is not None and q.slug in self.runs:
            values.update(self.runs[q.slug].plain())
            about.update(self.runs[q.slug].about())
        markdown, problems = numbers.fill_page(markdown, values, about, has_note=has_note)
        for problem in problems:
            self.warn(f"{src}: {problem}")
        return markdown

    def _marker(self, name: str, arg: str | None, q: Any | None, src: str, lang: str) -> str:
        here = posixpath.dirname(src) or "."
        if name == "question-table":
            return markers.question_table(self.questions, src, lang)
        if name == "report":
            if src != self.report_page:
                raise markers.MarkerError("'dl500:report' belongs on the report page")
            return report.render(
                self.outcomes,
                figure=lambda o, spec: self._report_figure(o, spec, here, lang),
                page_link=lambda qid: self._page_link(qid, here, lang),
                lang=lang,
            )
        if name not in (*markers.QUESTION_MARKERS, "figure", "computed", "experiments"):
            raise markers.MarkerError(f"unknown marker 'dl500:{name}'")
        if q is None:
            raise markers.MarkerError(f"marker 'dl500:{name}' belongs on a question's page")
        if name == "figure":
            return self._figure(q, arg or "", here, lang)
        if name == "computed":
            return numbers.computed_note(self.runs[q.slug], lang)
        if name == "experiments":
            if not self.report_page:
                raise markers.MarkerError("'dl500:experiments' needs a report page")
            href = posixpath.relpath(self.report_page, here)
            return report.experiment_links(q.id, self.outcomes, href, lang)
        return markers.QUESTION_MARKERS[name](q, lang)

    def _figure(self, q: Any, name: str, here: str, lang: str) -> str:
        fig = self.figures.get((q.slug, lang), {}).get(name)
        if fig is None:
            known = ", ".join(self.figures.get((q.slug, "en"), {})) or "none"
            raise markers.MarkerError(f"no figure {name!r} in {q.module}.FIGURES (it has: {known})")
        if not fig.alt.strip() or not fig.caption.strip():
            raise markers.MarkerError(
                f"figure {name!r} has no {lang} alt text or caption ([figures_{lang}.{name}])"
            )
        values = self.runs[q.slug].plain()
        return figures.figure_html(fig, posixpath.relpath(fig.site_path, here), values)

    def _report_figure(self, outcome: Any, spec: Any, here: str, lang: str) -> str:
        site_path = self.report_figures[f"{outcome.name}/{spec.name}/{lang}"].as_posix()
        alt, caption = spec.alt, spec.caption
        if lang != "en":
            alt, caption = getattr(spec, f"alt_{lang}", ""), getattr(spec, f"caption_{lang}", "")
            if not alt.strip() or not caption.strip():
                self.warn(f"experiment {outcome.name}: figure {spec.name!r} has no {lang} text")
        fig = figures.Rendered(
            outcome.name, outcome.name, spec.name, Path(site_path), alt, caption, lang
        )
        return figures.figure_html(
            fig,
            posixpath.relpath(site_path, here),
            plain(report.experiment_numbers(outcome)),
            command=f"dl500 reproduce {outcome.name}",
            ident=f"figure-{outcome.name}-{spec.name}",
        )

    def _page_link(self, question_id: str, here: str, lang: str = "en") -> tuple[str, str] | None:
        q = next((q for q in self.questions if q.id == question_id), None)
        if q is None or not (self.docs / q.page).is_file():
            return None
        return f"{q.id} {q.title if lang == 'en' else q.title_zh}", posixpath.relpath(q.page, here)

    def page_output(self, html: str) -> str:
        """The whole HTML page, as written: without `<link rel="alternate" hreflang>` tags.

        mkdocs-static-i18n points them at the page's twin, and Material's script then fetches
        `sitemap.xml` beside each one: a failed request, logged on every page. The language
        switch in the header has the same links and needs no script.
        """
        return _ALTERNATE_LINK.sub("", html)

    def page_html(self, html: str) -> str:
        """The rendered page, its source listings left out of search."""
        return reference.exclude_sources_from_search(html)
