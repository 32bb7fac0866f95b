"""The ``revision`` header becomes optional with no default, so the client's revision applies."""

from __future__ import annotations

from ._walk import JSON, iter_parameters

HEADER = "revision"


def apply(spec: JSON) -> list[str]:
    changed = []
    for where, parameter in iter_parameters(spec):
        if parameter.get("in") != "header" or str(parameter.get("name", "")).lower() != HEADER:
            continue
        schema = parameter.get("schema")
        had_default = isinstance(schema, dict) and schema.pop("default", None) is not None
        if parameter.get("required") or had_default:
            parameter["required"] = False
            changed.append(where)
    return changed
