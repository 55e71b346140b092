"""The root command, as a user types it: --version, python -m corskit, --help with examples, completion,
--no-color, and a missing extra."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import corskit
from tests.cli.run import corskit as run_corskit

EXAMPLE = str(Path(__file__).parents[2] / "examples" / "scenarios" / "put-missing-header.json")


def test_version() -> None:
    for flag in ("--version", "-V"):
        run = run_corskit(flag)
        assert run.code == 0
        assert run.stdout.startswith(f"corskit {corskit.__version__} (Python 3.")


def test_python_dash_m_corskit_is_the_same_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "corskit", "explain", EXAMPLE, "--json"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert '"error": "header_disallowed_by_preflight_response"' in proc.stdout


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["explain"],
        ["check"],
        ["demo"],
        ["audit"],
        ["playground"],
        ["origins"],
        ["origins", "add"],
        ["origins", "remove"],
        ["origins", "list"],
    ],
)
def test_help_has_examples_and_fits_80_columns(command: list[str]) -> None:
    run = run_corskit(*command, "--help")
    assert run.code == 0
    assert " Examples:" in run.stdout, run.stdout
    assert all(len(line) <= 80 for line in run.lines), run.stdout
    # Wrapping moves words to the next line, never cuts one: the same words as in a 200-column terminal.
    wide = run_corskit(*command, "--help", env={"COLUMNS": "200"})
    assert _words(run.stdout) == _words(wide.stdout), run.stdout


def _words(text: str) -> Counter[str]:
    return Counter(re.sub(r"[─-╿]", " ", text).split())


def test_no_arguments_shows_help_and_usage_errors_exit_2() -> None:
    assert "Usage" in run_corskit().stdout + run_corskit().stderr
    assert run_corskit("no-such-command").code == 2


def test_shell_completion() -> None:
    # (Typer reads "bash" as the shell only with its detection off: detection looks for a shell among the parent
    # processes, which a test run started by a service manager or CI runner may not have.)
    run = run_corskit("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert run.code == 0
    assert "_CORSKIT_COMPLETE" in run.stdout
    env = {"_CORSKIT_COMPLETE": "complete_bash", "COMP_WORDS": "corskit explain x.json --fix-for fl", "COMP_CWORD": "4"}
    assert run_corskit(env=env).stdout.split() == ["flask-cors"]
    env = {"_CORSKIT_COMPLETE": "complete_bash", "COMP_WORDS": "corskit ex", "COMP_CWORD": "1"}
    assert "explain" in run_corskit(env=env).stdout.split()


def test_no_color() -> None:
    colored = run_corskit("explain", EXAMPLE, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in colored.stdout
    plain = run_corskit("--no-color", "explain", EXAMPLE, env={"FORCE_COLOR": "1"})
    assert "\x1b" not in plain.stdout
    assert plain.stdout == run_corskit("explain", EXAMPLE).stdout  # the same text, without the styles
    assert plain.code == colored.code == 1


def test_without_the_cli_extra_the_command_names_it() -> None:
    code = "import sys; sys.modules['typer'] = None; from corskit.cli import main; main()"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr == "corskit: the command line needs the 'cli' extra: pip install 'corskit[cli]'\n"


def test_a_command_loads_only_its_own_modules() -> None:
    """`corskit explain` starts without importing httpx, the audit, Redis or the playground (start-up time)."""
    code = (
        "import sys\n"
        f"sys.argv = ['corskit', 'explain', {EXAMPLE!r}, '--json']\n"
        "from corskit.cli import main\n"
        "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\n"
        "loaded = [m for m in ('httpx', 'corskit.audit', 'redis', 'corskit.cli.playground') if m in sys.modules]\n"
        "print(code, loaded)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout.splitlines()[-1] == "1 []", proc.stdout + proc.stderr
