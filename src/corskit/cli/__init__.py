"""The ``corskit`` command: ``explain``, ``check``, ``demo``, ``audit``, ``origins``.

Needs the ``cli`` extra (``pip install 'corskit[cli]'``): typer for arguments, rich for output, httpx for HTTP.
"""

from __future__ import annotations

import sys

try:
    import typer
except ImportError:  # pragma: no cover - exercised only without the extra
    typer = None  # type: ignore[assignment]


def _missing_extra() -> int:
    print("corskit: the command line needs the 'cli' extra: pip install 'corskit[cli]'", file=sys.stderr)
    return 2


def build_app() -> typer.Typer:
    """The typer application with every subcommand registered."""
    from . import audit, check, demo, explain, origins, playground

    app = typer.Typer(
        name="corskit",
        help="CORS done right: see what a browser does with a request, check a live server, audit it.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def _root() -> None:
        """CORS done right: see what a browser does with a request, check a live server, audit it."""

    explain.register(app)
    check.register(app)
    demo.register(app)
    audit.register(app)
    origins.register(app)
    playground.register(app)
    return app


def main() -> None:
    """Console-script entry point."""
    if typer is None:
        sys.exit(_missing_extra())
    build_app()()
