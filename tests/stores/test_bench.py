"""bench/stores.py still runs and measures every row (a tiny budget; the figures come from ``make bench``)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from tests._redis import unavailable


def test_bench_measures_every_row() -> None:
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed: bench/stores.py would skip its Redis rows")
    path = Path(__file__).resolve().parents[2] / "bench" / "stores.py"
    spec = importlib.util.spec_from_file_location("bench_stores", path)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    rows = bench.run(batch=20, rounds=1, rate=200.0, misses=5)
    cases = {(r.kind, r.case) for r in rows}
    for kind in ("sync", "async", "ASGI"):
        assert (kind, "Redis store, warm, invalidations") in cases
    assert ("async", "Redis store, never-seen origin") in cases
    assert all(r.ns > 0 and r.ratio is not None for r in rows)
    assert "| ASGI | Redis store, warm |" in bench.render(rows)
