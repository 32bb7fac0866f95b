# Copied from overrides/runtime/_jsonapi.py by `python -m generator sync`; edit that file, not this one.
"""Reading JSON:API members off generated models, whatever the generator renamed them to."""

from __future__ import annotations

from typing import Any

__all__ = ["attribute", "resource_key"]


def attribute(value: object, name: str) -> Any:
    """``value.name`` (or ``value.name_``, the generator's spelling of a builtin's name); ``None`` when
    absent or unset."""
    for spelling in (name, name + "_"):
        found = getattr(value, spelling, None)
        if found is not None and type(found).__name__ != "Unset":
            return found
    return None


def resource_key(resource: object) -> tuple[str, str] | None:
    """A resource identifier's ``(type, id)``."""
    kind, ident = attribute(resource, "type"), attribute(resource, "id")
    return (str(kind), str(ident)) if kind is not None and ident is not None else None
