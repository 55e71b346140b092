"""What script can read of a response (Fetch §2.2.6 "filtered response")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..spec.headers import lowercase_ascii, parse_token_list
from ..spec.safelist import FORBIDDEN_RESPONSE_HEADERS, is_safelisted_response_header
from .wire import Response

ResponseType = Literal["basic", "cors", "opaque", "opaqueredirect"]


@dataclass(frozen=True)
class ScriptResponse:
    """The response as script sees it: ``headers`` as ``[...response.headers]`` lists them (lowercase names,
    sorted, repeated names joined with ", ")."""

    type: ResponseType
    status: int
    headers: tuple[tuple[str, str], ...]
    url: str
    redirected: bool = False

    def header(self, name: str) -> str | None:
        lname = lowercase_ascii(name)
        return next((v for n, v in self.headers if n == lname), None)


def exposed_header_names(response: Response, *, include_credentials: bool) -> frozenset[str] | None:
    """Names listed in ``Access-Control-Expose-Headers``, lowercased; ``None`` means "all" (a ``*`` without
    credentials).

    Lines combine; a list that does not parse as comma-separated tokens exposes nothing (Chromium 156).
    """
    items = parse_token_list(response.header("Access-Control-Expose-Headers"))
    if not items:
        return frozenset()
    names = frozenset(lowercase_ascii(item) for item in items)
    if "*" in names and not include_credentials:
        return None
    return names


def script_headers(
    headers: list[tuple[str, str]], comma_joined: frozenset[str] = frozenset()
) -> tuple[tuple[str, str], ...]:
    """Fetch "sort and combine": lowercase names, sorted, values of a repeated name joined with ", " (with ","
    for the names in *comma_joined*: Firefox's ``Content-Type``)."""
    combined: dict[str, list[str]] = {}
    for name, value in headers:
        combined.setdefault(lowercase_ascii(name), []).append(value.strip(" \t"))
    return tuple((name, ("," if name in comma_joined else ", ").join(combined[name])) for name in sorted(combined))


def script_view(
    response: Response,
    response_type: ResponseType,
    *,
    url: str,
    include_credentials: bool,
    redirected: bool,
    comma_joined: frozenset[str] = frozenset(),
) -> ScriptResponse:
    """Filter *response* for script: basic hides ``Set-Cookie``; cors also hides all but the safelisted and
    exposed names; opaque hides everything, status included."""
    if response_type in ("opaque", "opaqueredirect"):
        return ScriptResponse(response_type, 0, (), "" if response_type == "opaque" else url, False)
    visible = [(n, v) for n, v in response.headers if lowercase_ascii(n) not in FORBIDDEN_RESPONSE_HEADERS]
    if response_type == "cors":
        exposed = exposed_header_names(response, include_credentials=include_credentials)
        visible = [(n, v) for n, v in visible if exposed is None or is_safelisted_response_header(n, exposed)]
    return ScriptResponse(response_type, response.status, script_headers(visible, comma_joined), url, redirected)
