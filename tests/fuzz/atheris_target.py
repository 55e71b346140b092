"""A coverage-guided fuzz target (atheris, libFuzzer's engine) over what reads untrusted input.

    make fuzz                       # FUZZ_SECONDS=60 by default; the corpus grows in .fuzz/corpus
    python -m tests.fuzz.atheris_target -max_total_time=600 .fuzz/corpus

One input drives, by its first byte, one of: the header value parsers, origin and URL parsing, a Policy decision
(actual and preflight, under several policy shapes), or the scenario loader and the engine. Each run asserts the
same invariants as the hypothesis tests in this folder (tests/fuzz/_hostile.py): no exception but the documented
ones, no CR/LF/NUL in a header, only a validated origin reflected, canonical output that parses back to itself.
A crash is written to ``crash-<sha1>`` with the input; replay it with ``python -m tests.fuzz.atheris_target FILE``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import atheris

with atheris.instrument_imports(include=["corskit"]):
    from corskit.browser.preflight import parse_max_age
    from corskit.spec.headers import parse_mime_type, parse_single_range, parse_token_list, split_list
    from corskit.spec.hosts import parse_host
    from corskit.spec.origins import OriginError, normalize_origin, parse_origin, parse_url
    from corskit.tools.scenario import ScenarioError, evaluate

from corskit.server.merge import BYTES
from tests.fuzz._drive import policies
from tests.fuzz._hostile import check_written

POLICIES = [p for p in policies().values() if hasattr(p, "actual") and not p.is_async]
_PRINTABLE = frozenset(chr(c) for c in range(0x20, 0x7F))


def _headers(fdp: atheris.FuzzedDataProvider) -> None:
    value = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    split_list(value)
    tokens = parse_token_list(value)
    assert tokens is None or all(tokens)
    parse_mime_type(value)
    parse_single_range(value)
    assert isinstance(parse_max_age(value), int)


def _origins(fdp: atheris.FuzzedDataProvider) -> None:
    value = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    origin = parse_origin(value)
    assert origin is None or origin.serialize() == value
    host = parse_host(value)
    assert host is None or (set(host) <= _PRINTABLE and parse_host(host) == host)
    try:
        normalized = normalize_origin(value)
    except OriginError:
        pass
    else:
        assert parse_origin(normalized.serialize()) == normalized
    for text in (value, "http://" + value, "https://" + value + "/x"):
        url = parse_url(text)
        if url is not None:
            serialized = url.serialize()
            assert set(serialized) <= _PRINTABLE, serialized
            again = parse_url(serialized)
            assert again is not None, serialized
            assert again.serialize() == serialized, (serialized, again)


def _policy(fdp: atheris.FuzzedDataProvider) -> None:
    policy = POLICIES[fdp.ConsumeIntInRange(0, len(POLICIES) - 1)]
    origin = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 200))
    method = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 40))
    headers = fdp.ConsumeBytes(fdp.remaining_bytes())
    request = [(b"origin", origin)]
    check_written(BYTES.fields(policy.actual(origin)), request)
    check_written(BYTES.fields(policy.preflight(origin, method, headers)), request)
    check_written(BYTES.fields(policy.preflight(origin.decode("latin-1"), method.decode("latin-1"))), request)


def _scenario(fdp: atheris.FuzzedDataProvider) -> None:
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    try:
        result = evaluate(data)
    except ScenarioError:
        return
    json.dumps(result)


TARGETS: list[Callable[[atheris.FuzzedDataProvider], None]] = [_headers, _origins, _policy, _scenario]


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    TARGETS[fdp.ConsumeIntInRange(0, len(TARGETS) - 1)](fdp)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
