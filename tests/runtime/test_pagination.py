"""Cursor pagination over a scripted Klaviyo: exact request sequences, every stop condition, includes."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from klaviyo_generated import AsyncKlaviyo, ConfigurationError, Klaviyo, NotFoundError
from klaviyo_generated._pagination import PaginationError
from tests.runtime.client_harness import API_KEY, error_body

BASE = "https://a.klaviyo.com"


def profile(ident: str) -> dict[str, Any]:
    return {"type": "profile", "id": ident, "attributes": {"email": f"{ident}@example.com"}, "links": {"self": "x"}}


def next_link(cursor: str, host: str = BASE) -> str:
    # Klaviyo's next links repeat the query; the pager must take only the cursor from them.
    return f"{host}/api/profiles?page%5Bsize%5D=2&page%5Bcursor%5D={quote(cursor)}&fields%5Bprofile%5D=ignored"


class Pages:
    """Answers /api/profiles by cursor: ``script`` maps the cursor (None: first page) to (ids, next link)."""

    def __init__(self, script: dict[str | None, tuple[list[str], str | None]], *, drop_next: bool = False) -> None:
        self.script = script
        self.drop_next = drop_next
        self.requests: list[httpx.Request] = []
        self.fail_on: str | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        cursor = request.url.params.get("page[cursor]")
        if cursor is not None and cursor == self.fail_on:
            return httpx.Response(404, json=error_body(404, "not_found", "Cursor expired."))
        ids, link = self.script[cursor]
        links: dict[str, Any] = {"self": "x"}
        if not self.drop_next:
            links["next"] = link
        return httpx.Response(200, json={"data": [profile(i) for i in ids], "links": links})

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        return self.handle(request)

    def client(self) -> Klaviyo:
        return Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(self.handle), rate_limits=False)

    def async_client(self) -> AsyncKlaviyo:
        return AsyncKlaviyo(api_key=API_KEY, transport=httpx.MockTransport(self.ahandle), rate_limits=False)

    def queries(self) -> list[list[tuple[str, str]]]:
        return [r.url.params.multi_items() for r in self.requests]


THREE_PAGES: dict[str | None, tuple[list[str], str | None]] = {
    None: (["p1", "p2"], next_link("c/1+")),
    "c/1+": (["p3", "p4"], next_link("c2")),
    "c2": (["p5"], None),
}


def query(cursor: str | None) -> list[tuple[str, str]]:
    items = [("fields[profile]", "email,first_name"), ("filter", 'equals(email,"a@b.c")'), ("page[size]", "2")]
    if cursor is not None:
        items.insert(2, ("page[cursor]", cursor))
    return [*items, ("sort", "-created")]


def test_three_pages_keep_every_original_parameter_and_only_the_cursor_changes() -> None:
    pages = Pages(THREE_PAGES)
    pager = pages.client().profiles.iter_profiles(
        fields_profile=["email", "first_name"], filter='equals(email,"a@b.c")', sort="-created", page_size=2
    )
    assert [p.id for p in pager] == ["p1", "p2", "p3", "p4", "p5"]
    assert [r.url.path for r in pages.requests] == ["/api/profiles"] * 3
    assert pages.queries() == [query(None), query("c/1+"), query("c2")]
    assert all(r.headers["Authorization"] == f"Klaviyo-API-Key {API_KEY}" for r in pages.requests)
    assert pager.next_cursor is None


def test_a_missing_next_link_ends_the_walk_like_a_null_one() -> None:
    pages = Pages(THREE_PAGES, drop_next=True)
    assert [p.id for p in pages.client().profiles.iter_profiles()] == ["p1", "p2"]
    assert len(pages.requests) == 1


def test_pages_yields_typed_pages_and_tracks_the_cursor_to_resume_from() -> None:
    pages = Pages(THREE_PAGES)
    pager = pages.client().profiles.iter_profiles(page_size=2)
    walked = pager.pages()
    first = next(walked)
    assert [p.id for p in first.data] == ["p1", "p2"]
    assert pager.next_cursor == "c/1+"
    assert type(first).__name__ == "GetProfileResponsePluralConversationsCollectionCompoundDocument"
    assert [len(page.data) for page in walked] == [2, 1]
    assert pager.next_cursor is None


def test_resuming_from_a_saved_cursor_starts_there() -> None:
    pages = Pages(THREE_PAGES)
    assert [p.id for p in pages.client().profiles.iter_profiles(page_cursor="c2")] == ["p5"]
    assert pages.requests[0].url.params["page[cursor]"] == "c2"


def test_max_items_stops_mid_page_without_fetching_more() -> None:
    pages = Pages(THREE_PAGES)
    assert [p.id for p in pages.client().profiles.iter_profiles(max_items=3)] == ["p1", "p2", "p3"]
    assert len(pages.requests) == 2
    pages = Pages(THREE_PAGES)
    assert list(pages.client().profiles.iter_profiles(max_items=0)) == []
    assert pages.requests == []
    with pytest.raises(ConfigurationError, match="max_items must be an int >= 0 or None, got -1"):
        pages.client().profiles.iter_profiles(max_items=-1)


def test_a_repeated_cursor_stops_with_an_error_instead_of_looping() -> None:
    pages = Pages({None: (["p1"], next_link("c1")), "c1": (["p2"], next_link("c1"))})
    seen: list[Any] = []
    with pytest.raises(PaginationError, match="returned cursor 'c1' a second time"):
        seen.extend(p.id for p in pages.client().profiles.iter_profiles())
    assert seen == ["p1"]
    assert len(pages.requests) == 2


@pytest.mark.parametrize(
    "link",
    [
        next_link("c1", host="https://evil.example"),
        next_link("c1", host="http://a.klaviyo.com"),
        next_link("c1", host="https://a.klaviyo.com:8443"),
    ],
)
def test_a_next_link_to_another_origin_is_refused(link: str) -> None:
    pages = Pages({None: (["p1"], link)})
    with pytest.raises(PaginationError, match="refusing to follow it"):
        list(pages.client().profiles.iter_profiles())
    assert [str(r.url.host) for r in pages.requests] == ["a.klaviyo.com"]


def test_a_next_link_without_a_cursor_is_an_error() -> None:
    pages = Pages({None: (["p1"], f"{BASE}/api/profiles?page%5Bsize%5D=2")})
    with pytest.raises(PaginationError, match="carries no page\\[cursor\\]"):
        list(pages.client().profiles.iter_profiles())


def test_an_error_on_a_later_page_is_the_typed_error() -> None:
    pages = Pages(THREE_PAGES)
    pages.fail_on = "c2"
    seen: list[Any] = []
    with pytest.raises(NotFoundError, match="Cursor expired"):
        seen.extend(p.id for p in pages.client().profiles.iter_profiles())
    assert seen == ["p1", "p2", "p3", "p4"]


def test_the_three_report_queries_with_a_different_cursor_are_not_iterated() -> None:
    # query_campaign_values, query_flow_values and query_flow_series page with a plain `page_cursor`
    # parameter on a POST (documented in the README); only `page[cursor]` operations get iterators.
    kv = Pages(THREE_PAGES).client()
    iterators = [name for ns in ("reporting", "profiles", "events") for name in dir(getattr(kv, ns))]
    assert "iter_profiles" in iterators
    assert not [name for name in iterators if name.startswith("iter_query_")]


# -- included resources ------------------------------------------------------------------------


def event(ident: str, profile_id: str, metric_id: str) -> dict[str, Any]:
    return {
        "type": "event",
        "id": ident,
        "attributes": {"timestamp": 1, "event_properties": {}, "datetime": "2026-01-01T00:00:00+00:00", "uuid": "u"},
        "relationships": {
            "profile": {"data": {"type": "profile", "id": profile_id}, "links": {"self": "x", "related": "y"}},
            "metric": {"data": {"type": "metric", "id": metric_id}, "links": {"self": "x", "related": "y"}},
        },
        "links": {"self": "x"},
    }


def metric(ident: str) -> dict[str, Any]:
    return {"type": "metric", "id": ident, "attributes": {"name": "Placed Order"}, "links": {"self": "x"}}


def test_included_resources_resolve_by_relationship_name_across_pages() -> None:
    bodies = [
        {
            "data": [event("e1", "p1", "m1")],
            "included": [profile("p1"), metric("m1")],
            "links": {"self": "x", "next": f"{BASE}/api/events?page%5Bcursor%5D=c1"},
        },
        # The second page relies on the metric included with the first.
        {"data": [event("e2", "p2", "m1")], "included": [profile("p2")], "links": {"self": "x", "next": None}},
    ]
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=bodies[len(requests) - 1])

    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(handle), rate_limits=False)
    pager = kv.events.iter_events(include=["profile", "metric"])
    events = list(pager)
    found = [(e.id, pager.related(e, "profile").id, pager.related(e, "metric").attributes.name) for e in events]
    assert found == [("e1", "p1", "Placed Order"), ("e2", "p2", "Placed Order")]
    assert [r.url.params.get("include") for r in requests] == ["profile,metric", "profile,metric"]
    assert type(pager.related(events[0], "profile")).__name__ == "ProfileResponseObjectResource"
    with pytest.raises(KeyError, match="no relationship 'coupon'"):
        pager.related(events[0], "coupon")


# -- async twins -------------------------------------------------------------------------------


def test_async_iteration_walks_the_same_pages() -> None:
    pages = Pages(THREE_PAGES)

    async def main() -> list[Any]:
        kv = pages.async_client()
        pager = kv.profiles.aiter_profiles(
            fields_profile=["email", "first_name"], filter='equals(email,"a@b.c")', sort="-created", page_size=2
        )
        return [p.id async for p in pager]

    assert asyncio.run(main()) == ["p1", "p2", "p3", "p4", "p5"]
    assert pages.queries() == [query(None), query("c/1+"), query("c2")]


def test_async_pages_max_items_and_refused_origin() -> None:
    pages = Pages(THREE_PAGES)

    async def walk_pages() -> list[int]:
        return [len(page.data) async for page in pages.async_client().profiles.aiter_profiles().pages()]

    assert asyncio.run(walk_pages()) == [2, 2, 1]

    pages = Pages(THREE_PAGES)

    async def first_three() -> list[Any]:
        return [p.id async for p in pages.async_client().profiles.aiter_profiles(max_items=3)]

    assert asyncio.run(first_three()) == ["p1", "p2", "p3"]
    assert len(pages.requests) == 2

    pages = Pages({None: (["p1"], next_link("c1", host="https://evil.example"))})

    async def refused() -> None:
        async for _ in pages.async_client().profiles.aiter_profiles():
            pass

    with pytest.raises(PaginationError):
        asyncio.run(refused())
    assert len(pages.requests) == 1
