"""``corskit origins add|remove|list``: the origins a fleet shares, in Redis (``RedisOriginStore``).

Every worker of every app server sees a change at once (each change is announced on Redis pub/sub).
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from ..server.stores import StoredOrigin, StoreError
from ..spec.errors import ConfigError
from .options import JsonOption
from .output import Output, console, emit_json

DEFAULT_URL = "redis://localhost:6379/0"
URL_ENV = "CORSKIT_REDIS_URL"

RedisOption = Annotated[
    str | None,
    typer.Option("--redis", "-r", help=f"Redis URL (default: ${URL_ENV}, else {DEFAULT_URL}).", show_default=False),
]
NamespaceOption = Annotated[str, typer.Option("--namespace", help="Key prefix shared with the app's store.")]
OriginsArgument = Annotated[
    list[str], typer.Argument(help="Origins, e.g. https://shop.example.com", show_default=False)
]

EXAMPLES = """\
Examples:

  corskit origins add https://shop.example --credentials
  corskit origins add https://a.example https://b.example --tenant acme
  corskit origins remove https://shop.example
  corskit origins list --json
  CORSKIT_REDIS_URL=redis://cache:6379/0 corskit origins list   # or -r URL
"""

app = typer.Typer(
    name="origins",
    help="Add, remove and list the origins a fleet shares in Redis.",
    epilog=EXAMPLES,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _store(url: str | None, namespace: str) -> Any:
    try:
        from ..server.stores.redis import RedisOriginStore
    except ImportError:
        _stderr("corskit origins: needs the 'redis' extra: pip install 'corskit[redis]'")
        raise typer.Exit(2) from None
    target = url or os.environ.get(URL_ENV) or DEFAULT_URL
    try:
        return RedisOriginStore(target, namespace=namespace)
    except ConfigError as error:
        raise typer.BadParameter(str(error), param_hint="--redis/--namespace") from None


def _validated(origins: list[str], *, credentials: bool = False, tenant: str = "") -> list[StoredOrigin]:
    """Every origin checked before anything is written: one bad origin changes nothing."""
    out = []
    for origin in origins:
        try:
            out.append(StoredOrigin.create(origin, credentials=credentials, tenant=tenant))
        except ConfigError as error:
            hint = "--tenant" if str(error).startswith("tenant") else "ORIGINS"
            raise typer.BadParameter(str(error), param_hint=hint) from None
    return out


def _stderr(text: str) -> None:
    Output(console(stderr=True)).line(text)


def _fail(error: StoreError) -> typer.Exit:
    """Redis did not answer: a network error (exit 2), one line on stderr."""
    _stderr(f"corskit {error}")
    return typer.Exit(2)


def _as_json(entry: StoredOrigin) -> dict[str, Any]:
    return {"origin": entry.origin, "credentials": entry.credentials, "tenant": entry.tenant}


def _describe(entry: StoredOrigin) -> str:
    extra = [*(["credentials"] if entry.credentials else []), *([f"tenant={entry.tenant}"] if entry.tenant else [])]
    return f"{entry.origin}  ({', '.join(extra)})" if extra else entry.origin


@app.command("add", epilog=EXAMPLES)
def add_command(
    origins: OriginsArgument,
    credentials: Annotated[
        bool,
        typer.Option("--credentials", help="Let credentialed requests read responses (if the policy allows them)."),
    ] = False,
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant id, shown in log lines.")] = "",
    redis: RedisOption = None,
    namespace: NamespaceOption = "corskit",
    as_json: JsonOption = False,
) -> None:
    """Allow ORIGINS in every worker (canonicalised: 'HTTPS://Shop.Example:443' is stored as https://shop.example)."""
    entries = _validated(origins, credentials=credentials, tenant=tenant)
    store = _store(redis, namespace)
    try:
        for entry in entries:
            store.add(entry.origin, credentials=entry.credentials, tenant=entry.tenant)
    except StoreError as error:
        raise _fail(error) from None
    if as_json:
        emit_json({"added": [_as_json(e) for e in entries]})
    else:
        out = Output()
        for entry in entries:
            out.line(f"added {_describe(entry)}")


@app.command("remove", epilog=EXAMPLES)
def remove_command(
    origins: OriginsArgument,
    redis: RedisOption = None,
    namespace: NamespaceOption = "corskit",
    as_json: JsonOption = False,
) -> None:
    """Stop allowing ORIGINS in every worker (an origin that was not stored is reported, not an error)."""
    entries = _validated(origins)
    store = _store(redis, namespace)
    try:
        removed = [(entry.origin, store.remove(entry.origin)) for entry in entries]
    except StoreError as error:
        raise _fail(error) from None
    if as_json:
        emit_json({"removed": [{"origin": o, "was_stored": r} for o, r in removed]})
    else:
        out = Output()
        for origin, was_stored in removed:
            out.line(f"removed {origin}" if was_stored else f"{origin} was not stored")


@app.command("list", epilog=EXAMPLES)
def list_command(
    redis: RedisOption = None, namespace: NamespaceOption = "corskit", as_json: JsonOption = False
) -> None:
    """Print every stored origin, sorted."""
    store = _store(redis, namespace)
    try:
        entries = store.entries()
    except StoreError as error:
        raise _fail(error) from None
    if as_json:
        emit_json([_as_json(e) for e in entries])
    elif not entries:
        _stderr(f"no origins stored in {store.where} ({store.key})")
    else:
        out = Output()
        for entry in entries:
            out.line(_describe(entry))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="origins")
