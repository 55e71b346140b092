"""Diagrams as a browser draws them: rendered in headless Chromium, in the light and the dark theme, and measured.

Not pixels: the boxes Chromium computes. Every text lies inside the canvas and inside its own label, note or
party box; no two texts overlap, nor a text and an arrow; steps follow each other top to bottom; each text
contrasts with what is behind it (WCAG AA, 4.5:1) in both themes; the failing check is drawn in the theme's red.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from corskit.browser import PreflightCache, Request, Response, run
from corskit.tools.diagrams import sequence, to_html, to_svg

from ..._chromium import chromium_browser  # noqa: F401  (the fixture)
from ._cases import APP, EXAMPLE, HOSTILE, corpus_sample, diagram_of, hostile_scenario

pytestmark = pytest.mark.chromium

MEASURE = """
() => {
  const problems = [];
  const box = (el) => { const b = el.getBBox(); return {x: b.x, y: b.y, w: b.width, h: b.height}; };
  const inside = (a, b, slack) => a.x >= b.x - slack && a.y >= b.y - slack
      && a.x + a.w <= b.x + b.w + slack && a.y + a.h <= b.y + b.h + slack;
  const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (c) => { const [r, g, b] = c.map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const contrast = (a, b) => {
    const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const out = [];
  document.querySelectorAll('svg.ck').forEach((svg, n) => {
    const where = (m) => problems.push(`diagram ${n}: ${m}`);
    const [, , W, H] = svg.getAttribute('viewBox').split(' ').map(Number);
    const canvas = {x: 0, y: 0, w: W, h: H};
    const bg = getComputedStyle(svg.querySelector('.ck-bg')).fill;
    const texts = [...svg.querySelectorAll('text')];
    const boxes = texts.map(box);
    texts.forEach((t, i) => {
      const b = boxes[i];
      if (!inside(b, canvas, 0)) where(`text outside the canvas: ${t.textContent}`);
      const holder = t.closest('g');
      const frame = holder && holder.querySelector('rect');
      if (frame && !inside(b, box(frame), 1)) where(`text outside its box: ${t.textContent}`);
      const back = frame && !holder.classList.contains('ck-arrow') ? getComputedStyle(frame).fill : bg;
      const ratio = contrast(getComputedStyle(t).fill, back);
      if (ratio < 4.5) where(`contrast ${ratio.toFixed(2)} for: ${t.textContent}`);
      for (let j = 0; j < i; j++) if (overlap(b, boxes[j]) && b.w > 0 && boxes[j].w > 0)
        where(`texts overlap: ${t.textContent} / ${texts[j].textContent}`);
    });
    svg.querySelectorAll('.ck-arrow line, .ck-arrow polygon').forEach((shape) => {
      const s = box(shape);
      if (!inside(s, canvas, 0)) where('arrow outside the canvas');
      boxes.forEach((b, i) => { if (overlap({...s, y: s.y + 0.5, h: Math.max(s.h - 1, 0.01)}, b))
        where(`arrow crosses text: ${texts[i].textContent}`); });
    });
    const steps = [...svg.querySelectorAll('.ck-step')].map(box);
    steps.forEach((s, i) => {
      if (i && s.y < steps[i - 1].y + steps[i - 1].h) where(`step ${i} overlaps step ${i - 1}`);
    });
    const parties = [...svg.querySelectorAll('.ck-party rect')].map(box);
    parties.forEach((p, i) => { if (i && overlap(p, parties[i - 1])) where(`party boxes ${i - 1} and ${i} overlap`); });
    out.push({
      bad: [...svg.querySelectorAll('text.ck-bad')].map(t => [t.textContent, getComputedStyle(t).fill]),
      texts: texts.map(t => t.textContent),
    });
  });
  return {problems, diagrams: out};
}
"""


def _diagrams() -> list[Any]:
    example = diagram_of(json.loads(EXAMPLE.read_text()))
    request = Request("http://api.test/r", "PUT", credentials="include")
    answers = {
        "OPTIONS": Response(
            204,
            [
                ("Access-Control-Allow-Origin", APP),
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Max-Age", "60"),
            ],
        ),
        "PUT": Response(200, [("Access-Control-Allow-Origin", "*")]),
    }
    cache = PreflightCache()
    twice = sequence(APP, request, [run(APP, request, lambda w: answers[w.method], cache=cache) for _ in range(2)])
    hops = [f"http://h{i}.test/{'p' * 60}" for i in range(5)]
    chain = {
        u: Response(307, [("Access-Control-Allow-Origin", "*"), ("Location", v)]) for u, v in itertools.pairwise(hops)
    }
    chain[hops[-1]] = Response(200, [("Access-Control-Allow-Origin", "*")])
    redirected = sequence(APP, Request(hops[0]), run(APP, Request(hops[0]), lambda w: chain[w.url]))
    hostile = [diagram_of(hostile_scenario(v, in_request=r)) for v in HOSTILE for r in (False, True)]
    return [example, twice, redirected, *hostile, *(diagram_of(d) for d in corpus_sample(every=8))]


def _page(diagrams: list[Any]) -> str:
    return "<!doctype html><meta charset=utf-8><body>" + "".join(f"<div>{to_svg(d)}</div>" for d in diagrams)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_layout_and_contrast_in_chromium(chromium_browser: Any, scheme: str) -> None:  # noqa: F811
    diagrams = _diagrams()
    context = chromium_browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.set_content(_page(diagrams))
    report = page.evaluate(MEASURE)
    context.close()
    assert report["problems"] == []
    assert len(report["diagrams"]) == len(diagrams)
    red = {"light": "rgb(207, 34, 46)", "dark": "rgb(255, 123, 114)"}[scheme]
    example = report["diagrams"][0]
    assert ["Access-Control-Allow-Headers: Content-Type", red] in example["bad"]
    assert ["✗ TypeError: Failed to fetch", red] in example["bad"]
    assert "header field x-request-id is not allowed by" in example["texts"]
    for drawn, diagram in zip(report["diagrams"], diagrams, strict=True):
        assert bool(drawn["bad"]) == diagram.failed


def test_the_html_page_shows_the_svg_without_scripts_or_requests(chromium_browser: Any, tmp_path: Any) -> None:  # noqa: F811
    path = tmp_path / "d.html"
    path.write_text(to_html(diagram_of(json.loads(EXAMPLE.read_text()))), encoding="utf-8")
    page = chromium_browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert requests == [path.as_uri()]
    assert page.locator("svg.ck").count() == 1
    assert page.locator("svg.ck text", has_text="✗ TypeError: Failed to fetch").count() == 1
    assert page.evaluate("document.scripts.length") == 0
    page.close()
