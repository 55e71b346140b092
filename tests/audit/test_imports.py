"""Targets imported from captures people already have: a Chrome DevTools HAR, a Burp "Save items" XML export, a
ZAP "Export Messages to File" text export (tests/audit/captures/). Deduplicated by origin and path; the application's
own methods and headers are probed from untrusted origins; captured secrets never leave; garbage is a clear error."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from corskit.audit import judge, observe
from corskit.audit.imports import ImportFailed, detect, read
from corskit.browser import Response, WireRequest
from tests.audit.conftest import jsonl, run_audit
from tests.audit.zoo import Zoo

CAPTURES = Path(__file__).parent / "captures"
SECRETS = ("eyJhbGciOiJIUzI1NiJ9", "Xr9d2k1Lq", "d1f0c9a2b7")
MIRROR = "http://preflight-mirror.zoo.example.com/api/data?page=1"


def load(name: str, fmt: str | None = None):  # type: ignore[no-untyped-def]
    with (CAPTURES / name).open("rb") as stream:
        return read(stream, fmt)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "fmt"), [("devtools.har", "har"), ("burp-items.xml", "burp"), ("zap-messages.txt", "zap")]
)
def test_each_capture_is_recognised_by_its_content(name: str, fmt: str) -> None:
    assert detect((CAPTURES / name).read_bytes()[:4096]) == fmt
    assert detect(b"https://api.example.com/\n") == "lines"
    assert detect(b"\xef\xbb\xbf  {") == "har"


def test_devtools_har_deduplicated_by_origin_and_path() -> None:
    imported = load("devtools.har")
    by_url = {t.url: t for t in imported.targets}
    # ?page=1 and ?page=2#top are one path: the first URL seen is kept, fragment dropped.
    assert list(by_url) == [
        "https://app.example.com/",
        MIRROR,
        "http://reflect-credentials.zoo.example.com/api/data",
        "http://null.zoo.example.com/api/data",
    ]
    mirror = by_url[MIRROR]
    assert mirror.methods == ("GET", "PATCH")
    names = [n for n, _ in mirror.headers]
    assert {"authorization", "x-csrf-token", "content-type"} <= set(names)
    assert "user-agent" not in names  # added by the browser, not the application
    assert not any(n.startswith(":") for n in names)  # HTTP/2 pseudo-headers
    assert imported.requests == 10
    assert imported.skipped == {
        "chrome-extension: URLs": 1,
        "data: URLs": 1,
        "preflights (the browser's own)": 1,
        "wss: URLs": 1,
    }
    assert imported.summary.startswith("4 target(s) (origin and path) from 10 request(s) in a HAR file; skipped:")


def test_burp_export_reads_the_raw_requests() -> None:
    imported = load("burp-items.xml")
    (mirror, reflect) = imported.targets
    assert mirror.url == MIRROR  # the first <url> of that path
    assert mirror.methods == ("GET", "DELETE", "POST")
    assert dict(mirror.headers)["content-type"] == "application/json"  # kept: it decides the preflight
    assert {"authorization", "x-csrf-token"} <= {n for n, _ in mirror.headers}
    assert reflect.url == "http://reflect-credentials.zoo.example.com/api/data"
    assert imported.requests == 4


def test_zap_export_reads_absolute_request_lines() -> None:
    imported = load("zap-messages.txt")
    assert [(t.url, t.methods) for t in imported.targets] == [
        (MIRROR, ("GET", "PUT")),
        ("http://reflect-credentials.zoo.example.com/api/data", ("GET",)),
    ]
    assert imported.requests == 4


@pytest.mark.parametrize("name", ["devtools.har", "burp-items.xml", "zap-messages.txt"])
def test_captured_secrets_are_not_kept(name: str) -> None:
    imported = load(name)
    values = " ".join(v for t in imported.targets for _, v in t.headers)
    assert values
    assert not any(secret in values for secret in SECRETS)


async def test_the_applications_own_request_is_preflighted_from_untrusted_origins_without_its_secrets() -> None:
    target = next(t for t in load("devtools.har").targets if t.url == MIRROR)
    sent: list[WireRequest] = []

    async def mirror(wire: WireRequest) -> Response:
        sent.append(wire)
        if wire.method != "OPTIONS":
            return Response(200, [("Vary", "Origin")])
        return Response(
            204,
            [
                ("Access-Control-Allow-Origin", wire.header("Origin") or ""),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", wire.header("Access-Control-Request-Method") or ""),
                ("Access-Control-Allow-Headers", wire.header("Access-Control-Request-Headers") or ""),
            ],
        )

    obs = await observe(target.url, mirror, methods=target.methods, headers=target.headers)
    findings = {f.cls: f for f in judge(obs)}
    assert "PATCH" in findings["untrusted_methods_allowed"].evidence["allowed"]
    assert "authorization, content-type, x-csrf-token" in findings["untrusted_headers_allowed"].evidence["allowed"]
    asked = {w.header("Access-Control-Request-Headers") for w in sent if w.method == "OPTIONS"}
    assert "authorization,content-type,x-csrf-token" in asked
    assert not [w for w in sent if w.method == "PATCH"]  # only its preflight
    on_the_wire = json.dumps([w.headers for w in sent])
    assert not any(secret in on_the_wire for secret in SECRETS)


async def test_a_simple_captured_post_is_not_probed() -> None:
    target = next(t for t in load("devtools.har").targets if t.url.startswith("http://null."))
    assert target.methods == ("POST",)
    sent: list[WireRequest] = []

    async def record(wire: WireRequest) -> Response:
        sent.append(wire)
        return Response(200)

    obs = await observe(target.url, record, methods=target.methods, headers=target.headers)
    assert obs.app_methods == ()
    assert not [w for w in sent if w.method == "POST" or w.header("Access-Control-Request-Method") == "POST"]


@pytest.mark.parametrize(
    ("name", "classes"),
    [
        ("devtools.har", {"arbitrary_origin_reflected", "null_origin_trusted", "untrusted_methods_allowed"}),
        ("burp-items.xml", {"arbitrary_origin_reflected", "untrusted_methods_allowed"}),
        ("zap-messages.txt", {"arbitrary_origin_reflected", "untrusted_methods_allowed"}),
    ],
)
def test_audit_an_imported_capture_end_to_end(zoo: Zoo, name: str, classes: set[str]) -> None:
    code, out, err = run_audit("-i", str(CAPTURES / name), "--proxy", zoo.proxy, "--json", "--retries", "0")
    lines = {line["target"]: line for line in jsonl(out)}
    found = {f["class"] for line in lines.values() for f in line["findings"] if f["severity"] != "info"}
    assert classes <= found
    assert "Imported " in err
    methods = next(f for f in lines[MIRROR]["findings"] if f["class"] == "untrusted_methods_allowed")
    captured = {"devtools.har": "PATCH", "burp-items.xml": "POST", "zap-messages.txt": "PUT"}[name]
    assert captured in methods["evidence"]["allowed"]
    assert code in (0, 3)  # 3: the HAR's app.example.com document is not a zoo host


def test_input_format_overrides_detection(tmp_path: Path, zoo: Zoo) -> None:
    listing = tmp_path / "targets.har"  # the name does not matter, the content does
    listing.write_text(zoo.by_name("null").url + "\n")
    code, out, _ = run_audit("-i", str(listing), "--proxy", zoo.proxy, "--json")
    assert jsonl(out)[0]["findings"][0]["class"] == "null_origin_trusted"
    code, _, err = run_audit("-i", str(listing), "--input-format", "har", "--json")
    assert code == 2
    assert "not a HAR file" in err
    code, _, err = run_audit("-i", str(listing), "--input-format", "pcap")
    assert code == 2


HOSTILE = {
    "binary": b"\x00\xff\xfe" * 1000,
    "empty": b"",
    "deep-json": b"[" * 200_000,
    "deep-object": b'{"log": ' * 100_000,
    "bom-har": b'\xef\xbb\xbf{"log": {"entries": [{"request": {"method": "GET", "url": "https://a.example/x"}}]}}',
    "wrong-types": b'{"log": {"entries": [5, {"request": 7}, {"request": {"method": 5, "url": []}}]}}',
    "no-entries": b'{"log": {"entries": 5}}',
    "log-not-object": b'{"log": 5}',
    "billion-laughs": b'<?xml version="1.0"?><!DOCTYPE items [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<items><item><url>&b;</url></item></items>",
    "external-entity": b'<?xml version="1.0"?><!DOCTYPE items [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<items><item><url>&x;</url></item></items>",
    "truncated-xml": (CAPTURES / "burp-items.xml").read_bytes()[:2000],
    "xml-not-burp": b"<html><body>hello</body></html>",
    "zap-garbage": b"===1 ==========\n\x00\x01 not a request\n===2 ==========\nGET\n",
    "control-characters": b"https://a.example/\x1b[2J\nhttps://b.example/\x07\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_captures_are_a_clear_error_or_safe_targets(name: str, tmp_path: Path) -> None:
    data = HOSTILE[name]
    message = ""
    try:
        imported = read(io.BytesIO(data))
    except ImportFailed as error:
        message = str(error)
    else:
        for target in imported.targets:
            assert target.url.startswith(("http://", "https://"))
    assert "\n" not in message
    path = tmp_path / name
    path.write_bytes(data)
    code, _, err = run_audit("-i", str(path), "--json", "--retries", "0", "--timeout", "0.5", "-c", "5")
    assert "Traceback" not in err
    assert code in (0, 2, 3)
    if code == 2:
        (line,) = err.splitlines()  # one line naming the problem
        assert line.startswith("corskit audit: -i: ")
        assert message in line


def test_headers_and_methods_per_target_are_bounded() -> None:
    headers = [{"name": f"x-h{i}", "value": "1"} for i in range(5000)]
    entries = [{"request": {"method": f"M{i}", "url": "https://a.example/p", "headers": headers}} for i in range(50)]
    imported = read(io.BytesIO(json.dumps({"log": {"entries": entries}}).encode()))
    (target,) = imported.targets
    assert len(target.methods) <= 8
    assert len(target.headers) <= 32
