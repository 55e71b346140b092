"""docs/migrating.md and tests/migration/ agree: every row of a peer's table is pinned by a test of that name, and
every test of a peer's module is a row of its table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "migrating.md").read_text()
SECTIONS = {"## Starlette / FastAPI": "test_starlette.py", "## django-cors-headers": "test_django_cors_headers.py",
            "## flask-cors": "test_flask_cors.py"}  # fmt: skip


def rows(heading: str) -> set[str]:
    section = GUIDE.split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE))


def pinned(module: str) -> set[str]:
    return set(re.findall(r"^def test_([a-z_]+)\(", (Path(__file__).parent / module).read_text(), re.MULTILINE))


@pytest.mark.parametrize(("heading", "module"), SECTIONS.items())
def test_every_row_is_pinned_and_every_pin_is_a_row(heading: str, module: str) -> None:
    assert rows(heading), f"no rows under {heading!r}"
    assert rows(heading) == pinned(module)


@pytest.mark.parametrize(("heading", "suite"), list(zip(SECTIONS, ("starlette", "django", "flask"), strict=True)))
def test_peer_suite_failures_name_rows_of_the_guide(heading: str, suite: str) -> None:
    from bench.peer_suites import ROWS  # make peer-suites labels each failing peer test with its row

    assert set(ROWS[suite].values()) <= rows(heading)
