"""Write the systematic corpus: one JSON file per section of browser-rules.md.

    python -m tests.conformance.corpus._build      # rewrites tests/conformance/corpus/<category>.json

The JSON files are the corpus (reviewed and committed); this script is how they were made. Each scenario is built
so that the rule it exercises changes something observable: the verdict, the error, the message, the requests on
the wire or the headers script reads. Tables of "does this header need a preflight?" use a *sentinel* server whose
preflight answer lacks ``Access-Control-Allow-Origin``: a preflighted request fails
(``preflight_missing_allow_origin_header``), a simple one succeeds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent
APP = "http://app.test"
API = "http://api.test"
OTHER = "http://other.test"
URL = API + "/r"

Header = list[str]
Scenario = dict[str, Any]


def h(name: str, value: str) -> Header:
    return [name, value]


def acao(value: str = APP) -> Header:
    return h("Access-Control-Allow-Origin", value)


def acac(value: str = "true") -> Header:
    return h("Access-Control-Allow-Credentials", value)


def acam(value: str) -> Header:
    return h("Access-Control-Allow-Methods", value)


def acah(value: str) -> Header:
    return h("Access-Control-Allow-Headers", value)


def aceh(value: str) -> Header:
    return h("Access-Control-Expose-Headers", value)


def loc(value: str) -> Header:
    return h("Location", value)


def answer(url: str = URL, *, method: str = "*", status: int = 200, headers: list[Header] | None = None) -> Scenario:
    return {"method": method, "url": url, "status": status, "headers": headers or []}


def preflight(url: str = URL, *, status: int = 204, headers: list[Header] | None = None) -> Scenario:
    return answer(url, method="OPTIONS", status=status, headers=headers)


def case(
    name: str,
    server: list[Scenario],
    *,
    origin: str = APP,
    url: str = URL,
    method: str | None = None,
    headers: list[Header] | None = None,
    credentials: str | None = None,
    mode: str | None = None,
    redirect: str | None = None,
    note: str | None = None,
) -> Scenario:
    request: dict[str, Any] = {"url": url}
    if method is not None:
        request["method"] = method
    if headers is not None:
        request["headers"] = headers
    if credentials is not None:
        request["credentials"] = credentials
    if mode is not None:
        request["mode"] = mode
    if redirect is not None:
        request["redirect"] = redirect
    out: Scenario = {"name": name}
    if note:
        out["note"] = note
    out.update({"origin": origin, "request": request, "server": server})
    return out


def sentinel(name: str, *, method: str | None = None, headers: list[Header] | None = None, **kw: Any) -> Scenario:
    """Preflighted → fails with preflight_missing_allow_origin_header; simple → allowed."""
    server = [preflight(), answer(headers=[acao()])]
    kw["note"] = "sentinel: fails only if preflighted" + (f"; {kw['note']}" if kw.get("note") else "")
    return case(name, server, method=method, headers=headers, **kw)


def permissive(name: str, *, method: str = "GET", headers: list[Header] | None = None, **kw: Any) -> Scenario:
    """A preflight (if any) that allows everything: what matters is the wire (ACRH, headers that arrive)."""
    server = [preflight(headers=[acao(), acam(method), acah("*")]), answer(headers=[acao()])]
    return case(name, server, method=None if method == "GET" else method, headers=headers, **kw)


# -- 1. simple requests --------------------------------------------------------------------------------------------


def simple() -> list[Scenario]:
    out = []
    for method in ("GET", "HEAD", "POST"):
        out.append(case(f"simple-{method.lower()}-exact-origin", [answer(headers=[acao()])], method=method))
        out.append(case(f"simple-{method.lower()}-star", [answer(headers=[acao("*")])], method=method))
        out.append(case(f"simple-{method.lower()}-no-acao", [answer()], method=method))
    for status in (200, 201, 202, 203, 204, 205, 206, 299, 300, 304, 400, 401, 403, 404, 410, 418, 500, 502, 503, 599):
        out.append(case(f"simple-status-{status}-with-acao", [answer(status=status, headers=[acao()])]))
        out.append(case(f"simple-status-{status}-no-acao", [answer(status=status)]))
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        out.append(
            case(
                f"simple-post-content-type-{ctype.split(';')[0]}",
                [answer(headers=[acao()])],
                method="POST",
                headers=[h("Content-Type", ctype)],
            )
        )
    out.append(case("simple-response-body-length", [answer(headers=[acao(), h("Content-Length", "5")])]))
    out.append(case("simple-same-origin-get", [answer(APP + "/s", headers=[h("X-Any", "1")])], url=APP + "/s"))
    out.append(case("simple-same-origin-post", [answer(APP + "/s")], url=APP + "/s", method="POST"))
    out.append(case("simple-same-origin-head", [answer(APP + "/s")], url=APP + "/s", method="HEAD"))
    out.append(case("simple-same-origin-put", [answer(APP + "/s")], url=APP + "/s", method="PUT"))
    out.append(
        case(
            "simple-same-origin-custom-header",
            [answer(APP + "/s")],
            url=APP + "/s",
            headers=[h("X-Foo", "1")],
            note="no preflight for same-origin",
        )
    )
    out.append(case("simple-same-origin-no-acao-needed", [answer(APP + "/s", status=404)], url=APP + "/s"))
    out.append(case("simple-port-is-cross-origin", [answer(APP + ":8080/s")], url=APP + ":8080/s"))
    out.append(case("simple-port-acao-with-port", [answer(API + ":8080/s", headers=[acao()])], url=API + ":8080/s"))
    out.append(case("simple-explicit-port-80-same-origin", [answer(APP + "/s")], url=APP + ":80/s"))
    out.append(case("simple-origin-with-port-exact", [answer(headers=[acao(APP + ":8080")])], origin=APP + ":8080"))
    out.append(case("simple-origin-with-port-acao-without", [answer(headers=[acao()])], origin=APP + ":8080"))
    out.append(case("simple-query-string", [answer(URL + "?a=1&b=2", headers=[acao()])], url=URL + "?a=1&b=2"))
    out.append(case("simple-fragment-not-sent", [answer(headers=[acao("http://nope.test")])], url=URL + "#frag"))
    out.append(case("simple-https-scheme-acao-mismatch", [answer(headers=[acao("https://app.test")])]))
    out.append(
        case(
            "simple-subdomain-is-cross-origin",
            [answer("http://sub.app.test/r", headers=[acao()])],
            url="http://sub.app.test/r",
        )
    )
    out.append(case("simple-uppercase-host-url", [answer(headers=[acao()])], url="http://API.TEST/r"))
    return out


# -- 2. Access-Control-Allow-Origin -------------------------------------------------------------------------------

ACAO_VALUES = [
    "*",
    "http://app.test",
    "HTTP://APP.TEST",
    "http://APP.test",
    "http://app.test/",
    "http://app.test:80",
    "http://app.test:8080",
    "https://app.test",
    "http://app.test/path",
    "http://app.test?x",
    "http://app.test#x",
    " http://app.test",
    "http://app.test ",
    "\thttp://app.test",
    "http://app.test\t",
    " \t http://app.test \t ",
    "\x0bhttp://app.test",
    "http://app.test\x0b",
    "\x0chttp://app.test",
    "http://app.test, http://app.test",
    "http://app.test,http://other.test",
    "http://app.test http://other.test",
    "http://app.test,",
    ",http://app.test",
    "*, *",
    "* ",
    "**",
    "null",
    "NULL",
    "Null",
    "",
    " ",
    "app.test",
    "//app.test",
    "http:/app.test",
    "http://other.test",
    "http://app.test.",
    "'http://app.test'",
    '"http://app.test"',
    "http://app.test;",
    "http://*.test",
    "http://app.test\xe9",
    "foo",
    "foo bar",
    "http://",
    "http://app.test:99999",
    "http://app.test:abc",
    "http://app.test:0",
    "http://app.test:080",
    "http://[::1]",
    "http://app..test",
    "http://app_test",
    "http://app%20test",
    "http://app.test%",
    "http://app.test|",
    "http://a<b",
    "http://app.test\\",
    "ftp://app.test",
    "a:b",
    "data:,x",
    "javascript:alert(1)",
    "about:blank",
    "http:app.test",
    "http://app.test@x",
    "HTTP://app.test",
    "http://xn--nxa.test",
    "http://01.02.03.04",
    "null ",
    "nulL",
    "http://app.test/..",
    "chrome://x",
    "http://ap p.test",
]


def allow_origin() -> list[Scenario]:
    out = []
    for i, value in enumerate(ACAO_VALUES):
        label = f"{i:02d}-{value.strip() or 'blank'}"[:40]
        out.append(case(f"acao-simple-{label}", [answer(headers=[acao(value)])], note=f"ACAO {value!r}"))
    for i, value in enumerate(ACAO_VALUES[:30]):
        label = f"{i:02d}-{value.strip() or 'blank'}"[:40]
        server = [preflight(headers=[acao(value), acam("PUT")]), answer(method="PUT", headers=[acao()])]
        out.append(case(f"acao-preflight-{label}", server, method="PUT", note=f"preflight ACAO {value!r}"))
    lines = {
        "two-equal": [acao(), acao()],
        "two-star": [acao("*"), acao("*")],
        "empty-then-origin": [acao(""), acao()],
        "origin-then-empty": [acao(), acao("")],
        "origin-then-other": [acao(), acao(OTHER)],
        "lowercase-name": [h("access-control-allow-origin", APP)],
        "uppercase-name": [h("ACCESS-CONTROL-ALLOW-ORIGIN", APP)],
    }
    for label, headers in lines.items():
        out.append(case(f"acao-lines-{label}", [answer(headers=headers)]))
        server = [preflight(headers=[*headers, acam("PUT")]), answer(method="PUT", headers=[acao()])]
        out.append(case(f"acao-lines-preflight-{label}", server, method="PUT"))
    out.append(case("acao-only-on-preflight", [preflight(headers=[acao(), acam("PUT")]), answer()], method="PUT"))
    out.append(
        case(
            "acao-mismatch-on-actual-after-preflight",
            [preflight(headers=[acao(), acam("PUT")]), answer(headers=[acao(OTHER)])],
            method="PUT",
        )
    )
    return out


# -- 3. credentials ------------------------------------------------------------------------------------------------

ACAC_VALUES = {
    "missing": None,
    "true": "true",
    "TRUE": "TRUE",
    "True": "True",
    "true-true": "true, true",
    "space-true-space": " true ",
    "empty": "",
    "1": "1",
    "false": "false",
}


def credentials() -> list[Scenario]:
    out = []
    for creds in ("omit", "same-origin", "include"):
        for olabel, ovalue in (("exact", APP), ("star", "*"), ("other", OTHER)):
            for clabel, cvalue in ACAC_VALUES.items():
                headers = [acao(ovalue)] + ([acac(cvalue)] if cvalue is not None else [])
                out.append(case(f"cred-{creds}-{olabel}-acac-{clabel}", [answer(headers=headers)], credentials=creds))
    out.append(case("cred-include-acac-two-lines", [answer(headers=[acao(), acac(), acac()])], credentials="include"))
    out.append(case("cred-include-no-acao", [answer(headers=[acac()])], credentials="include"))
    out.append(case("cred-default-is-same-origin-star", [answer(headers=[acao("*")])]))
    for clabel, cvalue in ACAC_VALUES.items():
        pf = [acao(), acam("PUT")] + ([acac(cvalue)] if cvalue is not None else [])
        server = [preflight(headers=pf), answer(headers=[acao(), acac()])]
        out.append(case(f"cred-preflight-include-acac-{clabel}", server, method="PUT", credentials="include"))
    server = [preflight(headers=[acao("*"), acam("PUT"), acac()]), answer(headers=[acao(), acac()])]
    out.append(case("cred-preflight-include-star", server, method="PUT", credentials="include"))
    server = [preflight(headers=[acao(), acam("PUT"), acac()]), answer(headers=[acao(), acac("TRUE")])]
    out.append(case("cred-preflight-ok-actual-acac-bad", server, method="PUT", credentials="include"))
    server = [preflight(headers=[acao("*"), acam("PUT")]), answer(headers=[acao("*")])]
    out.append(case("cred-preflight-omit-star", server, method="PUT", credentials="omit"))
    server = [answer(APP + "/s", headers=[h("X-A", "1")])]
    out.append(case("cred-include-same-origin", server, url=APP + "/s", credentials="include"))
    return out


# -- 4. preflight triggers: methods and safelisted headers -----------------------------------------------------------

UNSAFE_BYTES = ['"', "(", ")", ":", "<", ">", "?", "@", "[", "\\", "]", "{", "}", "\x7f", "\x01", "\x1f"]


def preflight_triggers() -> list[Scenario]:
    out = []
    for method in (
        "GET",
        "HEAD",
        "POST",
        "get",
        "head",
        "post",
        "Post",
        "PUT",
        "put",
        "DELETE",
        "delete",
        "PATCH",
        "patch",
        "OPTIONS",
        "options",
        "FOO",
        "foo",
        "M-SEARCH",
        "PROPFIND",
    ):
        out.append(sentinel(f"trigger-method-{method}", method=method))
    # accept
    out.append(sentinel("trigger-accept-plain", headers=[h("Accept", "text/html")]))
    out.append(sentinel("trigger-accept-star", headers=[h("Accept", "*/*")]))
    out.append(sentinel("trigger-accept-tab", headers=[h("Accept", "a\tb")]))
    for i, byte in enumerate(UNSAFE_BYTES):
        out.append(sentinel(f"trigger-accept-unsafe-{i:02d}-{ord(byte):02x}", headers=[h("Accept", f"a{byte}b")]))
    out.append(sentinel("trigger-accept-latin1", headers=[h("Accept", "a\xe9")]))
    for n in (127, 128, 129):
        out.append(sentinel(f"trigger-accept-length-{n}", headers=[h("Accept", "a" * n)]))
    # accept-language / content-language
    for name in ("Accept-Language", "Content-Language"):
        key = name.lower().split("-")[0]
        for label, value in (
            ("plain", "en-US"),
            ("list", "en-US,en;q=0.9"),
            ("star", "*"),
            ("space", "en US"),
            ("underscore", "en_US"),
            ("slash", "en/US"),
            ("colon", "en:US"),
            ("quote", 'en"'),
            ("latin1", "en\xe9"),
            ("empty", ""),
            ("tab", "en\tUS"),
            ("plus", "en+US"),
            ("len-128", "a" * 128),
            ("len-129", "a" * 129),
        ):
            out.append(sentinel(f"trigger-{key}-language-{label}", headers=[h(name, value)]))
    # content-type
    ctypes = {
        "text-plain": "text/plain",
        "upper": "TEXT/PLAIN",
        "charset": "text/plain;charset=utf-8",
        "charset-spaces": "text/plain ; charset=utf-8",
        "charset-quoted": 'text/plain;charset="utf-8"',
        "trailing-semicolon": "text/plain;",
        "form": "application/x-www-form-urlencoded",
        "multipart": "multipart/form-data",
        "multipart-boundary": "multipart/form-data; boundary=something",
        "json": "application/json",
        "html": "text/html",
        "text-star": "text/*",
        "empty": "",
        "no-subtype": "text",
        "slash-only": "text/",
        "leading-space": " text/plain",
        "comma-list": "text/plain, application/json",
        "json-then-plain-comma": "application/json, text/plain",
        "unsafe-quote-param": 'text/plain; a="b"',
        "unsafe-colon": "text/plain; a=b:c",
        "unsafe-paren": "text/plain (x)",
        "bad-param-no-value": "text/plain;charset",
        "space-in-type": "text /plain",
        "latin1-param": "text/plain;a=\xe9",
        "len-128": "text/plain;a=" + "b" * (128 - len("text/plain;a=")),
        "len-129": "text/plain;a=" + "b" * (129 - len("text/plain;a=")),
    }
    for label, value in ctypes.items():
        out.append(sentinel(f"trigger-content-type-{label}", method="POST", headers=[h("Content-Type", value)]))
    out.append(
        sentinel(
            "trigger-content-type-two-values",
            method="POST",
            headers=[h("Content-Type", "text/plain"), h("Content-Type", "text/plain")],
        )
    )
    # range
    ranges = {
        "open": "bytes=0-",
        "closed": "bytes=0-99",
        "equal": "bytes=5-5",
        "reversed": "bytes=10-5",
        "suffix": "bytes=-500",
        "multi": "bytes=0-1,3-4",
        "spaces": "bytes = 0-1",
        "space-after": "bytes=0-1 ",
        "upper-unit": "BYTES=0-1",
        "other-unit": "items=0-1",
        "no-dash": "bytes=5",
        "letters": "bytes=a-b",
        "leading-zeros": "bytes=007-009",
        "big": "bytes=0-99999999999999999999",
        "int64-max": "bytes=0-9223372036854775807",
        "start-int64-max": "bytes=9223372036854775807-",
        "int63": "bytes=0-4611686018427387904",
        "zeros-open": "bytes=00-",
        "empty": "bytes=",
    }
    for label, value in ranges.items():
        out.append(sentinel(f"trigger-range-{label}", headers=[h("Range", value)]))
    # totals: 1024 bytes of safelisted values
    eight = [h("Accept", "a" * 128), h("Accept-Language", "a" * 128)]
    out.append(sentinel("trigger-total-256", headers=eight))
    for n, size in ((8, 128), (9, 128), (2, 63), (2, 64), (3, 10)):
        out.append(
            sentinel(
                f"trigger-accept-{n}-lines-of-{size}",
                headers=[h("Accept", "a" * size)] * n,
                note="per-line or combined value for the 128/1024 limits?",
            )
        )
    mix = [
        h("Accept", "a" * 128),
        h("Accept-Language", "b" * 128),
        h("Content-Language", "c" * 128),
        h("Content-Type", "text/plain;a=" + "d" * 115),
    ]
    out.append(sentinel("trigger-total-four-names-512", method="POST", headers=mix))
    # Chromium extras and non-safelisted names
    for name, value in (
        ("Save-Data", "on"),
        ("Device-Memory", "8"),
        ("DPR", "2"),
        ("Viewport-Width", "800"),
        ("Width", "100"),
        ("RTT", "50"),
        ("Downlink", "10"),
        ("ECT", "4g"),
        ("X-Foo", "1"),
        ("Authorization", "Bearer x"),
        ("Cache-Control", "no-cache"),
        ("Pragma", "no-cache"),
        ("If-None-Match", "x"),
        ("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ("Last-Event-ID", "1"),
        ("User-Agent", "corskit"),
        ("Content-Encoding", "gzip"),
        ("X-Requested-With", "XMLHttpRequest"),
        ("Sec-CH-UA", "x"),
        ("Accept-CH", "x"),
        ("Viewport-Height", "100"),
    ):
        out.append(sentinel(f"trigger-header-{name.lower()}", headers=[h(name, value)]))
    for name, value in (
        ("Save-Data", "off"),
        ("Device-Memory", "x"),
        ("DPR", "x"),
        ("RTT", "x"),
        ("Downlink", "x"),
        ("ECT", "5g"),
        ("Viewport-Width", "x"),
        ("Width", "-1"),
        ("Device-Memory", "0.5"),
        ("User-Agent", "Mozilla/5.0"),
    ):
        out.append(sentinel(f"trigger-hint-{name.lower()}-{value}", headers=[h(name, value)]))
    # the preflight request itself (permissive preflight: what matters is ACRH and what arrives)
    out.append(permissive("acrh-sorted-lowercase", headers=[h("X-B", "1"), h("x-a", "2"), h("X-C", "3")]))
    out.append(permissive("acrh-duplicate-names", headers=[h("X-A", "1"), h("X-A", "2")]))
    out.append(
        permissive(
            "acrh-mixed-safelisted", headers=[h("Accept", "a"), h("X-A", "1"), h("Content-Type", "application/json")]
        )
    )
    out.append(
        permissive(
            "acrh-forbidden-not-listed",
            headers=[
                h("X-A", "1"),
                h("Accept-Encoding", "x"),
                h("Cookie", "a=b"),
                h("Sec-Foo", "1"),
                h("Proxy-Foo", "1"),
            ],
        )
    )
    out.append(permissive("acrh-unsafe-accept-listed", headers=[h("Accept", "a(b"), h("X-A", "1")]))
    out.append(permissive("acrh-put-with-safelisted-only", method="PUT", headers=[h("Accept", "a")]))
    out.append(permissive("acrh-authorization-star", headers=[h("Authorization", "Basic eA==")]))
    out.append(permissive("acrh-value-trimmed", headers=[h("X-A", "  padded  ")]))
    out.append(permissive("acrh-value-inner-tab", headers=[h("X-A", "a\tb")]))
    out.append(permissive("acrh-value-del", headers=[h("X-A", "a\x7fb")]))
    out.append(permissive("acrh-value-latin1", headers=[h("X-A", "caf\xe9")]))
    out.append(permissive("acrh-empty-value", headers=[h("X-A", "")]))
    return out


# -- 5. forbidden request headers (dropped silently; nothing else changes) -------------------------------------------

FORBIDDEN = [
    "Accept-Charset",
    "Accept-Encoding",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Connection",
    "Content-Length",
    "Cookie",
    "Cookie2",
    "Date",
    "DNT",
    "Expect",
    "Host",
    "Keep-Alive",
    "Origin",
    "Referer",
    "Set-Cookie",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Via",
    "Proxy-Authorization",
    "Proxy-Foo",
    "Sec-Foo",
    "Sec-Fetch-Mode",
]


def forbidden_headers() -> list[Scenario]:
    out = []
    for name in FORBIDDEN:
        value = "http://evil.test" if name == "Origin" else "x"
        out.append(
            sentinel(
                f"forbidden-header-{name.lower()}", headers=[h(name, value)], note="forbidden: dropped, so no preflight"
            )
        )
    for name in ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"):
        for value in ("TRACE", "PUT", "get, trace"):
            out.append(
                sentinel(f"forbidden-{name.lower()}-{value.replace(', ', '-').lower()}", headers=[h(name, value)])
            )
    out.append(permissive("forbidden-with-allowed-custom", headers=[h("Cookie", "a=b"), h("X-A", "1")]))
    return out


# -- 6. preflight response status ----------------------------------------------------------------------------------


def preflight_status() -> list[Scenario]:
    out = []
    for status in (
        200,
        201,
        202,
        203,
        204,
        205,
        206,
        226,
        299,
        300,
        301,
        302,
        303,
        304,
        305,
        306,
        307,
        308,
        400,
        401,
        403,
        404,
        405,
        418,
        500,
        501,
        502,
        503,
        599,
    ):
        good = [acao(), acam("PUT")]
        server = [preflight(status=status, headers=good), answer(method="PUT", headers=[acao()])]
        out.append(case(f"pfstatus-{status}", server, method="PUT"))
        server = [preflight(status=status, headers=[acam("PUT")]), answer(method="PUT", headers=[acao()])]
        out.append(case(f"pfstatus-{status}-no-acao", server, method="PUT"))
    for status in (301, 302, 303, 307, 308):
        target = API + "/elsewhere"
        server = [
            preflight(status=status, headers=[acao(), acam("PUT"), loc(target)]),
            answer(target, headers=[acao(), acam("PUT")]),
            answer(method="PUT", headers=[acao()]),
        ]
        out.append(case(f"pfstatus-redirect-{status}", server, method="PUT"))
    server = [preflight(status=302, headers=[acao(), acam("PUT"), loc(URL)]), answer(method="PUT", headers=[acao()])]
    out.append(case("pfstatus-redirect-to-itself", server, method="PUT"))
    server = [preflight(status=404, headers=[acao(), acam("PU T")]), answer(method="PUT", headers=[acao()])]
    out.append(case("pfstatus-404-and-bad-methods", server, method="PUT"))
    server = [preflight(status=404, headers=[acao(), acam("GET")]), answer(method="PUT", headers=[acao()])]
    out.append(case("pfstatus-404-and-method-not-allowed", server, method="PUT"))
    server = [preflight(status=500, headers=[acao("*"), acam("PUT")]), answer(method="PUT", headers=[acao()])]
    out.append(case("pfstatus-500-and-wildcard-with-credentials", server, method="PUT", credentials="include"))
    server = [preflight(status=500, headers=[acao(), acam("PUT")]), answer(method="PUT", headers=[acao()])]
    out.append(case("pfstatus-500-and-acac-missing", server, method="PUT", credentials="include"))
    server = [preflight(status=404, headers=[acao(OTHER), acam("PUT")]), answer(method="PUT", headers=[acao()])]
    out.append(case("pfstatus-404-and-origin-mismatch", server, method="PUT"))
    server = [preflight(status=200, headers=[acao(), acam("PUT")]), answer(method="PUT", status=500, headers=[acao()])]
    out.append(case("pfstatus-ok-actual-500", server, method="PUT"))
    server = [preflight(status=200, headers=[acao(), acam("PUT")]), answer(method="PUT", status=404)]
    out.append(case("pfstatus-ok-actual-404-no-acao", server, method="PUT"))
    return out


# -- 7. Access-Control-Allow-Methods ---------------------------------------------------------------------------------

METHOD_LISTS = [
    "PUT",
    "put",
    "Put",
    "GET, PUT",
    "GET,PUT",
    "GET ,PUT",
    " PUT ",
    "\tPUT\t",
    "PUT,",
    ",PUT",
    "GET,,PUT",
    "GET, , PUT",
    "",
    " ",
    ",",
    "*",
    " * ",
    "*, GET",
    "GET",
    "POST, GET, HEAD",
    "PUT DELETE",
    "PUT;",
    "PU T",
    "PUT/",
    "PUT(x)",
    '"PUT"',
    "PUT\x0b",
    "P\xe9T",
    "PATCH, patch",
    "patch",
    "PATCH",
    "DELETE",
    "delete",
    "foo",
    "FOO",
    "**",
    "GET, *",
]


def allow_methods() -> list[Scenario]:
    out = []
    for i, methods in enumerate(METHOD_LISTS):
        for request_method in ("PUT", "patch", "DELETE", "foo"):
            if request_method != "PUT" and not any(k in methods.lower() for k in ("patch", "delete", "foo", "*")):
                continue
            server = [preflight(headers=[acao(), acam(methods)]), answer(headers=[acao()])]
            label = f"{i:02d}-{request_method}-{methods.strip() or 'blank'}"[:40]
            out.append(case(f"acam-{label}", server, method=request_method, note=f"ACAM {methods!r}"))
    for creds in ("include", "omit"):
        headers = [acao(), acam("*")] + ([acac()] if creds == "include" else [])
        server = [preflight(headers=headers), answer(headers=[acao(), acac()])]
        out.append(case(f"acam-star-credentials-{creds}", server, method="PUT", credentials=creds))
        headers = [acao(), acam("*, PUT")] + ([acac()] if creds == "include" else [])
        server = [preflight(headers=headers), answer(headers=[acao(), acac()])]
        out.append(case(f"acam-star-and-put-credentials-{creds}", server, method="PUT", credentials=creds))
    for label, lines in (
        ("split", ["GET", "PUT"]),
        ("split-bad-second", ["PUT", "PU T"]),
        ("split-empty-first", ["", "PUT"]),
    ):
        server = [preflight(headers=[acao(), *[acam(v) for v in lines]]), answer(headers=[acao()])]
        out.append(case(f"acam-two-lines-{label}", server, method="PUT"))
    for method in ("GET", "HEAD", "POST"):
        server = [preflight(headers=[acao(), acam("PATCH")]), answer(headers=[acao()])]
        out.append(
            case(
                f"acam-safelisted-{method.lower()}-need-not-be-listed",
                server,
                method=method,
                headers=[h("X-A", "1")],
                note="preflighted for the header; ACAH missing",
            )
        )
        server = [preflight(headers=[acao(), acam("PATCH"), acah("x-a")]), answer(headers=[acao()])]
        out.append(
            case(f"acam-safelisted-{method.lower()}-not-listed-ok", server, method=method, headers=[h("X-A", "1")])
        )
    server = [preflight(headers=[acao(), acam("GET"), acah("x-other")]), answer(headers=[acao()])]
    out.append(case("acam-method-and-header-both-disallowed", server, method="PUT", headers=[h("X-A", "1")]))
    server = [preflight(headers=[acao(), acam("PU T"), acah("x (a")]), answer(headers=[acao()])]
    out.append(case("acam-both-lists-unparsable", server, method="PUT", headers=[h("X-A", "1")]))
    server = [preflight(headers=[acao(), acam("PUT"), acah("x (a")]), answer(headers=[acao()])]
    out.append(case("acam-ok-headers-unparsable", server, method="PUT", headers=[h("X-A", "1")]))
    server = [preflight(headers=[acao(), acam("PU T"), acah("x-a")]), answer(headers=[acao()])]
    out.append(case("acam-unparsable-but-method-safelisted", server, method="GET", headers=[h("X-A", "1")]))
    return out


# -- 8. Access-Control-Allow-Headers ---------------------------------------------------------------------------------

HEADER_LISTS = [
    "x-a",
    "X-A",
    "x-a, x-b",
    "x-a,x-b",
    " x-a ",
    "x-b, x-a",
    "x-a,",
    ",x-a",
    "x-a,,x-b",
    "",
    " ",
    "*",
    " * ",
    "*, x-a",
    "x-b",
    "x a",
    "x-a;",
    "x(a)",
    '"x-a"',
    "x-a\x0b",
    "x-\xe9",
    "**",
    "x-*",
    "x-a x-b",
    "content-type",
    "authorization",
]


def allow_headers() -> list[Scenario]:
    out = []
    for i, names in enumerate(HEADER_LISTS):
        server = [preflight(headers=[acao(), acah(names)]), answer(headers=[acao()])]
        label = f"{i:02d}-{names.strip() or 'blank'}"[:40]
        out.append(case(f"acah-{label}", server, headers=[h("X-A", "1"), h("X-B", "2")], note=f"ACAH {names!r}"))
    for i, names in enumerate(["x-a", "*", "X-A", "x-b"]):
        server = [preflight(headers=[acao(), acah(names)]), answer(headers=[acao()])]
        out.append(case(f"acah-single-{i}-{names}", server, headers=[h("X-A", "1")]))
    for creds in ("include", "omit"):
        extra = [acac()] if creds == "include" else []
        for names in ("*", "*, x-a", "x-a, *", "X-A"):
            server = [preflight(headers=[acao(), acah(names), *extra]), answer(headers=[acao(), acac()])]
            out.append(
                case(
                    f"acah-credentials-{creds}-{names.replace(', ', '+')}",
                    server,
                    credentials=creds,
                    headers=[h("X-A", "1")],
                )
            )
        for names in ("*", "authorization", "Authorization", "*, authorization", "x-a", "*, x-a"):
            server = [preflight(headers=[acao(), acah(names), *extra]), answer(headers=[acao(), acac()])]
            out.append(
                case(
                    f"acah-authorization-{creds}-{names.replace(', ', '+')}",
                    server,
                    credentials=creds,
                    headers=[h("Authorization", "Bearer t")],
                )
            )
        server = [preflight(headers=[acao(), acah("*"), *extra]), answer(headers=[acao(), acac()])]
        out.append(
            case(
                f"acah-authorization-and-custom-{creds}-star",
                server,
                credentials=creds,
                headers=[h("Authorization", "Bearer t"), h("X-A", "1")],
            )
        )
    for label, lines in (
        ("split", ["x-a", "x-b"]),
        ("split-bad-second", ["x-a, x-b", "x (b"]),
        ("split-empty-first", ["", "x-a, x-b"]),
    ):
        server = [preflight(headers=[acao(), *[acah(v) for v in lines]]), answer(headers=[acao()])]
        out.append(case(f"acah-two-lines-{label}", server, headers=[h("X-A", "1"), h("X-B", "2")]))
    server = [preflight(headers=[acao(), acah("x-a")]), answer(headers=[acao()])]
    out.append(
        case(
            "acah-three-disallowed-which-is-named",
            server,
            headers=[h("X-Z", "1"), h("X-A", "1"), h("X-M", "1"), h("X-C", "1")],
            note="Chromium names the first in Blink's header-map order, not sorted order",
        )
    )
    name_sets: list[list[str]] = [
        ["X-Foo", "X-Bar"],
        ["B", "A"],
        ["Zz", "Aa"],
        ["C", "Bb", "Aaa"],
        ["X-5", "X-4", "X-3", "X-2", "X-1"],
    ]
    for name_set in name_sets:
        server = [preflight(headers=[acao(), acah("x-none")]), answer(headers=[acao()])]
        label = "-".join(name_set).lower()
        out.append(case(f"acah-disallowed-named-{label}", server, headers=[h(n, "1") for n in name_set]))
    server = [preflight(headers=[acao(), acah("x-a")]), answer(headers=[acao()])]
    out.append(
        case(
            "acah-unsafe-content-type-must-be-listed",
            server,
            method="POST",
            headers=[h("Content-Type", "application/json")],
        )
    )
    server = [preflight(headers=[acao(), acah("content-type")]), answer(headers=[acao()])]
    out.append(
        case("acah-unsafe-content-type-listed", server, method="POST", headers=[h("Content-Type", "application/json")])
    )
    server = [preflight(headers=[acao(), acah("x-a")]), answer(headers=[acao()])]
    out.append(
        case("acah-safelisted-header-need-not-be-listed", server, headers=[h("X-A", "1"), h("Accept", "text/plain")])
    )
    server = [preflight(headers=[acao(), acah("x-a")]), answer(headers=[acao()])]
    out.append(case("acah-unsafe-accept-must-be-listed", server, headers=[h("X-A", "1"), h("Accept", "a(b")]))
    return out


# -- 9. Access-Control-Expose-Headers / what script reads -----------------------------------------------------------

RESPONSE = [
    h("X-A", "1"),
    h("X-B", "2"),
    h("Set-Cookie", "s=1"),
    h("Content-Type", "text/plain"),
    h("Cache-Control", "no-store"),
    h("Server", "corskit-test"),
    h("Date", "Mon, 01 Jan 2024 00:00:00 GMT"),
]
EXPOSE_LISTS = [
    "x-a",
    "X-A",
    "x-a, x-b",
    "x-a,x-b",
    " x-a ",
    "x-a,",
    ",x-a",
    "x-a,,x-b",
    "",
    "*",
    " * ",
    "*, x-a",
    "x-a, *",
    "set-cookie",
    "Set-Cookie, x-a",
    "x a",
    "x-a;",
    "x(a)",
    '"x-a"',
    "server, date",
    "content-type",
    "x-c",
    "**",
    "x-*",
    "access-control-allow-origin",
]


def expose_headers() -> list[Scenario]:
    out = []
    for creds in ("same-origin", "include"):
        extra = [acac()] if creds == "include" else []
        for i, names in enumerate(EXPOSE_LISTS):
            server = [answer(headers=[acao(), *extra, aceh(names), *RESPONSE])]
            label = f"{i:02d}-{names.strip() or 'blank'}"[:36]
            out.append(case(f"aceh-{creds}-{label}", server, credentials=creds, note=f"ACEH {names!r}"))
    out.append(
        case(
            "aceh-none-only-safelisted",
            [
                answer(
                    headers=[
                        acao(),
                        *RESPONSE,
                        h("Content-Language", "en"),
                        h("Content-Length", "4"),
                        h("Expires", "0"),
                        h("Last-Modified", "x"),
                        h("Pragma", "p"),
                    ]
                )
            ],
        )
    )
    out.append(case("aceh-two-lines", [answer(headers=[acao(), aceh("x-a"), aceh("x-b"), *RESPONSE])]))
    out.append(case("aceh-two-lines-one-bad", [answer(headers=[acao(), aceh("x-a"), aceh("x (b"), *RESPONSE])]))
    out.append(case("aceh-two-lines-bad-first", [answer(headers=[acao(), aceh("x (b"), aceh("x-a"), *RESPONSE])]))
    out.append(case("aceh-two-lines-empty-second", [answer(headers=[acao(), aceh("x-a"), aceh(""), *RESPONSE])]))
    out.append(case("aceh-two-lines-trailing-comma", [answer(headers=[acao(), aceh("x-a,"), aceh("x-b"), *RESPONSE])]))
    out.append(
        case(
            "aceh-duplicate-response-lines",
            [answer(headers=[acao(), aceh("x-a"), h("X-A", "1"), h("x-a", "2"), h("X-A", "3")])],
        )
    )
    out.append(case("aceh-star-star-lines", [answer(headers=[acao(), aceh("*"), aceh("*"), *RESPONSE])]))
    out.append(
        case(
            "aceh-content-type-duplicates",
            [answer(headers=[acao(), h("Content-Type", "text/plain"), h("Content-Type", "text/html")])],
        )
    )
    out.append(case("aceh-value-with-spaces-kept", [answer(headers=[acao(), aceh("x-a"), h("X-A", " a  b ")])]))
    out.append(case("aceh-empty-response-value", [answer(headers=[acao(), aceh("x-a"), h("X-A", "")])]))
    out.append(
        case(
            "aceh-on-preflight-does-not-count",
            [preflight(headers=[acao(), acam("PUT"), aceh("x-a")]), answer(headers=[acao(), *RESPONSE])],
            method="PUT",
        )
    )
    out.append(
        case(
            "aceh-basic-response-reads-all",
            [answer(APP + "/s", headers=[*RESPONSE, h("X-A", "again"), h("Set-Cookie2", "x")])],
            url=APP + "/s",
        )
    )
    out.append(
        case(
            "aceh-basic-response-sorted-lowercase",
            [answer(APP + "/s", headers=[h("Zeta", "1"), h("alpha", "2"), h("Mid-Dle", "3")])],
            url=APP + "/s",
        )
    )
    out.append(
        case(
            "aceh-basic-after-redirect-same-origin",
            [answer(APP + "/s", status=302, headers=[loc(APP + "/t")]), answer(APP + "/t", headers=[h("X-A", "1")])],
            url=APP + "/s",
        )
    )
    out.append(
        case(
            "aceh-cors-after-redirect-to-cross-origin",
            [answer(APP + "/s", status=302, headers=[loc(URL)]), answer(headers=[acao(), h("X-A", "1"), aceh("x-a")])],
            url=APP + "/s",
        )
    )
    return out


# -- 10. redirects and tainting --------------------------------------------------------------------------------------

B = API + "/b"
C = OTHER + "/c"


def redirects() -> list[Scenario]:
    out = []
    # Method rewriting (same target origin; the final answer allows everything).
    final = [acao(), acam("PUT, POST, DELETE"), acah("*")]
    for status in (301, 302, 303, 307, 308):
        for method in ("GET", "POST", "PUT", "DELETE", "HEAD"):
            server = [
                preflight(headers=final),
                preflight(B, headers=final),
                answer(status=status, headers=[acao(), loc(B)]),
                answer(B, headers=[acao()]),
            ]
            headers = [h("Content-Type", "text/plain"), h("Content-Language", "en")] if method == "POST" else None
            out.append(case(f"redirect-{status}-{method.lower()}", server, method=method, headers=headers))
    # Tainting.
    chains = {
        "A-B-B": (URL, [answer(status=302, headers=[acao(), loc(B)]), answer(B, headers=[acao()])]),
        "A-B-C-exact": (URL, [answer(status=302, headers=[acao(), loc(C)]), answer(C, headers=[acao()])]),
        "A-B-C-null": (URL, [answer(status=302, headers=[acao(), loc(C)]), answer(C, headers=[acao("null")])]),
        "A-B-C-star": (URL, [answer(status=302, headers=[acao(), loc(C)]), answer(C, headers=[acao("*")])]),
        "A-B-C-missing": (URL, [answer(status=302, headers=[acao(), loc(C)]), answer(C)]),
        "A-B-C-NULL": (URL, [answer(status=302, headers=[acao(), loc(C)]), answer(C, headers=[acao("NULL")])]),
        "A-B-A-null": (
            URL,
            [answer(status=302, headers=[acao(), loc(APP + "/a")]), answer(APP + "/a", headers=[acao("null")])],
        ),
        "A-B-A-exact": (
            URL,
            [answer(status=302, headers=[acao(), loc(APP + "/a")]), answer(APP + "/a", headers=[acao()])],
        ),
        "A-B-A-missing": (URL, [answer(status=302, headers=[acao(), loc(APP + "/a")]), answer(APP + "/a")]),
        "A-A-B": (APP + "/a", [answer(APP + "/a", status=302, headers=[loc(URL)]), answer(headers=[acao()])]),
        "A-A-B-null": (
            APP + "/a",
            [answer(APP + "/a", status=302, headers=[loc(URL)]), answer(headers=[acao("null")])],
        ),
        "A-A-A": (
            APP + "/a",
            [answer(APP + "/a", status=302, headers=[loc(APP + "/a2")]), answer(APP + "/a2", headers=[h("X-A", "1")])],
        ),
        "A-B-C-B": (
            URL,
            [
                answer(status=302, headers=[acao(), loc(C)]),
                answer(C, status=302, headers=[acao("*"), loc(B)]),
                answer(B, headers=[acao("*")]),
            ],
        ),
        "A-B-C-B-exact": (
            URL,
            [
                answer(status=302, headers=[acao(), loc(C)]),
                answer(C, status=302, headers=[acao("*"), loc(B)]),
                answer(B, headers=[acao()]),
            ],
        ),
        "A-B-hop-missing-acao": (URL, [answer(status=302, headers=[loc(B)]), answer(B, headers=[acao()])]),
        "A-B-hop-star": (URL, [answer(status=302, headers=[acao("*"), loc(B)]), answer(B, headers=[acao()])]),
        "A-B-B-second-missing": (URL, [answer(status=302, headers=[acao(), loc(B)]), answer(B)]),
        "A-B-port": (
            URL,
            [
                answer(status=302, headers=[acao(), loc(API + ":8080/p")]),
                answer(API + ":8080/p", headers=[acao("null")]),
            ],
        ),
        "A-B-explicit-80": (
            URL,
            [answer(status=302, headers=[acao(), loc(API + ":80/b")]), answer(B, headers=[acao()])],
        ),
    }
    for label, (start, server) in chains.items():
        out.append(case(f"taint-{label}", server, url=start))
        if label in ("A-B-C-null", "A-B-C-exact", "A-B-A-null", "A-B-B", "A-A-B"):
            creds_server = [{**e, "headers": [*e["headers"], acac()]} for e in server]
            out.append(case(f"taint-{label}-include", creds_server, url=start, credentials="include"))
    # New preflight after a redirect; the preflight cache inside one fetch.
    pf_ok = [acao(), acam("PUT")]
    server = [
        preflight(headers=pf_ok),
        answer(method="PUT", status=307, headers=[acao(), loc(C)]),
        preflight(C, headers=[acao("null"), acam("PUT")]),
        answer(C, headers=[acao("null")]),
    ]
    out.append(case("preflight-again-after-cross-origin-redirect", server, method="PUT"))
    server = [
        preflight(headers=pf_ok),
        answer(method="PUT", status=307, headers=[acao(), loc(C)]),
        preflight(C, headers=[acao(), acam("PUT")]),
        answer(C, headers=[acao()]),
    ]
    out.append(case("preflight-after-redirect-tainted-exact-fails", server, method="PUT"))
    server = [
        preflight(headers=pf_ok),
        answer(method="PUT", status=307, headers=[acao(), loc(B)]),
        preflight(B, headers=pf_ok),
        answer(B, headers=[acao()]),
    ]
    out.append(case("preflight-again-same-origin-redirect", server, method="PUT"))
    server = [
        preflight(headers=pf_ok),
        answer(method="PUT", status=307, headers=[acao(), loc(B)]),
        preflight(B, headers=[acao()]),
        answer(B, headers=[acao()]),
    ]
    out.append(case("preflight-after-redirect-method-not-allowed", server, method="PUT"))
    server = [
        preflight(headers=pf_ok),
        answer(method="PUT", status=307, headers=[acao(), loc(B)]),
        answer(B, method="PUT", status=307, headers=[acao(), loc(URL + "?again")]),
        preflight(B, headers=pf_ok),
        preflight(URL + "?again", headers=pf_ok),
        answer(URL + "?again", headers=[acao()]),
    ]
    out.append(case("preflight-per-url", server, method="PUT"))
    age = h("Access-Control-Max-Age", "0")
    for label, extra in (
        ("cached", []),
        ("max-age-0", [age]),
        ("max-age-negative", [h("Access-Control-Max-Age", "-1")]),
        ("max-age-garbage", [h("Access-Control-Max-Age", "soon")]),
    ):
        pf = [acao(), acam("PUT"), acah("x-a"), *extra]
        server = [
            preflight(headers=pf),
            preflight(B, headers=[acao(), acam("PUT"), acah("x-a")]),
            answer(method="PUT", status=307, headers=[acao(), loc(B)]),
            answer(B, method="PUT", status=303, headers=[acao(), loc(URL)]),
            answer(method="GET", headers=[acao()]),
        ]
        out.append(
            case(
                f"preflight-cache-revisit-{label}",
                server,
                method="PUT",
                headers=[h("X-A", "1")],
                note="PUT /r → 307 /b → 303 GET /r: is /r's preflight (x-a) reused?",
            )
        )
        server = [
            preflight(headers=[acao("*"), acam("PUT"), *extra]),
            answer(method="PUT", status=307, headers=[acao("*"), loc(URL)]),
        ]
        out.append(case(f"preflight-cache-loop-{label}", server, method="PUT"))
    server = [
        preflight(headers=[acao(), acam("PUT"), age]),
        preflight(B, headers=[acao(), acam("PUT"), acah("x-a")]),
        answer(method="PUT", status=307, headers=[acao(), loc(B)]),
        answer(B, method="PUT", status=303, headers=[acao(), loc(URL)]),
        answer(method="GET", headers=[acao()]),
    ]
    out.append(case("preflight-cache-revisit-header-not-cached", server, method="PUT", headers=[h("X-A", "1")]))
    server = [
        preflight(headers=[acao(), acah("x-a")]),
        answer(status=302, headers=[acao(), loc(C)]),
        preflight(C, headers=[acao("null"), acah("x-a")]),
        answer(C, headers=[acao("null")]),
    ]
    out.append(case("preflight-for-header-after-redirect", server, headers=[h("X-A", "1")]))
    server = [
        preflight(headers=[acao(), acah("x-a")]),
        answer(status=302, headers=[acao(), loc(C)]),
        preflight(C, headers=[acao("null")]),
        answer(C, headers=[acao("null")]),
    ]
    out.append(case("preflight-for-header-after-redirect-denied", server, headers=[h("X-A", "1")]))
    # Authorization across redirects.
    auth_pf = [acao(), acah("authorization")]
    for target, label in ((B, "same-origin"), (C, "cross-origin")):
        allow = "null" if target == C else APP
        server = [
            preflight(headers=auth_pf),
            answer(status=307, headers=[acao(), loc(target)]),
            preflight(target, headers=[acao(allow), acah("authorization")]),
            answer(target, headers=[acao(allow)]),
        ]
        out.append(case(f"authorization-across-{label}-redirect", server, headers=[h("Authorization", "Bearer t")]))
    # Relative and odd Locations.
    for label, location, target in (
        ("path-relative", "b", API + "/b"),
        ("absolute-path", "/b2", API + "/b2"),
        ("query-only", "?q=1", URL + "?q=1"),
        ("scheme-relative", "//other.test/c", C),
        ("uppercase-host", "http://OTHER.TEST/c", C),
    ):
        allow = "null" if target.startswith(OTHER) else APP
        server = [answer(status=302, headers=[acao(), loc(location)]), answer(target, headers=[acao(allow)])]
        out.append(case(f"redirect-location-{label}", server))
    # Two Location lines: Chromium refuses different values; WebKit joins them with ", " and follows the result as
    # one (relative) URL, which the last answer serves.
    for label, (first, second), joined in (
        ("", ("b", "c"), "/b,%20c"),
        ("-same", ("b", "b"), "/b,%20b"),
        ("-empty-first", ("", "b"), "/,%20b"),
        ("-empty-second", ("b", ""), "/b,"),
    ):
        server = [
            answer(status=302, headers=[acao(), loc(first), loc(second)]),
            answer(B, headers=[acao()]),
            answer(API + joined, headers=[acao()]),
        ]
        out.append(case(f"redirect-two-location-lines{label}", server))
    for status in (300, 304, 305, 306):
        server = [answer(status=status, headers=[acao(), loc(B)]), answer(B, headers=[acao()])]
        out.append(case(f"redirect-status-{status}-not-followed", server))
    out.append(case("redirect-302-no-location", [answer(status=302, headers=[acao()])]))
    out.append(case("redirect-302-empty-location", [answer(status=302, headers=[acao(), loc("")])]))
    out.append(case("redirect-302-no-acao-no-location", [answer(status=302)]))
    # Credentials in the Location.
    for label, location, target in (
        ("cross-origin", "http://u:p@other.test/c", C),
        ("user-only", "http://u@other.test/c", C),
        ("password-only", "http://:p@other.test/c", C),
        ("same-as-current", "http://u:p@api.test/b", B),
        ("to-page-origin", "http://u:p@app.test/a", APP + "/a"),
    ):
        server = [answer(status=302, headers=[acao(), loc(location)]), answer(target, headers=[acao("*")])]
        out.append(case(f"redirect-credentials-{label}", server))
    server = [answer(APP + "/s", status=302, headers=[loc("http://u:p@app.test/t")]), answer(APP + "/t")]
    out.append(case("redirect-credentials-same-origin-request", server, url=APP + "/s"))
    server = [answer(status=302, headers=[acao(), loc("http://u:p@other.test/c")]), answer(C)]
    out.append(case("redirect-credentials-no-cors", server, mode="no-cors"))
    # Other schemes.
    for scheme_url in (
        "ftp://api.test/x",
        "data:text/plain,hi",
        "about:blank",
        "file:///etc/hostname",
        "javascript:void(0)",
        "blob:http://app.test/x",
        "ws://api.test/x",
        "foo://api.test/x",
        "mailto:a@b.test",
    ):
        scheme = scheme_url.split(":")[0]
        out.append(case(f"redirect-scheme-{scheme}", [answer(status=302, headers=[acao(), loc(scheme_url)])]))
        out.append(
            case(f"redirect-scheme-{scheme}-no-cors", [answer(status=302, headers=[loc(scheme_url)])], mode="no-cors")
        )
    # Counting.
    for n in (19, 20, 21, 25):
        hops = [answer(f"{API}/h{i}", status=302, headers=[acao("*"), loc(f"{API}/h{i + 1}")]) for i in range(n)]
        hops.append(answer(f"{API}/h{n}", headers=[acao("*")]))
        out.append(case(f"redirect-count-{n}", hops, url=f"{API}/h0"))
    out.append(case("redirect-loop-302", [answer(status=302, headers=[acao("*"), loc(URL)])]))
    out.append(
        case(
            "redirect-loop-307-put",
            [
                preflight(headers=[acao("*"), acam("PUT")]),
                answer(method="PUT", status=307, headers=[acao("*"), loc(URL)]),
            ],
            method="PUT",
        )
    )
    # Redirect modes.
    for mode in ("error", "manual"):
        server = [answer(status=302, headers=[acao(), loc(B)]), answer(B, headers=[acao()])]
        out.append(case(f"redirect-mode-{mode}", server, redirect=mode))
        server = [answer(APP + "/s", status=302, headers=[loc(APP + "/t")]), answer(APP + "/t")]
        out.append(case(f"redirect-mode-{mode}-same-origin", server, url=APP + "/s", redirect=mode))
    server = [answer(status=200, headers=[acao()])]
    out.append(case("redirect-mode-error-no-redirect", server, redirect="error"))
    return out


# -- 11. modes, forbidden methods, fetch() TypeErrors ---------------------------------------------------------------


def modes() -> list[Scenario]:
    out = []
    for method in ("GET", "HEAD", "POST"):
        out.append(
            case(f"no-cors-{method.lower()}-opaque", [answer(headers=[h("X-A", "1")])], method=method, mode="no-cors")
        )
    out.append(case("no-cors-with-acao-still-opaque", [answer(headers=[acao(), h("X-A", "1")])], mode="no-cors"))
    out.append(case("no-cors-404-opaque", [answer(status=404)], mode="no-cors"))
    for method in ("PUT", "DELETE", "patch", "OPTIONS", "foo"):
        out.append(case(f"no-cors-method-{method}", [answer()], method=method, mode="no-cors"))
    for label, headers in (
        ("custom", [h("X-A", "1")]),
        ("accept", [h("Accept", "text/x")]),
        ("accept-unsafe", [h("Accept", "a(b")]),
        ("accept-language", [h("Accept-Language", "en")]),
        ("content-type-safe", [h("Content-Type", "text/plain")]),
        ("content-type-json", [h("Content-Type", "application/json")]),
        ("range", [h("Range", "bytes=0-1")]),
        ("authorization", [h("Authorization", "Bearer t")]),
        ("mixed", [h("X-A", "1"), h("Accept", "text/x"), h("Content-Language", "en")]),
    ):
        out.append(case(f"no-cors-headers-{label}", [answer()], method="POST", mode="no-cors", headers=headers))
    out.append(
        case("no-cors-same-origin-basic", [answer(APP + "/s", headers=[h("X-A", "1")])], url=APP + "/s", mode="no-cors")
    )
    out.append(case("no-cors-redirect-cross-origin", [answer(status=302, headers=[loc(C)]), answer(C)], mode="no-cors"))
    out.append(
        case(
            "no-cors-redirect-to-same-origin",
            [answer(status=302, headers=[loc(APP + "/s")]), answer(APP + "/s", headers=[h("X-A", "1")])],
            mode="no-cors",
        )
    )
    out.append(
        case("no-cors-post-303", [answer(status=303, headers=[loc(B)]), answer(B)], method="POST", mode="no-cors")
    )
    out.append(case("same-origin-mode-cross-origin", [answer(headers=[acao()])], mode="same-origin"))
    out.append(
        case(
            "same-origin-mode-same-origin",
            [answer(APP + "/s", headers=[h("X-A", "1")])],
            url=APP + "/s",
            mode="same-origin",
        )
    )
    out.append(
        case(
            "same-origin-mode-put",
            [answer(APP + "/s")],
            url=APP + "/s",
            method="PUT",
            mode="same-origin",
            headers=[h("X-A", "1")],
        )
    )
    out.append(
        case(
            "same-origin-mode-redirect-cross",
            [answer(APP + "/s", status=302, headers=[loc(URL)]), answer(headers=[acao()])],
            url=APP + "/s",
            mode="same-origin",
        )
    )
    out.append(
        case(
            "same-origin-mode-redirect-same",
            [answer(APP + "/s", status=302, headers=[loc(APP + "/t")]), answer(APP + "/t")],
            url=APP + "/s",
            mode="same-origin",
        )
    )
    out.append(case("same-origin-mode-other-port", [answer(APP + ":81/s")], url=APP + ":81/s", mode="same-origin"))
    out.append(case("cors-mode-same-origin-url", [answer(APP + "/s")], url=APP + "/s", mode="cors"))
    for method in ("TRACE", "trace", "CONNECT", "connect", "TRACK", "Track"):
        out.append(case(f"forbidden-method-{method}", [answer(headers=[acao()])], method=method))
        out.append(case(f"forbidden-method-{method}-no-cors", [answer()], method=method, mode="no-cors"))
    for label, method in (
        ("space", "GE T"),
        ("empty", ""),
        ("paren", "G(ET"),
        ("slash", "GET/"),
        ("at", "@"),
        ("latin1", "G\xc9T"),
    ):
        out.append(case(f"invalid-method-{label}", [answer(headers=[acao()])], method=method))
    for label, name in (
        ("space", "X A"),
        ("colon", "X:A"),
        ("empty", ""),
        ("latin1", "X-\xe9"),
        ("paren", "X(A"),
        ("slash", "X/A"),
        ("quote", 'X"A'),
    ):
        out.append(case(f"invalid-header-name-{label}", [answer(headers=[acao()])], headers=[h(name, "1")]))
    for label, value in (
        ("nul", "a\x00b"),
        ("lf", "a\nb"),
        ("cr", "a\rb"),
        ("crlf-end", "a\r\n"),
        ("non-latin1", "\u20ac"),
    ):
        out.append(case(f"invalid-header-value-{label}", [answer(headers=[acao()])], headers=[h("X-A", value)]))
    for label, url in (
        ("userinfo", "http://u:p@api.test/r"),
        ("user-only", "http://u@api.test/r"),
        ("same-origin-userinfo", "http://u:p@app.test/s"),
    ):
        out.append(case(f"url-credentials-{label}", [answer(headers=[acao()])], url=url))
    out.append(case("url-invalid-host", [answer(headers=[acao()])], url="http://[bad/r"))
    # fetch() refuses mode "navigate" with a TypeError in every engine: only the browser navigates.
    out.append(case("mode-navigate", [answer(headers=[acao()])], mode="navigate"))
    out.append(case("mode-navigate-same-origin", [answer(APP + "/s")], url=APP + "/s", mode="navigate"))
    for scheme in ("ftp", "ws", "foo"):
        out.append(case(f"url-scheme-{scheme}", [answer(headers=[acao()])], url=f"{scheme}://api.test/r"))
    return out


# -- 12. a page with an opaque origin (Origin: null) ---------------------------------------------------------------


def null_origin() -> list[Scenario]:
    out = []
    for label, value in (
        ("null", "null"),
        ("star", "*"),
        ("NULL", "NULL"),
        ("app", APP),
        ("missing", None),
        ("space-null", " null "),
    ):
        headers = [acao(value)] if value is not None else []
        out.append(case(f"null-origin-acao-{label}", [answer(headers=headers)], origin="null"))
    out.append(
        case("null-origin-include-null", [answer(headers=[acao("null"), acac()])], origin="null", credentials="include")
    )
    out.append(
        case("null-origin-include-star", [answer(headers=[acao("*"), acac()])], origin="null", credentials="include")
    )
    out.append(
        case(
            "null-origin-preflight",
            [preflight(headers=[acao("null"), acam("PUT")]), answer(headers=[acao("null")])],
            origin="null",
            method="PUT",
        )
    )
    out.append(
        case(
            "null-origin-preflight-mismatch",
            [preflight(headers=[acao(APP), acam("PUT")]), answer(headers=[acao("null")])],
            origin="null",
            method="PUT",
        )
    )
    out.append(
        case(
            "null-origin-redirect",
            [answer(status=302, headers=[acao("null"), loc(C)]), answer(C, headers=[acao("null")])],
            origin="null",
        )
    )
    out.append(case("null-origin-no-cors", [answer()], origin="null", mode="no-cors", method="POST"))
    out.append(
        case("null-origin-same-origin-mode", [answer(headers=[acao("null")])], origin="null", mode="same-origin")
    )
    return out


CATEGORIES = {
    "simple": simple,
    "allow_origin": allow_origin,
    "credentials": credentials,
    "preflight_triggers": preflight_triggers,
    "forbidden_headers": forbidden_headers,
    "preflight_status": preflight_status,
    "allow_methods": allow_methods,
    "allow_headers": allow_headers,
    "expose_headers": expose_headers,
    "redirects": redirects,
    "modes": modes,
    "null_origin": null_origin,
}


def write(path: Path, scenarios: list[Scenario]) -> None:
    names = [s["name"] for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"{path.name}: duplicate names {duplicates}")
    text = "[\n" + ",\n".join(json.dumps(s, ensure_ascii=False) for s in scenarios) + "\n]\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    total = 0
    for category, build in CATEGORIES.items():
        scenarios = build()
        write(OUT / f"{category}.json", scenarios)
        total += len(scenarios)
        print(f"{category}: {len(scenarios)}")
    print(f"total: {total}")


if __name__ == "__main__":
    main()
