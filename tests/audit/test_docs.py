"""The audit's figures are quoted in one place, written by the script that measured them, and not stale."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.audit.zoo import exhibits

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "audit.md"
BLOCK = re.compile(r"<!-- begin: bench/audit\.py --update-docs -->\n(.*?)\n<!-- end: bench/audit\.py -->", re.S)


def test_the_zoo_benchmark_block_is_generated_and_lists_the_current_zoo() -> None:
    (block,) = BLOCK.findall(DOCS.read_text(encoding="utf-8"))
    assert block.startswith("One run of `.venv/bin/python bench/audit.py --update-docs`")
    rows = {line.split(" | ")[0].lstrip("| ") for line in block.splitlines() if line.startswith("| ")}
    zoo = exhibits(tls=shutil.which("openssl") is not None)
    assert {e.name for e in zoo} <= rows, "the zoo changed: re-run bench/audit.py --update-docs"
    expected = sum(len(e.expected) for e in zoo)
    assert f"| corskit audit | {expected}/{expected} | 0 | 0 | 0 |" in block


def test_scanner_figures_appear_nowhere_else() -> None:
    sources = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for path in sources:
        text = BLOCK.sub("", path.read_text(encoding="utf-8"))
        for line in text.splitlines():
            if "CORScanner" in line:
                assert not re.search(r"\d+(\.\d+)? ?s\b|\d+ ?/ ?\d+|\d+ of \d+", line), f"{path.name}: {line}"
