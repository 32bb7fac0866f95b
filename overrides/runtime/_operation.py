"""What the runtime knows about one operation, as values the generator writes out: no lookups by name.

Two layers, so that the cheap part stays cheap:

* ``OperationSpec``: what the spec says about the operation (method, path template, tag, rate-limit
  windows, scopes, paging, documented per-request limits). Plain data; the generated
  ``_operations.py`` holds one named constant per operation and the ``OPERATIONS`` dict of them,
  which the rate limiter and ``kv.request()``'s route matching read without importing any endpoint
  module or model.
* ``Operation[T]`` (in ``_binding``, which only endpoint modules and the code calling them load, so
  that building a client does not build its class): the spec bound to the generated code that talks
  to it: the request builder, the response parser (returning ``T``), the body model, the
  ``x-klaviyo-filters`` and, for a job submission, the operations around its job. Each endpoint
  module defines its ``OPERATION``; resources pass it to the client's ``_call``, which returns what
  its parser returns.

Every request the client sends carries its ``OperationSpec`` in
``request.extensions[OPERATION_EXTENSION]``: the limiter, the retry layer, authentication and the
testing fake read it from there.

Nothing here imports the HTTP stack or a model: endpoint modules import this at load time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import attrs

__all__ = [
    "OPERATION_EXTENSION",
    "BodyLimits",
    "OperationSpec",
    "OperationTable",
    "operation_name",
]

# The request extension carrying the operation's ``OperationSpec`` (the rate limiter's bucket key is its name).
OPERATION_EXTENSION: Final = "klaviyo_operation"


@attrs.frozen(slots=True)
class BodyLimits:
    """The per-request limits an operation's description states, with the sentences they were read from."""

    max_items: int | None
    max_bytes: int | None
    sources: tuple[str, ...]


@attrs.frozen(slots=True)
class OperationSpec:
    """What the spec says about one operation."""

    name: str
    method: str
    path: str
    tag: str
    # (requests, per seconds) for each window of `x-klaviyo-ratelimit`: burst, steady, daily.
    rate_limits: tuple[tuple[int, float], ...]
    scopes: tuple[str, ...]
    paginated: bool
    # Stated in the description of a job submission; checked before the body is sent.
    limits: BodyLimits | None = None
    # A job submission with nothing to poll: its 202 is an ``Accepted`` receipt.
    accepted: bool = False


def operation_name(extensions: Mapping[str, Any]) -> str | None:
    """The name of the operation a request's extensions carry (``None`` for a request with none).

    A plain string is taken as the name, so hand-built requests (``extensions={OPERATION_EXTENSION:
    "get_profiles"}``) are limited and matched like the client's own.
    """
    operation = extensions.get(OPERATION_EXTENSION)
    if isinstance(operation, OperationSpec):
        return operation.name
    return operation if isinstance(operation, str) else None


class OperationTable(Mapping[str, OperationSpec]):
    """A read-only table of operations by name, loaded by ``load`` on first read.

    The clients' ``operations`` (the generated ``OPERATIONS``: 345 specs built at import) is only read
    by a raw ``request()``, so building a client does not load it.
    """

    __slots__ = ("_load", "_table")

    def __init__(self, load: Callable[[], Mapping[str, OperationSpec]]) -> None:
        self._load = load
        self._table: Mapping[str, OperationSpec] | None = None

    def _loaded(self) -> Mapping[str, OperationSpec]:
        if self._table is None:
            self._table = self._load()
        return self._table

    def __getitem__(self, name: str) -> OperationSpec:
        return self._loaded()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __repr__(self) -> str:
        return f"OperationTable({len(self)} operations)"
