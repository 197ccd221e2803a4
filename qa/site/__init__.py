"""The site's builders: Markdown and HTML made from the registry, the runs and the experiments.

MkDocs calls one thin adapter, `docs/hooks/dl500.py`; everything it does is here, in functions
that take the questions, the cached runs and the page's Markdown and return text, and are tested
without MkDocs:

- `nav` — the nav and the check that every registered question has its module, data and page;
- `markers` — the `<!-- dl500:NAME -->` page markers: question metadata, the interview answer,
  the cards, the home page's question table;
- `figures` — each answer module's figures, drawn in a fresh process (`draw`) into a cache keyed
  by `qa.cache`, with the numbers and the machine of the run that drew them;
- `notebooks` — each answer's demonstration as a Jupyter notebook (English and Chinese), made
  from its module and data file, for download from its page;
- `numbers` — the `{{ run.NAME }}` number markers and the "Computed by this build" note;
- `report` — the reproducibility report from the experiments' cached full runs;
- `reference` — the API reference pages of the engine;
- `twins` — the check that every Chinese page and text is a whole twin of the English;
- `mathjax` — MathJax served from the site itself;
- `build` — one build's state and the page pipeline that puts these together.

This package sits above the answers and the experiments (it renders them) and below the CLI.
"""
