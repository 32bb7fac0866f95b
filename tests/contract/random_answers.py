"""Random, schema-valid response bodies built from the spec as the API reads it.

Nulls go wherever the spec allows them, read as ``spec/patches.toml``'s ``nullable_refs_and_enums``
says (so: generate from the patched spec); unions take a random branch, optional members come and
go, enums take any listed value, timestamps come in every RFC 3339 spelling (lower-case ``t``/``z``,
offsets, fractions, a leap second), and objects sometimes carry a member no revision documents.
Deterministic for a given seed; depth-bounded (below ``MAX_DEPTH`` only required members, no items).
"""

from __future__ import annotations

import random
from typing import Any

from tests.contract.examples import resolve_ref

MAX_DEPTH = 7
UNKNOWN_MEMBER = "x-member-from-the-future"
TIMESTAMPS = (
    "2026-01-02T03:04:05Z",
    "2026-01-02T03:04:05+00:00",
    "2026-01-02t03:04:05z",
    "2026-01-02T03:04:05.123456-05:00",
    "2016-12-31T23:59:60Z",
    "2026-01-02 03:04:05+01:00",
)
FORMATS = {
    "date": ("2026-01-02", "1999-12-31"),
    "email": ("ada@example.com",),
    "uri": ("https://example.com/x",),
    "url": ("https://example.com/x",),
    "uuid": ("00000000-0000-4000-8000-000000000000",),
}


class RandomAnswers:
    def __init__(self, spec: dict[str, Any], seed: int) -> None:
        self.spec = spec
        self.rng = random.Random(seed)

    def resolve(self, node: Any) -> Any:
        return resolve_ref(self.spec, node)

    def value(self, node: Any, depth: int = 0) -> Any:
        node = self.resolve(node)
        if not isinstance(node, dict):
            return "x"
        if node.get("nullable") and self.rng.random() < 0.2:
            return None
        if "enum" in node:
            return self.rng.choice(node["enum"])
        if "const" in node:
            return node["const"]
        return self._shaped(node, depth)

    def _shaped(self, node: dict[str, Any], depth: int) -> Any:
        branches = node.get("oneOf") or node.get("anyOf")
        if branches:
            return self.value(self.rng.choice(branches), depth + 1)
        if "allOf" in node:
            return self._all_of(node, depth)
        kind = node.get("type")
        if kind == "array":
            count = 0 if depth >= MAX_DEPTH else self.rng.randint(0, 3)
            return [self.value(node.get("items", {}), depth + 1) for _ in range(count)]
        if kind == "object" or "properties" in node or kind is None:
            return self._object(node, depth)
        return self._primitive(kind, node)

    def _all_of(self, node: dict[str, Any], depth: int) -> Any:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            part_value = self.value(part, depth + 1)
            if not isinstance(part_value, dict):
                return part_value  # a one-part allOf around a non-object (a nullable $ref)
            merged.update(part_value)
        return merged

    def _object(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        required = set(node.get("required", []))
        result: dict[str, Any] = {}
        for name, schema in (node.get("properties") or {}).items():
            if self.resolve(schema).get("writeOnly") and name not in required:
                continue
            if name in required or (depth < MAX_DEPTH and self.rng.random() < 0.7):
                result[name] = self.value(schema, depth + 1)
        if node.get("additionalProperties") is not False and self.rng.random() < 0.2:
            result[UNKNOWN_MEMBER] = {"kept": True}
        return result

    def _primitive(self, kind: Any, node: dict[str, Any]) -> Any:
        if kind == "integer":
            return self.rng.randint(int(node.get("minimum", 0)), 1000)
        if kind == "number":
            return self.rng.choice([0, 1.5, -2.25, 1000])
        if kind == "boolean":
            return self.rng.random() < 0.5
        fmt = node.get("format")
        if fmt == "date-time":
            return self.rng.choice(TIMESTAMPS)
        if fmt in FORMATS:
            return self.rng.choice(FORMATS[fmt])
        return self.rng.choice(["x", "", "some text", "01HXYZ"])
