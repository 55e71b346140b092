"""A sequence diagram per finding in the audit's reports: an inline SVG in ``--format html``, a ``mermaid`` fence in
``--format markdown`` (by the diagram renderer, corskit.tools.diagrams.evidence). Rendered in headless Chromium:
each diagram is the finding's own fetch, and the report still loads nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests._chromium import chromium_browser  # noqa: F401  (the fixture)
from tests.audit.conftest import run_audit
from tests.audit.zoo import Zoo

EXHIBITS = ["reflect-credentials", "preflight-lookalike", "corskit-strict", "redirect"]


@pytest.fixture(scope="module")
def reports(zoo: Zoo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("diagrams")
    targets = [zoo.by_name(n).url for n in EXHIBITS]
    for fmt, name in (("html", "audit.html"), ("markdown", "audit.md")):
        run_audit(*targets, "--proxy", zoo.proxy, "--retries", "0", "--format", fmt, "-o", str(out / name))
    return {"html": out / "audit.html", "markdown": out / "audit.md"}


@pytest.mark.chromium
def test_each_finding_with_a_trace_has_its_diagram(reports: dict[str, Path], chromium_browser: Any) -> None:  # noqa: F811
    page = chromium_browser.new_context().new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(reports["html"].as_uri())
    assert requested == [reports["html"].as_uri()]
    figures = page.locator("section.finding .extra figure.diagram svg.ck")
    assert figures.count() >= 3
    # Each diagram sits in its finding and is titled with that finding's rule.
    rules = page.evaluate(
        """[...document.querySelectorAll('section.finding')].filter((s) => s.querySelector('svg.ck'))
             .map((s) => [s.dataset.rule, s.querySelector('svg.ck title').textContent])"""
    )
    assert all(title.startswith(f"{rule}: ") for rule, title in rules)
    reflect = page.locator('section.finding[data-rule="CORS-REFLECT-ANY"] svg.ck')
    texts = reflect.locator("text").all_text_contents()
    assert "Origin: http://attacker.example" in texts
    assert "Access-Control-Allow-Credentials: true" in texts
    assert any(t.startswith("✓ Response: 200") for t in texts)
    # Laid out inside its canvas: no text past the right edge.
    overflow = page.evaluate(
        """[...document.querySelectorAll('svg.ck')].flatMap((svg) => {
             const width = Number(svg.getAttribute('viewBox').split(' ')[2]);
             const past = (t) => { const b = t.getBBox(); return b.x + b.width > width; };
             return [...svg.querySelectorAll('text')].filter(past).map((t) => t.textContent); })"""
    )
    assert overflow == []
    page.close()


def test_markdown_has_a_mermaid_fence_per_diagram(reports: dict[str, Path]) -> None:
    text = reports["markdown"].read_text(encoding="utf-8")
    fences = re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)
    assert len(fences) >= 3
    assert all(fence.startswith("sequenceDiagram\n    title CORS-") for fence in fences)
    assert all("`" not in fence for fence in fences)
