# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Each stamp records that the package is installed with those extras.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$*]"
	touch $@

demo: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/tutorial_blobs.py

test: $(VENV)/.installed-test
	$(BIN)/python -m ruff check sklearn_greedy tests benchmarks docs
	$(BIN)/python -m ruff format --check sklearn_greedy tests benchmarks docs
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_speed.py

# Warnings are errors: a broken reference or docstring fails the build.
docs: $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) build *.egg-info docs/_build docs/generated docs/auto_examples
