"""The coverage-guided target (``make fuzz``) replays its seeds cleanly, so a broken target fails here, not in a
long fuzzing run. Needs atheris (the ``fuzz`` dependency group, which make fuzz installs); skipped without it,
unless CORSKIT_REQUIRE_ATHERIS=1 (.ci/run runs make fuzz, then sets it)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

if importlib.util.find_spec("atheris") is None:
    _REASON = "atheris is not installed: make fuzz installs it (the fuzz dependency group)"
    if os.environ.get("CORSKIT_REQUIRE_ATHERIS", "") not in ("", "0"):
        pytest.fail(f"{_REASON} (CORSKIT_REQUIRE_ATHERIS=1 makes this a failure)", pytrace=False)
    pytest.skip(_REASON, allow_module_level=True)

from tests.fuzz import atheris_target

SEEDS = sorted((Path(__file__).parent / "seeds").iterdir())


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
def test_each_seed_runs_through_the_target(seed: Path) -> None:
    data = seed.read_bytes()
    atheris_target.test_one_input(data)
    for cut in range(0, len(data), max(1, len(data) // 7)):  # and truncated: the target must be total
        atheris_target.test_one_input(data[:cut])
