"""The tool catalog: one LLM tool per operation, as data (``klaviyo_generated/tools/catalog.json``).

Each entry describes how an agent calls ``getattr(kv, namespace).<method>(**arguments)``: the input
schema has one property per keyword the resource method takes (its Python name, as the facade
template spells it: ``fields_profile``, ``page_cursor``), so a tool call's arguments go to the method
unchanged. Transport keywords (``revision``, ``timeout``, ``retry``, ``max_retries``, ``extra_headers``,
``extra_query``) are the client's business and left out.

Schemas are JSON Schema 2020-12, converted from the spec's OpenAPI 3.0 dialect (``nullable`` becomes
a ``"null"`` type, ``example`` and ``x-`` keys are dropped) with every ``$ref`` resolved inline:
tool APIs take one self-contained schema per tool. Response-only members (``readOnly``) are left
out of request bodies, and a body is nested as deep as fits ``BODY_BUDGET`` (``MAX_DEPTH`` levels at most,
``MIN_DEPTH`` at least); deeper nodes become ``{"type": "object"}`` with a note, which bounds recursive
schemas (a size test in ``tests/tools`` guards the rest).

The catalog is written compact and sorted, so ``python -m generator check`` compares it byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs

from .patches._walk import JSON

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
# Body nesting kept (object levels; an array's items are on their parent's level): JSON:API bodies are
# data -> attributes -> member -> data -> attributes -> value. The deepest that fits BODY_BUDGET is used, and
# never less than MIN_DEPTH; deeper nodes become {"type": "object"} with a note.
MAX_DEPTH = 12
MIN_DEPTH = 2
MAX_HOPS = 40  # schemas passed through on one path; only a cycle of combinators gets near it
_NESTING = frozenset({"properties", "items", "additionalProperties", "oneOf", "anyOf", "allOf"})
BODY_BUDGET = 12_000  # bytes of compact JSON, about 3,000 tokens
MAX_DESCRIPTION = 600
MAX_PARAM_DESCRIPTION = 300
MAX_BODY_DESCRIPTION = 160
DROPPED = frozenset({"revision"})  # header the client sets; timeout, retry, extra_headers... never reach the spec
_KEPT = frozenset(
    {
        "type",
        "enum",
        "default",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "pattern",
    }
)
_DESTRUCTIVE = re.compile(
    r"^(delete|remove|cancel|revert|unsubscribe|suppress|bulk_delete|bulk_unsubscribe|bulk_suppress|request_profile_deletion|unregister)"
)


@attrs.frozen(kw_only=True)
class Parameter:
    """One keyword of a resource method: its spec name and location, and the Python name it has there."""

    spec_name: str
    python_name: str
    location: str  # path, query, header, cookie
    required: bool
    optional_override: bool = False  # the facade defaults it (company_id on /client/ paths: the client's own)


@attrs.frozen(kw_only=True)
class Endpoint:
    """What the facade template made of an operation: enough to name the method's keywords exactly."""

    name: str
    namespace: str
    http_method: str
    path: str
    parameters: tuple[Parameter, ...]
    body: bool
    body_required: bool


def _clean(text: str) -> str:
    """Spec prose (HTML line breaks, markdown links and emphasis) as one plain line."""
    text = re.sub(r"<br\s*/?>", " ", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _sentences(description: str, limit: int) -> str:
    """The first sentence or two of an operation's description, before its rate-limit and scope notes."""
    head = re.split(r"\*?Rate limits\*?:|\*\*Scopes:\*\*|Scopes:", description, maxsplit=1)[0]
    # A paragraph is a sentence's end even when the spec leaves out its full stop ("... order: `created`").
    paragraphs = [_clean(p) for p in re.split(r"\n\s*\n|(?:<br\s*/?>\s*){2,}", head)]
    text = " ".join(p if p.endswith((".", "!", "?", ":")) else f"{p}." for p in paragraphs if p)
    parts = re.split(r"(?<=[.!?])\s+", text)
    kept = ""
    for part in parts[:2]:
        if kept and len(kept) + len(part) > limit:
            break
        kept = f"{kept} {part}".strip()
    return _cut(kept, limit)


class _Resolver:
    def __init__(self, spec: JSON) -> None:
        self.spec = spec

    def deref(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 50:
            node: Any = self.spec
            for part in str(schema["$ref"]).lstrip("#/").split("/"):
                node = node[part]
            schema, seen = node, seen + 1
        return schema

    def convert(self, schema: Any, depth: int, *, request: bool, describe: int, hops: int = 0) -> dict[str, Any]:
        """``schema`` as self-contained JSON Schema 2020-12, ``depth`` object levels left.

        An array's items and a combinator's branches stay on their parent's level (``allOf: [$ref]`` is how
        the spec writes a nullable member); ``hops`` bounds a cycle of combinators that never reaches one.
        """
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return {}
        nested = not _NESTING.isdisjoint(schema)
        if nested and (depth <= 0 or hops > MAX_HOPS):
            kind = schema.get("type", "object")
            cut: dict[str, Any] = {"type": kind, "description": f"nested too deep to describe here; any {kind}"}
            return _allow_null(cut) if schema.get("nullable") else cut
        out = {key: schema[key] for key in sorted(_KEPT & schema.keys())}
        if "description" in schema and describe:
            text = _cut(_clean(str(schema["description"])), describe)
            if text:
                out["description"] = text
        for combinator in ("oneOf", "anyOf", "allOf"):
            if combinator in schema:
                out[combinator] = [
                    self.convert(s, depth, request=request, describe=describe, hops=hops + 1)
                    for s in schema[combinator]
                ]
        if "items" in schema:
            out["items"] = self.convert(schema["items"], depth, request=request, describe=describe, hops=hops + 1)
        out.update(self._members(schema, depth - 1, request=request, describe=describe, hops=hops + 1))
        return _allow_null(out) if schema.get("nullable") else out

    def _members(self, schema: JSON, depth: int, *, request: bool, describe: int, hops: int) -> dict[str, Any]:
        """``properties``, ``required`` and ``additionalProperties``, one object level down."""
        out: dict[str, Any] = {}
        if "properties" in schema:
            properties = {
                name: self.convert(sub, depth, request=request, describe=describe, hops=hops)
                for name, sub in schema["properties"].items()
                if not (request and isinstance(self.deref(sub), dict) and self.deref(sub).get("readOnly"))
            }
            out["properties"] = properties
            required = [name for name in schema.get("required", []) if name in properties]
            if required:
                out["required"] = required
        additional = schema.get("additionalProperties")
        if isinstance(additional, bool):
            out["additionalProperties"] = additional
        elif isinstance(additional, dict):
            out["additionalProperties"] = self.convert(additional, depth, request=request, describe=describe, hops=hops)
        return out


def _allow_null(out: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0's ``nullable: true`` in 2020-12 terms: ``null`` joins the types (and the enum), or the
    alternatives; an ``allOf`` (how the spec makes a reference nullable) becomes ``anyOf: [it, null]``."""
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif kind is None and any(k in out for k in ("oneOf", "anyOf")):
        key = "oneOf" if "oneOf" in out else "anyOf"
        out[key] = [*out[key], {"type": "null"}]
    elif kind is None and "allOf" in out:
        described = {"description": out.pop("description")} if "description" in out else {}
        out = {**described, "anyOf": [out, {"type": "null"}]}
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out


def _filter_text(filters: Any) -> str:
    if not isinstance(filters, dict) or not filters:
        return ""
    fields = []
    for field, spec in filters.items():
        operators = sorted({op for ops in spec.get("operators", {}).values() for op in ops})
        fields.append(f"{field} ({', '.join(operators)})")
    return "Allowed: " + "; ".join(fields)


_FIXED_DESCRIPTIONS: dict[str, str] = {
    "include": "Related resources to include in the response",
    "page[cursor]": "Cursor of the page to fetch (a previous result's next cursor); omit for the first page",
    "sort": "Sort field; a leading '-' sorts descending",
}


def _param_description(parameter: Parameter, declared: dict[str, Any], operation: JSON) -> str:
    name, text = parameter.spec_name, _clean(str(declared.get("description", "")))
    if name.startswith("fields["):
        text = f"Sparse fieldset: return only these fields of each {name[7:-1]}"
    elif name in _FIXED_DESCRIPTIONS:
        text = _FIXED_DESCRIPTIONS[name]
    elif name == "filter":
        example = 'JSON:API filter, e.g. equals(email,"a@example.com"), combine with and(...)'
        text = f"{example}. {_filter_text(operation.get('x-klaviyo-filters'))}".rstrip(". ")
        return _cut(text, 1200)
    text = re.sub(r"For more information please visit \S+", "", text).strip()
    return _cut(text, MAX_PARAM_DESCRIPTION)


def _success(operation: JSON) -> tuple[str, Any]:
    for status in sorted(operation.get("responses", {})):
        if status.startswith("2"):
            content: dict[str, Any] = operation["responses"][status].get("content") or {}
            media: dict[str, Any] = next(iter(content.values()), {})
            return status, media.get("schema")
    return "", None


def _returns(operation: JSON, resolver: _Resolver, paginated: bool) -> str:
    status, schema = _success(operation)
    if schema is None:
        return f"nothing ({status} {'Accepted' if status == '202' else 'No Content'})" if status else "nothing"
    data = resolver.deref(resolver.deref(schema).get("properties", {}).get("data", {}))
    many = isinstance(data, dict) and data.get("type") == "array"
    item = resolver.deref(data.get("items", {})) if many else data
    kinds = resolver.deref(item.get("properties", {}).get("type", {})) if isinstance(item, dict) else {}
    kind = (kinds.get("enum") or [""])[0] if isinstance(kinds, dict) else ""
    if many:
        noun = f"{kind} resources" if kind else "resources"
    elif kind:
        noun = f"the created {kind} resource" if status == "201" else f"one {kind} resource"
    else:
        noun = "a document"
    text = f"{noun} (JSON:API)"
    return text + (", one page; pass page_cursor for the next" if paginated else "")


def _description(endpoint: Endpoint, operation: JSON, resolver: _Resolver, paginated: bool) -> str:
    summary = _clean(str(operation.get("summary", endpoint.name)))
    limits = operation.get("x-klaviyo-ratelimit") or {}
    rate = ", ".join(f"{window} {limits[window]}" for window in ("burst", "steady", "daily") if window in limits)
    tail = [
        f"Rate limits: {rate}." if rate else "",
        f"Scopes: {', '.join(operation.get('x-klaviyo-scopes', []))}." if operation.get("x-klaviyo-scopes") else "",
        f"Returns {_returns(operation, resolver, paginated)}.",
        f"{endpoint.http_method} {endpoint.path}.",
    ]
    tail_text = " ".join(t for t in tail if t)
    room = MAX_DESCRIPTION - len(summary) - len(tail_text) - 4
    body = _sentences(str(operation.get("description", "")), max(room, 0)) if room > 40 else ""
    if body.rstrip(".").lower() == summary.lower():
        body = ""
    head = summary if summary.endswith(".") else summary + "."
    return _cut(" ".join(part for part in (head, body, tail_text) if part), MAX_DESCRIPTION)


def _bounded_body(resolver: _Resolver, declared: Any) -> dict[str, Any]:
    """The body schema nested as deep as fits ``BODY_BUDGET`` bytes (``MAX_DEPTH`` down to ``MIN_DEPTH``).

    JSON:API bodies nest deep (``data.attributes.profiles.data[].attributes.location``): the common ones
    fit whole; a flow definition (a ``oneOf`` of every action kind, recursively) is cut where it has to be.
    """
    schema: dict[str, Any] = {}
    for depth in range(MAX_DEPTH, MIN_DEPTH - 1, -1):
        schema = resolver.convert(declared, depth, request=True, describe=MAX_BODY_DESCRIPTION)
        if len(json.dumps(schema, separators=(",", ":"))) <= BODY_BUDGET:
            break
    return schema


def _input_schema(endpoint: Endpoint, operation: JSON, inherited: list[Any], resolver: _Resolver) -> dict[str, Any]:
    declared = {(p["name"], p["in"]): p for p in map(resolver.deref, [*inherited, *operation.get("parameters", [])])}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for parameter in endpoint.parameters:
        if parameter.spec_name in DROPPED and parameter.location == "header":
            continue
        spec_param = declared[(parameter.spec_name, parameter.location)]
        schema = resolver.convert(spec_param.get("schema", {}), MAX_DEPTH, request=True, describe=0)
        if parameter.spec_name == "filter":
            schema = {"type": "string"}
        text = _param_description(parameter, spec_param, operation)
        if text:
            schema["description"] = text
        properties[parameter.python_name] = schema
        if parameter.required and not parameter.optional_override:
            required.append(parameter.python_name)
    if endpoint.body:
        content = operation["requestBody"]["content"]
        media, body = next(iter(content.items()))
        schema = _bounded_body(resolver, body["schema"])
        note = "The request document (JSON:API), as a JSON object"
        if media.startswith("multipart/"):
            note = f"The {media} form; a file part cannot be sent as JSON"
        properties["body"] = {"description": note, **schema}
        if endpoint.body_required:
            required.append("body")
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = sorted(required)
    out["additionalProperties"] = False
    return out


def _destructive(endpoint: Endpoint) -> bool:
    return endpoint.http_method == "DELETE" or bool(_DESTRUCTIVE.match(endpoint.name))


def tool_entries(spec: JSON, endpoints: list[Endpoint]) -> list[dict[str, Any]]:
    """One catalog entry per endpoint, sorted by name."""
    resolver = _Resolver(spec)
    entries = []
    for endpoint in sorted(endpoints, key=lambda e: e.name):
        if not NAME.match(endpoint.name):
            raise ValueError(f"operation {endpoint.name!r} is not a valid tool name ({NAME.pattern})")
        item = spec["paths"][endpoint.path]
        operation = item[endpoint.http_method.lower()]
        paginated = any(p.spec_name == "page[cursor]" for p in endpoint.parameters)
        method = endpoint.http_method
        entries.append(
            {
                "name": endpoint.name,
                "namespace": endpoint.namespace,
                "method": endpoint.name,
                "operation": endpoint.name,
                "title": _clean(str(operation.get("summary", endpoint.name))),
                "description": _description(endpoint, operation, resolver, paginated),
                "input_schema": _input_schema(endpoint, operation, item.get("parameters", []), resolver),
                "read_only": method == "GET",
                "destructive": _destructive(endpoint),
                "idempotent": method in ("GET", "PUT", "DELETE"),
                "scopes": [str(s) for s in operation.get("x-klaviyo-scopes", [])],
                "paginated": paginated,
                "http": f"{method} {endpoint.path}",
            }
        )
    return entries


def write_catalog(spec: JSON, endpoints: list[Endpoint], package_dir: Path) -> int:
    """``tools/catalog.json``: compact, one entry per line (diffs stay readable), sorted by name."""
    entries = tool_entries(spec, endpoints)
    lines = [json.dumps(e, ensure_ascii=False, separators=(",", ":"), sort_keys=True) for e in entries]
    directory = package_dir / "tools"
    directory.mkdir(exist_ok=True)
    (directory / "catalog.json").write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    return len(entries)
