"""Write an ``allOf`` of objects that define the same object member twice as the one object it means.

Klaviyo adds the optional fields of ``additional-fields[profile]=subscriptions`` (and of lists,
segments, flows, templates, metric properties) by composing a response's ``data`` as
``allOf: [{properties: {attributes: {properties: {subscriptions}}}}, {$ref: ...ObjectResource}]``.
openapi-python-client merges allOf members one property at a time and keeps a single
``attributes`` model, the referenced one: the added fields then decode untyped, into
``additional_properties``. Here such a composition becomes one object whose same-named object
members are merged recursively ($refs followed for the merge, ``required`` unioned), so the
generated ``data.attributes`` model carries every field with its type.

Names stay what they were. The merged object sits where the allOf sat, so openapi-python-client
names it by that position, as before (``GetProfileResponseData`` and its ``...DataAttributes``).
Members are taken referenced schemas first, as openapi-python-client does, so fields keep their
order. An inline schema the merge copies out of a named (component) schema is first moved into
``components/schemas`` under the very class name openapi-python-client gave it in place
(``ProfileResponseObjectResourceRelationships``), and referred to from both: the same class is
reused instead of a copy under a new name. Named schemas themselves are otherwise left alone.
"""

from __future__ import annotations

import copy

from openapi_python_client.strings import ClassName, pascal_case

from ._walk import JSON, iter_schemas

_COMPONENTS = "#/components/schemas/"
# What a merged object keeps of its members besides properties and required: a title would rename
# the class, a member's nullable does not make the intersection nullable, allOf is being resolved.
_NOT_CARRIED = frozenset({"properties", "required", "allOf", "type", "title", "nullable"})
_UNIONS = ("oneOf", "anyOf", "allOf")

# A member of a composition: the object schema, and the class name it is generated under when it
# is (part of) a named schema; None when it is inline at the composition, named by position.
Member = tuple[JSON, str | None]


def _class_name(text: str) -> str:
    """The class name openapi-python-client makes of ``text`` (no prefix: spec names are identifiers)."""
    return str(ClassName(text, ""))


def _resolve(spec: JSON, schema: JSON) -> tuple[JSON, str | None]:
    """The schema a local ``$ref`` chain ends at and the component's name (None for inline schemas)."""
    name = None
    seen: set[str] = set()
    while isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if not ref.startswith(_COMPONENTS) or ref in seen:
            raise ValueError(f"cannot follow $ref {ref!r} in an allOf")
        seen.add(ref)
        name = ref.removeprefix(_COMPONENTS)
        schema = spec["components"]["schemas"][name]
    return schema, name


def _members(spec: JSON, schema: JSON, origin: str | None) -> list[Member] | None:
    """The object schemas ``schema`` is made of (allOf flattened, references first), or None if not all objects."""
    resolved, name = _resolve(spec, schema)
    origin = _class_name(name) if name is not None else origin
    if any(key in resolved for key in ("oneOf", "anyOf", "enum")) or resolved.get("type", "object") != "object":
        return None
    parts = resolved.get("allOf")
    if not isinstance(parts, list):
        return [(resolved, origin)] if isinstance(resolved.get("properties"), dict) else None
    members: list[Member] = []
    for part in sorted(parts, key=lambda p: "$ref" not in p):
        flattened = _members(spec, part, None)
        if flattened is None:
            return None
        members += flattened
    if isinstance(resolved.get("properties"), dict):
        members.append(({k: v for k, v in resolved.items() if k != "allOf"}, origin))
    return members


def _makes_class(schema: JSON) -> bool:
    """Whether openapi-python-client makes a class or Literal of this inline schema, or of a part of it."""
    if "$ref" in schema:
        return False
    if "properties" in schema or "enum" in schema or schema.get("type") == "object":
        return True
    return any(_makes_class(member) for key in _UNIONS for member in schema.get(key, []))


def _child_class(origin: str | None, name: str, schema: JSON) -> str | None:
    """The class openapi-python-client names an inline property schema after, when its parent is named."""
    if origin is None:
        return None
    return _class_name(pascal_case(origin) + pascal_case(str(schema.get("title") or name)))


def _conflicts(spec: JSON, members: list[Member]) -> bool:
    """Whether two members define one property as two different objects (what openapi-python-client drops)."""
    seen: dict[str, JSON] = {}
    for schema, _ in members:
        for name, prop in schema["properties"].items():
            first = seen.setdefault(name, prop)
            if first is not prop and first != prop and _members(spec, first, None) and _members(spec, prop, None):
                return True
    return False


def _hoisted(spec: JSON, holder: JSON, name: str, origin: str | None) -> JSON:
    """``holder[name]`` as a merged object may copy it: a $ref when it is a class of a named schema."""
    prop = holder[name]
    target = _child_class(origin, name, prop)
    if target is None or _class_name(target) != target or not _makes_class(prop):
        return copy.deepcopy(prop)
    schemas = spec["components"]["schemas"]
    if schemas.setdefault(target, prop) is not prop and schemas[target] != prop:
        return copy.deepcopy(prop)  # the name is taken by another schema: a copy, named by position
    ref = {"$ref": _COMPONENTS + target}
    holder[name] = ref
    return dict(ref)


def _merge_property(spec: JSON, name: str, definitions: list[tuple[JSON, str | None]]) -> JSON:
    """One property from the definitions the members give it (holder of the property, holder's class)."""
    distinct: list[tuple[JSON, str | None]] = []
    for holder, origin in definitions:
        if all(holder[name] != other[name] for other, _ in distinct):
            distinct.append((holder, origin))
    if len(distinct) == 1:
        holder, origin = distinct[0]
        return _hoisted(spec, holder, name, origin)
    parts: list[Member] = []
    for holder, origin in distinct:
        flattened = _members(spec, holder[name], _child_class(origin, name, holder[name]))
        if flattened is None:  # not all objects: openapi-python-client merges such properties itself
            return {"allOf": [copy.deepcopy(holder[name]) for holder, _ in distinct]}
        parts += flattened
    merged = _merge(spec, sorted(parts, key=lambda part: part[1] is None))
    for holder, _ in distinct:
        merged.update({k: copy.deepcopy(v) for k, v in holder[name].items() if k in ("description", "example")})
    # Stricter than allOf reads (both would have to allow null), but a null the API documents
    # anywhere must decode: responses are what this serves.
    if any(holder[name].get("nullable") is True for holder, _ in distinct):
        merged["nullable"] = True
    return merged


def _merge(spec: JSON, members: list[Member]) -> JSON:
    """One object schema with every member's properties, same-named ones merged."""
    carried: JSON = {}
    definitions: dict[str, list[tuple[JSON, str | None]]] = {}
    required: list[str] = []
    for schema, origin in members:
        carried.update({k: copy.deepcopy(v) for k, v in schema.items() if k not in _NOT_CARRIED})
        for name in schema["properties"]:
            definitions.setdefault(name, []).append((schema["properties"], origin))
        required += [r for r in schema.get("required", []) if r not in required]
    properties = {name: _merge_property(spec, name, found) for name, found in definitions.items()}
    merged: JSON = {**carried, "type": "object", "properties": properties}
    if required:
        merged["required"] = required
    return merged


def apply(spec: JSON) -> list[str]:
    changed = []
    for where, schema in list(iter_schemas(spec)):
        if not isinstance(schema.get("allOf"), list) or len(schema["allOf"]) < 2:
            continue
        members = _members(spec, schema, None)
        if members is None or not _conflicts(spec, members):
            continue
        merged = _merge(spec, members)
        for key in ("allOf", "properties", "required", "type"):
            schema.pop(key, None)
        schema.update({k: v for k, v in merged.items() if k not in schema or k in ("properties", "required")})
        changed.append(where)
    return changed
