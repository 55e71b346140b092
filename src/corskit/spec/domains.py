"""Domains: which suffixes anybody can register a name under, and the registrable domain of a host.

One list, used by the server (``https://*.co.uk`` is refused as a pattern) and by the audit (it derives its probes
from the target's registrable domain). Not the whole Public Suffix List: the common cases, without a dependency.

>>> is_public_suffix("co.uk"), is_public_suffix("example.co.uk")
(True, False)
>>> registrable_domain("api.example.co.uk")
'example.co.uk'
"""

from __future__ import annotations

__all__ = ["is_public_suffix", "registrable_domain"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Second-level labels under which registries sell names (``co.uk``, ``com.au``, ``ne.jp``…): ``<label>.<cc>``.
_REGISTRY_LABELS = _words("ac co com edu gen gob gov govt go id info ltd me mil ne net nhs nic nom or org plc sch web")
# Shared hosting and tunnel domains where every subdomain belongs to a different customer (PSL private section).
_SHARED_SUFFIXES = _words(
    "amazonaws.com appspot.com azurestaticapps.net azurewebsites.net blogspot.com cloudfront.net deno.dev "
    "firebaseapp.com fly.dev github.io gitlab.io glitch.me herokuapp.com netlify.app ngrok-free.app ngrok.app "
    "ngrok.io now.sh onrender.com pages.dev repl.co replit.dev surge.sh trycloudflare.com vercel.app web.app "
    "workers.dev"
)


def is_public_suffix(domain: str) -> bool:
    """True when *domain* (lowercase, ASCII) is one under which anybody can register a name.

    A single label (``com``, ``io``) always is, except ``localhost``; so are ``<registry label>.<country code>``
    (``co.uk``, ``com.au``) and well-known shared hosting domains (``github.io``, ``vercel.app``).
    """
    labels = domain.split(".")
    if len(labels) == 1:
        return domain != "localhost"
    if len(labels) == 2 and labels[0] in _REGISTRY_LABELS and len(labels[1]) == 2:
        return True
    return domain in _SHARED_SUFFIXES


def registrable_domain(host: str) -> str | None:
    """The registrable domain ("eTLD+1") of *host*: its last two labels, or three when the last two are a public
    suffix (``co.uk``, ``github.io``…). ``None`` for IP literals, single labels and public suffixes themselves."""
    if host.startswith("[") or not host or host.replace(".", "").isdigit():
        return None
    labels = host.split(".")
    if len(labels) < 2:
        return None
    if is_public_suffix(".".join(labels[-2:])):
        return ".".join(labels[-3:]) if len(labels) >= 3 else None
    return ".".join(labels[-2:])
