# Everything runs inside .venv, which these targets create on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test conformance bench lint typecheck clean docs-images peer-suites

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per set of extras, rebuilt when pyproject.toml changes.
$(VENV)/.cli: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[cli]'
	@touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.cli

$(VENV)/.bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	@touch $@ $(VENV)/.test $(VENV)/.cli

demo: $(VENV)/.cli
	$(BIN)/corskit demo

lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench examples scripts
	$(BIN)/ruff format --check src tests bench examples scripts

typecheck: $(VENV)/.test
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

conformance: $(VENV)/.test
	$(BIN)/python -m tests.conformance

# The pictures in docs/images: the README's diagram and the playground's screenshots (these need Chromium).
docs-images: $(VENV)/.test
	$(BIN)/python scripts/docs_images.py

bench: $(VENV)/.bench
	$(BIN)/python bench/middleware.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The peers' own CORS test suites with corskit swapped in (downloads them once into build/; not part of make test).
peer-suites:
	$(PYTHON) bench/peer_suites.py
