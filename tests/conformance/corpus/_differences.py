"""Write ``differences.json``: scenarios aimed at the rules where Chromium, Firefox and WebKit part ways.

    python -m tests.conformance.corpus._differences      # rewrites tests/conformance/corpus/differences.json

Each table probes one area where the engines were seen to fork (issue 12): the request-header safelist (``Range``
above all), headers script may or may not set, redirects of preflighted requests, empty and credentialed
``Location`` values, the preflight cache's keys, and ``Authorization`` with wildcards. Like the rest of the corpus
they are data: every engine plays every one of them, and each changes something observable in at least one.
"""

from __future__ import annotations

from pathlib import Path

from ._build import (
    API,
    APP,
    OTHER,
    URL,
    Scenario,
    acac,
    acah,
    acam,
    acao,
    answer,
    case,
    h,
    loc,
    permissive,
    preflight,
    sentinel,
    write,
)

OUT = Path(__file__).parent / "differences.json"
B = API + "/b"
C = OTHER + "/c"
EVERYTHING = [acao(), acam("PUT, POST, DELETE, PATCH"), acah("*")]


def safelist() -> list[Scenario]:
    """Request headers that are (or are not) CORS-safelisted, per engine."""
    out = []
    for label, value in (
        ("mixed-case-unit", "bYtEs=0-1"),
        ("uint64-max", "bytes=0-18446744073709551615"),
        ("uint64-overflow", "bytes=18446744073709551616-"),
        ("plus-sign", "bytes=+1-2"),
        ("two-dashes", "bytes=1-2-3"),
        ("trailing-comma", "bytes=0-1,"),
        ("dash-only", "bytes=-"),
        ("tab-inside", "bytes=0-\t1"),
        ("space-before-dash", "bytes=0 -1"),
        ("space-after-equals", "bytes= 0-1"),
        ("leading-zero-end", "bytes=0-01"),
        ("hex", "bytes=0x1-2"),
        ("long-leading-zeros", "bytes=" + "0" * 100 + "1-2"),
    ):
        out.append(sentinel(f"fork-range-{label}", headers=[h("Range", value)]))
    out.append(permissive("fork-range-wire-leading-zeros", headers=[h("Range", "bytes=01-02"), h("X-A", "1")]))
    out.append(permissive("fork-range-wire-uppercase", headers=[h("Range", "BYTES=0-5"), h("X-A", "1")]))
    # Chromium re-serialises one byte range that its network stack parses; WebKit sends what script wrote.
    for label, value in (
        ("spaces", "bytes = 0-1"),
        ("plus", "bytes=+1-2"),
        ("trailing-comma", "bytes=1-2,"),
        ("two-ranges", "bytes=0-1,2-3"),
        ("reversed", "bytes=5-1"),
        ("suffix-zeros", "bytes=-007"),
    ):
        out.append(permissive(f"fork-range-wire-{label}", headers=[h("Range", value), h("X-A", "1")]))
    for name, value in (("Save-Data", "on"), ("Sec-CH-UA-Mobile", "?0"), ("Device-Memory", "2"), ("DPR", "1.5")):
        out.append(sentinel(f"fork-hint-post-{name.lower()}", method="POST", headers=[h(name, value)]))
    out.append(sentinel("fork-accept-language-utf8", headers=[h("Accept-Language", "d\xe9")]))
    out.append(sentinel("fork-content-type-utf8", method="POST", headers=[h("Content-Type", "text/plain;x=\xe9")]))
    return out


def script_headers() -> list[Scenario]:
    """Headers script sets: dropped, sent, or sent after a preflight."""
    out = []
    for name, value in (
        ("User-Agent", "corskit/1"),
        ("User-Agent", ""),
        ("Accept-Charset", "utf-8"),
        ("Keep-Alive", "300"),
        ("Proxy-Connection", "close"),
        ("Sec-CH-UA", "x"),
        ("Priority", "u=1"),
        ("Cache-Control", "no-cache"),
        ("Pragma", "no-cache"),
        ("If-None-Match", "x"),
    ):
        label = f"{name.lower()}-{'empty' if not value else 'set'}"
        out.append(permissive(f"fork-script-{label}", headers=[h(name, value)]))
    out.append(
        case("fork-script-user-agent-no-cors", [answer()], headers=[h("User-Agent", "corskit/1")], mode="no-cors")
    )
    out.append(permissive("fork-script-x-a-utf8", headers=[h("X-A", "\xe9\xe8")]))
    out.append(permissive("fork-script-user-agent-with-x-a", headers=[h("User-Agent", "u"), h("X-A", "1")]))
    return out


def preflighted_redirects() -> list[Scenario]:
    """What a redirect does to a request that needed (or did not need) a preflight."""
    out = []
    for status in (301, 302, 303, 307, 308):
        for method in ("PUT", "DELETE", "POST"):
            server = [
                preflight(headers=EVERYTHING),
                answer(status=status, headers=[acao(), loc(C)]),
                preflight(C, headers=[acao("null"), acam("PUT, POST, DELETE"), acah("*")]),
                answer(C, headers=[acao("null")]),
            ]
            headers = [h("X-A", "1")] if method == "POST" else None
            out.append(case(f"fork-redirect-cross-{status}-{method.lower()}", server, method=method, headers=headers))
    # A same-origin start (no preflight) redirected across origins.
    for method in ("DELETE", "PUT"):
        for status in (302, 307):
            server = [
                answer(APP + "/s", status=status, headers=[loc(URL)]),
                preflight(headers=[acao(), acam(method)]),
                answer(headers=[acao()]),
            ]
            out.append(
                case(f"fork-redirect-same-then-cross-{status}-{method.lower()}", server, url=APP + "/s", method=method)
            )
    # A preflighted GET (custom header) redirected: what the second preflight lists.
    for label, target, allow in (("same-host", B, APP), ("cross", C, "null")):
        server = [
            preflight(headers=[acao(), acah("x-a, authorization")]),
            answer(status=307, headers=[acao(), loc(target)]),
            preflight(target, headers=[acao(allow), acah("x-a, authorization")]),
            answer(target, headers=[acao(allow)]),
        ]
        out.append(case(f"fork-redirect-preflighted-get-{label}", server, headers=[h("X-A", "1")]))
        out.append(
            case(
                f"fork-redirect-preflighted-auth-{label}",
                server,
                headers=[h("X-A", "1"), h("Authorization", "Bearer t")],
            )
        )
    # The second preflight fails: which message.
    server = [
        preflight(headers=EVERYTHING),
        answer(method="PUT", status=303, headers=[acao(), loc(B)]),
        preflight(B, status=403),
        answer(B, headers=[acao()]),
    ]
    out.append(case("fork-redirect-303-put-second-preflight-403", server, method="PUT"))
    server = [
        preflight(headers=EVERYTHING),
        answer(method="PUT", status=303, headers=[acao(), loc(B)]),
        preflight(B),
        answer(B, headers=[acao()]),
    ]
    out.append(case("fork-redirect-303-put-second-preflight-no-acao", server, method="PUT"))
    # A simple request redirected: never preflighted.
    server = [answer(status=307, headers=[acao(), loc(C)]), answer(C, headers=[acao("null")])]
    out.append(case("fork-redirect-simple-post-307", server, method="POST", headers=[h("Content-Type", "text/plain")]))
    # The Origin header after a method-changing redirect.
    for mode in ("cors", "no-cors"):
        for status in (301, 302, 303):
            server = [
                answer(status=status, headers=[acao(), loc(B)]),
                answer(B, headers=[acao()]),
            ]
            out.append(
                case(
                    f"fork-redirect-origin-after-{status}-post-{mode}",
                    server,
                    method="POST",
                    headers=[h("Content-Type", "text/plain")],
                    mode=None if mode == "cors" else mode,
                )
            )
    # Which headers survive a redirect that turns the request into a GET.
    for method, status, target in (
        ("PUT", 303, B),
        ("DELETE", 303, B),
        ("DELETE", 307, C),
        ("POST", 302, C),
        ("PATCH", 303, C),
    ):
        allow = "null" if target == C else APP
        server = [
            preflight(headers=EVERYTHING),
            answer(status=status, headers=[acao(), loc(target)]),
            preflight(target, headers=[acao(allow), acam("PUT, POST, DELETE, PATCH"), acah("*")]),
            answer(target, headers=[acao(allow)]),
        ]
        headers = [h("Content-Type", "text/plain"), h("Content-Language", "en"), h("X-A", "1")]
        name = f"fork-redirect-body-headers-{method.lower()}-{status}-{'cross' if target == C else 'same'}"
        out.append(case(name, server, method=method, headers=headers))
    # Origin on a no-cors request redirected to another origin, method kept or changed.
    for status in (307, 303):
        server = [answer(status=status, headers=[loc(C)]), answer(C)]
        out.append(case(f"fork-redirect-origin-no-cors-post-{status}-cross", server, method="POST", mode="no-cors"))
    return out


def locations() -> list[Scenario]:
    """Empty, blank and credentialed ``Location`` values."""
    out = []
    for status in (301, 303, 307, 308):
        out.append(case(f"fork-empty-location-{status}", [answer(status=status, headers=[acao(), loc("")])]))
    out.append(case("fork-blank-location-302", [answer(status=302, headers=[acao(), loc("  ")])]))
    out.append(case("fork-no-location-manual", [answer(status=302, headers=[acao()])], redirect="manual"))
    out.append(case("fork-no-location-manual-no-acao", [answer(status=302)], redirect="manual"))
    out.append(case("fork-empty-location-manual", [answer(status=302, headers=[acao(), loc("")])], redirect="manual"))
    out.append(case("fork-empty-location-no-cors", [answer(status=302, headers=[loc("")])], mode="no-cors"))
    out.append(
        case(
            "fork-empty-location-same-origin",
            [answer(APP + "/s", status=302, headers=[loc("")])],
            url=APP + "/s",
        )
    )
    for label, location, target in (
        ("same-origin-to-cross", "http://u:p@other.test/c", C),
        ("same-origin-user-only", "http://u@app.test/t", APP + "/t"),
    ):
        server = [answer(APP + "/s", status=302, headers=[loc(location)]), answer(target, headers=[acao("*")])]
        out.append(case(f"fork-credentials-{label}", server, url=APP + "/s"))
    server = [answer(APP + "/s", status=302, headers=[loc("http://u:p@app.test/t")]), answer(APP + "/t")]
    out.append(case("fork-credentials-same-origin-mode", server, url=APP + "/s", mode="same-origin"))
    server = [answer(status=302, headers=[acao(), loc("http://u:p@other.test/c")]), answer(C, headers=[acao("*")])]
    out.append(case("fork-credentials-manual", server, redirect="manual"))
    return out


def cache_keys() -> list[Scenario]:
    """What a cached preflight answer covers, and under which key."""
    out = []
    r, b = URL, B
    for label, allow_headers, headers, credentials in (
        ("star-x-a", "*", [h("X-A", "1")], None),
        ("star-auth-upper", "*", [h("AUTHORIZATION", "x")], None),
        ("star-auth-and-x-a", "*", [h("Authorization", "x"), h("X-A", "1")], None),
        ("star-auth-include", "*, authorization", [h("Authorization", "x")], "include"),
    ):
        extra = [acac()] if credentials else []
        pf = [acao(), acam("PUT"), acah(allow_headers), *extra]
        server = [
            preflight(r, headers=pf),
            preflight(b, headers=pf),
            answer(r, status=307, headers=[acao(), *extra, loc(b)]),
            answer(b, status=307, headers=[acao(), *extra, loc(r)]),
        ]
        out.append(case(f"fork-cache-{label}", server, method="PUT", headers=headers, credentials=credentials))
    # After a cross-origin hop the origin is "null": a preflight cached for the page's origin does not apply.
    server = [
        preflight(r, headers=[acao(), acam("PUT"), h("Access-Control-Max-Age", "60")]),
        answer(r, method="PUT", status=307, headers=[acao(), loc(C)]),
        preflight(C, headers=[acao("null"), acam("PUT")]),
        answer(C, method="PUT", status=307, headers=[acao("null"), loc(r)]),
        preflight(r, headers=[acao("null"), acam("PUT")]),
    ]
    out.append(case("fork-cache-origin-becomes-null", server, method="PUT"))
    # The fragment: part of Chromium's cache key, not of WebKit's.
    pf = [acao(), acam("PUT"), h("Access-Control-Max-Age", "60")]
    server = [
        preflight(r, headers=pf),
        preflight(b, headers=pf),
        answer(r, method="PUT", status=307, headers=[acao(), loc(b)]),
        answer(b, method="PUT", status=307, headers=[acao(), loc(r + "#z")]),
    ]
    out.append(case("fork-cache-key-fragment", server, url=r + "#a", method="PUT"))
    for value in ("601", "86400", "1e3", "0x10", "5,10", "5, 5"):
        pf = [acao(), acam("PUT"), h("Access-Control-Max-Age", value)]
        server = [
            preflight(r, headers=pf),
            preflight(b, headers=pf),
            answer(r, status=307, headers=[acao(), loc(b)]),
            answer(b, status=307, headers=[acao(), loc(r)]),
        ]
        out.append(case(f"fork-cache-max-age-{value.replace(' ', '')}", server, method="PUT"))
    return out


def wildcards() -> list[Scenario]:
    """``Authorization`` and the ``*`` wildcards."""
    out = []
    for label, allow, credentials in (
        ("methods-star-include", [acam("*"), acac()], "include"),
        ("headers-star-auth-upper", [acah("*"), acah("AUTHORIZATION")], None),
        ("headers-two-lines", [acah("*"), acah("authorization")], None),
        ("headers-star-include-auth", [acah("*"), acac()], "include"),
    ):
        server = [preflight(headers=[acao(), *allow]), answer(headers=[acao(), *allow[1:]])]
        method = "PUT" if label.startswith("methods") else None
        headers = None if method else [h("Authorization", "x")]
        out.append(case(f"fork-wildcard-{label}", server, method=method, headers=headers, credentials=credentials))
    return out


def build() -> list[Scenario]:
    return [*safelist(), *script_headers(), *preflighted_redirects(), *locations(), *cache_keys(), *wildcards()]


def main() -> None:
    scenarios = build()
    write(OUT, scenarios)
    print(f"differences: {len(scenarios)}")


if __name__ == "__main__":
    main()
