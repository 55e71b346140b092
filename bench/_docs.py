"""Write a bench script's figures into the one place the docs quote them: a block between two markers."""

from __future__ import annotations

import re
from pathlib import Path


def replace_block(path: Path, begin: str, end: str, block: str) -> None:
    """Replace what lies between the *begin* and *end* markers of *path* with *block*."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path} has no generated block ({begin} … {end})")
    path.write_text(pattern.sub(lambda _: f"{begin}\n{block}\n{end}", text), encoding="utf-8")
    print(f"updated {path.name}")
