"""A :class:`~.sequence.Diagram` as Mermaid ``sequenceDiagram`` text (for Markdown on GitHub, GitLab, Notion…).

Mermaid reads ``;`` as the end of a statement, ``#…;`` as an entity, ``<…>`` as HTML, ``%%{…}%%`` as a directive;
so these characters (and a few more) in data are written as entity codes (``#59;``); lines are joined with
``<br/>``.
A failing step sits in a red ``rect`` block.
"""

from __future__ import annotations

from .sequence import Arrow, Diagram, Line

# Characters written as Mermaid entity codes ("#NNN;") wherever data goes.
_SYNTAX = frozenset('#;<>&"%{}[]\\`|')

_BAD = "rect rgba(207, 34, 46, 0.18)"


def _escape(text: str) -> str:
    return "".join(f"#{ord(c)};" if c in _SYNTAX else c for c in text)


def _join(lines: tuple[Line, ...]) -> str:
    return "<br/>".join(_escape(line.text) or " " for line in lines)


def to_mermaid(diagram: Diagram) -> str:
    """Mermaid source of the diagram (one statement per line)."""
    out = ["sequenceDiagram", f"    title {_escape(diagram.title)}"]
    for index, party in enumerate(diagram.parties):
        out.append(f"    participant P{index} as {_escape(party.name)}<br/>{_escape(party.detail)}")
    for step in diagram.steps:
        if isinstance(step, Arrow):
            kind = "-->>" if step.reply else "->>"
            statement = f"P{step.source}{kind}P{step.target}: {_join((step.title, *step.lines))}"
            bad = step.tone == "bad"
        else:
            where = f"P{step.first}" if step.first == step.last else f"P{step.first},P{step.last}"
            statement = f"Note over {where}: {_join(step.lines)}"
            bad = False
        out += [f"    {_BAD}", f"        {statement}", "    end"] if bad else [f"    {statement}"]
    return "\n".join(out) + "\n"
