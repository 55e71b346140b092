"""Reports: JSON Lines (one object per target) and SARIF 2.1.0, both written as targets finish.

The SARIF log is streamed too: the static part (tool, rules) first, each result as it comes, and the targets that
could not be audited as tool-execution notifications at the end (spooled to a temporary file meanwhile), so a scan
of 100,000 targets never holds its results in memory.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from typing import IO, Any

from .catalog import RULES, Rule, Severity, severity_rank
from .findings import Finding, TargetReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/corskit/corskit/blob/main/docs/audit.md"

#: SARIF ``level`` per severity.
LEVELS: dict[Severity, str] = {"info": "note", "low": "note", "medium": "warning", "high": "error"}
#: GitHub code scanning's ``security-severity`` (CVSS-like, 0-10) per severity.
SECURITY_SEVERITY: dict[Severity, str] = {"info": "0.0", "low": "3.5", "medium": "6.0", "high": "8.5"}


def jsonl_line(report: TargetReport) -> str:
    """The ``--json`` line for *report* (no trailing newline)."""
    return json.dumps(report.to_json(), ensure_ascii=True)


def version() -> str:
    """corskit's installed version, for the reports' provenance."""
    try:
        from importlib import metadata

        return metadata.version("corskit")
    except Exception:  # pragma: no cover - only when corskit is not installed
        return "0"


def _generic(template: str) -> str:
    """A rule text with its per-finding fields filled by neutral words."""
    values = {
        "origin": "the probe origin",
        "credentials_clause": "",
        "trusted": '"https://app.example.com"',
        "credentials": "",
        "methods": "state-changing methods",
        "headers": "custom headers",
        "wildcard_note": "",
        "which": "the methods or headers",
        "asked": "an invented method or header",
        "value": "the value",
        "error": "the browser rejects it",
        "where": "some responses",
        "cacheability": "",
        "summary": "The shape of the allow-list inferred from the probes.",
        "fix": "Keep the list exact.",
        "destination": "the other origin",
        "hops": "one or more hops",
    }

    class _Fields(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return ""

    return template.format_map(_Fields(values))


def sarif_rule(found: Rule) -> dict[str, Any]:
    """The ``reportingDescriptor`` of *found*."""
    return {
        "id": found.id,
        "name": "".join(part.capitalize() for part in found.cls.split("_")),
        "shortDescription": {"text": found.title},
        "fullDescription": {"text": _generic(found.why)},
        "help": {"text": _generic(found.fix)},
        "helpUri": f"{INFORMATION_URI}#{found.id.lower()}",
        "defaultConfiguration": {"level": LEVELS[found.credentialed]},
        "properties": {
            "tags": ["security", "cors", found.cls],
            "security-severity": SECURITY_SEVERITY[found.credentialed],
        },
    }


def fingerprint(target: str, finding: Finding) -> str:
    """Stable across runs: the target, the rule and the probe origin."""
    text = "\x00".join((target, finding.id, finding.origin or ""))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _headers_object(pairs: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs or []:
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def sarif_result(target: str, finding: Finding) -> dict[str, Any]:
    """The SARIF ``result`` of one finding."""
    index = next(i for i, r in enumerate(RULES) if r.id == finding.id)
    result: dict[str, Any] = {
        "ruleId": finding.id,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.why} Fix: {finding.fix}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": target}}}],
        "partialFingerprints": {"corskitFinding/v1": fingerprint(target, finding)},
        "properties": {
            "severity": finding.severity,
            "class": finding.cls,
            "origin": finding.origin,
            "evidence": finding.evidence,
            "fix": finding.fix,
        },
    }
    request = finding.evidence.get("request")
    if isinstance(request, dict):
        result["webRequest"] = {
            "protocol": "HTTP",
            "version": "1.1",
            "target": request.get("url", target),
            "method": request.get("method", "GET"),
            "headers": _headers_object(request.get("headers")),
        }
    response = finding.evidence.get("response")
    if isinstance(response, dict):
        result["webResponse"] = {
            "protocol": "HTTP",
            "version": "1.1",
            "statusCode": response.get("status", 0),
            "headers": _headers_object(response.get("headers")),
        }
    return result


class SarifWriter:
    """Write a SARIF 2.1.0 log to *stream* one target at a time; :meth:`close` finishes the document."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._first = True
        self._errors: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self._error_count = 0
        driver = {
            "name": "corskit audit",
            "informationUri": INFORMATION_URI,
            "version": version(),
            "rules": [sarif_rule(r) for r in RULES],
        }
        head = json.dumps({"tool": {"driver": driver}}, ensure_ascii=True)[1:-1]
        stream.write(f'{{"$schema": "{SARIF_SCHEMA}", "version": "{SARIF_VERSION}", "runs": [{{{head}, "results": [')

    def write(self, report: TargetReport) -> None:
        for finding in report.findings:
            text = json.dumps(sarif_result(report.target, finding), ensure_ascii=True)
            self._stream.write(("\n" if self._first else ",\n") + text)
            self._first = False
        if report.error is not None:
            note = {
                "level": "error" if not report.findings else "warning",
                "message": {"text": f"{report.target}: {report.error}"},
                "properties": {"target": report.target},
            }
            self._errors.write(("" if not self._error_count else ",\n") + json.dumps(note, ensure_ascii=True))
            self._error_count += 1

    def close(self) -> None:
        self._stream.write('\n], "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": [')
        self._errors.seek(0)
        while chunk := self._errors.read(65536):
            self._stream.write(chunk)
        self._errors.close()
        self._stream.write("]}]}]}\n")
        self._stream.flush()


@dataclass
class Summary:
    """Counts kept while streaming: targets, errors, findings per severity; nothing per target."""

    targets: int = 0
    errors: int = 0
    by_severity: dict[str, int] = field(default_factory=lambda: {"info": 0, "low": 0, "medium": 0, "high": 0})
    by_rule: dict[str, int] = field(default_factory=dict)
    worst: Severity | None = None

    def add(self, report: TargetReport) -> None:
        self.targets += 1
        if report.error is not None:
            self.errors += 1
        for finding in report.findings:
            self.by_severity[finding.severity] += 1
            self.by_rule[finding.id] = self.by_rule.get(finding.id, 0) + 1
            if self.worst is None or severity_rank(finding.severity) > severity_rank(self.worst):
                self.worst = finding.severity

    def reached(self, threshold: Severity) -> bool:
        return self.worst is not None and severity_rank(self.worst) >= severity_rank(threshold)
