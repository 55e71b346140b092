# Everything runs inside .venv, which these targets create on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test conformance bench lint typecheck clean docs-images package

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per set of extras and dependency groups, rebuilt when pyproject.toml changes. Users' extras: cli,
# testing, redis; the project's own tooling: the dev and bench groups (never published).
$(VENV)/.cli: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[cli]'
	@touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[cli,testing,redis]' --group dev
	@touch $@ $(VENV)/.cli

$(VENV)/.bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[cli,testing,redis]' --group bench
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
	$(BIN)/python bench/stores.py

# Build the sdist and wheel, check their metadata (twine check --strict), install the wheel into fresh venvs and
# use it as a user would: the core alone, then the testing and cli extras (scripts/smoke_wheel.sh).
package: $(VENV)/.test
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist . >/dev/null
	$(BIN)/twine check --strict dist/*
	bash scripts/smoke_wheel.sh $(PYTHON) dist

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist
