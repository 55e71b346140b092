"""The parsers of ``corskit.spec`` on arbitrary text: total (a value or ``None``, never an exception), and what they
return is canonical: visible ASCII, and parsing it again gives it back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corskit.browser.preflight import parse_max_age
from corskit.spec.headers import (
    MAX_LIST_ITEMS,
    canonical_range,
    is_token,
    is_valid_header_value,
    parse_mime_type,
    parse_single_range,
    parse_token_list,
    split_list,
)
from corskit.spec.hosts import domain_to_ascii, parse_host
from corskit.spec.origins import OriginError, normalize_origin, parse_origin, parse_url
from corskit.spec.safelist import (
    classify_request_headers,
    is_forbidden_request_header,
    is_safelisted_content_type,
    is_safelisted_request_header,
    normalize_method,
)

from ._hostile import ORIGIN_PIECES, TOKEN_PIECES
from ._profile import fuzz

_PIECES = sorted(
    {p.decode("latin-1") for p in ORIGIN_PIECES + TOKEN_PIECES} | {p.decode("utf-8", "replace") for p in ORIGIN_PIECES}
)
_PIECES += ["[", "]", ":", "::", "%25", "%2e", "0x", "１", "。", "ß", "\u200d", "\u05d0", "\u0301", "\ud800", "#", "?"]
#: Text a URL or origin parser may meet: near-misses made of meaningful pieces, or anything at all.
texts = st.one_of(st.lists(st.sampled_from(_PIECES), max_size=10).map("".join), st.text(max_size=40))
_VISIBLE = frozenset(chr(c) for c in range(0x21, 0x7F))


@fuzz(quick=150, long=50000)
@given(texts)
def test_parse_host_gives_a_canonical_visible_host_or_none(text: str) -> None:
    host = parse_host(text)
    if host is not None:
        assert host, text
        assert set(host) <= _VISIBLE, host
        assert parse_host(host) == host
    ascii_domain = domain_to_ascii(text)
    assert ascii_domain is None or ascii_domain.isascii()


@fuzz(quick=150, long=50000)
@given(scheme=st.sampled_from(["http://", "https://", "ws://", "foo:", "foo://", "data:", ""]), rest=texts)
def test_parse_url_serialises_to_visible_ascii_and_is_idempotent(scheme: str, rest: str) -> None:
    url = parse_url(scheme + rest)
    if url is None:
        return
    text = url.serialize()
    # Printable ASCII only; a space only in the opaque path of a non-special URL ("javascript:a b"), as Chromium.
    assert set(text) <= (_VISIBLE if url.authority else _VISIBLE | {" "}), text
    again = parse_url(text)
    assert again is not None
    assert again.serialize() == text
    assert set(url.origin.serialize()) <= _VISIBLE


@fuzz(quick=150, long=50000)
@given(scheme=st.sampled_from(["http://", "https://", "HTTP://", "", "null"]), rest=texts)
def test_parse_origin_returns_only_its_own_canonical_serialisation(scheme: str, rest: str) -> None:
    value = scheme + rest
    origin = parse_origin(value)
    if origin is not None:
        assert origin.serialize() == value
        assert set(value) <= _VISIBLE
        assert normalize_origin(value) == origin
    try:
        normalized = normalize_origin(value)
    except OriginError as refused:
        message = str(refused)
        assert message.startswith("origin"), message
    else:
        # What a configuration canonicalises to is what a browser sends, which the strict parser accepts.
        assert parse_origin(normalized.serialize()) == normalized


@fuzz(quick=100, long=30000)
@given(
    value=st.one_of(
        st.lists(st.sampled_from([*_PIECES, ",", ", ", ";", "=", '"']), max_size=12).map("".join), st.text()
    )
)
def test_header_value_parsers_are_total_and_bounded(value: str) -> None:
    items = split_list(value)
    assert items is None or (len(items) <= MAX_LIST_ITEMS and all(item and item.strip(" \t") == item for item in items))
    tokens = parse_token_list(value)
    assert tokens is None or all(is_token(t) for t in tokens)
    mime = parse_mime_type(value)
    assert mime is None or (mime.essence.isascii() and mime.essence == mime.essence.lower())
    span = parse_single_range(value)
    assert span is None or canonical_range(value).isascii()
    assert isinstance(parse_max_age(value), int)
    for check in (is_token, is_valid_header_value, is_safelisted_content_type, normalize_method):
        check(value)
    assert isinstance(is_safelisted_request_header(value, value), bool)
    assert isinstance(is_forbidden_request_header(value, value), bool)
    classify_request_headers([(value, value), ("Content-Type", value), ("Range", value)])


def test_cache_directives_read_ascii_digits_without_int() -> None:
    # Found while auditing lenient parsers: "²".isdigit() is true but int("²") raises, and int() refuses more than
    # 4,300 digits; either crashed the audit on a hostile server's Cache-Control.
    from corskit.audit.caching import cacheability
    from corskit.browser.wire import Response

    def verdict(value: str) -> str:
        return cacheability(Response(200, (("Cache-Control", value),)))

    assert verdict("max-age=²") == "none"
    assert verdict("s-maxage=٣") == "none"
    assert verdict("max-age=" + "9" * 5000) == "shared"
    assert verdict("max-age=000") == "none"
    assert verdict("max-age=60") == "shared"
