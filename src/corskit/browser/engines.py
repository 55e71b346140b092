"""One fetch in every browser: the verdicts side by side, where they differ and why.

>>> from corskit.browser import Request, Response
>>> from corskit.browser.engines import compare
>>> answer = lambda wire: Response(200, [("Access-Control-Allow-Origin", "http://app.test")])
>>> verdicts = compare("http://app.test", Request("http://api.test/r", headers=[("DPR", "2")]), answer)
>>> verdicts.agree
False
>>> print(verdicts.differences[0])
Firefox blocks: `DPR` is not a safelisted request header outside Chromium, so it sends a preflight first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..spec.headers import lowercase_ascii
from .fetch import Result, run
from .preflight import unsafe_header_names
from .profiles import BROWSERS, Profile, profile
from .request import Request
from .wire import Response, WireRequest

Responder = Callable[[WireRequest], Response]


@dataclass(frozen=True)
class Verdicts:
    """Each browser's :class:`~corskit.browser.Result` for the same fetch, in :data:`BROWSERS` order."""

    request: Request
    results: dict[str, Result]

    @property
    def agree(self) -> bool:
        """True when every browser reaches the same verdict."""
        return len({r.allowed for r in self.results.values()}) == 1

    @property
    def allowed(self) -> bool:
        """True only when every browser lets script read the response."""
        return all(r.allowed for r in self.results.values())

    @property
    def differences(self) -> list[str]:
        """One sentence per browser whose verdict differs from another's: what it does and why."""
        if self.agree:
            return []
        out = []
        for name, result in self.results.items():
            if result.allowed:
                continue
            out.append(f"{profile(name).title} blocks: {self._why(name, result)}")
        return out

    def _why(self, name: str, result: Result) -> str:
        this = profile(name)
        allowing = [profile(n) for n, r in self.results.items() if r.allowed]
        if result.preflighted and any(not self.results[p.name].preflighted for p in allowing):
            reason = _preflight_reason(
                self.request, this, [p for p in allowing if not self.results[p.name].preflighted]
            )
            if reason:
                return reason
        return result.message or (result.error.value if result.error else "the fetch failed")


def _preflight_reason(request: Request, this: Profile, others: Sequence[Profile]) -> str | None:
    """Why *this* browser preflights a request the *others* send as is (a header safelisted or dropped there)."""
    ours = set(unsafe_header_names(request.headers, this))
    for other in others:
        # What the other browser preflights for: its unsafe names, less those its fetch() drops.
        theirs = set(unsafe_header_names(request.headers, other)) - other.extra_forbidden_request_headers
        extra = sorted(ours - theirs)
        if not extra:
            continue
        shown = {lowercase_ascii(n): n for n, _ in request.headers}
        names = ", ".join(f"`{shown.get(n, n)}`" for n in extra)
        dropped = [n for n in extra if n in other.extra_forbidden_request_headers]
        if dropped:
            return f"it keeps the {names} header script set ({other.title} drops it), so it sends a preflight first."
        only = " and ".join(p.title for p in others)
        verb = "is" if len(extra) == 1 else "are"
        noun = "a safelisted request header" if len(extra) == 1 else "safelisted request headers"
        return f"{names} {verb} not {noun} outside {only}, so it sends a preflight first."
    return None


def compare(
    origin: str,
    request: Request,
    respond: Responder,
    *,
    browsers: Sequence[str | Profile] = BROWSERS,
) -> Verdicts:
    """Play *request* once per browser (each with its own preflight cache) against the same *respond*."""
    results: dict[str, Result] = {profile(b).name: run(origin, request, respond, browser=b) for b in browsers}
    return Verdicts(request, results)
