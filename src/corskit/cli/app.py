"""The ``corskit`` application: the root options (``--version``, ``--no-color``, completion) and every command."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from .output import SETTINGS

EXAMPLES = """\
Examples:

  corskit demo                      # a demo API on loopback, checked
  corskit explain examples/scenarios/put-missing-header.json
  corskit check https://api.example.com/items/1 -o https://app.example.com
  corskit audit https://api.example.com/me --trusted https://app.example.com

Exit codes: 0 allowed or clean, 1 blocked or findings,
2 usage or network error, 3 a target that could not be audited.
Completion: corskit --install-completion. Docs: docs/tools.md.
"""


def version_text() -> str:
    return f"corskit {__version__} (Python {sys.version.split()[0]})"


def _show_version(value: bool) -> None:
    if value:
        print(version_text())
        raise typer.Exit(0)


def root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colours or styles (NO_COLOR=1 in the environment does the same).")
    ] = False,
) -> None:
    """CORS done right: see what a browser does with a request, check a live server, audit it."""
    SETTINGS.color = not no_color


#: Every command, in the order ``--help`` lists them, and the module whose ``register(app)`` declares it. A command's
#: module is imported only when that command runs (or ``--help`` lists them all): ``corskit explain`` never loads
#: httpx, the audit or Redis.
COMMANDS = {
    "explain": "explain",
    "check": "check",
    "demo": "demo",
    "audit": "audit",
    "origins": "origins",
    "playground": "playground",
}


class LazyCommands(TyperGroup):
    """The root group: commands are built from their module on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = _load(cmd_name)
        return self.commands[cmd_name]


def _load(name: str) -> Any:
    """The command *name* as its module declares it (``register(app)``), built as typer builds any command."""
    module = importlib.import_module(f"{__package__}.{COMMANDS[name]}")
    holder = typer.Typer(rich_markup_mode="rich", pretty_exceptions_enable=False)
    holder.callback()(lambda: None)  # a group, so that the command keeps its own name
    module.register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


def build_app() -> typer.Typer:
    """The typer application: the root options and every command (loaded when used)."""
    app = typer.Typer(
        name="corskit",
        cls=LazyCommands,
        epilog=EXAMPLES,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    app.callback()(root)
    return app
