"""Diagrams as evidence blocks in the audit's reports: one per finding that has a trace (the ``fetch()`` behind
it), an inline SVG for HTML and a ``mermaid`` fence for Markdown (GitHub and GitLab draw it).

Plug in with ``HtmlWriter(stream, extra_evidence=[html_block])`` and ``MarkdownWriter(..., [markdown_block])``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .mermaid import to_mermaid
from .sequence import Diagram, sequence
from .svg import to_svg

if TYPE_CHECKING:
    from ...audit.findings import Finding


def finding_diagram(finding: Finding) -> Diagram | None:
    """The diagram of the fetch behind *finding*; ``None`` when it has none."""
    trace = finding.trace
    if trace is None:
        return None
    request, result = trace.request, trace.result
    verdict = "allowed" if result.allowed else "blocked"
    title = f"{finding.id}: {request.method} {request.url} from {trace.origin}: {verdict}"
    return sequence(trace.origin, request, result, title=title)


def html_block(finding: Finding) -> str | None:
    """The diagram as an HTML ``<figure>`` (inline SVG, light like the report, nothing to load)."""
    diagram = finding_diagram(finding)
    if diagram is None:
        return None
    return f'<figure class="diagram" style="margin:.5rem 0;overflow-x:auto">{to_svg(diagram, scheme="light")}</figure>'


def markdown_block(finding: Finding) -> str | None:
    """The diagram as a fenced ``mermaid`` block (Mermaid text holds no backtick: they are entity codes)."""
    diagram = finding_diagram(finding)
    if diagram is None:
        return None
    return f"```mermaid\n{to_mermaid(diagram)}```"
