"""Stored origins are validated like configured ones, and their stored values are read back defensively."""

from __future__ import annotations

import pytest

from corskit import ConfigError
from corskit.server.stores import MemoryOriginStore, OriginStore
from corskit.server.stores.entry import MAX_ENTRY_BYTES, StoredOrigin, decode_entry, encode_entry


def test_origins_are_canonicalised() -> None:
    assert StoredOrigin.create("HTTPS://Shop.EXAMPLE:443").origin == "https://shop.example"
    assert StoredOrigin.create("http://[::1]:8080").origin == "http://[::1]:8080"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("https://*.example.com", "patterns"),
        ("*", "patterns"),
        ("null", "sandboxed"),
        ("https://shop.example/", "trailing slash"),
        ("shop.example", "no scheme"),
        ("https://user@shop.example", "user info"),
        ("https://shop.example\r\nX: y", "control"),
        ("https://" + "a" * 3000, "longer"),
        ("", "no scheme"),
    ],
)
def test_what_cannot_be_stored_is_refused_with_a_reason(value: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        StoredOrigin.create(value)


@pytest.mark.parametrize("tenant", ["a\nb", "x" * 129, "\x1b[31m"])
def test_tenant_ids_are_short_printable_text(tenant: str) -> None:
    with pytest.raises(ConfigError, match="tenant"):
        StoredOrigin.create("https://a.example", tenant=tenant)


def test_encoded_entries_round_trip() -> None:
    entry = StoredOrigin.create("https://a.example", credentials=True, tenant="acme")
    assert decode_entry("https://a.example", encode_entry(entry)) == entry


@pytest.mark.parametrize(
    "value",
    [
        b"",
        b"\xff\xfe",
        b"[]",
        b'{"credentials": "yes"}',
        b'{"tenant": 5}',
        b"[" * 100_000,
        b'{"tenant": "' + b"x" * MAX_ENTRY_BYTES + b'"}',
    ],
)
def test_values_written_by_something_else_are_refused(value: bytes) -> None:
    assert decode_entry("https://a.example", value) is None


def test_a_key_that_is_not_canonical_is_never_matched() -> None:
    # Written by hand as "HTTPS://A.example": the browser sends "https://a.example", which is another key.
    assert decode_entry("HTTPS://A.example", b"{}") is None


async def test_memory_store() -> None:
    store = MemoryOriginStore(["https://a.example"])
    assert isinstance(store, OriginStore)
    store.add("https://B.example", credentials=True, tenant="t")
    assert store.lookup("https://b.example") == StoredOrigin("https://b.example", True, "t")
    assert await store.alookup("https://a.example") == StoredOrigin("https://a.example")
    assert store.remove("https://b.example:443") is True
    assert store.remove("https://b.example") is False
    assert [e.origin for e in store.entries()] == ["https://a.example"]
    with pytest.raises(ConfigError, match="single string"):
        MemoryOriginStore("https://a.example")
