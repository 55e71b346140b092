"""Issue 11's speed targets, over several runs: is corskit's ASGI overhead within them in every run, or only in some?

    .venv/bin/python bench/targets.py [--runs 5] [--quick] [--docs]     # about 30 s a run

One run of ``bench/middleware.py --stacks asgi`` gives each ratio (corskit's overhead over Starlette's) from one
process; a ratio moves by a few hundredths from one process to the next (where the interpreter's objects land in
memory, the VM's speed). This script makes *--runs* such runs, each in a fresh process, one after the other, and
gives each case's ratio as the median over the runs and its range, against the targets: warm ≤ 0.25×, cold ≤ 0.35×
(a ratio compared as the table shows it, to two decimals).

``--docs`` writes the table into docs/server.md (between its ``bench:targets`` markers).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._docs import replace_block  # noqa: E402
from bench.middleware import CASES  # noqa: E402

TARGETS = {False: 0.25, True: 0.35}  # warm, cold
Figures = list[dict[str, Any]]  # one run's, as bench/middleware.py --json writes them


def one_run(quick: bool) -> Figures:
    """The ASGI figures of one ``bench/middleware.py`` run, in a process of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        command = [sys.executable, str(ROOT / "bench" / "middleware.py"), "--stacks", "asgi", "--json", str(out)]
        done = subprocess.run([*command, *(["--quick"] if quick else [])], stdout=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            raise SystemExit(f"bench/middleware.py failed (exit status {done.returncode}); its error is above")
        figures: Figures = json.loads(out.read_text())
        return figures


def verdict(ratios: list[float], target: float) -> str:
    """Whether the ratios are within *target*, as the table shows them (two decimals)."""
    shown = [round(r, 2) for r in ratios]
    if max(shown) <= target:
        return "met in every run"
    met = sum(r <= target for r in shown)
    return f"met in {met} of {len(shown)} runs" if met else "not met"


def _ratios(runs: list[Figures], case: str, cold: bool) -> list[float]:
    return [float(f["ratio"]) for figures in runs for f in figures if f["case"] == case and f["cold"] is cold]


def summary(runs: list[Figures]) -> str:
    """One sentence: whether the medians meet every target, the worst median and the worst single run."""
    parts = []
    for cold, label in ((False, "warm"), (True, "cold")):
        per_case = [_ratios(runs, case.name, cold) for case in CASES]
        medians = [round(statistics.median(r), 2) for r in per_case]
        worst = max(round(max(r), 2) for r in per_case)
        met = "within" if max(medians) <= TARGETS[cold] else "above"
        parts.append(
            f"{label}, every median is {met} {TARGETS[cold]:.2f}× (medians at most {max(medians):.2f}×, single runs"
            f" at most {worst:.2f}×)"
        )
    return f"Over {len(runs)} runs: " + "; ".join(parts) + "."


def render(runs: list[Figures]) -> str:
    lines = [
        "| case | warm: median | range | ≤ 0.25× | cold: median | range | ≤ 0.35× |",
        "|---|---:|---:|---|---:|---:|---|",
    ]
    for case in CASES:
        cells = [case.name]
        for cold in (False, True):
            ratios = _ratios(runs, case.name, cold)
            cells += [f"{statistics.median(ratios):.2f}×", f"{min(ratios):.2f}–{max(ratios):.2f}×"]
            cells.append(verdict(ratios, TARGETS[cold]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", summary(runs)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="how many runs, each in a fresh process (default 5)")
    parser.add_argument("--quick", action="store_true", help="quick runs (noisier)")
    parser.add_argument("--docs", action="store_true", help="write the table into docs/server.md")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    runs = []
    for n in range(1, args.runs + 1):
        print(f"[{n}/{args.runs}] bench/middleware.py --stacks asgi", file=sys.stderr, flush=True)
        runs.append(one_run(args.quick))
    python = f"CPython {sys.version.split()[0]}"
    table = (
        f"`python bench/targets.py`: {python}, ASGI, corskit's overhead over Starlette's, over {len(runs)} runs of"
        " `bench/middleware.py --stacks asgi`, each in a fresh process:\n\n" + render(runs)
    )
    print(table)
    if args.docs:
        replace_block(ROOT / "docs" / "server.md", "<!-- bench:targets -->", "<!-- /bench:targets -->", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
