"""What every route of the fake uses: the route table's shape, the request's body, and the answers
(JSON:API documents, pages with ``links.next`` and ``include=``; ``filter=`` is ``_filters``).

A leaf: it knows the store, never the fake or the routes.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlencode

import httpx

from .._binding import Operation
from ._filters import filtered
from ._store import FakeError, Resource, Store

Handler = Callable[[Store, httpx.Request, dict[str, str], Any], httpx.Response]
"""A route's answer, from the store, the request, the path parameters and the JSON body (or ``None``)."""


class Route(NamedTuple):
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    # The filters a `filter=` on this route may use (the operation's `x-klaviyo-filters`); none: no filter.
    filters: Mapping[str, Mapping[str, Any]]
    name: str


def route(method: str, path: str, handler: Handler, operation: Operation[Any] | None = None) -> Route:
    """``handler`` answers ``method path``; ``{name}`` in the path matches one segment, passed as ``name``.
    ``operation`` is the spec operation the route stands for when it takes a ``filter=``."""
    pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "/?$")
    if operation is None:
        return Route(method, pattern, handler, {}, f"{method} {path}")
    return Route(method, pattern, handler, operation.filters, operation.name)


def json_response(status: int, document: Any = None) -> httpx.Response:
    if document is None:
        return httpx.Response(status)
    return httpx.Response(
        status, content=json.dumps(document).encode(), headers={"Content-Type": "application/vnd.api+json"}
    )


def attributes_of(body: Any) -> dict[str, Any]:
    """The request body's ``data.attributes``, or Klaviyo's 400 when there is none."""
    attributes = ((body or {}).get("data") or {}).get("attributes")
    if not isinstance(attributes, dict):
        raise FakeError(400, "invalid", "The request body needs data.attributes.", "/data/attributes")
    return attributes


def named_attributes(body: Any, kind: str) -> dict[str, Any]:
    """``data.attributes`` of a body creating a ``kind``, which needs a name."""
    attributes = attributes_of(body)
    if not attributes.get("name"):
        raise FakeError(400, "invalid", f"A {kind} needs a name.", "/data/attributes/name")
    return attributes


def list_of(kind: str) -> Handler:
    """``GET /api/<kind>s``: every stored ``kind``, filtered and paged."""

    def answer(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
        return page(store, request, filtered(request, store.resources[kind].values()))

    return answer


def one_of(kind: str) -> Handler:
    """``GET /api/<kind>s/{id}``: one stored ``kind``, or Klaviyo's 404."""

    def answer(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
        return json_response(200, store.single(store.get(kind, params["id"])))

    return answer


# -- pages and include= ---------------------------------------------------------------------------


def included(store: Store, request: httpx.Request, resources: Iterable[Resource]) -> list[Resource]:
    names = [n for n in request.url.params.get("include", "").split(",") if n]
    found: dict[tuple[str, str], Resource] = {}
    for resource in resources:
        for name in names:
            targets = resource["relationships"].get(name) or []
            for target in targets if isinstance(targets, list) else [targets]:
                with contextlib.suppress(FakeError):
                    found[(target["type"], target["id"])] = store.get(target["type"], target["id"])
    return list(found.values())


def page(
    store: Store,
    request: httpx.Request,
    items: Sequence[Resource],
    *,
    render: Callable[[Resource], Resource] | None = None,
) -> httpx.Response:
    size = int(request.url.params.get("page[size]", "20"))
    if not 1 <= size <= 1000:
        raise FakeError(400, "invalid", "page[size] must be between 1 and 1000.", "page[size]")
    cursor = request.url.params.get("page[cursor]", "o0")
    if not re.fullmatch(r"o\d+", cursor):
        raise FakeError(400, "invalid", "page[cursor] is not a cursor this list gave out.", "page[cursor]")
    start = int(cursor[1:])
    chunk = list(items[start : start + size])
    links = {"self": store.url(request.url.path)}
    if start + size < len(items):
        params = {k: v for k, v in request.url.params.multi_items() if k != "page[cursor]"}
        links["next"] = store.url(request.url.path) + "?" + urlencode({**params, "page[cursor]": f"o{start + size}"})
    document: dict[str, Any] = {"data": [(render or store.render)(r) for r in chunk], "links": links}
    extra = included(store, request, chunk)
    if extra:
        document["included"] = [store.render(r) for r in extra]
    return json_response(200, document)
