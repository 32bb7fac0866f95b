"""Error items declare the members Klaviyo sends beside id/code/title/detail/source.

The spec's error item lists only ``id``, ``code``, ``title``, ``detail`` and ``source``, but
Klaviyo's answers carry ``status``, ``links`` and ``meta`` too, and ``meta`` is where the API says
which profile a 409 conflicts with (``meta.duplicate_profile_id``). Declared, they decode typed
instead of sitting in ``additional_properties``.
"""

from __future__ import annotations

from ._walk import JSON

_ADDED: dict[str, JSON] = {
    "status": {"type": "integer", "description": "The HTTP status of the error, as Klaviyo sends it."},
    "links": {"type": "object", "additionalProperties": True},
    "meta": {
        "type": "object",
        "additionalProperties": True,
        "description": "More about the error, e.g. `duplicate_profile_id` on a 409 from create_profile.",
    },
}


def _error_item(schema: object) -> JSON | None:
    """The item schema of a JSON:API error document's ``errors`` array, if ``schema`` is one."""
    if not isinstance(schema, dict):
        return None
    errors = (schema.get("properties") or {}).get("errors")
    items = errors.get("items") if isinstance(errors, dict) else None
    properties = items.get("properties") if isinstance(items, dict) else None
    if isinstance(properties, dict) and {"code", "detail"} <= set(properties):
        return items
    return None


def apply(spec: JSON) -> list[str]:
    changed = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        item = _error_item(schema)
        if item is None:
            continue
        properties = item["properties"]
        for member, declared in _ADDED.items():
            if member not in properties:
                properties[member] = dict(declared)
                changed.append(f"#/components/schemas/{name} errors[].{member}")
    return changed
