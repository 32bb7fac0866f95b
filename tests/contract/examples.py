"""Deterministic example values built from a schema: its example, else its default, else its first
enum value, else a value of its type. Objects get every required property, and (``full=True``)
every optional one too, down to a depth limit; unions take their first branch that yields a value."""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 12
FORMATS = {
    "date-time": "2026-01-02T03:04:05+00:00",
    "date": "2026-01-02",
    "email": "ada@example.com",
    "uri": "https://example.com/x",
    "url": "https://example.com/x",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "phone-number": "+15005550006",
}


def resolve_ref(spec: dict[str, Any], node: Any) -> Any:
    """``node`` with its ``$ref`` chain followed to the schema it names (local refs only)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in str(node["$ref"]).lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


class Examples:
    def __init__(self, spec: dict[str, Any], *, full: bool, request: bool = False) -> None:
        self.spec = spec
        self.full = full
        # A request leaves out readOnly properties; a response, writeOnly ones.
        self.skip = "readOnly" if request else "writeOnly"

    def resolve(self, node: Any) -> Any:
        return resolve_ref(self.spec, node)

    def value(self, node: Any, depth: int = 0) -> Any:
        node = self.resolve(node)
        if not isinstance(node, dict):
            return "x"
        given = self._given(node)
        if given is not None:
            return given
        if any(k in node for k in ("oneOf", "anyOf", "allOf")):
            return self._composite(node, depth)
        kind = node.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        if kind == "array":
            return [] if depth > MAX_DEPTH else [self.value(node.get("items", {}), depth + 1)]
        if kind == "object" or "properties" in node:
            return self.object(node, depth)
        return self._primitive(kind, node)

    def _composite(self, node: dict[str, Any], depth: int) -> Any:
        """A union's first usable branch (not the ``null`` one), or the merge of an ``allOf``."""
        branches = node.get("oneOf") or node.get("anyOf") or []
        if branches:
            usable = [b for b in branches if self.resolve(b).get("enum") != [None]]
            return self.value(usable[0] if usable else branches[0], depth + 1)
        merged: dict[str, Any] = {}
        for part in node.get("allOf", []):
            part_value = self.value(part, depth + 1)
            if isinstance(part_value, dict):
                merged.update(part_value)
        return merged

    def _given(self, node: dict[str, Any]) -> Any:
        """What the schema itself offers: an example (when it fits the enum), a default, an enum value."""
        example = node.get("example")
        if example is not None and not self._is_object(node) and (not node.get("enum") or example in node["enum"]):
            return example
        if node.get("default") is not None:
            return node["default"]
        if node.get("enum"):
            return next((v for v in node["enum"] if v is not None), node["enum"][0])
        return None

    @staticmethod
    def _primitive(kind: Any, node: dict[str, Any]) -> Any:
        if kind == "integer":
            return int(node.get("minimum", 1))
        if kind == "number":
            return float(node.get("minimum", 1.5))
        if kind == "boolean":
            return True
        if node.get("format") == "binary":
            return b"binary"
        return FORMATS.get(str(node.get("format")), "x")

    @staticmethod
    def _is_object(node: dict[str, Any]) -> bool:
        return node.get("type") == "object" or "properties" in node

    def object(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        required = set(node.get("required", []))
        result = {}
        for name, schema in (node.get("properties") or {}).items():
            if self.resolve(schema).get(self.skip) and name not in required:
                continue
            if name in required or (self.full and depth < MAX_DEPTH):
                result[name] = self.value(schema, depth + 1)
        return result
