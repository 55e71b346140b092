# Everything runs inside .venv, which these targets create on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-oldest conformance bench lint typecheck clean docs-images package fuzz load soak peer-suites

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

$(VENV)/.fuzz: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[cli,testing,redis]' --group fuzz
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

# The oldest Python corskit supports (3.10, from pyenv when the machine has it), in a venv of its own: the tests
# of the server side, the spec primitives and the stores, where the code differs by version (the matcher's regexes
# are written with possessive quantifiers only from 3.11; urlsplit checks less on 3.10).
OLDEST ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10))
test-oldest:
	@if [ -z "$(OLDEST)" ]; then echo "test-oldest: no Python 3.10 here (set OLDEST=/path/to/python3.10)"; else \
	$(MAKE) --no-print-directory .venv-oldest/.test && \
	.venv-oldest/bin/python -m pytest -q -p no:cacheprovider tests/server tests/spec tests/stores; fi

.venv-oldest/.test: pyproject.toml
	[ -x .venv-oldest/bin/python ] || $(OLDEST) -m venv .venv-oldest
	.venv-oldest/bin/python -m pip install --quiet --upgrade pip
	.venv-oldest/bin/pip install --quiet -e '.[cli,testing,redis]' --group dev
	@touch $@

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
	$(BIN)/python bench/floor.py
	$(BIN)/python bench/targets.py
	$(BIN)/python bench/stores.py

# Build the sdist and wheel, check their metadata (twine check --strict), install the wheel into fresh venvs and
# use it as a user would: the core alone, then the testing and cli extras (scripts/smoke_wheel.sh).
package: $(VENV)/.test
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist . >/dev/null
	$(BIN)/twine check --strict dist/*
	bash scripts/smoke_wheel.sh $(PYTHON) dist

clean:
	rm -rf $(VENV) .venv-oldest .pytest_cache .mypy_cache .ruff_cache dist .fuzz

# The peers' own CORS test suites with corskit swapped in (downloads them once into build/; not part of make test).
peer-suites:
	$(PYTHON) bench/peer_suites.py
