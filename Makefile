# dl500-rnn — every target bootstraps .venv from pyproject.toml on a fresh machine
# (only Python 3.11+ needed) and is quick when the venv is already current.
#
#   make site    build the static site into site/ (strict)
#   make test    build the site, then run every test (unit, doctests, gradient checks, browser)
#   make bench   speed benchmarks (engine vs PyTorch, site build, quiz start-up)
#   make lint    ruff
#   make serve   live preview on http://127.0.0.1:8000

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
export MPLBACKEND := Agg
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: site test bench lint serve clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dl500-rnn needs Python 3.11 or newer; found " + sys.version.split()[0] + " (set PYTHON=...)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[docs,dev]'
	@touch $@

site: $(STAMP)
	$(PY) -m mkdocs build --strict --clean

test: site
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check qa tests bench tools docs
	$(PY) -m ruff format --check qa tests bench tools docs

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[docs,dev,bench]' \
		|| echo "note: PyTorch could not be installed; the benchmark runs NumPy-only"
	@touch $@

bench: $(BENCH_STAMP)
	$(PY) bench/run.py

serve: $(STAMP)
	$(PY) -m mkdocs serve --livereload

clean:
	rm -rf site .cache .pytest_cache
