"""Write the pictures the docs show: ``python scripts/docs_images.py`` (or ``make docs-images``).

- ``docs/images/put-missing-header.svg``: the README's diagram, from ``examples/scenarios/put-missing-header.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from corskit.spec.origins import normalize_origin
from corskit.tools.diagrams import render
from corskit.tools.fixes import suggest
from corskit.tools.scenario import parse_scenario, play

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
EXAMPLE = ROOT / "examples" / "scenarios" / "put-missing-header.json"


def readme_diagram() -> str:
    """The SVG of the README's example scenario."""
    scenario = parse_scenario(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    result = play(scenario)
    fix = suggest(result, normalize_origin(scenario.origin).serialize(), scenario.request)
    return render(scenario.origin, scenario.request, result, fix=fix, fmt="svg") + "\n"


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    target = IMAGES / "put-missing-header.svg"
    target.write_text(readme_diagram(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
