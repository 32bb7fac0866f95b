"""``nullable: true`` beside a ``$ref`` or on an enum means "may be null": say it so it is read.

OpenAPI 3.0 ignores siblings of ``$ref``, and an enum that does not list ``null`` refuses it, but
Klaviyo's spec writes both to mean a nullable member (its documentation, validators and mock
servers read them that way, and the API sends the nulls). openapi-python-client follows the letter,
so the models refused the nulls. This rule rewrites the two shapes into the ones it reads as nullable:

* ``{"$ref": R, "nullable": true, ...}`` becomes ``{"allOf": [{"$ref": R}], "nullable": true, ...}``
  (the OpenAPI 3.0 idiom; the member's other keywords, e.g. ``description``, stay beside it);
* ``{"enum": [...], "nullable": true}`` gets ``null`` appended to its values. Under ``properties`` it
  also gets the member's name as ``title`` unless it has one, so the enum's class keeps the name it
  had (openapi-python-client names the non-null variant of a union ``<member>_type_1`` otherwise).

Boolean enums are ``boolean_enums``' business, so this rule runs after it and leaves them alone.
"""

from __future__ import annotations

from ._walk import JSON, iter_schemas


def _nullable_ref(schema: JSON) -> bool:
    if "$ref" not in schema or schema.get("nullable") is not True:
        return False
    schema["allOf"] = [{"$ref": schema.pop("$ref")}]
    return True


def _nullable_enum(where: str, schema: JSON) -> bool:
    values = schema.get("enum")
    if schema.get("nullable") is not True or not isinstance(values, list) or None in values:
        return False
    if any(isinstance(value, bool) for value in values):
        return False
    values.append(None)
    parent, _, member = where.rpartition("/")
    if parent.endswith("/properties") and "title" not in schema:
        schema["title"] = member
    return True


def apply(spec: JSON) -> list[str]:
    changed = []
    for where, schema in iter_schemas(spec):
        if _nullable_ref(schema) or _nullable_enum(where, schema):
            changed.append(where)
    return changed
