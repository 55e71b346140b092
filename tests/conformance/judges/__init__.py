"""The judges: real browsers that play the corpus. One module per engine, one interface.

A judge module (``judges/<engine>.py``) exposes ``launch(server) -> ContextManager[Judge]``: it starts its
browser wired to the running :class:`~tests.conformance.server.ScenarioServer` (whose routes already answer every
case) and yields a :class:`Judge`, or raises :class:`JudgeUnavailable` saying what to install. ``Judge.play``
plays cases (already isolated: every URL carries the case's marker) and returns one :class:`Observation` per case,
its ``result`` in the ``corskit explain --json`` schema.

A judge observes what its browser shows: ``compared`` names the fields of the comparison it can vouch for
(Chromium's DevTools give an error code; Firefox and WebKit only give the console line, so their ``error`` is the
browser's own name for the failure and is not compared: the exact ``message`` stands for it).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..compare import FIELDS as FIELDS

if TYPE_CHECKING:
    from ..server import ScenarioServer

#: The engines, in the order reports list them.
ENGINES = ("chromium", "firefox", "webkit")


class JudgeUnavailable(RuntimeError):
    """The browser (or what drives it) is missing; the message says what to install."""


@dataclass(frozen=True)
class Play:
    """One case to play: its isolated scenario and the marker its URLs carry."""

    index: int
    category: str
    name: str
    scenario: dict[str, Any]
    marker: str


@dataclass
class Observation:
    """What a browser did with one case: ``result`` in the engine's schema, ``raw`` as observed."""

    category: str
    name: str
    scenario: dict[str, Any]
    result: dict[str, Any]
    raw: dict[str, Any]
    #: Why the case cannot be judged (e.g. a request no ``server`` entry answers); empty when sound.
    broken: list[str] = field(default_factory=list)
    engine: str = "chromium"

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "category": self.category,
            "name": self.name,
            "scenario": self.scenario,
            "result": self.result,
            "raw": self.raw,
            "broken": self.broken,
        }


class Judge(Protocol):
    """A running browser that plays cases."""

    engine: str
    #: The browser's version, e.g. ``"156.0.8078.79"`` (reports print it; message wording moves between majors).
    version: str
    #: The fields of :data:`FIELDS` this judge's observations vouch for.
    compared: tuple[str, ...]

    def play(self, plays: Sequence[Play]) -> list[Observation]: ...


def play_by_origin(plays: Sequence[Play], play_one: Callable[[Play], Observation]) -> list[Observation]:
    """Play cases grouped by the page's origin (so a judge's page moves rarely); observations in *plays*' order."""
    ordered = sorted(plays, key=lambda p: (p.scenario["origin"], p.index))
    done = {p.index: play_one(p) for p in ordered}
    return [done[p.index] for p in plays]


def require_env(engine: str) -> str:
    """``CORSKIT_REQUIRE_FIREFOX`` & co.: set (CI sets them), a missing browser fails instead of skipping."""
    return f"CORSKIT_REQUIRE_{engine.upper()}"


def required(engine: str) -> bool:
    return os.environ.get(require_env(engine), "") not in ("", "0")


def launch(engine: str, server: ScenarioServer) -> AbstractContextManager[Judge]:
    """Start *engine*'s judge against *server*; :class:`JudgeUnavailable` when it cannot run here."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    try:
        module = importlib.import_module(f"{__name__}.{engine}")
    except ImportError as err:
        raise JudgeUnavailable(f"the {engine} judge cannot be imported: {err}") from None
    launcher = getattr(module, "launch", None)
    if launcher is None:
        raise JudgeUnavailable(f"the {engine} judge is not written yet (tests/conformance/judges/{engine}.py)")
    context: AbstractContextManager[Judge] = launcher(server)
    return context
