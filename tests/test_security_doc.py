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
