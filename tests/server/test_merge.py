"""The one header merge (corskit.server.merge), tested once for both forms every adapter writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pytest

from corskit import Policy
from corskit.server.merge import BYTES, TEXT, edit, is_owned_header, merge, merge_vary

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
CREDENTIALED = Policy(
    allow_origins=[APP], allow_credentials=True, expose_headers=["X-Total-Count", "ETag"], allow_methods=["PUT"]
)
ANSWERS = [CREDENTIALED.actual(APP), CREDENTIALED.actual(EVIL), Policy(allow_origins=["*"]).actual(APP)]


def as_bytes(headers: Iterable[Sequence[str]]) -> list[tuple[bytes, bytes]]:
    return [(n.encode("latin-1"), v.encode("latin-1")) for n, v in headers]


def as_text(headers: Iterable[Sequence[Any]]) -> list[tuple[str, str]]:
    return [(bytes(n).decode("latin-1"), bytes(v).decode("latin-1")) for n, v in headers]


@pytest.mark.parametrize(
    ("existing", "names", "merged"),
    [
        (None, ("Origin",), "Origin"),
        ("", ("Origin",), "Origin"),
        ("Accept-Encoding", ("Origin",), "Accept-Encoding, Origin"),
        ("origin", ("Origin",), "origin"),  # Spring #24829: no duplicates, case-insensitive
        ("Origin, Accept-Encoding, origin", ("Origin",), "Origin, Accept-Encoding"),
        ("*", ("Origin",), "*"),
        ("Accept, *", ("Origin",), "*"),
        ("Accept,,  ", ("Origin", "Access-Control-Request-Method"), "Accept, Origin, Access-Control-Request-Method"),
        ("bad value\r\n, Accept", ("Origin",), "Accept, Origin"),
        ("Accept", (), "Accept"),
        (", ".join(f"x-{i}" for i in range(300)), ("Origin",), "*"),  # absurdly long: still varies on everything
    ],
)
def test_merge_vary(existing: str | None, names: tuple[str, ...], merged: str) -> None:
    assert merge_vary(existing, names) == merged


def test_the_apps_cors_headers_are_replaced_and_vary_merged() -> None:
    app_headers = [
        ("Content-Type", "application/json"),
        ("Access-Control-Allow-Origin", "*"),
        ("access-control-allow-credentials", "false"),
        ("Vary", "Accept-Encoding"),
        ("vary", "Origin"),
        ("Set-Cookie", "a=b"),
        ("Set-Cookie", "c=d"),
    ]
    assert merge(app_headers, CREDENTIALED.actual(APP), TEXT) == [
        ("Content-Type", "application/json"),
        ("Set-Cookie", "a=b"),
        ("Set-Cookie", "c=d"),
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "X-Total-Count, ETag"),
        ("Vary", "Accept-Encoding, Origin"),
    ]
    assert CREDENTIALED.actual(APP).apply(app_headers) == merge(app_headers, CREDENTIALED.actual(APP), TEXT)


@pytest.mark.parametrize("wire", [TEXT, BYTES], ids=["text", "bytes"])
def test_a_refused_origin_never_gets_the_apps_own_allow_origin(wire: Any) -> None:
    app_headers = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true"), ("A", "1")]
    headers = app_headers if wire is TEXT else as_bytes(app_headers)
    merged = (
        as_text(merge(headers, CREDENTIALED.actual(EVIL), wire))
        if wire is BYTES
        else merge(headers, CREDENTIALED.actual(EVIL), wire)
    )
    assert [(n.lower(), v) for n, v in merged] == [("a", "1"), ("vary", "Origin")]


def test_bytes_form_writes_what_text_form_writes() -> None:
    for answer in ANSWERS:
        for app_headers in [
            [("content-type", "text/plain")],
            [("content-type", "text/plain"), ("vary", "Accept-Encoding")],
            [("Vary", "accept-encoding"), ("VARY", "origin"), ("Access-Control-Max-Age", "1"), ("age", "3")],
            [("access-control-allow-origin", "*"), ("allow", "GET"), ("x-a", "1"), ("", "odd")],
            [],
        ]:
            text = [(n.lower(), v) for n, v in merge(app_headers, answer, TEXT)]
            raw = [(n.lower(), v) for n, v in as_text(merge(as_bytes(app_headers), answer, BYTES))]
            assert raw == text, app_headers


def test_the_apps_list_is_never_changed() -> None:
    app_headers = [(b"content-type", b"text/plain"), (b"vary", b"Cookie")]
    for _ in range(2):
        merge(app_headers, CREDENTIALED.actual(APP), BYTES)
    assert app_headers == [(b"content-type", b"text/plain"), (b"vary", b"Cookie")]


class Once:
    """An iterable that can be read once, as a generator: a second pass finds nothing (issue 10, defect 1)."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.reads = 0

    def __iter__(self) -> Iterator[Any]:
        self.reads += 1
        return iter(self.items if self.reads == 1 else [])


APP_HEADERS = [
    ("content-type", "application/json"),
    ("content-length", "2"),
    ("set-cookie", "a=b"),
    ("vary", "Cookie"),
    ("x-request-id", "7"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=["allowed", "refused", "wildcard"])
@pytest.mark.parametrize("start", [0, 3], ids=["vary-last", "plain-only"])
def test_headers_from_any_iterable_are_read_once_and_never_lost(answer: Any, start: int) -> None:
    app_headers = APP_HEADERS[:3] if start else APP_HEADERS
    for wire, headers in [(TEXT, app_headers), (BYTES, as_bytes(app_headers))]:
        once = Once(list(headers))
        merged = merge(once, answer, wire)
        assert once.reads == 1
        names = [bytes(n).decode() if isinstance(n, bytes) else n for n, _ in merged]
        for name in ("content-type", "content-length", "set-cookie"):
            assert name in names, (wire, names)
        generated = merge((pair for pair in headers), answer, wire)  # a generator, as ASGI allows
        assert generated == merged


def test_edit_splits_what_is_kept_from_what_is_added() -> None:
    kept, added = edit([("A", "1"), ("Access-Control-Allow-Origin", "*"), ("Vary", "Cookie")], ANSWERS[0], TEXT)
    assert kept == [("A", "1")]
    assert added[0] == ("Access-Control-Allow-Origin", APP)
    assert added[-1] == ("Vary", "Cookie, Origin")


def test_no_vary_for_a_wildcard_answer_unless_the_app_has_one() -> None:
    answer = Policy(allow_origins=["*"]).actual(APP)
    assert merge([("A", "1")], answer, TEXT) == [("A", "1"), ("Access-Control-Allow-Origin", "*")]
    assert merge([("Vary", "Cookie")], answer, TEXT)[-1] == ("Vary", "Cookie")


def test_owned_headers() -> None:
    assert is_owned_header("Access-Control-Allow-Origin")
    assert is_owned_header("access-control-max-age")
    assert not is_owned_header("Vary")
    assert not is_owned_header("Accept")


def test_preflight_fields_in_both_forms() -> None:
    decision = CREDENTIALED.preflight(APP, "PUT")
    assert TEXT.fields(decision) == decision.headers
    assert as_text(BYTES.fields(decision)) == [(n.lower(), v) for n, v in decision.headers]


@pytest.mark.parametrize("answer", ANSWERS, ids=["allowed", "refused", "wildcard"])
def test_a_block_is_encoded_once_however_often_it_is_written(answer: Any) -> None:
    # A '*' answer's block is empty: it must be found in the memo like any other, not encoded again per request.
    merge([(b"content-type", b"text/plain")], answer, BYTES)
    remembered = len(BYTES._blocks)
    for _ in range(3):
        merge([(b"content-type", b"text/plain")], answer, BYTES)
        BYTES.fields(answer)
    assert len(BYTES._blocks) == remembered
