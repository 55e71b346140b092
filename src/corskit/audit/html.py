"""The HTML report: one self-contained page (inline CSS, no script, no font, no image, nothing fetched), readable
offline from a CI artifact. Every value is made visible (:func:`~corskit.audit.document.visible`) and escaped."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import IO

from .catalog import RULES_BY_ID, SEVERITIES
from .document import (
    DocumentWriter,
    details,
    exchange,
    fix_snippet,
    severity_counts,
    shape_of,
    standing,
    verdicts,
    visible,
)
from .findings import Finding, TargetReport
from .report import INFORMATION_URI

_CSS = """
:root { color-scheme: light; --high: #b3261e; --medium: #a15c00; --low: #0b6a8a; --info: #5f6368; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: #1f1f1f; }
h1 { margin-bottom: .2rem; } .meta { color: #5f6368; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; } th, td { padding: .3rem .8rem; text-align: left;
  border-bottom: 1px solid #ddd; vertical-align: top; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.sev { font-weight: 700; text-transform: uppercase; font-size: .8rem; letter-spacing: .03em; }
.sev-high { color: var(--high); } .sev-medium { color: var(--medium); } .sev-low { color: var(--low); }
.sev-info { color: var(--info); }
article.target { border-top: 2px solid #ddd; padding-top: .5rem; margin-top: 1.5rem; }
article.target h3 { word-break: break-all; margin-bottom: .2rem; }
section.finding { border-left: 4px solid var(--info); padding: .1rem 0 .1rem 1rem; margin: 1rem 0; }
section.finding.is-high { border-color: var(--high); } section.finding.is-medium { border-color: var(--medium); }
section.finding.is-low { border-color: var(--low); }
section.finding h4 { margin: .3rem 0; color: #1f1f1f; } h5 { margin: .6rem 0 .2rem; font-size: .9rem; }
pre { background: #f6f8fa; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all;
  font: 13px/1.45 ui-monospace, monospace; margin: .2rem 0; }
.exchange { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem; } @media (max-width: 50rem) {
  .exchange { grid-template-columns: 1fr; } }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .2rem 0; }
dt { color: #5f6368; } dd { margin: 0; word-break: break-word; }
.error { color: var(--high); } .clean { color: #1e7b34; }
details summary { cursor: pointer; color: #5f6368; }
"""


def e(text: str) -> str:
    """Visible and HTML-escaped (quotes too: safe in attributes)."""
    return html.escape(visible(text), quote=True)


def _lines(lines: Sequence[str]) -> str:
    """Lines for a ``<pre>``: each one made visible and escaped (a line break inside a value stays visible)."""
    return "\n".join(e(line) for line in lines)


class HtmlWriter(DocumentWriter):
    """The HTML report, streamed (see :class:`~corskit.audit.document.DocumentWriter`)."""

    def _index_row(self, report: TargetReport, anchor: str) -> str:
        where = standing(report)
        style = {"clean": "clean", "not audited": "error"}.get(where, f"sev sev-{where}")
        status = f'<span class="{style}">{where}</span>'
        counts = e(severity_counts(report.findings))
        return f'<tr><td><a href="#{anchor}">{e(report.target)}</a></td><td>{status}</td><td>{counts}</td></tr>\n'

    def _target(self, report: TargetReport, anchor: str) -> str:
        parts = [f'<article class="target" id="{anchor}">', f"<h3>{e(report.target)}</h3>"]
        shape = shape_of(report)
        if report.error is not None:
            parts.append(f'<p class="error">{e(report.error)}</p>')
        if shape is not None:
            parts.append(f'<p class="meta">allow-list: {e(shape)}</p>')
        main = [f for f in report.findings if f.severity != "info"]
        info = [f for f in report.findings if f.severity == "info"]
        if report.findings and not main:
            parts.append('<p class="clean">No finding above info.</p>')
        parts += [self._finding(f, f"{anchor}-{i}") for i, f in enumerate(main, 1)]
        if info:
            parts.append(f"<details><summary>{len(info)} informational finding(s)</summary>")
            parts += [self._finding(f, f"{anchor}-i{i}") for i, f in enumerate(info, 1)]
            parts.append("</details>")
        parts.append("</article>\n")
        return "\n".join(parts)

    def _finding(self, finding: Finding, anchor: str) -> str:
        title = e(f"{finding.id} — {RULES_BY_ID[finding.id].title}")
        parts = [
            f'<section class="finding is-{finding.severity}" id="{anchor}" data-rule="{e(finding.id)}">',
            f'<h4><span class="sev sev-{finding.severity}">{finding.severity}</span> {title}</h4>',
        ]
        if finding.origin:
            parts.append(f"<p>Probe origin: <code>{e(finding.origin)}</code></p>")
        parts.append(f'<p class="why">{e(finding.why)}</p>')
        parts.append('<div class="evidence"><h5>Evidence</h5>')
        shown = exchange(finding.evidence)
        if shown is not None:
            parts.append('<div class="exchange">')
            parts.append(f'<pre class="request" aria-label="request">{_lines(shown.request)}</pre>')
            if shown.response:
                parts.append(f'<pre class="response" aria-label="response">{_lines(shown.response)}</pre>')
            parts.append("</div>")
        said = verdicts(finding.evidence)
        if said:
            parts.append('<h5>The browser\'s verdict</h5><dl class="verdict">')
            parts += [f"<dt>{e(label)}</dt><dd>{e(text)}</dd>" for label, text in said]
            parts.append("</dl>")
        rest = details(finding.evidence)
        if rest:
            parts.append('<dl class="details">')
            parts += [f"<dt>{e(key)}</dt><dd><code>{e(value)}</code></dd>" for key, value in rest]
            parts.append("</dl>")
        parts += [f'<div class="extra">{block}</div>' for block in self.extras(finding)]
        parts.append("</div>")
        parts.append(f'<div class="fix"><h5>Fix</h5><p>{e(finding.fix)}</p>')
        snippet = fix_snippet(finding, self.fix_for)
        if snippet is not None:
            parts.append(f'<p class="meta">{e(str(self.fix_for))} configuration:</p>')
            parts.append(f'<pre class="config">{_lines(snippet.splitlines())}</pre>')
        rule = finding.id.lower()
        parts.append(f'<p class="meta"><a href="{e(INFORMATION_URI)}#{e(rule)}">About {e(finding.id)}</a></p>')
        parts.append("</div></section>")
        return "\n".join(parts)

    def _document(self, out: IO[str], index: Callable[[IO[str]], None], body: Callable[[IO[str]], None]) -> None:
        tally = self.tally
        errors = f", {tally.errors} could not be (fully) audited" if tally.errors else ""
        out.write(
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            # No request may leave the page: a report opened from a CI artifact must work offline.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
            f"<title>{e(self.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<header><h1>{e(self.title)}</h1>\n"
            f'<p class="meta">{tally.targets} target(s) audited{errors}. Generated by corskit audit'
            f" {e(self.version)} on {e(self.generated)}.</p></header>\n"
            '<section id="summary"><h2>Summary</h2>\n'
            '<table class="by-severity"><thead><tr><th>Severity</th><th>Findings</th><th>Targets</th></tr></thead>'
            "<tbody>\n"
        )
        for severity in reversed(SEVERITIES):
            out.write(
                f'<tr><td><span class="sev sev-{severity}">{severity}</span></td>'
                f'<td class="n">{tally.findings[severity]}</td><td class="n">{tally.targets_with[severity]}</td></tr>\n'
            )
        out.write("</tbody></table>\n")
        if tally.rules:
            out.write('<table class="by-rule"><thead><tr><th>Rule</th><th>What</th><th>Findings</th></tr></thead>')
            out.write("<tbody>\n")
            for rule_id, title, count in tally.by_rule():
                out.write(f'<tr><td>{e(rule_id)}</td><td>{e(title)}</td><td class="n">{count}</td></tr>\n')
            out.write("</tbody></table>\n")
        out.write('<table class="targets"><thead><tr><th>Target</th><th>Worst</th><th>Above info</th></tr></thead>')
        out.write("<tbody>\n")
        index(out)
        out.write('</tbody></table>\n</section>\n<section id="findings"><h2>Findings by target</h2>\n')
        body(out)
        out.write("</section>\n</body>\n</html>\n")
