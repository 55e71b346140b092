"""Write the pictures the docs show: ``python scripts/docs_images.py`` (or ``make docs-images``).

- ``docs/images/put-missing-header.svg``: the README's diagram, from ``examples/scenarios/put-missing-header.json``.
- ``docs/images/playground-*.png``: docs/playground.md's screenshots of three states, taken in headless Chromium
  (skipped with a message where Chromium or Playwright is missing; ``--svg-only`` skips them on purpose).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from corskit.spec.origins import normalize_origin
from corskit.tools.diagrams import render
from corskit.tools.fixes import suggest
from corskit.tools.scenario import parse_scenario, play

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
EXAMPLE = ROOT / "examples" / "scenarios" / "put-missing-header.json"

PAGE = "$PAGE"
#: The three states docs/playground.md shows: (file, what the page is set to).
PLAYGROUND_STATES: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "playground-allowed.png",
        {
            "api": {
                "mode": "policy",
                "policy": {
                    "allow_origins": [PAGE],
                    "allow_methods": ["PUT"],
                    "allow_headers": ["X-Request-Id"],
                    "max_age": 600,
                },
            },
            "fetch": {"method": "PUT", "headers": [["X-Request-Id", "42"]], "twice": True},
        },
    ),
    (
        "playground-blocked-preflight.png",
        {
            "api": {"mode": "policy", "policy": {"allow_origins": [PAGE], "allow_methods": ["PUT"]}},
            "fetch": {"method": "PUT", "headers": [["X-Request-Id", "42"]]},
        },
    ),
    (
        "playground-blocked-credentials.png",
        {
            "api": {"mode": "raw", "actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}},
            "fetch": {"method": "GET", "credentials": "include"},
        },
    ),
)


def readme_diagram() -> str:
    """The SVG of the README's example scenario."""
    scenario = parse_scenario(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    result = play(scenario)
    fix = suggest(result, normalize_origin(scenario.origin).serialize(), scenario.request)
    return render(scenario.origin, scenario.request, result, fix=fix, fmt="svg") + "\n"


def playground_screenshots() -> list[Path]:
    """Run the playground and Chromium, put each state in the page, press Run, take the picture."""
    sys.path.insert(0, str(ROOT))
    from tests._chromium import launch_chromium
    from tests.tools.playground.cases import link

    from corskit.tools.playground import Playground, running

    try:
        server = Playground(page_port=8741, api_port=8742)  # the ports `corskit playground` shows
    except OSError:
        server = Playground()
    written = []
    with running(server), launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, setup in PLAYGROUND_STATES:
            page.goto(server.url + link(setup))
            page.wait_for_selector("body[data-ready=true]")
            page.click("#run")
            page.wait_for_selector("#results[data-state=done]")
            while not page.evaluate("document.getElementById('diagram-img').complete"):
                page.wait_for_timeout(20)
            target = IMAGES / name
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
    return written


def main(argv: list[str]) -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    target = IMAGES / "put-missing-header.svg"
    target.write_text(readme_diagram(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    if "--svg-only" in argv:
        return 0
    try:
        shots = playground_screenshots()
    except Exception as error:  # Chromium or Playwright missing: say so, keep the SVG
        print(f"playground screenshots skipped: {error}", file=sys.stderr)
        return 1
    for shot in shots:
        print(f"wrote {shot.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
