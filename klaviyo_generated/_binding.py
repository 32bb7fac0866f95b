# Copied from overrides/runtime/_binding.py by `python -m generator sync`; edit that file, not this one.
"""``Operation[T]``: an operation's ``OperationSpec`` bound to its generated request builder and parser.

Each endpoint module defines its ``OPERATION``; resources pass it to the client's ``_call``, which returns
what its parser returns. Kept apart from ``_operation`` (the plain spec data the client, the limiter and the
retry layer read) so that building a client, which loads no endpoint module, does not build these classes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

if TYPE_CHECKING:
    import httpx

    from ._operation import OperationSpec

__all__ = ["JobOperations", "Operation"]

T = TypeVar("T")


@attrs.frozen(slots=True)
class JobOperations:
    """The operations around a submitted job, and the JSON:API type its cancel body names."""

    status: Operation[Any]
    cancel: Operation[Any] | None = None
    errors: Operation[Any] | None = None
    result: Operation[Any] | None = None
    # The `data.type` of the cancel operation's body (`campaign-send-job`), as the spec declares it.
    resource_type: str | None = None


@attrs.frozen(slots=True)
class Operation(Generic[T]):
    """One operation, bound to its generated request builder and response parser."""

    spec: OperationSpec
    # The endpoint's keyword arguments -> httpx request arguments (method, url, params, headers, json, ...).
    build: Callable[..., dict[str, Any]]
    # A 2xx response -> the documented result; an undocumented status raises ``errors.UnexpectedStatus``.
    parse: Callable[[httpx.Response], T]
    # The model of the request body, when the operation takes one (plain dicts are converted to it).
    body: type[Any] | None = None
    # `x-klaviyo-filters`: field -> {"operators": {kind: [...]}, "value": {...}}; empty without a filter.
    filters: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    job: JobOperations | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def __repr__(self) -> str:
        return f"Operation({self.spec.name!r}, {self.spec.method} {self.spec.path})"
