"""``corskit playground``: see CORS happen in your own browser (two loopback origins, a page and an API)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import webbrowser
from typing import Annotated

import typer

#: Ports tried first, so that a link to a setup keeps working from one session to the next.
PAGE_PORT, API_PORT = 8741, 8742


def playground(
    port: Annotated[
        int | None,
        typer.Option("--port", help=f"Port of the page (origin A); 0: any free port. [default: {PAGE_PORT}]"),
    ] = None,
    api_port: Annotated[
        int | None,
        typer.Option("--api-port", help=f"Port of the API (origin B); 0: any free port. [default: {API_PORT}]"),
    ] = None,
    no_open: Annotated[bool, typer.Option("--no-open", help="Print the URL, do not open a browser.")] = False,
) -> None:
    """Start the playground on loopback and open it in your browser (Ctrl-C stops it)."""
    from ..tools.playground import ListenError, Playground

    for name, value in (("--port", port), ("--api-port", api_port)):
        if value is not None and not 0 <= value <= 65535:
            raise typer.BadParameter("must be 0-65535", param_hint=name)
    page, api = (PAGE_PORT if port is None else port), (API_PORT if api_port is None else api_port)
    moved = ""
    try:
        server = Playground(page_port=page, api_port=api)
    except ListenError as error:
        if port is not None or api_port is not None:  # ports the user asked for: say which one, and why
            raise typer.BadParameter(str(error), param_hint="--port" if error.port == page else "--api-port") from None
        server = Playground()  # the usual ports are taken (another playground?): any free ones, and say so
        moved = f"  ports {PAGE_PORT} and {API_PORT} are in use (another playground?): this one runs on free ports"
    print(f"corskit playground: {server.url}")
    print(f"  the page is origin A; the API, origin B, is {server.api_origin}")
    if moved:
        print(moved)
    print("  Ctrl-C to stop", flush=True)
    if not no_open:
        # A console browser (lynx, w3m) would hold the terminal: open it beside the server.
        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve())


EXAMPLES = f"""\
Examples:

  corskit playground                  # opens http://127.0.0.1:{PAGE_PORT}/
  corskit playground --no-open        # print the URL only (SSH, a container)
  corskit playground --port 0 --api-port 0      # any free ports
"""


def register(app: typer.Typer) -> None:
    app.command(
        "playground",
        help="See CORS happen in your own browser: a page, an API you configure, corskit's prediction.",
        epilog=EXAMPLES,
    )(playground)
