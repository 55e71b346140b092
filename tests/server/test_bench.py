"""bench/middleware.py still runs (a tiny budget; the figures themselves come from ``make bench``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

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


def test_bench_runs_every_stack_case_and_temperature(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bench: Any = load_bench()
    monkeypatch.setattr(bench, "CASES", [bench.CASES[0], bench.CASES[4], bench.CASES[-1]])
    from django.test import override_settings

    with override_settings():  # the bench sets Django settings; keep them out of other tests
        figures = bench.run(stacks=["asgi", "wsgi", "django"], rounds=1, batch=0.0005, progress=False)
    assert {(f.stack, f.case, f.cold) for f in figures} == {
        (stack, case.name, cold)
        for stack in ("asgi", "wsgi", "django")
        for case in bench.CASES
        for cold in (False, True)
    }
    report = bench.render(figures)
    assert "| subdomain pattern |" in report
    assert "Starlette's warm" in report
    docs = tmp_path / "doc.md"
    docs.write_text("before\n<!-- bench:middleware -->\nold\n<!-- /bench:middleware -->\nafter\n")
    bench.write_between_markers(docs, report)
    assert docs.read_text() == f"before\n<!-- bench:middleware -->\n{report}<!-- /bench:middleware -->\nafter\n"


def test_an_overhead_within_its_noise_is_reported_as_noise() -> None:
    bench: Any = load_bench()
    figures = [
        bench.Figure("wsgi", "1 exact origin", False, 60.0, 40.0, 5.0, 0.12, 1.0),
        bench.Figure("wsgi", "1 exact origin", True, 60.0, 20.0, 4.0, 0.2, 1.0),
        bench.Figure("wsgi", "10,000 exact origins", False, 60.0, 3000.0, -1.5, -0.0005, 2.0),
        bench.Figure("wsgi", "10,000 exact origins", True, 60.0, 3000.0, 2.5, 0.001, 2.0),
        bench.Figure("wsgi", "preflight, exact origin", False, 60.0, 30.0, -50.0, -1.6, 3.0),
        bench.Figure("wsgi", "preflight, exact origin", True, 60.0, 30.0, -52.0, -1.7, 3.0),
    ]
    report = bench.render(figures)
    assert "| 10,000 exact origins | 3000.00 | ±2.00 | in the noise | 3000.00 | 2.50 | 0.00× |" in report
    assert "| preflight, exact origin | 30.00 | -50.00 | faster than bare |" in report
    assert "10,000 exact origins cost less than its noise (2.00 µs), 1 costs 5.00 µs" in report
    assert "at most 0.12× flask-cors's warm and 0.20× cold" in report


def test_cold_calls_never_repeat_an_origin() -> None:
    bench: Any = load_bench()
    case = bench.CASES[4]
    cold = bench.Origins(case, cold=True)
    seen = [cold.next() for _ in range(1000)]
    assert len(set(seen)) == 1000
    assert all(o.endswith(".app.example.com") for o in seen)
    warm = bench.Origins(case, cold=False)
    assert {warm.next() for _ in range(10)} == {case.warm}


def test_docs_quote_one_run_of_every_stack() -> None:
    # docs/server.md is the one place the figures are quoted; README links to it and quotes none.
    root = Path(__file__).resolve().parents[2]
    docs = (root / "docs" / "server.md").read_text(encoding="utf-8")
    quoted = docs.split("<!-- bench:middleware -->\n", 1)[1].split("<!-- /bench:middleware -->", 1)[0]
    for label, peer in (("ASGI", "Starlette"), ("WSGI", "flask-cors"), ("Django", "django-cors-headers")):
        assert f"| case | {peer} warm | corskit warm | ratio | {peer} cold | corskit cold | ratio |" in quoted
        assert f"{label}: corskit's overhead is at most" in quoted
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "docs/server.md#performance" in readme
    assert "corskit warm" not in readme


def test_the_floor_bench_times_each_step_and_corskit(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("bench_floor", root / "bench" / "floor.py")
    assert spec is not None
    assert spec.loader is not None
    floor: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    assert floor.main(["--quick"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    names = [*(name for name, _ in floor.STEPS), "corskit.asgi", *(name for name, _ in floor.REFUSAL_STEPS)]
    assert [row.split(" | ")[0] for row in rows] == [f"| {name}" for name in [*names, "corskit.asgi"]]
    assert all(row.endswith("× |") for row in rows)
    docs = (root / "docs" / "server.md").read_text(encoding="utf-8")
    assert "<!-- bench:floor -->\n`python bench/floor.py`" in docs


def _load(name: str) -> Any:
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(f"bench_{name}", root / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_targets_table_gives_each_ratio_over_runs_against_its_target() -> None:
    targets = _load("targets")
    assert targets.verdict([0.2503, 0.24], 0.25) == "met in every run"  # (as the table shows it: 0.25)
    assert targets.verdict([0.26, 0.25, 0.27], 0.25) == "met in 1 of 3 runs"
    assert targets.verdict([0.26, 0.27], 0.25) == "not met"

    def run(warm: float, cold: float) -> list[dict[str, object]]:
        return [
            {"case": case.name, "cold": is_cold, "ratio": cold if is_cold else warm}
            for case in targets.CASES
            for is_cold in (False, True)
        ]

    table = targets.render([run(0.24, 0.30), run(0.26, 0.36), run(0.23, 0.33)])
    rows = [line for line in table.splitlines()[2:] if line.startswith("| ")]
    assert len(rows) == len(targets.CASES)
    assert rows[0] == (
        "| 1 exact origin | 0.24× | 0.23–0.26× | met in 2 of 3 runs | 0.33× | 0.30–0.36× | met in 2 of 3 runs |"
    )
    assert table.endswith(
        "Over 3 runs: warm, every median is within 0.25× (medians at most 0.24×, single runs at most 0.26×); cold,"
        " every median is within 0.35× (medians at most 0.33×, single runs at most 0.36×)."
    )
    assert "cold, every median is above 0.35× (medians at most 0.36×," in targets.render([run(0.2, 0.36)])


def test_the_docs_quote_the_targets_table() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "server.md").read_text(encoding="utf-8")
    quoted = docs.split("<!-- bench:targets -->\n", 1)[1].split("<!-- /bench:targets -->", 1)[0]
    assert quoted.startswith("`python bench/targets.py`: CPython")
    assert "| case | warm: median | range | ≤ 0.25× | cold: median | range | ≤ 0.35× |" in quoted
