"""SECURITY.md quotes the bounds corskit enforces: each row names a constant and its value, which must be the code's."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).parent.parent / "SECURITY.md"
ROWS = re.findall(r"^\| `(corskit\.[\w.]+)\.([A-Z_]+)` \| (\d+) \|", DOC.read_text(encoding="utf-8"), re.M)


def test_the_doc_lists_bounds() -> None:
    assert len(ROWS) >= 10


@pytest.mark.parametrize(("module", "name", "value"), ROWS, ids=[f"{m}.{n}" for m, n, _ in ROWS])
def test_each_quoted_bound_is_the_codes(module: str, name: str, value: str) -> None:
    assert getattr(importlib.import_module(module), name) == int(value)


# What a hostile request or Redis reaches: every bound these modules enforce is in the table.
REQUEST_PATH = [
    "corskit.spec.origins",
    "corskit.spec.hosts",
    "corskit.spec.headers",
    "corskit.spec.safelist",
    "corskit.server.policy",
    "corskit.server.merge",
    "corskit.server.stores.entry",
    "corskit.server.stores.redis",
]


@pytest.mark.parametrize("module", REQUEST_PATH)
def test_every_bound_on_the_request_path_is_in_the_table(module: str) -> None:
    names = vars(importlib.import_module(module))
    bounds = {
        name for name, value in names.items() if re.fullmatch(r"MAX_\w+|[A-Z]\w*_SIZE", name) and type(value) is int
    }
    # A bound imported from a module whose row quotes it is that module's.
    quoted = {name for where, name, value in ROWS if where == module or (name in names and names[name] == int(value))}
    assert bounds, module
    assert bounds <= quoted, module
