# Copied from overrides/runtime/_request_body.py by `python -m generator sync`; edit that file, not this one.
"""A request body's JSON bytes, checked against the per-request limits its operation documents.

The limits are the operation's own data (``OperationSpec.limits``, read by the generator from the
submit operation's description: "Accepts up to 10,000 profiles per request", "The maximum allowed
payload size is 5MB"), so a body over them fails here, unsent, with the sentence it breaks.
"""

from __future__ import annotations

import json
from typing import Any

from ._exceptions import InvalidArgumentError, JobLimitError
from ._operation import BodyLimits, OperationSpec

__all__ = ["JobLimitError", "encode_body", "encode_json"]


def _items_in(body: object) -> int:
    """The size of the largest ``data.attributes.<name>.data`` list: the items of a bulk request."""
    attributes = body.get("data", {}).get("attributes", {}) if isinstance(body, dict) else {}
    sizes = [len(v["data"]) for v in attributes.values() if isinstance(v, dict) and isinstance(v.get("data"), list)]
    return max(sizes, default=0)


def encode_json(body: Any) -> bytes:
    # As httpx encodes json=: compact, UTF-8, and NaN/Infinity refused (they are not JSON).
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _check_items(name: str, limits: BodyLimits, body: object) -> None:
    items = _items_in(body)
    if limits.max_items is not None and items > limits.max_items:
        raise JobLimitError(
            f"{name} takes at most {limits.max_items} items per request, got {items} "
            f"(the API documents: {_sources(limits)}); split the input into several requests"
        )


def _check_bytes(name: str, limits: BodyLimits, encoded: bytes) -> None:
    if limits.max_bytes is not None and len(encoded) > limits.max_bytes:
        raise JobLimitError(
            f"{name} payload is {len(encoded)} bytes, over the {limits.max_bytes} allowed "
            f"(the API documents: {_sources(limits)})"
        )


def _sources(limits: BodyLimits) -> str:
    return "; ".join(f"'{s}'" for s in limits.sources)


def encode_body(operation: OperationSpec | None, body: Any) -> bytes:
    """The JSON bytes of a request body, checked against ``operation``'s limits when it has any.

    A body that is not JSON (NaN, a set, an object in a free-form member, a cycle) fails here as
    ``InvalidArgumentError`` naming the operation, before anything is sent.
    """
    name = operation.name if operation is not None else "request"
    limits = operation.limits if operation is not None else None
    if limits is not None:
        _check_items(name, limits, body)
    try:
        encoded = encode_json(body)
    except (TypeError, ValueError, RecursionError) as error:
        raise InvalidArgumentError(f"{name}: the request body is not JSON: {error}") from None
    if limits is not None:
        _check_bytes(name, limits, encoded)
    return encoded
