"""Run the real ``corskit`` command in a subprocess, as a user does: an 80-column, non-terminal stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "corskit"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    #: Standard output's bytes (with ``binary=True``: then ``stdout`` is empty, it is not text in any encoding).
    raw: bytes = b""

    @property
    def lines(self) -> list[str]:
        return self.stdout.split("\n")


def corskit(
    *args: str,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    binary: bool = False,
    cwd: Path | None = None,
) -> Run:
    """``corskit ARGS`` with *stdin*; output decoded strictly in its encoding (PYTHONIOENCODING, UTF-8 by default),
    or kept as bytes in ``raw`` with *binary*."""
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "corskit"]
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    environment.update({"COLUMNS": "80", "LINES": "50", "PYTHONIOENCODING": "utf-8"})
    environment.update(env or {})
    data = stdin.encode() if isinstance(stdin, str) else stdin
    feed = {"input": data} if data is not None else {"stdin": subprocess.DEVNULL}
    proc = subprocess.run(
        [*command, *args], capture_output=True, env=environment, timeout=timeout, check=False, cwd=cwd, **feed
    )
    encoding = environment["PYTHONIOENCODING"]
    if binary:
        return Run(proc.returncode, "", proc.stderr.decode(encoding), proc.stdout)
    return Run(proc.returncode, proc.stdout.decode(encoding), proc.stderr.decode(encoding))
