"""What the audit reports: a :class:`Finding` per problem, a :class:`TargetReport` per target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..browser import Request, Result
from ..tools.fixes import Need
from .catalog import Severity, severity_rank


@dataclass(frozen=True)
class Trace:
    """The ``fetch()`` behind a finding, as the engine played it: the page's origin, the request and the result
    (every exchange on the wire). For renderers that show the whole exchange (a sequence diagram); not in JSON."""

    origin: str
    request: Request
    result: Result


@dataclass(frozen=True)
class Finding:
    """One problem on one target: stable rule ``id``, snake_case ``cls``, severity, the probe origin, evidence
    (the probe, the response headers, the browser's verdict), why it matters and the fix."""

    id: str
    cls: str
    severity: Severity
    origin: str | None
    evidence: dict[str, Any]
    why: str
    fix: str
    #: What a correct configuration allows (the trusted origin, credentials), for framework snippets
    #: (:func:`corskit.tools.fixes.render`); not part of the JSON.
    config: Need | None = field(default=None, compare=False)
    #: The fetch that shows the problem (``None`` for findings about the target as a whole); not part of the JSON.
    trace: Trace | None = field(default=None, compare=False)
    #: The browsers whose engine reaches the same verdict on the recorded answers (all of them for findings
    #: about the target as a whole).
    browsers: tuple[str, ...] = ("chromium", "firefox", "webkit")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "class": self.cls,
            "severity": self.severity,
            "origin": self.origin,
            "evidence": self.evidence,
            "why": self.why,
            "fix": self.fix,
            "browsers": list(self.browsers),
        }


@dataclass(frozen=True)
class TargetReport:
    """The audit of one target: ``error`` is set when it could not be (fully) audited; findings are sorted, worst
    first."""

    target: str
    error: str | None = None
    findings: tuple[Finding, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` line: exactly ``target``, ``error`` and ``findings``."""
        return {"target": self.target, "error": self.error, "findings": [f.to_json() for f in self.findings]}

    @property
    def worst(self) -> Severity | None:
        """The highest severity among the findings, ``None`` when there are none."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=severity_rank)
