"""One stored origin and its attributes, validated like a configured origin, and its wire form in a shared store.

>>> StoredOrigin.create("HTTPS://Shop.Example:443", tenant="acme")
StoredOrigin(origin='https://shop.example', credentials=False, tenant='acme')
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ...spec.errors import ConfigError
from ...spec.origins import OriginError, normalize_origin

__all__ = ["MAX_ENTRY_BYTES", "MAX_TENANT_LENGTH", "StoredOrigin", "decode_entry", "encode_entry"]

#: Longest tenant id; it only labels log lines.
MAX_TENANT_LENGTH = 128
#: Longest stored value read back from a shared store; anything longer is ignored unread.
MAX_ENTRY_BYTES = 1024


@dataclass(frozen=True, slots=True)
class StoredOrigin:
    """An origin allowed by a store: its canonical serialization, whether credentialed requests may read responses
    (only where the policy itself has ``allow_credentials=True``), and a tenant id for log lines."""

    origin: str
    credentials: bool = False
    tenant: str = ""

    @staticmethod
    def create(origin: str, *, credentials: bool = False, tenant: str = "") -> StoredOrigin:
        """Validate *origin* as ``allow_origins`` validates an exact origin (canonicalised: case, default port),
        or raise :class:`~corskit.ConfigError` saying what to write instead."""
        if not isinstance(origin, str):
            raise ConfigError(f"a stored origin must be a string, got {type(origin).__name__}")
        if "*" in origin:
            raise ConfigError(
                f"{origin[:80]!r}: a store holds exact origins only (patterns would reflect look-alikes); "
                "put patterns such as 'https://*.example.com' in allow_origins"
            )
        if origin == "null":
            raise ConfigError(
                "'null' cannot be stored: it is the origin of sandboxed iframes and local files on any site"
            )
        try:
            canonical = normalize_origin(origin).serialize()
        except OriginError as exc:
            raise ConfigError(str(exc)) from None
        if not isinstance(credentials, bool):
            raise ConfigError(f"credentials must be True or False, got {credentials!r}")
        if not isinstance(tenant, str) or len(tenant) > MAX_TENANT_LENGTH or not tenant.isprintable():
            raise ConfigError(f"tenant must be printable text of at most {MAX_TENANT_LENGTH} characters")
        return StoredOrigin(canonical, credentials, tenant)


def encode_entry(entry: StoredOrigin) -> bytes:
    """The value stored for *entry* (its origin is the key)."""
    return json.dumps({"credentials": entry.credentials, "tenant": entry.tenant}, separators=(",", ":")).encode()


def decode_entry(origin: str, value: bytes) -> StoredOrigin | None:
    """The entry stored under *origin*, or ``None`` when the value is not one :func:`encode_entry` wrote (it was
    written by hand, or by something else): such an origin is refused, never guessed at."""
    if len(value) > MAX_ENTRY_BYTES:
        return None
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    credentials, tenant = data.get("credentials", False), data.get("tenant", "")
    try:
        entry = StoredOrigin.create(origin, credentials=credentials, tenant=tenant)
    except ConfigError:
        return None
    return entry if entry.origin == origin else None
