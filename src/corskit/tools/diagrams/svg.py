"""A :class:`~.sequence.Diagram` as a self-contained SVG: no script, no external fonts or images, a light and a dark
palette chosen by ``prefers-color-scheme`` inside the file, no ``id`` attributes (several diagrams can be inlined in
one page).

Layout is computed, not left to a browser: every string is clean and measured in monospace cells, so lifelines are
spaced for the widest label between them and nothing overlaps or leaves the canvas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from .sequence import Arrow, Diagram, Line, Note, Step
from .text import width

FONT_SIZE = 12
#: Advance of one monospace cell at FONT_SIZE, rounded up (DejaVu Sans Mono 7.22, Menlo 7.22, Consolas 6.6).
CELL = 7.4
LINE = 16  # baseline to baseline
MARGIN = 16
PAD = 8  # inside boxes and around labels
MIN_GAP = 140  # between lifelines
HEAD = 10  # arrowhead length
STEP_GAP = 10

_LIGHT = """
.ck{--bg:#ffffff;--fg:#1f2328;--dim:#59636e;--life:#8c959f;--req:#0969da;--res:#8250df;--good:#1a7f37;
--bad:#cf222e;--warn:#9a6700;--box:#f6f8fa;--box-good:#dafbe1;--box-bad:#ffebe9;--box-warn:#fff8c5}
""".strip()
_DARK = """
@media (prefers-color-scheme: dark){.ck{--bg:#0d1117;--fg:#e6edf3;--dim:#9198a1;--life:#656c76;--req:#58a6ff;
--res:#d2a8ff;--good:#3fb950;--bad:#ff7b72;--warn:#d29922;--box:#161b22;--box-good:#12261e;--box-bad:#2d1214;
--box-warn:#272115}}
""".strip()
_SHAPES = """
.ck text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace;
font-size:12px;fill:var(--fg);white-space:pre}
.ck .ck-bg{fill:var(--bg)}
.ck .ck-title{font-weight:bold}
.ck .ck-dim{fill:var(--dim)}
.ck .ck-good{fill:var(--good)}
.ck .ck-bad{fill:var(--bad);font-weight:bold}
.ck .ck-warn{fill:var(--warn)}
.ck .ck-party rect{fill:var(--box);stroke:var(--life)}
.ck .ck-party .ck-name{font-weight:bold}
.ck .ck-life{stroke:var(--life);stroke-dasharray:4 4}
.ck .ck-arrow line{stroke:var(--req);stroke-width:1.5}
.ck .ck-arrow polygon{fill:var(--req)}
.ck .ck-reply line{stroke:var(--res);stroke-dasharray:6 4}
.ck .ck-reply polygon{fill:var(--res)}
.ck .ck-tone-bad line{stroke:var(--bad);stroke-width:2.5}
.ck .ck-tone-bad polygon{fill:var(--bad)}
.ck .ck-tone-good line{stroke:var(--good)}
.ck .ck-tone-good polygon{fill:var(--good)}
.ck .ck-label{fill:var(--bg);opacity:.85}
.ck .ck-note rect{fill:var(--box);stroke:var(--life)}
.ck .ck-note.ck-tone-good rect{fill:var(--box-good);stroke:var(--good)}
.ck .ck-note.ck-tone-bad rect{fill:var(--box-bad);stroke:var(--bad);stroke-width:1.5}
.ck .ck-note.ck-tone-warn rect{fill:var(--box-warn);stroke:var(--warn)}
""".strip()
#: The style sheet: light colours, dark ones after the reader's preference, and the shapes.
STYLE = "\n".join((_LIGHT, _DARK, _SHAPES))
#: The same, light only: for pages that are light only (a dark diagram would clash).
LIGHT_STYLE = "\n".join((_LIGHT, _SHAPES))


def text_width(text: str) -> float:
    return width(text) * CELL


def _block_width(lines: tuple[Line, ...]) -> float:
    return max((text_width(line.text) for line in lines), default=0.0)


def _arrow_lines(arrow: Arrow) -> tuple[Line, ...]:
    return (arrow.title, *arrow.lines)


@dataclass
class _Layout:
    xs: list[float]
    width: float


def _layout(diagram: Diagram) -> _Layout:
    """Lifeline positions: each gap fits the labels and party boxes between its lifelines; notes fit the canvas."""
    count = len(diagram.parties)
    heads = [_party_width(diagram, i) for i in range(count)]
    gaps = [max(MIN_GAP, (heads[i] + heads[i + 1]) / 2 + 2 * PAD) for i in range(count - 1)]
    spans: list[tuple[int, int, float]] = []
    for step in diagram.steps:
        if isinstance(step, Arrow):
            lo, hi = sorted((step.source, step.target))
            spans.append((lo, hi, _block_width(_arrow_lines(step)) + 2 * PAD + HEAD))
        elif step.first != step.last:
            spans.append((step.first, step.last, _block_width(step.lines) + 2 * PAD))
    for lo, hi, need in sorted(spans, key=lambda s: s[1] - s[0]):
        if hi > lo:
            short = need - sum(gaps[lo:hi])
            if short > 0:
                gaps[hi - 1] += short
    xs = [0.0]
    for gap in gaps:
        xs.append(xs[-1] + gap)
    # Half-widths that hang over each lifeline: its box, and notes centred on it.
    left = [heads[i] / 2 for i in range(count)]
    right = list(left)
    for step in diagram.steps:
        if isinstance(step, Note):
            half = (_block_width(step.lines) + 2 * PAD) / 2
            if step.first == step.last:
                left[step.first] = max(left[step.first], half)
                right[step.first] = max(right[step.first], half)
            else:
                left[step.first] = max(left[step.first], PAD)
                right[step.last] = max(right[step.last], PAD)
    shift = MARGIN + max(left[i] - xs[i] for i in range(count))
    xs = [x + shift for x in xs]
    title = text_width(diagram.title) + 2 * MARGIN
    canvas = max(max(xs[i] + right[i] for i in range(count)) + MARGIN, title)
    return _Layout(xs, canvas)


def _party_width(diagram: Diagram, index: int) -> float:
    party = diagram.parties[index]
    return max(text_width(party.name), text_width(party.detail)) + 2 * PAD


def _step_height(step: Step) -> float:
    if isinstance(step, Arrow):
        return (1 + len(step.lines)) * LINE + PAD + STEP_GAP
    return len(step.lines) * LINE + 2 * PAD + STEP_GAP


def _text(x: float, y: float, line: Line, extra: str = "") -> str:
    cls = f"ck-{line.tone}" if line.tone != "plain" else ""
    classes = " ".join(c for c in (cls, extra) if c)
    attr = f" class={quoteattr(classes)}" if classes else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{attr}>{escape(line.text)}</text>'


def to_svg(diagram: Diagram, *, scheme: Literal["auto", "light"] = "auto") -> str:
    """The diagram as an SVG document (UTF-8 text, no XML declaration so it can be inlined in HTML). *scheme*
    ``"auto"`` follows the reader's ``prefers-color-scheme``; ``"light"`` stays light (for a light-only page)."""
    layout = _layout(diagram)
    xs = layout.xs
    top = MARGIN + LINE + PAD  # below the title
    head_height = 2 * LINE + PAD
    y: float = top + head_height + 2 * PAD
    body: list[str] = []
    for number, step in enumerate(diagram.steps):
        body.append(_arrow(step, xs, y, number) if isinstance(step, Arrow) else _note(step, xs, y, number))
        y += _step_height(step)
    height = y + MARGIN
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ck" viewBox="0 0 {layout.width:.0f} {height:.0f}"'
        f' width="{layout.width:.0f}" height="{height:.0f}" role="img" aria-label={quoteattr(diagram.title)}>',
        f"<title>{escape(diagram.title)}</title>",
        f"<style>{STYLE if scheme == 'auto' else LIGHT_STYLE}</style>",
        f'<rect class="ck-bg" width="{layout.width:.0f}" height="{height:.0f}" rx="8"/>',
        _text(MARGIN, MARGIN + FONT_SIZE, Line(diagram.title, "bad" if diagram.failed else "good"), "ck-title"),
    ]
    for index, party in enumerate(diagram.parties):
        x = xs[index]
        half = _party_width(diagram, index) / 2
        out.append(
            f'<g class="ck-party"><rect x="{x - half:.1f}" y="{top:.1f}" width="{2 * half:.1f}"'
            f' height="{head_height:.1f}" rx="4"/>'
            + _centred(x, top + PAD / 2 + FONT_SIZE, Line(party.name), "ck-name")
            + _centred(x, top + PAD / 2 + FONT_SIZE + LINE, Line(party.detail, "dim"))
            + "</g>"
        )
        out.append(f'<line class="ck-life" x1="{x:.1f}" y1="{top + head_height:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>')
    out += body
    out.append("</svg>")
    return "\n".join(out)


def _centred(x: float, y: float, line: Line, extra: str = "") -> str:
    return _text(x - text_width(line.text) / 2, y, line, extra)


def _arrow(arrow: Arrow, xs: list[float], y: float, number: int) -> str:
    x1, x2 = xs[arrow.source], xs[arrow.target]
    lines = _arrow_lines(arrow)
    left = min(x1, x2) + PAD + (HEAD if x2 < x1 else 0)
    base = y + (len(lines) * LINE)  # the arrow runs under its label
    classes = ["ck-step", "ck-arrow"] + (["ck-reply"] if arrow.reply else []) + [f"ck-tone-{arrow.tone}"]
    parts = [f'<g class="{" ".join(classes)}" data-step="{number}">']
    label_width = _block_width(lines)
    parts.append(
        f'<rect class="ck-label" x="{left - 2:.1f}" y="{y:.1f}" width="{label_width + 4:.1f}"'
        f' height="{len(lines) * LINE:.1f}"/>'
    )
    for row, line in enumerate(lines):
        parts.append(_text(left, y + row * LINE + FONT_SIZE, line, "ck-head" if row == 0 else ""))
    direction = 1 if x2 > x1 else -1
    tip = x2 - direction * 1.5
    parts.append(f'<line x1="{x1:.1f}" y1="{base + 4:.1f}" x2="{tip - direction * HEAD:.1f}" y2="{base + 4:.1f}"/>')
    parts.append(
        f'<polygon points="{tip:.1f},{base + 4:.1f} {tip - direction * HEAD:.1f},{base:.1f}'
        f' {tip - direction * HEAD:.1f},{base + 8:.1f}"/>'
    )
    parts.append("</g>")
    return "".join(parts)


def _note(note: Note, xs: list[float], y: float, number: int) -> str:
    inner = _block_width(note.lines) + 2 * PAD
    if note.first == note.last:
        x0 = xs[note.first] - inner / 2
        span = inner
    else:
        x0 = xs[note.first] - PAD
        span = max(xs[note.last] + PAD - x0, inner)
    height = len(note.lines) * LINE + PAD
    parts = [
        f'<g class="ck-step ck-note ck-tone-{note.tone}" data-step="{number}">',
        f'<rect x="{x0:.1f}" y="{y:.1f}" width="{span:.1f}" height="{height:.1f}" rx="4"/>',
    ]
    for row, line in enumerate(note.lines):
        parts.append(_text(x0 + PAD, y + PAD / 2 + row * LINE + FONT_SIZE, line))
    parts.append("</g>")
    return "".join(parts)
