"""The Mermaid text, parsed and drawn by Mermaid itself (mermaid.min.js from npm) in headless Chromium.

Needs ``$CORSKIT_MERMAID_JS`` (the path of ``mermaid.min.js``; ``.ci/run`` installs it with npm); skips without it
unless ``CORSKIT_REQUIRE_MERMAID=1``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from corskit.tools.diagrams import Diagram, to_mermaid

from ..._chromium import chromium_browser  # noqa: F401  (the fixture)
from ._cases import EXAMPLE, HOSTILE, corpus_sample, diagram_of, hostile_scenario

pytestmark = pytest.mark.chromium

RENDER = """
async (sources) => {
  mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
  const out = [];
  for (const [i, source] of sources.entries()) {
    try {
      const {svg} = await mermaid.render(`m${i}`, source);
      const holder = document.createElement('div');
      holder.innerHTML = svg;
      out.push({texts: [...holder.querySelectorAll('text, tspan')].map(t => t.textContent)});
    } catch (error) {
      out.push({error: String(error)});
    }
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def mermaid_js() -> Path:
    path = os.environ.get("CORSKIT_MERMAID_JS", "")
    if path and Path(path).is_file():
        return Path(path)
    reason = "mermaid.min.js not found: npm install mermaid@11 and set CORSKIT_MERMAID_JS to its dist/mermaid.min.js"
    if os.environ.get("CORSKIT_REQUIRE_MERMAID", "") not in ("", "0"):
        pytest.fail(reason + " (CORSKIT_REQUIRE_MERMAID=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)


def _lines(diagram: Diagram) -> list[str]:
    out = [diagram.title]
    for step in diagram.steps:
        lines = step.lines if not hasattr(step, "title") else (step.title, *step.lines)  # type: ignore[union-attr]
        out += [line.text for line in lines]
    return out


def test_mermaid_draws_every_line(chromium_browser: Any, mermaid_js: Path) -> None:  # noqa: F811
    diagrams = [diagram_of(json.loads(EXAMPLE.read_text()))]
    diagrams += [diagram_of(hostile_scenario(v, in_request=r)) for v in HOSTILE for r in (False, True)]
    diagrams += [diagram_of(d) for d in corpus_sample(every=60)]
    page = chromium_browser.new_page()
    page.set_content("<!doctype html><meta charset=utf-8><body>")
    page.add_script_tag(path=str(mermaid_js))
    drawn = page.evaluate(RENDER, [to_mermaid(d) for d in diagrams])
    page.close()
    for diagram, result in zip(diagrams, drawn, strict=True):
        assert "error" not in result, result.get("error")
        shown = {t.strip() for t in result["texts"]}
        # Mermaid shows each line as written (its entity codes decoded), spaces aside.
        lines = [t.strip() for t in _lines(diagram) if t.strip()]
        missing = [t for t in lines if t not in shown and t.replace("  ", " ") not in shown]
        assert missing == []
