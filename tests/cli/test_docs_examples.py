"""What README.md and docs/*.md show `corskit explain` printing is what it prints: each ``$ corskit explain …``
block is run as written, from the repository's root, in an 80-column terminal, and compared line by line."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.cli.run import corskit

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def code_blocks(text: str) -> list[list[str]]:
    """The lines of each fenced block of a Markdown *text*."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


EXAMPLES = [
    pytest.param(block[0], block[1:], id=f"{page.name}: {block[0][2:]}")
    for page in PAGES
    for block in code_blocks(page.read_text(encoding="utf-8"))
    if block and block[0].startswith("$ corskit explain ") and len(block) > 1
]


def test_the_docs_show_explain_at_work() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize(("command", "shown"), EXAMPLES)
def test_an_explain_example_prints_what_the_docs_show(command: str, shown: list[str]) -> None:
    _, *args = shlex.split(command[2:])
    run = corskit(*args, cwd=ROOT)
    assert run.code in (0, 1), run.stderr
    assert run.stdout.rstrip("\n").split("\n") == shown
