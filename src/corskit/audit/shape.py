"""Infer the shape of the server's origin allow-list from which probes it let through.

The shape is one of ``reflect_any``, ``wildcard``, ``regex_like``, ``subdomain_suffix``, ``exact`` or ``unknown``
(nothing allowed), the most permissive that fits, plus traits: how a regex-like check fails (``unanchored_start``,
``unanchored_end``, ``unescaped_dot``, ``substring``, ``lax_parser``), ``scheme_insensitive``,
``port_insensitive``, ``null``, ``third_party``, ``dev``, ``extension``, ``own_origin`` (it echoes the target's own
origin), ``static`` (one fixed value whatever the Origin).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .observe import Outcome

Shape = Literal["reflect_any", "wildcard", "regex_like", "subdomain_suffix", "exact", "unknown"]

_TRAIT_OF_KIND = {
    "pre_domain": "unanchored_start",
    "post_domain": "unanchored_end",
    "unescaped_dot": "unescaped_dot",
    "substring": "substring",
    "special_characters": "lax_parser",
    "subdomain": "subdomain_suffix",
    "scheme_variant": "scheme_insensitive",
    "http_origin": "scheme_insensitive",
    "port_variant": "port_insensitive",
    "null": "null",
    "third_party": "third_party",
    "dev": "dev",
    "extension": "extension",
}
_REGEX_TRAITS = frozenset({"unanchored_start", "unanchored_end", "unescaped_dot", "substring", "lax_parser"})

_SUMMARY: dict[Shape, str] = {
    "reflect_any": "reflects any origin",
    "wildcard": "answers '*' to every origin",
    "regex_like": "matches origins with a pattern that also accepts look-alike domains",
    "subdomain_suffix": "accepts every subdomain of a trusted domain",
    "exact": "accepts an exact list of origins; no look-alike got through",
    "unknown": "allowed none of the probe origins (no CORS, or an allow-list of origins that could not be guessed)",
}


@dataclass(frozen=True)
class Inference:
    shape: Shape
    traits: tuple[str, ...]
    allowed: tuple[str, ...]
    probes: int

    @property
    def summary(self) -> str:
        text = f"The allow-list {_SUMMARY[self.shape]}"
        extra = [t for t in self.traits if t not in _REGEX_TRAITS and t != "subdomain_suffix"]
        if self.shape == "regex_like":
            text += f" ({', '.join(t for t in self.traits if t in _REGEX_TRAITS)})"
        if extra:
            text += f"; also: {', '.join(extra)}"
        return f"{text}. Inferred from {self.probes} probe origins; allowed: {', '.join(self.allowed) or 'none'}."


def infer(outcomes: list[Outcome], own: str | None = None) -> Inference:
    """The most permissive shape consistent with *outcomes*, and its traits; *own* is the target's own origin when
    the server echoes it."""
    allowed = [o for o in outcomes if o.allowed]
    acaos = {o.acao for o in outcomes}
    traits: list[str] = ["own_origin"] if own is not None else []
    for outcome in allowed:
        trait = _TRAIT_OF_KIND.get(outcome.probe.kind)
        if trait is not None and trait not in traits:
            traits.append(trait)
    if len(acaos) == 1 and None not in acaos and "*" not in acaos and len(outcomes) > 1:
        traits.append("static")
    shape: Shape
    if any(o.acao == "*" for o in allowed):
        shape = "wildcard"
    elif any(o.probe.kind == "attacker" for o in allowed):
        shape = "reflect_any"
    elif _REGEX_TRAITS.intersection(traits):
        shape = "regex_like"
    elif "subdomain_suffix" in traits:
        shape = "subdomain_suffix"
    elif allowed or own is not None:
        shape = "exact"
    else:
        shape = "unknown"
    if shape in ("wildcard", "reflect_any"):
        traits = [t for t in traits if t in ("null", "static")]
    origins = [o.probe.origin for o in allowed] + ([own] if own is not None else [])
    return Inference(shape, tuple(traits), tuple(dict.fromkeys(origins)), len(outcomes) + (own is not None))
