"""Write ``random.json``: scenarios drawn at random from a fixed seed, mixing every axis of the corpus.

    python -m tests.conformance.corpus._random

Same seed, same file (the generator uses only ``random.Random(SEED)``). Each scenario combines an origin, a
request (method, 0-2 headers, credentials, mode), an optional chain of 1-2 redirects and, per URL, a preflight
answer and an actual answer whose CORS headers are drawn from valid and broken values. At most one request header
is drawn from the non-safelisted pool, so a failure names a single header (Chromium's choice among several follows
Blink's hash-map order, see docs/chromium-findings.md).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

SEED = 20261122
COUNT = 150
OUT = Path(__file__).parent / "random.json"

APP = "http://app.test"
TARGETS = ["http://api.test", "http://api.test", "http://other.test", "http://app.test", "http://api.test:8080"]
ORIGINS = [APP] * 8 + ["http://app.test:8080", "null"]
METHODS = ["GET"] * 5 + ["POST"] * 3 + ["HEAD", "PUT", "PUT", "DELETE", "patch", "PATCH", "OPTIONS", "foo"]
SAFE_HEADERS = [
    ["Accept", "text/html"],
    ["Accept-Language", "en-US,en;q=0.5"],
    ["Content-Language", "de"],
    ["Content-Type", "text/plain;charset=UTF-8"],
    ["Range", "bytes=0-10"],
    ["Save-Data", "on"],
]
UNSAFE_HEADERS = [
    ["X-Custom", "1"],
    ["X-Request-ID", "abc"],
    ["Authorization", "Bearer t"],
    ["Content-Type", "application/json"],
    ["Accept", "a(b"],
    ["Range", "bytes=-5"],
    ["Cookie", "a=b"],
    ["Accept-Encoding", "br"],
]
ACAO = ["{o}", "{o}", "{o}", "*", "*", None, "null", "http://other.test", "{o}/", "{o}, {o}", " {o} ", "NULL"]
ACAC = [None, None, "true", "true", "TRUE", "false", ""]
ACAM = [None, None, "{m}", "{m}", "GET, {m}", "*", "{m} ,", "PU T", "put", ""]
ACAH = [None, None, "{h}", "{h}", "*", "*, {h}", "x-other", "{h},", "x (y", ""]
ACEH = [None, None, "x-a", "*", "x-a, x-b", "set-cookie", "X-A,", "x (a"]
STATUS = [200] * 8 + [201, 204, 404, 500]
PREFLIGHT_STATUS = [200, 204, 204, 204, 204, 299, 400, 404, 500, 302]
REDIRECT_STATUS = [301, 302, 303, 307, 308]


def _fill(template: str | None, origin: str, method: str, header: str) -> str | None:
    if template is None:
        return None
    return template.replace("{o}", origin).replace("{m}", method).replace("{h}", header)


def _cors_headers(rng: random.Random, origin: str, method: str, header: str, *, pre: bool) -> list[list[str]]:
    out: list[list[str]] = []
    pairs = [
        ("Access-Control-Allow-Origin", rng.choice(ACAO)),
        ("Access-Control-Allow-Credentials", rng.choice(ACAC)),
    ]
    if pre:
        pairs += [
            ("Access-Control-Allow-Methods", rng.choice(ACAM)),
            ("Access-Control-Allow-Headers", rng.choice(ACAH)),
        ]
        if rng.random() < 0.2:
            pairs.append(("Access-Control-Max-Age", rng.choice(["0", "60", "-1", "x"])))
    else:
        pairs.append(("Access-Control-Expose-Headers", rng.choice(ACEH)))
    for name, template in pairs:
        value = _fill(template, origin, method, header)
        if value is not None:
            out.append([name, value])
    if not pre:
        out += [["X-A", "1"], ["X-B", "2"], ["Content-Type", "text/plain"]]
        if rng.random() < 0.3:
            out.append(["Set-Cookie", "s=1"])
    return out


def scenario(rng: random.Random, index: int) -> dict[str, Any]:
    origin = rng.choice(ORIGINS)
    method = rng.choice(METHODS)
    headers = rng.sample(SAFE_HEADERS, rng.choice([0, 0, 1, 1, 2]))
    if rng.random() < 0.45:
        headers.append(list(rng.choice(UNSAFE_HEADERS)))
    rng.shuffle(headers)
    credentials = rng.choice(["same-origin", "same-origin", "omit", "include", "include"])
    mode = rng.choice(["cors"] * 8 + ["no-cors", "same-origin"])
    unsafe_name = next((n.lower() for n, v in headers if [n, v] in UNSAFE_HEADERS), "x-custom")
    acao_origin = APP if origin == "null" else origin

    hops = [f"{rng.choice(TARGETS)}/r{index}"]
    for i in range(rng.choice([0, 0, 0, 1, 1, 2])):
        hops.append(f"{rng.choice(TARGETS)}/r{index}h{i + 1}")
    server: list[dict[str, Any]] = []
    for i, url in enumerate(hops):
        pre_headers = _cors_headers(rng, acao_origin, method.upper(), unsafe_name, pre=True)
        server.append({"method": "OPTIONS", "url": url, "status": rng.choice(PREFLIGHT_STATUS), "headers": pre_headers})
        headers_out = _cors_headers(rng, acao_origin, method, unsafe_name, pre=False)
        if i + 1 < len(hops):
            status = rng.choice(REDIRECT_STATUS)
            headers_out.append(["Location", hops[i + 1]])
        else:
            status = rng.choice(STATUS)
        server.append({"method": "*", "url": url, "status": status, "headers": headers_out})

    request: dict[str, Any] = {"url": hops[0]}
    if method != "GET":
        request["method"] = method
    if headers:
        request["headers"] = headers
    if credentials != "same-origin":
        request["credentials"] = credentials
    if mode != "cors":
        request["mode"] = mode
    return {"name": f"random-{index:03d}", "origin": origin, "request": request, "server": server}


def main() -> None:
    rng = random.Random(SEED)
    scenarios = [scenario(rng, i) for i in range(COUNT)]
    text = "[\n" + ",\n".join(json.dumps(s, ensure_ascii=False) for s in scenarios) + "\n]\n"
    OUT.write_text(text, encoding="utf-8")
    print(f"random: {len(scenarios)}")


if __name__ == "__main__":
    main()
