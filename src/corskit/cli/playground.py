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
    port: Annotated[int, typer.Option("--port", help="Port of the page (origin A); 0: any free port.")] = PAGE_PORT,
    api_port: Annotated[
        int, typer.Option("--api-port", help="Port of the API (origin B); 0: any free port.")
    ] = API_PORT,
    no_open: Annotated[bool, typer.Option("--no-open", help="Print the URL, do not open a browser.")] = False,
) -> None:
    """Start the playground on loopback and open it in your browser (Ctrl-C stops it)."""
    from ..tools.playground import Playground

    for name, value in (("--port", port), ("--api-port", api_port)):
        if not 0 <= value <= 65535:
            raise typer.BadParameter("must be 0-65535", param_hint=name)
    try:
        server = Playground(page_port=port, api_port=api_port)
    except OSError as error:
        if (port, api_port) != (PAGE_PORT, API_PORT):
            raise typer.BadParameter(f"cannot listen there: {error.strerror or error}", param_hint="--port") from None
        server = Playground()  # the usual ports are taken (another playground?): any free ones
    print(f"corskit playground: {server.url}")
    print(f"  the page is origin A; the API, origin B, is {server.api_origin}")
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
