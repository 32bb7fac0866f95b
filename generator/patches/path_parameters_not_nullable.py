"""Path parameters can never be null: drop ``nullable`` (and a ``null`` type) from their schemas."""

from __future__ import annotations

from ._walk import JSON, iter_parameters


def apply(spec: JSON) -> list[str]:
    changed = []
    for where, parameter in iter_parameters(spec):
        schema = parameter.get("schema")
        if parameter.get("in") != "path" or not isinstance(schema, dict):
            continue
        touched = schema.pop("nullable", False) is not False
        types = schema.get("type")
        if isinstance(types, list) and "null" in types:
            rest = [t for t in types if t != "null"]
            schema["type"] = rest[0] if len(rest) == 1 else rest
            touched = True
        if touched:
            changed.append(where)
    return changed
