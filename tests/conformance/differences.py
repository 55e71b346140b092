"""Where the recorded browsers disagree: ``python -m tests.conformance.differences``.

Reads ``observed/<engine>-<major>.json`` (written by ``python -m tests.conformance --record observed``) and lists
every scenario whose verdict differs between the engines recorded, then counts those whose requests on the wire
differ. This is the evidence behind the table in docs/browser.md.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

OBSERVED = Path(__file__).parent / "observed"
#: The per-run case marker in URLs (``/_c123``): files recorded from different corpus orders still compare.
_MARKER = re.compile(r"/_c[0-9]+")


def load(directory: Path = OBSERVED) -> dict[str, dict[str, dict[str, Any]]]:
    """engine → scenario name → observation (the newest file per engine)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(directory.glob("*-*.json")):
        engine = path.stem.rsplit("-", 1)[0]
        data = json.loads(path.read_text(encoding="utf-8"))
        out[engine] = {o["name"]: o for o in data["observations"]}
    return out


def main() -> int:
    runs = load()
    engines = sorted(runs)
    if len(engines) < 2:
        print(f"need observations of two engines in {OBSERVED} (have: {', '.join(engines) or 'none'})")
        return 1
    common = sorted(set.intersection(*(set(r) for r in runs.values())))
    verdicts: Counter[str] = Counter()
    wire = 0
    print(f"{len(common)} scenarios observed in {', '.join(engines)}\n")
    print("verdicts that differ (" + " / ".join(engines) + "):")
    for name in common:
        seen = {e: runs[e][name]["result"] for e in engines}
        allowed = {e: r["allowed"] for e, r in seen.items()}
        if len(set(allowed.values())) > 1:
            category = runs[engines[0]][name]["category"]
            verdicts[category] += 1
            marks = " / ".join("allowed" if allowed[e] else "blocked" for e in engines)
            print(f"  {category}/{name}: {marks}")
        if len({_MARKER.sub("", json.dumps(r["sent"], sort_keys=True)) for r in seen.values()}) > 1:
            wire += 1
    total = sum(verdicts.values())
    print(f"\n{total} verdicts differ ({dict(sorted(verdicts.items()))}); {wire} scenarios differ on the wire")
    return 0


if __name__ == "__main__":
    sys.exit(main())
