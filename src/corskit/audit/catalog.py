"""Every finding the audit can report: stable id, snake_case class, severities, why it matters, and the fix.

Severity follows the browser's verdict: a probe origin that a browser lets read the response *with cookies* gets the
rule's ``credentialed`` severity; one that can read only without cookies gets ``uncredentialed``. Rules that do not
depend on credentials use ``credentialed`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "low", "medium", "high"]
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high")


def severity_rank(severity: Severity) -> int:
    """0 for info … 3 for high."""
    return SEVERITIES.index(severity)


def parse_severity(text: str) -> Severity:
    """``'HIGH'`` → ``'high'``; ``ValueError`` naming the choices otherwise."""
    for severity in SEVERITIES:
        if severity == text.strip().lower():
            return severity
    raise ValueError(f"{text!r} is not a severity: use one of {', '.join(SEVERITIES)}")


@dataclass(frozen=True)
class Rule:
    """One kind of finding. ``id`` and ``cls`` are stable: CI baselines and SARIF rule ids rely on them."""

    id: str
    cls: str
    title: str
    credentialed: Severity
    uncredentialed: Severity
    why: str
    fix: str


_ALLOW_LIST_FIX = (
    "Compare the Origin header byte for byte against an exact allow-list of your front-end origins and echo it only"
    " on a match (with 'Vary: Origin'); never echo an unchecked Origin, never build the check from a regex or"
    " substring test. corskit: CORSMiddleware(app, allow_origins=[{trusted}]{credentials})."
)

RULES: tuple[Rule, ...] = (
    Rule(
        "CORS-REFLECT-ANY",
        "arbitrary_origin_reflected",
        "Any origin is reflected in Access-Control-Allow-Origin",
        "high",
        "low",
        "The server echoes whatever Origin it receives, so a page on any site can read this response in the"
        " visitor's browser{credentials_clause}.",
        _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-NULL",
        "null_origin_trusted",
        "The 'null' origin is trusted",
        "high",
        "low",
        "'null' is the origin of sandboxed iframes, data: URLs and local files, which any attacker can create: trusting"
        " it lets any site read this response{credentials_clause}.",
        "Remove 'null' from the allowed origins; never answer 'Access-Control-Allow-Origin: null'. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-PRE-DOMAIN",
        "pre_domain_trusted",
        "Origins that merely end with the trusted domain are trusted (suffix match)",
        "high",
        "low",
        "The check accepts any origin ending with the trusted name, such as {origin}; anyone can register such a"
        " domain and read this response{credentials_clause}.",
        "Match whole hosts: compare against an exact list, or for subdomains require a '.' before the suffix. "
        + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-POST-DOMAIN",
        "post_domain_trusted",
        "Origins that merely start with the trusted domain are trusted (prefix match)",
        "high",
        "low",
        "The check accepts any origin starting with the trusted name, such as {origin} (a subdomain of the"
        " attacker's own domain), so the attacker reads this response{credentials_clause}.",
        "Anchor the comparison at the end of the origin (a regex needs '$', a string check needs equality). "
        + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-UNESCAPED-DOT",
        "unescaped_dot_trusted",
        "A regex with an unescaped '.' trusts look-alike domains",
        "high",
        "low",
        "The allow-list regex treats '.' as 'any character', so {origin}, a domain anyone can register, is trusted"
        " and reads this response{credentials_clause}.",
        "Escape dots in origin regexes (re.escape) or better, drop the regex for an exact list. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-SUBSTRING",
        "substring_trusted",
        "Origins that are a substring of a trusted origin are trusted",
        "high",
        "low",
        "The check tests whether the origin occurs inside the trusted value ('origin in allowed_string'), so"
        " {origin} is trusted and reads this response{credentials_clause}.",
        "Compare for equality against a set of origins, not for containment in a string. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-SPECIAL-CHARS",
        "special_characters_trusted",
        "A lax origin parser trusts hosts with special characters",
        "high",
        "low",
        "Browsers send hosts such as {origin}; the server's parser stops at the special character and sees a trusted"
        " host, so the attacker's subdomain reads this response{credentials_clause}.",
        "Parse the Origin with a real URL parser (or compare it as a whole string) before matching. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-THIRD-PARTY",
        "third_party_origin_trusted",
        "A third-party hosting origin is trusted",
        "medium",
        "low",
        "{origin} serves content anyone can publish (code playgrounds, shared hosting): any of its users can read"
        " this response{credentials_clause}.",
        "Remove shared-hosting and playground origins from the allow-list. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-DEV-ORIGIN",
        "dev_origin_trusted",
        "A development origin (localhost) is trusted in production",
        "medium",
        "low",
        "{origin} is whatever runs on the visitor's own machine (a dev server, another app, malware): it can read"
        " this response{credentials_clause}.",
        "Keep localhost origins out of production configuration; load them from a development-only setting.",
    ),
    Rule(
        "CORS-SUBDOMAIN",
        "any_subdomain_trusted",
        "Every subdomain is trusted",
        "low",
        "info",
        "Any subdomain, such as {origin}, can read this response{credentials_clause}: an XSS or a dangling DNS record"
        " on any one of them becomes access to this endpoint.",
        "List the subdomains that need access instead of trusting the whole domain. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-HTTP-ORIGIN",
        "http_origin_trusted",
        "An http:// origin is trusted by an https:// endpoint",
        "low",
        "info",
        "{origin} is plain HTTP: a network attacker (public Wi-Fi) can inject script into it and read this HTTPS"
        " response{credentials_clause}, defeating TLS.",
        "Trust only https:// origins. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-EXTENSION",
        "extension_origin_trusted",
        "Every browser extension's origin is trusted",
        "low",
        "info",
        "{origin}, an extension id no real extension has, was let through: any installed extension (one the"
        " attacker published and the visitor installed) can read this response{credentials_clause}. It needs that"
        " extension on the visitor's browser, hence the low severity.",
        "Trust extensions by their exact id (chrome-extension://<id>), never by scheme or pattern. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-WILDCARD",
        "wildcard_origin",
        "Access-Control-Allow-Origin: * (public, without credentials)",
        "info",
        "info",
        "Any site can read this response, but browsers never send cookies with '*', so only what is public anyway is"
        " exposed. Fine for public data; a problem only if the endpoint trusts the network position (intranet).",
        "Nothing to fix for public data. If the data is private, replace '*' with an exact allow-list.",
    ),
    Rule(
        "CORS-WILDCARD-CREDENTIALS",
        "wildcard_with_credentials",
        "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true",
        "info",
        "info",
        "Browsers refuse '*' for credentialed requests, so this combination exposes nothing, but it breaks every"
        " credentialed call and shows an intent to trust everyone: a 'fix' that reflects the Origin would make it"
        " critical.",
        "Decide: public data → keep '*' and drop Access-Control-Allow-Credentials; private data → an exact allow-list"
        " with credentials. Never reflect the Origin to 'make it work'.",
    ),
    Rule(
        "CORS-INVALID-ACAO",
        "invalid_allow_origin",
        "Access-Control-Allow-Origin holds a value that never matches",
        "info",
        "info",
        "'{value}' is not a single serialized origin (a list, a trailing slash, a pattern, odd case or spacing), so"
        " browsers reject it for every page: {error}.",
        "Send exactly one origin, byte for byte as the browser sent it (no trailing slash, no list, no pattern), or"
        " '*'. Two layers adding the header (proxy and app) is a common cause: keep one.",
    ),
    Rule(
        "CORS-VARY-MISSING",
        "missing_vary_origin",
        "Access-Control-Allow-Origin depends on Origin but 'Vary: Origin' is missing",
        "medium",
        "medium",
        "The answer changes with the Origin header, yet {where} lack 'Vary: Origin'. {cacheability} A shared cache"
        " then serves one origin's CORS headers to another: trusted pages break and the wrong origins get access.",
        "Send 'Vary: Origin' on every response of a CORS-enabled resource: allowed, rejected and requests without"
        " Origin alike (corskit's middleware does). Or mark the responses 'Cache-Control: private' / 'no-store'.",
    ),
    Rule(
        "CORS-PREFLIGHT-METHODS",
        "untrusted_methods_allowed",
        "An untrusted origin passes the preflight for state-changing methods",
        "high",
        "info",
        "The preflight lets a page on {origin} send {methods}{credentials_clause}: the browser sends the request and"
        " the server acts on it, a cross-site request forgery that CORS was supposed to stop.",
        "Answer preflights only for allowed origins and list the methods you need; never mirror"
        " Access-Control-Request-Method. " + _ALLOW_LIST_FIX,
    ),
    Rule(
        "CORS-PREFLIGHT-HEADERS",
        "untrusted_headers_allowed",
        "An untrusted origin may send arbitrary request headers",
        "medium",
        "info",
        "The preflight lets a page on {origin} send {headers}{credentials_clause}: defences that rely on a custom"
        " header (X-Requested-With, anti-CSRF headers) no longer tell your own pages from an attacker's.",
        "List the request headers you need for allowed origins only; never mirror Access-Control-Request-Headers.",
    ),
    Rule(
        "CORS-PREFLIGHT-AUTHORIZATION",
        "authorization_allowed_untrusted",
        "An untrusted origin may send the Authorization header",
        "low",
        "info",
        "The preflight lets a page on {origin} send an Authorization header{credentials_clause}{wildcard_note}.",
        "Allow 'Authorization' only for your own origins, listed explicitly (never through '*').",
    ),
    Rule(
        "CORS-PREFLIGHT-WILDCARD-CREDENTIALS",
        "preflight_wildcard_with_credentials",
        "A preflight answers '*' for methods or headers together with credentials",
        "info",
        "info",
        "With 'Access-Control-Allow-Credentials: true' browsers read {which}: '*' as a literal name, not a wildcard,"
        " so credentialed requests that need a method or header fail, while uncredentialed ones get everything.",
        "List the methods and headers explicitly when credentials are allowed.",
    ),
    Rule(
        "CORS-PREFLIGHT-MIRROR",
        "preflight_mirrors_request",
        "The preflight allows whatever method or header is asked",
        "info",
        "info",
        "Asked for {asked}, the preflight answered yes: the configuration mirrors Access-Control-Request-Method/"
        "-Headers instead of listing what the API needs. Harmless for trusted origins, but it widens every other"
        " mistake.",
        "List the methods and headers the API needs (corskit: allow_methods=[...], allow_headers=[...]).",
    ),
    Rule(
        "CORS-PNA",
        "private_network_allowed_untrusted",
        "Private Network Access granted to an untrusted origin",
        "high",
        "medium",
        "Asked whether a public page on {origin} may reach this private-network server, the preflight said yes"
        " ('Access-Control-Allow-Private-Network: true'){credentials_clause}: the protection browsers put in front"
        " of routers and intranet services is switched off.",
        "Answer 'Access-Control-Allow-Private-Network: true' only to the exact origins that need to reach the device.",
    ),
    Rule(
        "CORS-REDIRECT",
        "redirect_to_permissive_origin",
        "The target redirects to another origin that lets any site read it",
        "info",
        "info",
        "This URL redirects ({hops}) to {destination}, another origin, whose answer a page on {origin} can read"
        "{credentials_clause}. The redirect itself is not the flaw, and this target's findings do not cover the"
        " destination: audit it on its own.",
        "Audit the destination (corskit audit {destination}) and fix its configuration there.",
    ),
    Rule(
        "CORS-SHAPE",
        "allow_list_shape",
        "The inferred shape of the origin allow-list",
        "info",
        "info",
        "{summary}",
        "{fix}",
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
RULES_BY_CLASS: dict[str, Rule] = {rule.cls: rule for rule in RULES}


def rule(cls: str) -> Rule:
    """The rule of finding class *cls*."""
    return RULES_BY_CLASS[cls]
