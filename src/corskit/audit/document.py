"""What the HTML and Markdown reports show, whatever their syntax: a summary by severity, then per target each
finding with its evidence as a request/response exchange, the browser's verdict and the fix.

:class:`DocumentWriter` streams like the other writers: each target is rendered when it finishes and spooled to a
temporary file with its row of the index, and :meth:`DocumentWriter.close` writes the summary (which needs every
count) followed by the spooled parts. Memory stays flat however many targets are audited.

Extra evidence per finding (a sequence diagram…) plugs in as *extra_evidence*: functions that get the finding and
return a fragment already in the document's syntax (HTML or Markdown), or ``None``. Each fragment is placed in the
finding's evidence, after the exchange and the verdict. :attr:`Finding.trace` gives them the whole ``fetch()``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO, Any

from ..tools.fixes import Stack
from ..tools.fixes import render as render_config
from ..tools.terminal import printable
from .catalog import RULES_BY_ID, SEVERITIES, Severity, severity_rank
from .findings import Finding, TargetReport
from .report import version

#: A renderer of one more evidence block for a finding, in the document's own syntax; ``None`` to add nothing.
EvidenceBlock = Callable[[Finding], str | None]

#: Evidence keys shown as the exchange and the verdict; every other key is listed as a detail.
_SHOWN = frozenset({"request", "response", "browser", "hops", "note"})


@dataclass(frozen=True)
class Exchange:
    """A request and its response as lines of text, in HTTP/1.1 message syntax."""

    request: tuple[str, ...]
    response: tuple[str, ...]


def visible(text: str) -> str:
    """*text* with every non-printable character (controls, ESC, bidi overrides, line separators) shown as an
    escape such as ``\\x1b`` (the one sanitiser, :func:`corskit.tools.terminal.printable`): server data must not
    be able to restyle or reorder a report."""
    return printable(text)


def exchange(evidence: dict[str, Any]) -> Exchange | None:
    """The request the engine sent last and the CORS and caching headers of its answer, if the evidence has them."""
    request = evidence.get("request")
    if not isinstance(request, dict):
        return None
    lines = [f"{request.get('method', 'GET')} {request.get('url', '')} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in request.get("headers") or []]
    response = evidence.get("response")
    answer: list[str] = []
    if isinstance(response, dict):
        answer.append(f"HTTP/1.1 {response.get('status', '')}")
        answer += [f"{name}: {value}" for name, value in response.get("headers") or []]
        if not response.get("headers"):
            answer.append("(no CORS or caching headers)")
    return Exchange(tuple(lines), tuple(answer))


def verdicts(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """The browser's verdict with and without credentials, as (label, sentence) pairs."""
    browser = evidence.get("browser")
    if not isinstance(browser, dict):
        return []
    preflight = isinstance(evidence.get("request"), dict) and evidence["request"].get("method") == "OPTIONS"
    out = []
    for key, label in (("include", "with cookies"), ("omit", "without cookies")):
        verdict = browser.get(key)
        if not isinstance(verdict, dict):
            continue
        if verdict.get("allowed"):
            text = "the preflight passes: the browser sends the request" if preflight else "the page reads the response"
        else:
            text = "blocked: " + str(verdict.get("message") or verdict.get("error") or "refused")
        out.append((label, text))
    notes = [str(evidence[k]) for k in ("note",) if evidence.get(k)]
    if evidence.get("hops"):
        notes.append(f"{evidence['hops']} responses: the redirects were followed")
    out += [("note", note) for note in notes]
    return out


def details(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """The other evidence (probe class, origins also let through, Vary groups…), each value as compact JSON."""
    out = []
    for key, value in evidence.items():
        if key in _SHOWN:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out.append((key, text))
    return out


def fix_snippet(finding: Finding, stack: Stack | None) -> str | None:
    """The configuration for *stack* that allows only the trusted origin, when the finding has one."""
    if stack is None or finding.config is None:
        return None
    return render_config(finding.config, stack)


@dataclass
class Tally:
    """The counts of the summary: findings and targets per severity, findings per rule, errors."""

    targets: int = 0
    errors: int = 0
    findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    targets_with: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    rules: dict[str, int] = field(default_factory=dict)

    def add(self, report: TargetReport) -> None:
        self.targets += 1
        self.errors += report.error is not None
        for severity in {f.severity for f in report.findings}:
            self.targets_with[severity] += 1
        for finding in report.findings:
            self.findings[finding.severity] += 1
            self.rules[finding.id] = self.rules.get(finding.id, 0) + 1

    def by_rule(self) -> list[tuple[str, str, int]]:
        """(rule id, title, count), worst default severity first."""
        ids = sorted(self.rules, key=lambda i: (-severity_rank(RULES_BY_ID[i].credentialed), i))
        return [(i, RULES_BY_ID[i].title, self.rules[i]) for i in ids]


def worst_first(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: -severity_rank(f.severity))


def shape_of(report: TargetReport) -> str | None:
    shape = next((f for f in report.findings if f.id == "CORS-SHAPE"), None)
    return str(shape.evidence.get("shape")) if shape is not None else None


class DocumentWriter:
    """Stream a report document to *stream*: :meth:`write` per target, :meth:`close` once at the end.

    Subclasses render: :meth:`_target` (one target's section), :meth:`_index_row` (its row in the list of targets)
    and :meth:`_document` (the whole, around the spooled parts).
    """

    def __init__(
        self,
        stream: IO[str],
        *,
        fix_for: Stack | None = None,
        extra_evidence: Sequence[EvidenceBlock] = (),
        title: str = "CORS audit",
    ) -> None:
        self._stream = stream
        self.fix_for = fix_for
        self.extra_evidence = tuple(extra_evidence)
        self.title = title
        self.tally = Tally()
        self.generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        self.version = version()
        self._body: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self._index: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in close())

    def write(self, report: TargetReport) -> None:
        self.tally.add(report)
        anchor = f"t{self.tally.targets}"
        self._index.write(self._index_row(report, anchor))
        self._body.write(self._target(report, anchor))

    def close(self) -> None:
        try:
            self._document(self._stream, self._spooled(self._index), self._spooled(self._body))
            self._stream.flush()
        finally:
            self._index.close()
            self._body.close()

    def extras(self, finding: Finding) -> list[str]:
        """The extra evidence blocks for *finding*, in order."""
        return [block for render in self.extra_evidence if (block := render(finding))]

    @staticmethod
    def _spooled(spool: IO[str]) -> Callable[[IO[str]], None]:
        def copy(out: IO[str]) -> None:
            spool.seek(0)
            while chunk := spool.read(65536):
                out.write(chunk)

        return copy

    # -- rendering, per syntax --------------------------------------------------------------------------------------

    def _target(self, report: TargetReport, anchor: str) -> str:
        raise NotImplementedError

    def _index_row(self, report: TargetReport, anchor: str) -> str:
        raise NotImplementedError

    def _document(self, out: IO[str], index: Callable[[IO[str]], None], body: Callable[[IO[str]], None]) -> None:
        raise NotImplementedError


def severity_counts(findings: Sequence[Finding]) -> str:
    """``2 high, 1 low`` (info left out); empty when nothing is above info."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in reversed(SEVERITIES) if s != "info"}
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n)


def standing(report: TargetReport) -> Severity | str:
    """A target's line in the index: its worst severity above info, ``clean``, or ``not audited``."""
    if report.error is not None and not report.findings:
        return "not audited"
    if report.worst is None or report.worst == "info":
        return "clean"
    return report.worst
