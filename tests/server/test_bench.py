"""bench/middleware.py still runs (a tiny budget; the figures themselves come from ``make bench``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("flask_cors", reason="bench tools not installed (make bench, or pip install --group bench)")
pytest.importorskip("corsheaders", reason="bench tools not installed (make bench, or pip install --group bench)")


def load_bench() -> object:
    path = Path(__file__).resolve().parents[2] / "bench" / "middleware.py"
    spec = importlib.util.spec_from_file_location("bench_middleware", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_runs_every_stack_and_case(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_bench()
    monkeypatch.setattr(bench, "CASES", [bench.CASES[0], bench.CASES[1], bench.CASES[2]])  # type: ignore[attr-defined]
    from django.test import override_settings

    with override_settings():  # the bench sets Django settings; keep them out of other tests
        rows = bench.run(budget=0.001, repeats=1, stacks={"asgi", "wsgi", "django"})  # type: ignore[attr-defined]
    assert {(r.stack, r.case) for r in rows} == {
        (stack, case.name)
        for stack in ("ASGI", "Flask", "Django")
        for case in bench.CASES  # type: ignore[attr-defined]
    }
    table = bench.render(rows)  # type: ignore[attr-defined]
    assert "| ASGI | simple allowed |" in table
