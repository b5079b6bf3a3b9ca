# The README's two commands. Each one sets up .venv/ from scratch if needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test setup setup-dev lint bench clean

run: setup                 ## install, then analyse seeds/ and print the report
	$(BIN)/comparator run seeds

test: setup-dev            ## install with dev tools, then lint, type-check and run every test
	$(BIN)/ruff check comparator tests benchmarks
	$(BIN)/ruff format --check comparator tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

lint: setup-dev
	$(BIN)/ruff check comparator tests benchmarks && $(BIN)/mypy

bench: setup               ## speed figures (see benchmarks/README.md)
	$(BIN)/comparator bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
