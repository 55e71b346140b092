"""``python -m tests.conformance`` (``make conformance``): Chromium judges the engine on the whole corpus.

Prints the Chromium version, a passed/failed table per category, each difference (``-`` Chromium, ``+`` engine),
and as its last line ``N passed, M failed``. Exit status 0 only when nothing failed.

    python -m tests.conformance                         # everything
    python -m tests.conformance --category redirects -k taint
    python -m tests.conformance --observe               # Chromium's results as JSON, no engine needed
    python -m tests.conformance --record observed.json  # store the observations (with the Chromium version)
    python -m tests.conformance --file probe.json       # a scenario list of your own instead of the corpus
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests._chromium import ChromiumUnavailable, chromium_required, launch_chromium

from . import compare, harness
from .cases import CORPUS_DIR, Case, load
from .runner import Observation


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
    """An observation for people: the comparable projection plus DevTools' codes; everything with *raw*."""
    item = o.to_json()
    if not raw:
        item["result"] = compare.project(o.result, o.scenario, chromium=True)
        item["devtools"] = {k: o.raw[k] for k in ("cors_error", "failed_parameter", "net_error", "blocked_reason")}
        del item["raw"]
    return item


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance", description=__doc__.splitlines()[0])
    parser.add_argument("--category", action="append", help="only this category (repeatable)")
    parser.add_argument("-k", action="append", help="only scenarios whose name contains this (repeatable)")
    parser.add_argument("--observe", action="store_true", help="print Chromium's observations as JSON, no comparison")
    parser.add_argument("--record", metavar="FILE", help="also store the observations as JSON")
    parser.add_argument("--raw", action="store_true", help="keep raw console/wire/DevTools data in --observe/--record")
    parser.add_argument("--file", action="append", help="run the scenario list in FILE instead of the corpus")
    parser.add_argument("--corpus", default=str(CORPUS_DIR), help="corpus directory (default: %(default)s)")
    args = parser.parse_args(argv)

    cases = _select(args)
    if not cases:
        print("no scenario selected", file=sys.stderr)
        return 2
    engine = None if args.observe else harness.load_engine()
    started = time.monotonic()
    try:
        with launch_chromium() as browser:
            version = browser.version
            observations = list(harness.observe(browser, cases))
    except ChromiumUnavailable as err:
        print(f"conformance: {err}", file=sys.stderr)
        if chromium_required():
            return 1
        print("0 passed, 0 failed (skipped: no Chromium)")
        return 0
    elapsed = time.monotonic() - started

    if args.record:
        items = ",\n".join(json.dumps(_item(o, raw=args.raw), ensure_ascii=False) for o in observations)
        text = f'{{"chromium": {json.dumps(version)},\n "observations": [\n{items}\n]}}\n'
        Path(args.record).write_text(text, encoding="utf-8")
    if args.observe:
        for o in observations:
            print(json.dumps(_item(o, raw=args.raw), ensure_ascii=False))
        print(f"Chromium {version}: {len(observations)} scenarios observed in {elapsed:.1f}s", file=sys.stderr)
        return 0

    print(f"Chromium {version}; {len(observations)} scenarios in {elapsed:.1f}s")
    if engine is None:
        print("the engine has no corskit.tools.scenario.evaluate yet: nothing to compare (use --observe)")
        broken = [o for o in observations if o.broken]
        for o in broken:
            print(f"BROKEN {o.category}/{o.name}: {'; '.join(o.broken)}")
        print(f"0 passed, {len(broken)} failed")
        return 1 if broken else 0

    allowlist = harness.load_allowlist()
    verdicts = [harness.judge(o, engine, allowlist) for o in observations]
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for v in verdicts:
        (passed if v.passed else failed)[v.observation.category] += 1
    categories = sorted(set(passed) | set(failed))
    width = max(len(c) for c in categories)
    print(f"\n{'category'.ljust(width)}  passed  failed")
    for c in categories:
        print(f"{c.ljust(width)}  {passed[c]:6d}  {failed[c]:6d}")
    allowed = [v for v in verdicts if v.differences and v.allowed_reason]
    if allowed:
        print(f"\n{len(allowed)} allow-listed difference(s): " + ", ".join(v.observation.name for v in allowed))
    for v in verdicts:
        if not v.passed:
            print(f"\nFAIL {v.observation.category}/{v.observation.name}")
            print("\n".join(v.differences))
    n_pass, n_fail = sum(passed.values()), sum(failed.values())
    print(f"\n{n_pass} passed, {n_fail} failed")
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
