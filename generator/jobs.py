"""Klaviyo's asynchronous jobs, found in the spec by shape rather than by name.

A job family is a ``POST /api/<kind>-jobs`` (submit) with a ``GET /api/<kind>-jobs/{id}`` (status).
Around it, when present: a ``PATCH`` on the same item path (cancel / revert), a
``GET /api/<kind>-jobs/{id}/import-errors`` (per-item errors), and a ``GET /api/<kind>s/{id}``
holding the job's result (``campaign-recipient-estimation-jobs`` -> ``campaign-recipient-estimations``).
A ``POST /api/<kind>-jobs`` without a status path is accepted with nothing to poll.

A family with a cancel operation also records the JSON:API ``type`` its cancel body names
(``campaign-send-job``), read from that body's schema (``data.type``'s one enum value).

Per-request limits come from the submit operation's description ("Accepts up to 10,000 profiles
per request", "The maximum allowed payload size is 5MB", "Max number of coupon codes per job we
allow for is 1000", "Email address per request limit: 100", ...). Each limit keeps the sentence it
was read from, so the package can quote its source.
"""

from __future__ import annotations

import re
from typing import Any

from .patches._walk import JSON, iter_operations

_ITEM_LIMITS = (
    re.compile(r"Accepts up to ([\d,]+) [\w -]+? per request"),
    re.compile(r"Max number of [\w -]+? per job we allow for is ([\d,]+)"),
    re.compile(r"[Pp]er request limit: ([\d,]+)"),
    re.compile(r"Maximum number of [\w -]+? (?:can be submitted[\w -]*|per call): ([\d,]+)"),
)
_PAYLOAD = re.compile(r"maximum allowed payload size is (\d+)\s*MB")


def _sentence(text: str, match: re.Match[str]) -> str:
    start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    end = match.end()
    return " ".join(text[start:end].split())


def limits(description: str) -> dict[str, Any]:
    """``{"max_items": n, "max_bytes": n, "sources": [...]}`` for what the description states."""
    found: dict[str, Any] = {"max_items": None, "max_bytes": None, "sources": []}
    for pattern in _ITEM_LIMITS:
        match = pattern.search(description)
        if match:
            found["max_items"] = int(match.group(1).replace(",", ""))
            found["sources"].append(_sentence(description, match))
            break
    match = _PAYLOAD.search(description)
    if match:
        found["max_bytes"] = int(match.group(1)) * 1024 * 1024
        found["sources"].append(_sentence(description, match))
    return found


def _resolve(spec: JSON, node: Any) -> Any:
    """``node`` with its ``$ref`` chain followed (local references only, as the spec uses)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def resource_type(spec: JSON, operation: JSON) -> str:
    """The JSON:API ``type`` an operation's body names: its ``data.type``, which the spec pins to one value."""
    body = _resolve(spec, operation.get("requestBody")) or {}
    found: set[str] = set()
    for media in (body.get("content") or {}).values():
        schema = _resolve(spec, media.get("schema")) or {}
        data = _resolve(spec, (schema.get("properties") or {}).get("data")) or {}
        kind = _resolve(spec, (data.get("properties") or {}).get("type")) or {}
        found.update(str(value) for value in kind.get("enum") or ())
    if len(found) != 1:
        raise ValueError(f"{operation.get('operationId')}: want one data.type for its body, found {sorted(found)}")
    return str(found.pop())


def families(spec: JSON, names: dict[tuple[str, str], str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(families with a status operation, submit operations with nothing to poll), each sorted by name.

    ``names`` maps (method, path) to the generated endpoint name.
    """
    operations = {(method, path): operation for path, method, operation in iter_operations(spec)}
    by_path = set(operations)
    with_status, accepted = [], []
    for path, method, operation in iter_operations(spec):
        if method != "post" or not re.fullmatch(r"/api/[a-z0-9-]+-jobs", path):
            continue
        item_pattern = re.escape(path) + r"/\{\w+\}"
        item = next((p for m, p in sorted(by_path) if m == "get" and re.fullmatch(item_pattern, p)), None)
        entry: dict[str, Any] = {
            "submit": names[("post", path)],
            **limits(str(operation.get("description", ""))),
        }
        if item is None:
            accepted.append(entry)
            continue
        errors_pattern = re.escape(path) + r"/\{\w+\}/import-errors"
        errors = next(
            (names[("get", p)] for m, p in sorted(by_path) if m == "get" and re.fullmatch(errors_pattern, p)), None
        )
        result_path = re.sub(r"-jobs/(\{\w+\})$", r"s/\1", item)
        cancel = operations.get(("patch", item))
        entry.update(
            status=names[("get", item)],
            cancel=names.get(("patch", item)),
            resource_type=resource_type(spec, cancel) if cancel is not None else None,
            errors=errors,
            result=names.get(("get", result_path)) if ("get", result_path) in by_path else None,
        )
        with_status.append(entry)
    return sorted(with_status, key=lambda e: e["submit"]), sorted(accepted, key=lambda e: e["submit"])
