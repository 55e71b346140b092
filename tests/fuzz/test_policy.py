"""``Policy`` on its own: any configuration is either compiled or refused with ``ConfigError``, and any request
values (text, bytes, absent) get a decision whose headers are safe to write."""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from corskit import Policy
from corskit.server.merge import BYTES
from corskit.spec.errors import ConfigError
from corskit.spec.origins import MAX_ORIGIN_LENGTH, parse_origin

from ._drive import policies
from ._hostile import ORIGIN_PIECES, TOKEN_PIECES, check_written, origin_values, token_values
from ._profile import fuzz

POLICIES = {name: p for name, p in policies().items() if isinstance(p, Policy) and not p.is_async}

values = st.none() | origin_values | origin_values.map(lambda b: b.decode("latin-1"))
tokens = st.none() | token_values | token_values.map(lambda b: b.decode("latin-1"))


def _raw(value: str | bytes | None) -> bytes | None:
    return value.encode("latin-1") if isinstance(value, str) else value


@fuzz(quick=80, long=20000)
@given(name=st.sampled_from(sorted(POLICIES)), origin=values, path=st.text(max_size=8))
def test_actual_decisions_are_safe(name: str, origin: str | bytes | None, path: str) -> None:
    decision = POLICIES[name].actual(origin, path)
    raw = _raw(origin)
    request = [] if raw is None else [(b"origin", raw)]
    check_written(BYTES.fields(decision), request)
    check_written([(n.encode("latin-1"), v.encode("latin-1")) for n, v in decision.headers], request)
    # Text and bytes are one request: the same answer whichever form the adapter passes.
    assert POLICIES[name].actual(raw, path) == POLICIES[name].actual(None if raw is None else raw.decode("latin-1"))


@fuzz(quick=80, long=20000)
@given(name=st.sampled_from(sorted(POLICIES)), origin=values, method=tokens, headers=tokens, private=tokens)
def test_preflight_decisions_are_safe(
    name: str, origin: str | bytes | None, method: str | bytes | None, headers: Any, private: Any
) -> None:
    decision = POLICIES[name].preflight(origin, method, headers, private)
    raw = _raw(origin)
    check_written(BYTES.fields(decision), [] if raw is None else [(b"origin", raw)])
    assert decision.status in (200, 204) if decision.allowed else 400 <= decision.status < 500
    assert b"\r" not in decision.body
    assert b"\n" not in decision.body.rstrip(b"\n")


# --- configurations ------------------------------------------------------------------------------------------

_TEXT_PIECES = [p.decode("latin-1") for p in ORIGIN_PIECES + TOKEN_PIECES] + ["*", "https://*.", ":*", "*.com"]
config_text = st.one_of(st.lists(st.sampled_from(_TEXT_PIECES), max_size=4).map("".join), st.text(max_size=12))
config_values = st.one_of(
    config_text,
    st.lists(config_text, max_size=4),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.binary(max_size=8),
    st.dictionaries(config_text, config_text, max_size=2),
)
OPTIONS = [
    "allow_origins",
    "allow_origin_regex",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "expose_headers",
    "max_age",
    "allow_private_network",
    "preflight_status",
]


@fuzz(quick=60, long=50000)
@given(kwargs=st.dictionaries(st.sampled_from(OPTIONS), config_values, max_size=5))
def test_any_configuration_compiles_or_is_refused_with_a_config_error(kwargs: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            policy = Policy(**kwargs)
        except ConfigError as refused:
            message = str(refused)
        else:
            message = ""
    if message:
        assert len(message) > 20, "a refusal says why"
        return
    # Whatever compiled answers any request safely.
    for origin in (b"https://app.example.com", b"null", b"http://[::1%\r\n]", None):
        check_written(BYTES.fields(policy.actual(origin)), [] if origin is None else [(b"origin", origin)])
        check_written(
            BYTES.fields(policy.preflight(origin, b"PUT", b"x-token")), [] if origin is None else [(b"origin", origin)]
        )


@fuzz(quick=60, long=20000)
@given(origins=st.lists(values, max_size=4))
def test_user_code_sees_only_canonical_bounded_origins(origins: list[str | bytes | None]) -> None:
    # A user's regex or predicate may be slow or naive (ReDoS, substring checks): it is asked only about values
    # that parsed as canonical origins, at most MAX_ORIGIN_LENGTH long, never about "aaaa…!" or "a.com\r\n".
    seen: list[str] = []

    def spy(origin: str) -> bool:
        seen.append(origin)
        return len(seen) % 2 == 0

    policy = Policy(allow_origin_regex=r"https://app\.example\.com", allow_origin_func=spy, allow_credentials=True)
    for origin in [*origins, "https://" + "a" * 5000 + ".com", "https://a.com\r\n"]:
        policy.actual(origin)
        policy.preflight(origin, "GET")
    for origin in seen:
        parsed = parse_origin(origin)
        assert parsed is not None
        assert parsed.serialize() == origin
        assert len(origin) <= MAX_ORIGIN_LENGTH
