"""``python -m tests.conformance`` (``make conformance``): the real browsers judge the engine on the whole corpus.

Every scenario is played in every engine's real browser (Chromium, Firefox, WebKit; in parallel) and compared with
``corskit explain --browser ENGINE --json``. Prints, per engine, its version and a passed/failed table per
category, each difference (``-`` browser, ``+`` engine), and as its last line ``N passed, M failed`` over all
engines. Exit status 0 only when nothing failed. A browser that is not installed is skipped with the reason,
unless its ``CORSKIT_REQUIRE_<ENGINE>`` variable is set (then it fails).

    python -m tests.conformance                          # every engine, every scenario
    python -m tests.conformance --browser firefox --category redirects -k taint
    python -m tests.conformance --browser firefox --observe   # the browser's results as JSON, no engine needed
    python -m tests.conformance --record DIR             # store observations as DIR/<engine>-<major>.json
    python -m tests.conformance --file probe.json        # a scenario list of your own instead of the corpus
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from . import compare, harness
from .cases import CORPUS_DIR, Case, load
from .judges import ENGINES, Observation, require_env, required


def _select(args: argparse.Namespace) -> list[Case]:
    if args.file:
        cases = [Case(Path(f).stem, s["name"], s) for f in args.file for s in json.loads(Path(f).read_text())]
    else:
        cases = load(Path(args.corpus))
    if args.category:
        cases = [c for c in cases if c.category in args.category]
    if args.k:
        cases = [c for c in cases if any(k in c.name for k in args.k)]
    return cases


def _item(o: Observation, *, raw: bool) -> dict[str, Any]:
    """An observation for people: the comparable projection plus the browser's own codes; everything with *raw*."""
    item = o.to_json()
    if not raw:
        item["result"] = compare.project(o.result, o.scenario, observed=True)
        item["browser"] = {k: v for k, v in o.raw.items() if k not in ("console", "wire", "fetch", "elapsed_ms")}
        del item["raw"]
    return item


def record_stem(engine: str, version: str) -> str:
    """``chromium-156``, ``firefox-153``; WebKitGTK by its major.minor (its major has been 2 for a decade):
    ``webkitgtk-2.50``."""
    if engine == "webkit":
        return "webkitgtk-" + ".".join(version.split(".")[:2])
    return f"{engine}-{version.split('.')[0]}"


def _record(directory: Path, run: harness.Run, raw: bool) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{record_stem(run.engine, run.version)}.json"
    items = ",\n".join(json.dumps(_item(o, raw=raw), ensure_ascii=False) for o in run.observations)
    path.write_text(
        f'{{"{run.engine}": {json.dumps(run.version)},\n "observations": [\n{items}\n]}}\n', encoding="utf-8"
    )
    return path


def _report(run: harness.Run, engine: harness.Engine, allowlist: harness.Allowlist) -> tuple[int, int]:
    """Print one engine's table and differences; (passed, failed)."""
    verdicts = [harness.judge(o, engine, allowlist, run.compared) for o in run.observations]
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for v in verdicts:
        (passed if v.passed else failed)[v.observation.category] += 1
    categories = sorted(set(passed) | set(failed))
    width = max((len(c) for c in categories), default=8)
    print(f"\n{'category'.ljust(width)}  passed  failed")
    for c in categories:
        print(f"{c.ljust(width)}  {passed[c]:6d}  {failed[c]:6d}")
    allowed = [v for v in verdicts if v.differences and v.allowed_reason]
    if allowed:
        print(f"\n{len(allowed)} allow-listed difference(s): " + ", ".join(v.observation.name for v in allowed))
    for v in verdicts:
        if not v.passed:
            print(f"\nFAIL {run.engine} {v.observation.category}/{v.observation.name}")
            print("\n".join(v.differences))
    return sum(passed.values()), sum(failed.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance", description=__doc__.splitlines()[0])
    parser.add_argument("--browser", choices=[*ENGINES, "all"], default="all", help="engine(s) to judge (all)")
    parser.add_argument("--category", action="append", help="only this category (repeatable)")
    parser.add_argument("-k", action="append", help="only scenarios whose name contains this (repeatable)")
    parser.add_argument("--observe", action="store_true", help="print the browsers' observations as JSON lines")
    parser.add_argument("--record", metavar="DIR", help="also store the observations as DIR/<engine>-<major>.json")
    parser.add_argument("--raw", action="store_true", help="keep raw console/wire data in --observe/--record")
    parser.add_argument("--file", action="append", help="run the scenario list in FILE instead of the corpus")
    parser.add_argument("--corpus", default=str(CORPUS_DIR), help="corpus directory (default: %(default)s)")
    args = parser.parse_args(argv)

    cases = _select(args)
    if not cases:
        print("no scenario selected", file=sys.stderr)
        return 2
    engines = list(ENGINES) if args.browser == "all" else [args.browser]
    started = time.monotonic()
    runs = harness.observe_all(engines, cases)
    print(f"{len(cases)} scenarios x {len(engines)} engine(s) in {time.monotonic() - started:.1f}s", file=sys.stderr)

    allowlist = harness.load_allowlist()
    total_pass = total_fail = 0
    for engine, run in runs.items():
        if run.crashed or run.unavailable:
            why = run.crashed or run.unavailable
            fails = bool(run.crashed) or required(engine)
            status = "FAILED" if fails else f"skipped (set {require_env(engine)}=1 to fail instead)"
            print(f"\n== {engine}: {status}: {why}")
            total_fail += len(cases) if fails else 0
            continue
        if args.record:
            print(f"recorded {_record(Path(args.record), run, args.raw)}", file=sys.stderr)
        if args.observe:
            for o in run.observations:
                print(json.dumps(_item(o, raw=args.raw), ensure_ascii=False))
            continue
        print(f"\n== {engine} {run.version}: {len(run.observations)} scenarios in {run.seconds:.1f}s")
        engine_fn = harness.load_engine(engine)
        if engine_fn is None:
            print("the engine has no corskit.tools.scenario.evaluate: nothing to compare (use --observe)")
            return 1
        n_pass, n_fail = _report(run, engine_fn, allowlist)
        print(f"{engine}: {n_pass} passed, {n_fail} failed")
        total_pass += n_pass
        total_fail += n_fail
    if args.observe:
        return 1 if total_fail else 0
    print(f"\n{total_pass} passed, {total_fail} failed")
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
