"""What changed between two revisions of the Klaviyo spec, and which changes break existing code.

Compared per operation (keyed by operationId): parameters (required-ness, type, enum values),
request-body fields and 2xx response fields (flattened to dotted paths through ``$ref``, ``allOf``,
``oneOf``/``anyOf`` and arrays), rate-limit tiers and scopes; and every named component enum.

Breaking, for code written against the old package: an operation removed; a parameter removed,
newly required or retyped; an enum value a caller could send removed; a request field removed,
newly required or retyped; a response field removed or retyped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from .patches._walk import JSON, iter_operations

_MAX_DEPTH = 8


@attrs.frozen(order=True)
class Change:
    section: str
    where: str
    what: str
    breaking: bool = False


def _resolve(spec: JSON, node: Any) -> tuple[Any, str | None]:
    name = None
    while isinstance(node, dict) and "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name] if "/schemas/" in node["$ref"] else _pointer(spec, node["$ref"])
    return node, name


def _pointer(spec: JSON, ref: str) -> Any:
    node: Any = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _type(spec: JSON, node: Any) -> str:
    node, _ = _resolve(spec, node)
    if not isinstance(node, dict):
        return "any"
    for combinator in ("oneOf", "anyOf"):
        if combinator in node:
            return " | ".join(sorted({_type(spec, n) for n in node[combinator]}))
    if "allOf" in node:
        return "object"
    kind = node.get("type", "object" if "properties" in node else "any")
    if isinstance(kind, list):
        kind = "|".join(sorted(str(k) for k in kind))
    if kind == "array":
        kind = f"array<{_type(spec, node.get('items', {}))}>"
    if node.get("format"):
        kind = f"{kind}({node['format']})"
    if node.get("nullable"):
        kind += "|null"
    return str(kind)


def _fields(
    spec: JSON, node: Any, prefix: str = "", depth: int = 0, seen: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str, bool]]:
    """(dotted path, type, required) for every property reachable from ``node``."""
    node, name = _resolve(spec, node)
    if not isinstance(node, dict) or depth > _MAX_DEPTH or (name is not None and name in seen):
        return
    seen = seen | {name} if name else seen
    for part in node.get("allOf", []):
        yield from _fields(spec, part, prefix, depth + 1, seen)
    for combinator in ("oneOf", "anyOf"):
        for part in node.get(combinator, []):
            yield from _fields(spec, part, prefix, depth + 1, seen)
    if node.get("type") == "array" or "items" in node:
        yield from _fields(spec, node.get("items", {}), prefix + "[]", depth + 1, seen)
    required = set(node.get("required", []))
    for prop, schema in (node.get("properties") or {}).items():
        path = f"{prefix}.{prop}" if prefix else prop
        yield path, _type(spec, schema), prop in required
        yield from _fields(spec, schema, path, depth + 1, seen)


def _field_table(spec: JSON, node: Any) -> dict[str, tuple[str, bool]]:
    table: dict[str, tuple[str, bool]] = {}
    for path, kind, required in _fields(spec, node):
        old = table.get(path)
        # The same path reached through several union branches: keep every type seen.
        table[path] = (kind if old is None or old[0] == kind else " | ".join(sorted({old[0], kind})), required)
    return table


def _operations(spec: JSON) -> dict[str, tuple[str, str, JSON]]:
    return {str(op.get("operationId") or f"{m} {p}"): (m, p, op) for p, m, op in iter_operations(spec)}


def _parameters(spec: JSON, op: JSON) -> dict[str, JSON]:
    params = {}
    for raw in op.get("parameters", []):
        param, _ = _resolve(spec, raw)
        params[f"{param.get('in')}:{param.get('name')}"] = param
    return params


def _enum(spec: JSON, schema: Any) -> set[str]:
    node, _ = _resolve(spec, schema)
    if isinstance(node, dict) and node.get("type") == "array":
        node, _ = _resolve(spec, node.get("items", {}))
    return {str(v) for v in node.get("enum", [])} if isinstance(node, dict) else set()


def _request_schema(op: JSON) -> Any:
    content = (op.get("requestBody") or {}).get("content") or {}
    return next((media.get("schema") for media in content.values()), None)


def _response_schema(op: JSON) -> Any:
    for status, response in sorted((op.get("responses") or {}).items()):
        if str(status).startswith("2"):
            content = (response or {}).get("content") or {}
            schema = next((media.get("schema") for media in content.values()), None)
            if schema is not None:
                return schema
    return None


def _compare_parameters(name: str, old: JSON, new: JSON, old_op: JSON, new_op: JSON) -> Iterator[Change]:
    before, after = _parameters(old, old_op), _parameters(new, new_op)
    for key in sorted(after.keys() - before.keys()):
        required = bool(after[key].get("required"))
        what = f"parameter `{key}` added" + (" (required)" if required else "")
        yield Change("parameters", name, what, breaking=required)
    for key in sorted(before.keys() - after.keys()):
        yield Change("parameters", name, f"parameter `{key}` removed", breaking=True)
    for key in sorted(before.keys() & after.keys()):
        was, now = before[key], after[key]
        if not was.get("required") and now.get("required"):
            yield Change("parameters", name, f"parameter `{key}` is now required", breaking=True)
        elif was.get("required") and not now.get("required"):
            yield Change("parameters", name, f"parameter `{key}` is now optional")
        old_type, new_type = _type(old, was.get("schema", {})), _type(new, now.get("schema", {}))
        if old_type != new_type:
            yield Change("parameters", name, f"parameter `{key}` retyped `{old_type}` → `{new_type}`", breaking=True)
        old_enum, new_enum = _enum(old, was.get("schema", {})), _enum(new, now.get("schema", {}))
        if old_enum and new_enum:
            if added := sorted(new_enum - old_enum):
                yield Change("parameters", name, f"parameter `{key}` allows {_listed(added)}")
            if removed := sorted(old_enum - new_enum):
                yield Change(
                    "parameters", name, f"parameter `{key}` no longer allows {_listed(removed)}", breaking=True
                )


def _listed(values: list[str], most: int = 8) -> str:
    shown = ", ".join(f"`{v}`" for v in values[:most])
    return shown + (f" and {len(values) - most} more" if len(values) > most else "")


def _compare_fields(section: str, name: str, old: JSON, new: JSON, *, before: Any, after: Any) -> Iterator[Change]:
    was = _field_table(old, before) if before is not None else {}
    now = _field_table(new, after) if after is not None else {}
    request = section == "request fields"
    for path in sorted(now.keys() - was.keys()):
        required = now[path][1] and request
        # Required inside an object that is itself new: only callers who opt into the new object see it.
        parent = path.rpartition(".")[0]
        breaking = required and (not parent or parent in was)
        yield Change(section, name, f"`{path}` added" + (" (required)" if required else ""), breaking=breaking)
    for path in sorted(was.keys() - now.keys()):
        yield Change(section, name, f"`{path}` removed", breaking=True)
    for path in sorted(was.keys() & now.keys()):
        if was[path][0] != now[path][0]:
            yield Change(section, name, f"`{path}` retyped `{was[path][0]}` → `{now[path][0]}`", breaking=True)
        if request and now[path][1] and not was[path][1]:
            yield Change(section, name, f"`{path}` is now required", breaking=True)


def _compare_operation(name: str, old: JSON, new: JSON, old_op: JSON, new_op: JSON) -> Iterator[Change]:
    yield from _compare_parameters(name, old, new, old_op, new_op)
    yield from _compare_fields(
        "request fields", name, old, new, before=_request_schema(old_op), after=_request_schema(new_op)
    )
    yield from _compare_fields(
        "response fields", name, old, new, before=_response_schema(old_op), after=_response_schema(new_op)
    )
    old_limits, new_limits = old_op.get("x-klaviyo-ratelimit"), new_op.get("x-klaviyo-ratelimit")
    if old_limits != new_limits:
        yield Change("rate limits and scopes", name, f"rate limit {old_limits} → {new_limits}")
    old_scopes, new_scopes = set(old_op.get("x-klaviyo-scopes", [])), set(new_op.get("x-klaviyo-scopes", []))
    if old_scopes != new_scopes:
        change = f"scopes {sorted(old_scopes)} → {sorted(new_scopes)}"
        yield Change("rate limits and scopes", name, change)


def _compare_enums(old: JSON, new: JSON) -> Iterator[Change]:
    before = {k: v for k, v in old.get("components", {}).get("schemas", {}).items() if "enum" in v}
    after = {k: v for k, v in new.get("components", {}).get("schemas", {}).items() if "enum" in v}
    for key in sorted(before.keys() & after.keys()):
        was, now = {str(v) for v in before[key]["enum"]}, {str(v) for v in after[key]["enum"]}
        if added := sorted(now - was):
            yield Change("enums", key, f"values added: {_listed(added)}")
        if removed := sorted(was - now):
            yield Change("enums", key, f"values removed: {_listed(removed)}", breaking=True)
    for key in sorted(after.keys() - before.keys()):
        yield Change("enums", key, "new enum")
    for key in sorted(before.keys() - after.keys()):
        yield Change("enums", key, "enum removed", breaking=True)


def diff(old: JSON, new: JSON) -> list[Change]:
    """Every change from ``old`` to ``new``, sorted by section, place and text."""
    before, after = _operations(old), _operations(new)
    changes = [
        Change("operations", name, f"added: `{after[name][0].upper()} {after[name][1]}`")
        for name in after.keys() - before.keys()
    ]
    changes += [
        Change("operations", name, f"removed: `{before[name][0].upper()} {before[name][1]}`", breaking=True)
        for name in before.keys() - after.keys()
    ]
    for name in before.keys() & after.keys():
        changes += _compare_operation(name, old, new, before[name][2], after[name][2])
    changes += _compare_enums(old, new)
    return sorted(changes)


SECTIONS = ("operations", "parameters", "request fields", "response fields", "enums", "rate limits and scopes")


def markdown(old_revision: str, new_revision: str, changes: list[Change]) -> str:
    breaking = [c for c in changes if c.breaking]
    lines = [
        f"# Klaviyo API {old_revision} → {new_revision}",
        "",
        f"{len(changes)} change(s), {len(breaking)} breaking for code written against {old_revision}.",
        "",
        "## Breaking changes",
        "",
    ]
    lines += [f"- **{c.where}** ({c.section}): {c.what}" for c in breaking] or ["None."]
    for section in SECTIONS:
        listed = [c for c in changes if c.section == section]
        lines += ["", f"## {section.capitalize()} ({len(listed)})", ""]
        lines += [f"- {'**breaking** ' if c.breaking else ''}`{c.where}`: {c.what}" for c in listed] or ["None."]
    return "\n".join(lines) + "\n"
