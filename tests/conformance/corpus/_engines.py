"""Write ``corpus/engines.json``: scenarios aimed at the rules where Chromium, Firefox and WebKit part ways.

    python -m tests.conformance.corpus._engines

Each area the engines were seen to disagree on gets a small table here (the rest of the corpus covers them too, by
accident more than by design): safelisted request headers and their values, ``Range``, repeated request headers,
script-set headers, redirects of preflighted requests, empty or credentialed ``Location`` values, the preflight
cache's reading of ``Access-Control-Max-Age``, and ``Access-Control-Allow-Headers: *`` with ``Authorization``.
"""

from __future__ import annotations

from ._build import (
    API,
    APP,
    OTHER,
    OUT,
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

B = API + "/b"
C = OTHER + "/c"


def safelist() -> list[Scenario]:
    out = []
    for name, value in (
        ("DPR", "2"),
        ("DPR", "2.5"),
        ("Device-Memory", "8"),
        ("Width", "800"),
        ("Viewport-Width", "1024"),
        ("RTT", "50"),
        ("Downlink", "1.5"),
        ("ECT", "4g"),
        ("Save-Data", "on"),
        ("Intervention", "x"),
        ("Accept", "text/\u00e9"),
        ("Accept", "text/\u00ff"),
        ("Accept-Language", "\u00e9"),
        ("Content-Language", "d\u00e9"),
        ("Content-Type", "text/plain;charset=\u00e9"),
        ("Content-Type", "text/plain; x=\u007f"),
        ("Accept", "a" * 129),
        ("Content-Type", "text/plain;" + "a" * 120),
    ):
        label = f"{name.lower()}-{len(value)}-{''.join(c if c.isalnum() else '_' for c in value)[:12]}"
        out.append(sentinel(f"eng-safelist-{label}", headers=[h(name, value)]))
    for value in (
        "bytes=0-0",
        "bytes=10-5",
        "bytes=0-18446744073709551615",
        "bytes=0-18446744073709551616",
        "bytes=18446744073709551615-",
        "bytes= 0-1",
        "bytes=0-1,2-3",
        "bytes=-5",
        "Bytes=0-1",
        "bytes=00000000000000000000001-",
    ):
        out.append(sentinel(f"eng-range-{value}", headers=[h("Range", value)]))
    # Repeated names: judged per entry or per combined value; on the wire merged or replaced.
    for label, headers in (
        ("content-type-twice-different", [h("Content-Type", "text/plain"), h("Content-Type", "application/json")]),
        ("content-type-json-then-plain", [h("Content-Type", "application/json"), h("Content-Type", "text/plain")]),
        ("accept-safe-then-unsafe", [h("Accept", "text/html"), h("Accept", "a(b")]),
        ("content-language-twice", [h("Content-Language", "de"), h("Content-Language", "fr")]),
        ("range-twice", [h("Range", "bytes=0-1"), h("Range", "bytes=2-3")]),
        ("accept-three-of-400", [h("Accept", "a" * 100)] * 11),
    ):
        out.append(sentinel(f"eng-repeat-{label}", headers=headers))
        out.append(permissive(f"eng-repeat-wire-{label}", headers=headers))
    return out


def script_headers() -> list[Scenario]:
    out = []
    for name, value in (
        ("User-Agent", "corskit"),
        ("user-agent", ""),
        ("Accept-Charset", "utf-8"),
        ("DNT", "1"),
        ("Sec-Foo", "1"),
        ("Proxy-Foo", "1"),
        ("X-HTTP-Method-Override", "TRACE"),
        ("X-HTTP-Method-Override", "PUT"),
        ("Referer", "http://evil.test/"),
        ("Cookie", "a=b"),
        ("Connection", "close"),
        ("Keep-Alive", "1"),
        ("Priority", "u=1"),
        ("Cache-Control", "no-cache"),
        ("Pragma", "no-cache"),
    ):
        out.append(permissive(f"eng-script-{name.lower()}-{value or 'empty'}", headers=[h(name, value)]))
        out.append(sentinel(f"eng-script-preflight-{name.lower()}-{value or 'empty'}", headers=[h(name, value)]))
    return out


def redirects_of_preflighted() -> list[Scenario]:
    allow = [acao(), acam("PUT, POST, DELETE, GET"), acah("*")]
    out = []
    for status, method in ((301, "POST"), (302, "POST"), (303, "PUT"), (307, "PUT"), (308, "DELETE")):
        out.append(
            case(
                f"eng-preflighted-{status}-{method.lower()}-same-origin-hop",
                [
                    preflight(headers=allow),
                    preflight(B, headers=allow),
                    answer(status=status, headers=[acao(), loc(B)]),
                    answer(B, headers=[acao()]),
                ],
                method=method,
                headers=[h("X-A", "1")],
            )
        )
        out.append(
            case(
                f"eng-preflighted-{status}-{method.lower()}-no-preflight-answer-at-target",
                [
                    preflight(headers=allow),
                    answer(status=status, headers=[acao(), loc(B)]),
                    answer(B, headers=[acao()]),
                ],
                method=method,
            )
        )
    # A preflighted request redirected to another origin: which Origin the new preflight carries and which ACAO
    # value it must match.
    for label, value in (("page", APP), ("null", "null"), ("star", "*")):
        out.append(
            case(
                f"eng-preflighted-cross-origin-hop-acao-{label}",
                [
                    preflight(headers=allow),
                    answer(status=307, headers=[acao(), loc(C)]),
                    preflight(C, headers=[acao(value), acam("PUT"), acah("*")]),
                    answer(C, headers=[acao(value)]),
                ],
                method="PUT",
            )
        )
    # A simple request redirected: never a preflight in any engine.
    out.append(
        case("eng-simple-307-no-preflight", [answer(status=307, headers=[acao(), loc(B)]), answer(B, headers=[acao()])])
    )
    return out


def locations() -> list[Scenario]:
    out = []
    for label, value in (
        ("empty", ""),
        ("space", " "),
        ("fragment-only", "#f"),
        ("query-only", "?q=1"),
        ("relative", "b"),
        ("credentials-same-origin", "http://u:p@api.test/b"),
        ("credentials-page-origin", "http://u:p@app.test/b"),
        ("credentials-user-empty-password", "http://u:@api.test/b"),
    ):
        server = [
            answer(status=302, headers=[acao(), loc(value)]),
            answer(B, headers=[acao()]),
            answer(APP + "/b", headers=[acao()]),
            answer(API + "/r?q=1", headers=[acao()]),
        ]
        out.append(case(f"eng-location-{label}", server))
        out.append(case(f"eng-location-{label}-no-cors", server, mode="no-cors"))
    return out


def max_age_and_wildcards() -> list[Scenario]:
    out = []
    loop = [answer(status=307, headers=[acao(), loc(B)]), answer(B, status=307, headers=[acao(), loc(URL)])]
    for label, value in (
        ("600", "600"),
        ("601", "601"),
        ("7200", "7200"),
        ("7201", "7201"),
        ("86400", "86400"),
        ("86401", "86401"),
        ("leading-zeros", "0005"),
        ("tab-after", "5\t"),
        ("exponent", "1e3"),
        ("minus-zero", "-0"),
        ("hex", "0x10"),
    ):
        allow = [acao(), acam("PUT"), h("Access-Control-Max-Age", value)]
        out.append(
            case(
                f"eng-max-age-{label}",
                [preflight(headers=allow), preflight(B, headers=allow), *loop],
                method="PUT",
            )
        )
    for label, allowed, credentials in (
        ("star", "*", None),
        ("star-include", "*", "include"),
        ("star-and-authorization", "*, Authorization", None),
        ("star-and-authorization-include", "*, authorization", "include"),
        ("authorization-uppercase", "AUTHORIZATION", None),
    ):
        out.append(
            case(
                f"eng-wildcard-{label}",
                [preflight(headers=[acao(), acac(), acah(allowed)]), answer(headers=[acao(), acac()])],
                headers=[h("Authorization", "Bearer t"), h("X-A", "1")],
                credentials=credentials,
            )
        )
    return out


def main() -> None:
    scenarios = safelist() + script_headers() + redirects_of_preflighted() + locations() + max_age_and_wildcards()
    write(OUT / "engines.json", scenarios)
    print(f"engines: {len(scenarios)}")


if __name__ == "__main__":
    main()
