"""The SVG, HTML and Mermaid writers: well-formed, self-contained, and no data escapes its text."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import ClassVar

import pytest

from corskit.browser import Request, Response, run
from corskit.tools.diagrams import FORMATS, render, to_html, to_mermaid, to_svg

from ._cases import APP, EXAMPLE, HOSTILE, corpus_sample, diagram_of, hostile_scenario

SVG = "{http://www.w3.org/2000/svg}"
#: The only elements a diagram uses: no script, foreignObject, image, use, or anything that loads.
ALLOWED = {"svg", "title", "style", "rect", "text", "g", "line", "polygon"}


def parse_svg(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def check_self_contained(svg: str) -> None:
    root = parse_svg(svg)
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in ALLOWED, element.tag
        for name in element.attrib:
            assert not name.lower().startswith("on"), name
            assert "href" not in name.lower(), name
        assert "id" not in element.attrib
    assert "url(" not in svg
    assert "@import" not in svg
    assert "<script" not in svg.lower()


def test_the_example_svg_is_self_contained_and_themed() -> None:
    svg = to_svg(diagram_of(json.loads(EXAMPLE.read_text())))
    check_self_contained(svg)
    style = parse_svg(svg).find(SVG + "style")
    assert style is not None
    assert "@media (prefers-color-scheme: dark)" in (style.text or "")
    texts = ["".join(t.itertext()) for t in parse_svg(svg).iter(SVG + "text")]
    assert "OPTIONS /items/1  (preflight)" in texts
    assert "Access-Control-Allow-Headers: Content-Type" in texts


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("in_request", [False, True])
def test_hostile_data_stays_text(value: str, in_request: bool) -> None:
    diagram = diagram_of(hostile_scenario(value, in_request=in_request))
    svg = to_svg(diagram)
    check_self_contained(svg)
    assert len(svg) < 200_000
    for text in parse_svg(svg).iter(SVG + "text"):
        assert len("".join(text.itertext())) <= 120
    html = to_html(diagram)
    _Strict().feed(html)
    assert html.count("<script") == 0
    assert html.count("<svg") == 1
    mermaid = to_mermaid(diagram)
    check_mermaid(mermaid)


def check_mermaid(source: str) -> None:
    lines = source.splitlines()
    assert lines[0] == "sequenceDiagram"
    statement = re.compile(
        r"^    (title |participant P\d+ as |P\d+-?->>P\d+: |Note over P\d+(,P\d+)?: |rect rgba\(|end$)"
    )
    nested = re.compile(r"^        P\d+-?->>P\d+: ")
    for line in lines[1:]:
        assert statement.match(line) or nested.match(line), line
        # Data cannot end a statement, open a directive or an entity, or inject HTML.
        body = line.split(": ", 1)[-1]
        assert ";" not in re.sub(r"#\d+;", "", body), line
        assert "%%" not in line, line
        assert "<" not in body.replace("<br/>", ""), line


class _Strict(HTMLParser):
    """Fails on any element outside the page skeleton and the SVG vocabulary."""

    TAGS: ClassVar[set[str]] = {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "figure",
        "figcaption",
        "details",
        "summary",
        "pre",
    }

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.TAGS | ALLOWED, tag
        assert not any(name.startswith("on") for name, _ in attrs)


def test_every_corpus_sample_renders_in_every_format() -> None:
    for data in corpus_sample(every=10):
        diagram = diagram_of(data)
        check_self_contained(to_svg(diagram))
        check_mermaid(to_mermaid(diagram))


def test_render_picks_the_format_and_refuses_unknown_ones() -> None:
    request = Request("http://api.test/r")
    result = run(APP, request, lambda w: Response(200, [("Access-Control-Allow-Origin", "*")]))
    out = {fmt: render(APP, request, result, fmt=fmt) for fmt in FORMATS}
    assert out["svg"].startswith("<svg")
    assert out["html"].startswith("<!doctype html>")
    assert out["mermaid"].startswith("sequenceDiagram\n")
    with pytest.raises(ValueError, match="choose one of svg, html, mermaid"):
        render(APP, request, result, fmt="png")  # type: ignore[arg-type]


def test_the_readme_diagram_is_current() -> None:
    from scripts.docs_images import IMAGES, readme_diagram

    committed = (IMAGES / "put-missing-header.svg").read_text(encoding="utf-8")
    assert committed == readme_diagram(), "docs/images/put-missing-header.svg is stale: run make docs-images"
