# Copied from overrides/runtime/_unions.py by `python -m generator sync`; edit that file, not this one.
"""How a union chooses its variant, and the switches the model decoders read while it does.

Enum values newer than the pinned revision are kept as their raw strings, except while a union is
trying its variants: there an unknown value must disqualify a variant, or the first variant that
merely has the right keys would win. ``parse_union`` runs a variant parser strictly first
(``STRICT_ENUMS``: unknown enum values refused, everything decoded at once) and, only if no variant
fits, once more keeping unknown values (``CHOOSING``: a model missing a required member is still no
fit there; anywhere else it decodes, and reading that member raises). The generated ``types``
module re-exports ``parse_union`` and ``strict_enums``; ``_lazy`` reads both switches.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

__all__ = ["CHOOSING", "STRICT_ENUMS", "parse_union", "strict_enums"]

T = TypeVar("T")

STRICT_ENUMS: ContextVar[bool] = ContextVar("klaviyo_generated_strict_enums", default=False)
CHOOSING: ContextVar[bool] = ContextVar("klaviyo_generated_choosing", default=False)


def strict_enums() -> bool:
    """True while a union is choosing its variant and unknown enum values must be refused."""
    return STRICT_ENUMS.get()


def parse_union(parse: Callable[[object], T], data: object) -> T:
    """Run a union's variant parser strictly first; only if no variant fits, keep unknown values raw."""
    if STRICT_ENUMS.get():
        return parse(data)
    token = STRICT_ENUMS.set(True)
    try:
        return parse(data)
    except (TypeError, ValueError, AttributeError, KeyError):
        pass
    finally:
        STRICT_ENUMS.reset(token)
    token = CHOOSING.set(True)
    try:
        return parse(data)
    finally:
        CHOOSING.reset(token)
