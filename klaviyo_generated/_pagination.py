# Copied from overrides/runtime/_pagination.py by `python -m generator sync`; edit that file, not this one.
"""Cursor pagination: ``kv.profiles.iter_profiles(...)`` walks every page for the caller.

Klaviyo answers list calls with ``links.next``, a full URL carrying ``page[cursor]``. The pager takes
only the cursor from it and asks the generated endpoint for the next page with the caller's
original arguments, so fields, include, filter, sort and page size hold on every page and nothing
the server put in the URL can redirect the call. A ``next`` URL on another scheme, host or port is
refused (the credential never leaves the configured origin), and a cursor seen before stops the
walk with an error instead of looping forever.

Resources pulled in with ``include=`` are indexed as pages arrive; ``pager.related(item, "profile")``
finds them by relationship name, across pages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from ._exceptions import ConfigurationError, PaginationError
from ._jsonapi import attribute as _attribute
from ._jsonapi import resource_key as _key

__all__ = ["AsyncPager", "Pager", "PaginationError"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")

CURSOR = "page[cursor]"


def _check_max_items(max_items: int | None) -> int | None:
    if max_items is not None and (isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0):
        raise ConfigurationError(f"max_items must be an int >= 0 or None, got {max_items!r}")
    return max_items


class _Walk:
    """The state both pagers share: cursors seen, items counted, included resources indexed."""

    def __init__(self, origin: httpx.URL, start: str | None, max_items: int | None) -> None:
        self.origin = origin
        self.cursor = start
        self.max_items = _check_max_items(max_items)
        self.seen: set[str] = set() if start is None else {start}
        self.items = 0
        self.done = max_items == 0
        self.next_cursor: str | None = start
        self.included: dict[tuple[str, str], Any] = {}

    def after(self, page: object) -> None:
        """Index the page's included resources and work out the next cursor (or the end)."""
        for resource in _attribute(page, "included") or ():
            key = _key(resource)
            if key is not None:
                self.included[key] = resource
        link = _attribute(_attribute(page, "links"), "next")
        if not link:
            self.done, self.next_cursor = True, None
            return
        cursor = self._cursor_of(str(link))
        if cursor in self.seen:
            raise PaginationError(
                f"the server returned cursor {cursor[:40]!r} a second time; stopping instead of looping"
            )
        self.seen.add(cursor)
        self.cursor = self.next_cursor = cursor

    def _cursor_of(self, link: str) -> str:
        url = urlsplit(link)
        origin = (self.origin.scheme, self.origin.host, self.origin.port)
        port = url.port if url.port is not None else {"https": 443, "http": 80}.get(url.scheme)
        own_port = origin[2] if origin[2] is not None else {"https": 443, "http": 80}.get(origin[0])
        if (url.scheme, url.hostname, port) != (origin[0], origin[1], own_port):
            raise PaginationError(
                f"links.next points at {url.scheme}://{url.hostname} but the client talks to "
                f"{origin[0]}://{origin[1]}; refusing to follow it"
            )
        cursors = parse_qs(url.query).get(CURSOR)
        if not cursors or not cursors[0]:
            raise PaginationError("links.next carries no page[cursor]; cannot continue")
        return cursors[0]

    def record(self, page: object) -> list[Any]:
        """Account for a fetched page; its items, cut short by ``max_items``."""
        self.after(page)
        return self.take(list(_attribute(page, "data") or ()))

    def take(self, items: list[Any]) -> list[Any]:
        if self.max_items is not None:
            items = items[: self.max_items - self.items]
            if self.items + len(items) >= self.max_items:
                self.done = True
        self.items += len(items)
        return items

    def related(self, item: object, relationship: str) -> Any:
        relationships = _attribute(item, "relationships")
        link = _attribute(relationships, relationship.replace("-", "_"))
        if link is None:
            raise KeyError(f"{type(item).__name__} has no relationship {relationship!r}")
        data = _attribute(link, "data")
        if isinstance(data, list):
            return [self.included.get(k) for k in map(_key, data) if k is not None and k in self.included]
        key = _key(data)
        return None if key is None else self.included.get(key)


class Pager(Generic[PageT, ItemT]):
    """Iterates the items of every page (``for item in pager``) or the pages (``pager.pages()``).

    ``next_cursor`` is the cursor of the page after the last one fetched (``None`` at the end): save it
    and pass it back as ``page_cursor=`` to resume. One walk per pager; start a new one to go again.
    """

    def __init__(
        self,
        fetch: Callable[[str | None], PageT],
        *,
        origin: httpx.URL,
        page_cursor: str | None = None,
        max_items: int | None = None,
    ) -> None:
        self._fetch = fetch
        self._walk = _Walk(origin, page_cursor, max_items)

    @property
    def next_cursor(self) -> str | None:
        return self._walk.next_cursor

    def _walk_pages(self) -> Iterator[tuple[PageT, list[ItemT]]]:
        walk = self._walk
        while not walk.done:
            page = self._fetch(walk.cursor)
            yield page, walk.record(page)

    def pages(self) -> Iterator[PageT]:
        for page, _ in self._walk_pages():
            yield page

    def __iter__(self) -> Iterator[ItemT]:
        for _, items in self._walk_pages():
            yield from items

    def related(self, item: object, relationship: str) -> Any:
        """The included resource(s) ``item`` points to by ``relationship`` (``None``/``[]`` if not included)."""
        return self._walk.related(item, relationship)


class AsyncPager(Generic[PageT, ItemT]):
    """The asyncio twin of ``Pager``: ``async for item in pager``, ``async for page in pager.pages()``."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        *,
        origin: httpx.URL,
        page_cursor: str | None = None,
        max_items: int | None = None,
    ) -> None:
        self._fetch = fetch
        self._walk = _Walk(origin, page_cursor, max_items)

    @property
    def next_cursor(self) -> str | None:
        return self._walk.next_cursor

    async def _walk_pages(self) -> AsyncIterator[tuple[PageT, list[ItemT]]]:
        walk = self._walk
        while not walk.done:
            page = await self._fetch(walk.cursor)
            yield page, walk.record(page)

    async def pages(self) -> AsyncIterator[PageT]:
        async for page, _ in self._walk_pages():
            yield page

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for _, items in self._walk_pages():
            for item in items:
                yield item

    def related(self, item: object, relationship: str) -> Any:
        return self._walk.related(item, relationship)
