"""`dl500 quiz`: spaced-repetition rehearsal of the self-check cards, in the terminal.

The cards live next to each answer, in `qa/answers/<slug>.toml` (see docs/contributing.md);
the site's "Check yourself" section renders the same cards. Modules:

- `bank` — load and validate the cards (standard library only; numeric solvers are imported
  only when a numeric card is drawn).
- `answers` — parse what a learner types: numbers, choices, true/false, grades.
- `store` — the progress database (SQLite): card states and an append-only review log.
- `schedule` — a thin layer over the FSRS scheduler of the `fsrs` package.
- `term` — terminal output: plain text from Markdown, marks that do not rely on colour.
- `session` — the question-and-answer loop.
- `stats`, `export` — reports and exports built from the review log.
- `cli` — the `quiz`, `due`, `stats`, `undo`, `export` and `settings` commands.

`due` must start fast, so `cli`, `bank`, `store` and `answers` import only the standard library.
"""
