# Two commands for a newcomer: `make demo` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAMPLES := $(wildcard examples/*/pyproject.toml)

.PHONY: all demo test lint typecheck pytest bench clean

all: test

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "jcm needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml $(EXAMPLES)
	$(BIN)/python -m pip install --quiet -e '.[dev,plot]'
	@for p in $(dir $(EXAMPLES)); do echo "installing example $$p"; $(BIN)/python -m pip install --quiet -e $$p; done
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/jcm demo --db demo-out/jcm-demo.sqlite --plot demo-out/jcm-demo.png

lint: $(STAMP)
	$(BIN)/ruff check jcm tests examples benchmarks
	$(BIN)/ruff format --check jcm tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict jcm

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/methodologies.py
	$(BIN)/python benchmarks/registry.py

clean:
	rm -rf $(VENV) demo-out build dist
