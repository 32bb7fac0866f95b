"""Boolean enums say ``const`` (one value) or plain ``boolean`` (both values): say so directly."""

from __future__ import annotations

from ._walk import JSON, iter_schemas

_BOOLEAN_TYPES = frozenset({"boolean", "null"})


def _boolean_enum_values(schema: JSON) -> set[bool] | None:
    """The booleans a boolean enum allows (a ``null`` member only says it is nullable), else None."""
    values = schema.get("enum")
    if not isinstance(values, list):
        return None
    booleans = [v for v in values if v is not None]
    if not booleans or not all(isinstance(v, bool) for v in booleans):
        return None
    types = schema.get("type", "boolean")
    if not (types in _BOOLEAN_TYPES if isinstance(types, str) else set(types) <= _BOOLEAN_TYPES):
        return None
    return set(booleans)


def apply(spec: JSON) -> list[str]:
    changed = []
    for where, schema in iter_schemas(spec):
        values = _boolean_enum_values(schema)
        if values is None:
            continue
        types = schema.get("type")
        nullable = (
            schema.get("nullable") is True or (isinstance(types, list) and "null" in types) or None in schema["enum"]
        )
        del schema["enum"]
        if len(values) == 2:
            schema["type"] = "boolean"
            if nullable:
                schema["nullable"] = True
        else:
            # openapi-python-client reads `type: boolean` before `const`, so the type must go;
            # and `nullable` only takes effect on a type or a oneOf, hence the one-variant oneOf.
            schema.pop("type", None)
            schema.pop("nullable", None)
            const = {"const": values.pop()}
            if nullable:
                schema.update({"oneOf": [const], "nullable": True})
            else:
                schema.update(const)
        changed.append(where)
    return changed
