"""Turn what the engine saw into findings. Pure: no I/O, no clock.

A probe origin is a finding only when the browser engine let it read the response (or pass the preflight); the
severity comes from the rule and from whether that worked *with* credentials. Several probes that one flaw
explains (a suffix match also accepts a subdomain) give one finding, the others listed in its evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from ..browser import Request, Response, Result
from ..spec.headers import parse_token_list
from ..spec.origins import parse_origin
from ..tools.fixes import Need
from . import caching
from .catalog import Rule, Severity, rule, severity_rank
from .engines import affected_browsers
from .findings import Finding, Trace
from .observe import (
    METHOD_PROBES,
    MIRROR_HEADER,
    MIRROR_LABEL,
    MIRROR_METHOD,
    Observations,
    Outcome,
    PnaOutcome,
    PreflightOutcome,
)
from .probes import UNTRUSTED_KINDS, ProbeKind
from .shape import Inference, infer

#: The finding class of each untrusted probe kind.
CLASS_OF_KIND: dict[ProbeKind, str] = {
    "attacker": "arbitrary_origin_reflected",
    "null": "null_origin_trusted",
    "pre_domain": "pre_domain_trusted",
    "post_domain": "post_domain_trusted",
    "unescaped_dot": "unescaped_dot_trusted",
    "substring": "substring_trusted",
    "special_characters": "special_characters_trusted",
    "third_party": "third_party_origin_trusted",
    "dev": "dev_origin_trusted",
    "subdomain": "any_subdomain_trusted",
    "http_origin": "http_origin_trusted",
    "extension": "extension_origin_trusted",
}

_RELEVANT_PREFIX = "access-control-"
_RELEVANT = frozenset({"vary", "cache-control", "expires", "location", "content-type"})
_PLACEHOLDER_ORIGIN = "https://your-frontend.example"


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, **values: str) -> str:
    return template.format_map(_Fields(values))


def relevant_headers(response: Response) -> list[list[str]]:
    """The CORS and caching headers of *response*, as ``[name, value]`` pairs."""
    return [[n, v] for n, v in response.headers if n.lower().startswith(_RELEVANT_PREFIX) or n.lower() in _RELEVANT]


def exchange_evidence(result: Result) -> dict[str, Any]:
    """The last request the engine sent and the headers of its response."""
    sent = [e for e in result.exchanges if e.response is not None] or list(result.exchanges)
    if not sent:
        return {}
    last = sent[-1]
    out: dict[str, Any] = {
        "request": {
            "method": last.request.method,
            "url": last.request.url,
            "headers": [list(h) for h in last.request.headers],
        }
    }
    if last.response is not None:
        out["response"] = {"status": last.response.status, "headers": relevant_headers(last.response)}
    if len(sent) > 1:
        out["hops"] = len(sent)
    return out


def verdict(result: Result) -> dict[str, Any]:
    """What the browser made of it: allowed, and if not, the error code and Chromium's message."""
    return {"allowed": result.allowed, "error": result.error.value if result.error else None, "message": result.message}


def _sensitive(response: Response | None) -> bool:
    """The server marks the response as not public (``private`` / ``no-store``): bump uncredentialed findings."""
    if response is None:
        return False
    directives = {d.strip().lower().split("=")[0] for d in (response.header("Cache-Control") or "").split(",")}
    return bool({"private", "no-store"} & directives)


def _severity(found: Rule, *, credentialed: bool, response: Response | None = None) -> Severity:
    if credentialed:
        return found.credentialed
    if found.uncredentialed == "low" and _sensitive(response):
        return "medium"
    return found.uncredentialed


def capped(severity: Severity, kind: str) -> Severity:
    """A request an origin may send is only as dangerous as that origin is easy to obtain: a rule's severity is
    capped by the probe origin's class (any subdomain, http:// and extensions: low; shared hosting and localhost:
    medium; the attacker's own domain, ``null`` and look-alikes: no cap)."""
    cls = CLASS_OF_KIND.get(kind)  # type: ignore[call-overload]
    if cls is None:
        return severity
    return min(severity, rule(cls).credentialed, key=severity_rank)


def _credentials_clause(credentialed: bool) -> str:
    if credentialed:
        return " with the visitor's cookies, as the visitor"
    return " (without cookies: what the visitor's network position gives access to)"


def _fix(found: Rule, trusted: str | None, credentialed: bool) -> str:
    creds = ", allow_credentials=True" if credentialed else ""
    return _fill(found.fix, trusted=f'"{trusted or _PLACEHOLDER_ORIGIN}"', credentials=creds)


def _trace(outcome: Outcome) -> Trace:
    """The simple ``fetch()`` of *outcome*, with credentials when that is how it got through."""
    credentialed = outcome.include.allowed or not outcome.omit.allowed
    result = outcome.include if credentialed else outcome.omit
    request = Request(result.initial_url, credentials="include" if credentialed else "omit")
    return Trace(outcome.probe.origin, request, result)


def _with_credentials(request: Request, credentialed: bool) -> Request:
    return replace(request, credentials="include" if credentialed else "omit")


def _config(trusted: str | None, credentialed: bool) -> Need:
    """The configuration that allows only the trusted origin (a placeholder when none is known)."""
    return Need(trusted or _PLACEHOLDER_ORIGIN, (), (), credentialed)


# -- origins ---------------------------------------------------------------------------------------------------------


def _host(origin: str) -> str | None:
    parsed = parse_origin(origin)
    return None if parsed is None or parsed.opaque else parsed.host


def _explained(outcome: Outcome, by: Outcome) -> bool:
    """Does the flaw shown by *by* (a suffix or prefix match) already let *outcome*'s origin through?"""
    if by is outcome or (outcome.include.allowed and not by.include.allowed):
        return False
    host = _host(outcome.probe.origin)
    if host is None or outcome.probe.kind in ("attacker", "null", "third_party", "dev", "extension"):
        return False
    if by.probe.kind == "pre_domain":
        return host.endswith(by.probe.base)
    if by.probe.kind == "post_domain":
        prefix = by.probe.origin.split("://")[0] + "://" + by.probe.base
        return outcome.probe.origin.startswith(prefix)
    return False


def origin_findings(obs: Observations, trusted: str | None) -> list[Finding]:
    """One finding per class of untrusted origin that a browser lets read the response."""
    allowed = [o for o in obs.allowed(untrusted=True) if o.acao != "*"]
    reflected = [o for o in allowed if o.probe.kind == "attacker"]
    if reflected:
        # Everything is reflected ('null' too): the other classes would only repeat it, with the same fix.
        kept = reflected
    else:
        generalists = [o for o in allowed if o.probe.kind in ("pre_domain", "post_domain")]
        kept = [o for o in allowed if not any(_explained(o, g) for g in generalists)]
    by_class: dict[str, list[Outcome]] = {}
    for outcome in kept:
        by_class.setdefault(CLASS_OF_KIND[outcome.probe.kind], []).append(outcome)
    findings = []
    for cls, group in by_class.items():
        group.sort(key=lambda o: not o.include.allowed)
        main = group[0]
        found = rule(cls)
        credentialed = main.include.allowed
        evidence: dict[str, Any] = {
            "probe": main.probe.kind,
            "credentials": "include" if credentialed else "omit",
            **exchange_evidence(main.include),
            "browser": {"include": verdict(main.include), "omit": verdict(main.omit)},
        }
        if main.probe.base:
            evidence["derived_from"] = main.probe.base
        also = [o.probe.origin for o in group[1:]]
        explained = [o.probe.origin for o in allowed if o not in kept and o.probe.kind != main.probe.kind]
        if also:
            evidence["also_allowed"] = also
        if explained and main.probe.kind in ("attacker", "pre_domain", "post_domain"):
            evidence["also_explained"] = explained
        findings.append(
            Finding(
                found.id,
                cls,
                _severity(found, credentialed=credentialed, response=main.response),
                main.probe.origin,
                evidence,
                _fill(found.why, origin=main.probe.origin, credentials_clause=_credentials_clause(credentialed)),
                _fix(found, trusted, credentialed),
                _config(trusted, credentialed),
                _trace(main),
            )
        )
    return findings


def wildcard_findings(obs: Observations) -> list[Finding]:
    """``*``: informational, and inert with credentials."""
    star = next((o for o in obs.outcomes if o.acao == "*" and o.response is not None), None)
    if star is None:
        return []
    assert star.response is not None
    with_credentials = star.response.header("Access-Control-Allow-Credentials") == "true"
    found = rule("wildcard_with_credentials" if with_credentials else "wildcard_origin")
    evidence = {
        **exchange_evidence(star.include),
        "browser": {"include": verdict(star.include), "omit": verdict(star.omit)},
    }
    finding = Finding(found.id, found.cls, found.credentialed, star.probe.origin, evidence, found.why, found.fix)
    return [replace(finding, trace=_trace(star))]


def _responses(obs: Observations) -> Iterable[tuple[str | None, Response, Result | None]]:
    for outcome in obs.outcomes:
        if outcome.response is not None:
            yield outcome.probe.origin, outcome.response, outcome.include
    for pre in obs.preflights:
        if pre.preflight_response is not None:
            yield pre.origin, pre.preflight_response, pre.include
    yield None, obs.originless, None


def invalid_acao_findings(obs: Observations) -> list[Finding]:
    """Values of ``Access-Control-Allow-Origin`` that no browser ever accepts."""
    found = rule("invalid_allow_origin")
    values: dict[str, tuple[str | None, Response, Result | None]] = {}
    for origin, response, result in _responses(obs):
        value = response.header("Access-Control-Allow-Origin")
        if value is not None and value != "*" and parse_origin(value) is None and value not in values:
            values[value] = (origin, response, result)
    if not values:
        return []
    value, (origin, response, result) = next(iter(values.items()))
    error = result.message if result is not None and result.message else "it is not an origin"
    evidence: dict[str, Any] = {"values": list(values)[:5], "distinct_values": len(values)}
    if result is not None:
        evidence.update(exchange_evidence(result))
        evidence["browser"] = verdict(result)
    else:
        evidence["response"] = {"status": response.status, "headers": relevant_headers(response)}
    return [
        Finding(found.id, found.cls, "info", origin, evidence, _fill(found.why, value=value, error=error), found.fix)
    ]


# -- caching ---------------------------------------------------------------------------------------------------------


def vary_findings(obs: Observations) -> list[Finding]:
    """``Vary: Origin`` on allowed, rejected and origin-less responses when the answer depends on the Origin."""
    groups: dict[str, list[tuple[str | None, Response]]] = {"allowed": [], "rejected": [], "origin_less": []}
    groups["origin_less"].append((None, obs.originless))
    for outcome in obs.outcomes:
        if outcome.response is not None:
            groups["allowed" if outcome.allowed else "rejected"].append((outcome.probe.origin, outcome.response))
    if obs.own is not None:
        groups["allowed" if obs.own.allowed else "rejected"].append((obs.own.origin, obs.own.response))
    acaos = {r.header("Access-Control-Allow-Origin") for group in groups.values() for _, r in group}
    if len(acaos) < 2:
        return []  # static: one answer whatever the Origin, nothing to key on
    severity: Severity = "info"
    evidence: dict[str, Any] = {}
    where: list[str] = []
    states: list[str] = []
    origin: str | None = None
    for name, group in groups.items():
        missing = [(o, r) for o, r in group if not caching.varies_on_origin(r)]
        evidence[name] = {"responses": len(group), "without_vary_origin": len(missing)}
        if not missing:
            continue
        example_origin, example = missing[0]
        evidence[name]["example"] = {"origin": example_origin, **caching.describe(example)}
        where.append(name.replace("_", "-") + " responses")
        kinds = {caching.cacheability(r) for _, r in missing}
        if name == "allowed":
            origin = example_origin
            level: Severity = "medium" if "shared" in kinds else "low" if "heuristic" in kinds else "info"
        else:
            level = "low" if "shared" in kinds else "info"
        if severity_rank(level) > severity_rank(severity):
            severity = level
        states.append(
            "shared caches may store them"
            if "shared" in kinds
            else "they carry no freshness information (caches with a default TTL store them)"
            if "heuristic" in kinds
            else "they are marked uncacheable, which limits the damage"
        )
    if not where:
        return []
    found = rule("missing_vary_origin")
    why = _fill(
        found.why,
        where=" and ".join(where),
        cacheability=(states[0] if len(set(states)) == 1 else "; ".join(states)).capitalize() + ".",
    )
    return [Finding(found.id, found.cls, severity, origin, evidence, why, found.fix)]


# -- preflights ------------------------------------------------------------------------------------------------------


def _preflight_evidence(outcome: PreflightOutcome) -> dict[str, Any]:
    out = exchange_evidence(outcome.include)
    out["browser"] = {"include": verdict(outcome.include), "omit": verdict(outcome.omit)}
    if outcome.include.allowed and not outcome.include.reached_server:
        out["note"] = "the preflight passed; the request itself was not sent (it would change state)"
    return out


def _public(outcome: PreflightOutcome) -> bool:
    response = outcome.preflight_response
    return response is not None and response.header("Access-Control-Allow-Origin") == "*"


def preflight_findings(obs: Observations, trusted: str | None) -> list[Finding]:
    """Methods, headers and Authorization that untrusted origins get through a real preflight; ``*`` taken
    literally with credentials; requests mirrored back."""
    findings: list[Finding] = []
    untrusted = [p for p in obs.preflights if p.kind in UNTRUSTED_KINDS and not _public(p)]
    findings += _allowed_group(
        untrusted,
        [*METHOD_PROBES, *obs.app_methods],
        "untrusted_methods_allowed",
        trusted,
        lambda labels: {"methods": " and ".join(labels)},
    )
    findings += _allowed_group(
        untrusted,
        ["x-requested-with", MIRROR_HEADER, *([obs.app_headers] if obs.app_headers else [])],
        "untrusted_headers_allowed",
        trusted,
        lambda labels: {"headers": " and ".join(f"'{label}'" for label in labels)},
    )
    findings += _allowed_group(untrusted, ["authorization"], "authorization_allowed_untrusted", trusted, lambda _: {})
    findings += _wildcard_credentials(obs.preflights)
    findings += _mirror(obs.preflights)
    findings += pna_findings(obs.pna)
    return findings


def _allowed_group(
    outcomes: list[PreflightOutcome],
    labels: list[str],
    cls: str,
    trusted: str | None,
    words: Callable[[list[str]], dict[str, str]],
) -> list[Finding]:
    """The origin that passes a preflight for one of *labels* with the worst consequence (the rule's severity
    with or without credentials, capped by the origin's class), as one finding naming the others."""
    found = rule(cls)
    candidates: list[tuple[Severity, bool, list[PreflightOutcome]]] = []
    for origin in dict.fromkeys(p.origin for p in outcomes):
        mine = [p for p in outcomes if p.origin == origin and p.label in labels]
        for credentialed in (True, False):
            passed = [p for p in mine if (p.include if credentialed else p.omit).allowed]
            if passed:
                base = found.credentialed if credentialed else found.uncredentialed
                candidates.append((capped(base, passed[0].kind), credentialed, passed))
                break
    if not candidates:
        return []
    severity, credentialed, passed = max(candidates, key=lambda c: (severity_rank(c[0]), c[1]))
    main = passed[0]
    evidence: dict[str, Any] = {"probe": main.kind, "credentials": "include" if credentialed else "omit"}
    evidence["allowed"] = [p.label for p in passed]
    others = [c[2][0].origin for c in candidates if c[2][0].origin != main.origin]
    if others:
        evidence["also_allowed"] = others
    mirrored = any(p.label in (MIRROR_METHOD, MIRROR_HEADER) for p in passed)
    if mirrored:
        evidence["mirrored"] = True
    evidence.update(_preflight_evidence(main))
    wildcard_note = ""
    if any(w.code == "authorization_covered_by_wildcard" for p in passed for w in p.include.warnings + p.omit.warnings):
        wildcard_note = (
            ", only because 'Access-Control-Allow-Headers: *' covers it in Chromium today (the Fetch"
            " Standard says it must not, and Chromium is changing)"
        )
    shown = [p.label for p in passed if p.label not in (MIRROR_METHOD, MIRROR_HEADER)] or [main.label]
    why = _fill(
        found.why,
        origin=main.origin,
        credentials_clause=_credentials_clause(credentialed),
        wildcard_note=wildcard_note,
        **words(shown),
    )
    if mirrored:
        why += " It mirrors whatever is asked, even an invented name."
    fix = _fix(found, trusted, credentialed)
    result = main.include if credentialed else main.omit
    trace = Trace(main.origin, _with_credentials(main.request, credentialed), result)
    return [Finding(found.id, cls, severity, main.origin, evidence, why, fix, _config(trusted, credentialed), trace)]


def _wildcard_credentials(outcomes: list[PreflightOutcome]) -> list[Finding]:
    found = rule("preflight_wildcard_with_credentials")
    for outcome in outcomes:
        response = outcome.preflight_response
        if response is None or response.header("Access-Control-Allow-Credentials") != "true":
            continue
        which = [
            name
            for name in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers")
            if "*" in (parse_token_list(response.header(name)) or [])
        ]
        if which:
            evidence = _preflight_evidence(outcome)
            why = _fill(found.why, which=" and ".join(which))
            trace = Trace(outcome.origin, _with_credentials(outcome.request, True), outcome.include)
            return [Finding(found.id, found.cls, "info", outcome.origin, evidence, why, found.fix, trace=trace)]
    return []


def _mirror(outcomes: list[PreflightOutcome]) -> list[Finding]:
    found = rule("preflight_mirrors_request")
    mirrored = next((p for p in outcomes if p.label == MIRROR_LABEL and p.omit.allowed), None)
    if mirrored is None:
        return []
    asked = f"the invented method {MIRROR_METHOD} with the invented header '{MIRROR_HEADER}'"
    evidence = {"probe": "trusted", **_preflight_evidence(mirrored)}
    why = _fill(found.why, asked=asked)
    trace = Trace(mirrored.origin, _with_credentials(mirrored.request, False), mirrored.omit)
    return [Finding(found.id, found.cls, "info", mirrored.origin, evidence, why, found.fix, trace=trace)]


def pna_findings(outcomes: list[PnaOutcome]) -> list[Finding]:
    """``Access-Control-Allow-Private-Network: true`` to an origin that passes the CORS check but is untrusted."""
    found = rule("private_network_allowed_untrusted")
    for outcome in outcomes:
        if not (outcome.include or outcome.omit):
            continue
        evidence = {
            "probe": outcome.kind,
            "credentials": "include" if outcome.include else "omit",
            "request": {
                "method": outcome.request.method,
                "url": outcome.request.url,
                "headers": [list(h) for h in outcome.request.headers],
            },
            "response": {"status": outcome.response.status, "headers": relevant_headers(outcome.response)},
        }
        why = _fill(found.why, origin=outcome.origin, credentials_clause=_credentials_clause(outcome.include))
        severity = capped(found.credentialed if outcome.include else found.uncredentialed, outcome.kind)
        return [Finding(found.id, found.cls, severity, outcome.origin, evidence, why, found.fix)]
    return []


# -- redirects ------------------------------------------------------------------------------------------------------


def redirect_findings(obs: Observations) -> list[Finding]:
    """The target redirects to another origin whose answer the attacker's page can read (not merely ``*``)."""
    redirect = obs.redirect
    if redirect is None or not redirect.outcome.allowed or redirect.outcome.acao == "*":
        return []
    found = rule("redirect_to_permissive_origin")
    outcome = redirect.outcome
    credentialed = outcome.include.allowed
    evidence: dict[str, Any] = {
        "destination": redirect.destination,
        "hops": redirect.hops,
        "credentials": "include" if credentialed else "omit",
        **exchange_evidence(outcome.include),
        "browser": {"include": verdict(outcome.include), "omit": verdict(outcome.omit)},
    }
    why = _fill(
        found.why,
        hops="one hop" if redirect.hops == 1 else f"{redirect.hops} hops",
        destination=redirect.destination,
        origin=outcome.probe.origin,
        credentials_clause=_credentials_clause(credentialed),
    )
    fix = _fill(found.fix, destination=redirect.destination)
    return [Finding(found.id, found.cls, "info", outcome.probe.origin, evidence, why, fix, trace=_trace(outcome))]


# -- shape -----------------------------------------------------------------------------------------------------------

_SHAPE_FIX = {
    "reflect_any": "Replace the reflection with an exact allow-list (see the other findings).",
    "wildcard": "Nothing to change if the data is public; otherwise use an exact allow-list.",
    "regex_like": "Replace the pattern with an exact list of origins (see the other findings).",
    "subdomain_suffix": "List the subdomains that need access rather than the whole domain.",
    "exact": "Nothing to change: keep the list exact.",
    "unknown": "Nothing to change if no cross-origin access is intended. To test a known allow-list, pass its"
    " origins with --trusted so their look-alikes are probed.",
}


def shape_finding(obs: Observations, inference: Inference) -> Finding:
    found = rule("allow_list_shape")
    evidence: dict[str, Any] = {
        "shape": inference.shape,
        "traits": list(inference.traits),
        "allowed": list(inference.allowed[:20]),
        "probes": inference.probes,
        "classes_tried": {
            "simple": list(dict.fromkeys(o.probe.kind for o in obs.outcomes)) + (["own"] if obs.own else []),
            "preflight": list(obs.preflight_tried),
            "preflight_accepted": _accepted(obs),
        },
    }
    if obs.preflight_skipped:
        evidence["classes_tried"]["preflight_over_budget"] = list(obs.preflight_skipped)
    if obs.redirect is not None:
        evidence["redirects_to"] = obs.redirect.destination
    return Finding(found.id, found.cls, "info", None, evidence, _shape_why(obs, inference), _SHAPE_FIX[inference.shape])


def _accepted(obs: Observations) -> list[str]:
    """The classes whose preflight passed the origin check, in the order they were tried (not the order their
    answers came back in, so that two scans of one server say the same)."""
    return [kind for kind in obs.preflight_tried if kind in obs.preflight_accepted]


def _shape_why(obs: Observations, inference: Inference) -> str:
    """The inferred shape, then which origin classes the preflights were tried from (and which passed)."""
    tried = [kind.replace("_", "-") for kind in obs.preflight_tried]
    text = f"{inference.summary} Preflights were tried from {len(tried)} origin class(es): {', '.join(tried)}"
    accepted = [kind.replace("_", "-") for kind in _accepted(obs)]
    text += f"; accepted: {', '.join(accepted)}." if accepted else "; none was accepted."
    if obs.preflight_skipped:
        text += f" Left out by the request budget: {', '.join(obs.preflight_skipped)}."
    return text


# -- all -------------------------------------------------------------------------------------------------------------


def judge(obs: Observations) -> list[Finding]:
    """Every finding for *obs*, worst first (stable order within a severity)."""
    reflecting = any(o.probe.kind == "attacker" and o.allowed for o in obs.outcomes)
    trusted = None
    if not reflecting:
        trusted = next(
            (o.probe.origin for o in obs.outcomes if o.probe.kind == "trusted" and o.allowed and o.acao != "*"), None
        )
    findings = [
        *origin_findings(obs, trusted),
        *preflight_findings(obs, trusted),
        *wildcard_findings(obs),
        *invalid_acao_findings(obs),
        *vary_findings(obs),
        *redirect_findings(obs),
        shape_finding(obs, infer(obs.outcomes, obs.own.origin if obs.own and obs.own.allowed else None)),
    ]
    findings = [f if f.trace is None else replace(f, browsers=affected_browsers(f.trace)) for f in findings]
    findings.sort(key=lambda f: -severity_rank(f.severity))
    return findings
