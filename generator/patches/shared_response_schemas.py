"""Hoist the inline schemas of reusable responses into ``components/schemas`` and refer to them."""

from __future__ import annotations

from ._walk import JSON


def _free_name(schemas: JSON, wanted: str, schema: JSON) -> str:
    candidates = [wanted, f"{wanted}Response"] + [f"{wanted}Response{n}" for n in range(2, 100)]
    for name in candidates:
        if name not in schemas or schemas[name] == schema:
            return name
    raise ValueError(f"no free schema name for components/responses/{wanted}")


def apply(spec: JSON) -> list[str]:
    components = spec.get("components", {})
    schemas = components.setdefault("schemas", {})
    changed = []
    for name, response in components.get("responses", {}).items():
        for media_type, media in response.get("content", {}).items():
            schema = media.get("schema")
            if not isinstance(schema, dict) or "$ref" in schema:
                continue
            target = _free_name(schemas, name, schema)
            schemas[target] = schema
            media["schema"] = {"$ref": f"#/components/schemas/{target}"}
            changed.append(f"#/components/responses/{name} {media_type} -> #/components/schemas/{target}")
    return changed
