"""How hard the fuzz tests try: ``quick`` by default (the whole of tests/fuzz in a few seconds, for ``make test``),
``long`` with ``CORSKIT_FUZZ=long`` (e.g. ``CORSKIT_FUZZ=long pytest tests/fuzz``, minutes, before a release).

Examples are random (a fuzz test that always tries the same inputs finds nothing new), so a failure prints the
reproducing blob (``@reproduce_failure``) and is kept in ``.hypothesis/`` to be replayed first next time.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

LEVEL = os.environ.get("CORSKIT_FUZZ", "quick")
if LEVEL not in ("quick", "long"):
    raise RuntimeError(f"CORSKIT_FUZZ={LEVEL!r}: use 'quick' (the default) or 'long'")

_COMMON = {
    "deadline": None,  # time is checked by the linearity tests, with ratios, not per example
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}


def fuzz(quick: int, long: int = 5000) -> settings:
    """Settings for a fuzz test: *quick* examples by default, *long* under ``CORSKIT_FUZZ=long``."""
    return settings(max_examples=quick if LEVEL == "quick" else long, **_COMMON)  # type: ignore[arg-type]


#: How much bigger the inputs of the linearity tests get under ``long`` (more sizes, bigger n).
SCALE = 1 if LEVEL == "quick" else 4
