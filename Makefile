# Everything runs inside .venv, which these targets create on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test conformance bench lint typecheck clean docs-images fuzz load soak

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

$(VENV)/.fuzz: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,fuzz]'
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

# Coverage-guided fuzzing (atheris) of the parsers, Policy decisions and the scenario loader, for FUZZ_SECONDS.
# The corpus it grows is kept in .fuzz/corpus; a crash is saved as .fuzz/crash-* with the input that caused it.
# (The hypothesis fuzz tests in tests/fuzz run in `make test`; CORSKIT_FUZZ=long pytest tests/fuzz tries harder.)
FUZZ_SECONDS ?= 60
fuzz: $(VENV)/.fuzz
	@mkdir -p .fuzz/corpus
	$(BIN)/python -m tests.fuzz.atheris_target -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=.fuzz/ \
		.fuzz/corpus tests/fuzz/seeds

# Real servers (uvicorn, waitress) under wrk: bare app, the peers' middleware, corskit's; exits 1 on any error.
load: $(VENV)/.bench
	$(BIN)/python bench/load.py run

# One minute of never-seen origins (100,000 in rotation) against corskit; prints the server's RSS before and after.
soak: $(VENV)/.bench
	$(BIN)/python bench/load.py soak --seconds 60 --origins 100000

bench: $(VENV)/.bench
	$(BIN)/python bench/middleware.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .fuzz
