"""``corskit audit``: a CORS misconfiguration scanner that judges like a browser.

Each target gets probe origins (the attacker's, ``null``, look-alikes of the site and of the origins it trusts,
third-party and development hosts), real preflights and a Private Network Access preflight. Every answer is judged
by the browser engine: a finding is reported only when a browser would hand the response to the probe origin's page
(or let its request through), and its severity depends on whether that works with cookies. ``Vary: Origin`` is
checked with ``Cache-Control`` on allowed, rejected and origin-less responses, and the allow-list's shape is
inferred from all of it.

>>> import asyncio
>>> from corskit.audit import AuditOptions, scan
>>> async def main(urls):                                              # doctest: +SKIP
...     async for report in scan(urls, AuditOptions(concurrency=20)):
...         print(report.to_json())
"""

from __future__ import annotations

from .catalog import RULES, SEVERITIES, Rule, Severity, parse_severity
from .findings import Finding, TargetReport
from .judge import judge
from .observe import Observations, TargetError, observe
from .report import SarifWriter, Summary, jsonl_line
from .runner import AuditOptions, audit_target, scan
from .shape import Inference, infer

__all__ = [
    "RULES",
    "SEVERITIES",
    "AuditOptions",
    "Finding",
    "Inference",
    "Observations",
    "Rule",
    "SarifWriter",
    "Severity",
    "Summary",
    "TargetError",
    "TargetReport",
    "audit_target",
    "infer",
    "jsonl_line",
    "judge",
    "observe",
    "parse_severity",
    "scan",
]
