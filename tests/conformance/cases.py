"""The corpus: scenarios as JSON data, one file per category, and the per-case URL isolation.

``corpus/<category>.json`` is a list of scenarios in the ``corskit explain`` schema, each with a unique ``name``
(and optionally ``note``). ``corpus/_build.py`` writes the systematic files and ``corpus/_random.py`` the
seeded random one; the JSON is what runs.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS_DIR = Path(__file__).parent / "corpus"

_ABSOLUTE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):(?P<rest>.*)$", re.S)


@dataclass(frozen=True)
class Case:
    category: str
    name: str
    scenario: dict[str, Any]


def load(directory: Path = CORPUS_DIR) -> list[Case]:
    """Every case of every ``*.json`` file, categories in file-name order; duplicate names are an error."""
    cases: list[Case] = []
    names: set[str] = set()
    for path in sorted(directory.glob("*.json")):
        for scenario in json.loads(path.read_text(encoding="utf-8")):
            name = scenario["name"]
            if name in names:
                raise ValueError(f"{path.name}: duplicate scenario name {name!r}")
            names.add(name)
            cases.append(Case(path.stem, name, scenario))
    return cases


def _mark_url(url: str, marker: str) -> str:
    """Insert ``/<marker>`` at the start of the path of a URL with an authority (``scheme://host…``) or of an
    absolute-path reference, keeping everything else (userinfo, an explicit ``:80``, query, fragment) byte for
    byte. Other URLs (``data:``, ``about:``, path-relative references, which keep the marker by resolution) are
    left alone."""
    m = _ABSOLUTE.match(url)
    if m and m.group("rest").startswith("//"):
        head = m.group("scheme") + "://"
        rest = m.group("rest")[2:]
    elif url.startswith("//"):  # scheme-relative
        head, rest = "//", url[2:]
    elif url.startswith("/"):  # absolute-path reference
        return f"/{marker}{url}"
    else:
        return url
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if not tail.startswith("/"):
        tail = "/" + tail
    return f"{head}{authority}/{marker}{tail}"


def isolate(scenario: dict[str, Any], marker: str) -> dict[str, Any]:
    """A copy of *scenario* whose URLs (request, server entries, ``Location`` values) all carry *marker* as their
    first path segment, so no two cases share a URL: the browser's preflight and HTTP caches cannot leak between
    cases, and the server can tell which case a request belongs to. Both the engine and Chromium get this copy."""
    out = copy.deepcopy(scenario)
    out["request"]["url"] = _mark_url(out["request"]["url"], marker)
    for entry in out.get("server", []):
        entry["url"] = _mark_url(entry["url"], marker)
        entry["headers"] = [
            [n, _mark_url(v, marker) if n.lower() == "location" else v] for n, v in entry.get("headers", [])
        ]
    return out
