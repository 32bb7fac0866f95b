"""``extra_headers=`` / ``extra_query=``: added to the request a method builds, checked, on every page and chunk."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from klaviyo_generated import (
    ArgumentTypeError,
    AsyncKlaviyo,
    InvalidArgumentError,
    Klaviyo,
)
from klaviyo_generated.tools import catalog
from tests.runtime.client_harness import (
    PROFILE,
    PROFILE_ID,
    Server,
    async_client_kwargs,
    client_kwargs,
)
from tests.runtime.test_jobs import job_body, profiles_body

BASE = "https://a.klaviyo.com"
NEXT = f"{BASE}/api/profiles?page%5Bcursor%5D=c2&page%5Bsize%5D=5"
PAGE_ONE = {"data": [PROFILE["data"]], "links": {"self": "x", "next": NEXT}}
PAGE_TWO = {"data": [PROFILE["data"]], "links": {"self": "x", "next": None}}


def make(server: Server) -> Klaviyo:
    return Klaviyo(**client_kwargs(server, default_headers={"X-App": "shop"}))


def test_extras_come_after_the_methods_own_query_and_headers() -> None:
    server = Server({"data": [], "links": {"self": "x", "next": None}})
    make(server).profiles.get_profiles(
        page_size=5,
        fields_profile=["email"],
        extra_query={"beta": "on", "a": "1"},
        extra_headers={"X-Trace": "t-1", "X-App": "override", "Accept": "application/json"},
    )
    request = server.last
    assert str(request.url) == f"{BASE}/api/profiles?fields%5Bprofile%5D=email&page%5Bsize%5D=5&beta=on&a=1"
    assert request.headers["X-Trace"] == "t-1"
    # Per-request headers win over the client's, as any httpx request header does.
    assert (request.headers["X-App"], request.headers["Accept"]) == ("override", "application/json")
    assert request.headers["Authorization"].startswith("Klaviyo-API-Key pk_")


def test_extras_travel_with_every_page() -> None:
    server = Server(PAGE_ONE, PAGE_TWO)
    pager = make(server).profiles.iter_profiles(page_size=5, extra_query={"beta": "on"}, extra_headers={"X-T": "1"})
    assert [p.id for p in pager] == [PROFILE_ID, PROFILE_ID]
    assert [str(r.url) for r in server.requests] == [
        f"{BASE}/api/profiles?page%5Bsize%5D=5&beta=on",
        f"{BASE}/api/profiles?page%5Bcursor%5D=c2&page%5Bsize%5D=5&beta=on",
    ]
    assert [r.headers["X-T"] for r in server.requests] == ["1", "1"]


def test_extras_on_a_raw_request_and_with_raw_response() -> None:
    server = Server({"data": []}, PROFILE)
    kv = make(server)
    kv.request(
        "GET",
        "/api/beta-things",
        params={"x": "1"},
        headers={"X-A": "a"},
        extra_query={"y": "2"},
        extra_headers={"X-B": "b"},
    )
    assert str(server.last.url) == f"{BASE}/api/beta-things?x=1&y=2"
    assert (server.last.headers["X-A"], server.last.headers["X-B"]) == ("a", "b")
    with pytest.raises(InvalidArgumentError) as caught:
        kv.request("GET", "/api/beta-things", headers={"X-A": "a"}, extra_headers={"x-a": "b"})
    assert str(caught.value) == (
        "request(GET /api/beta-things): extra_headers cannot set 'x-a': the request already carries it"
    )
    raw = kv.with_raw_response.profiles.get_profile(PROFILE_ID, extra_headers={"X-R": "r"})
    assert raw.status_code == 200
    assert server.last.headers["X-R"] == "r"


def test_extras_reach_each_submitted_chunk() -> None:
    server = Server(httpx.Response(202, json=job_body("queued")))
    kv = make(server)
    kv.profiles.submit_bulk_import_profiles_in_chunks(
        body=profiles_body(3), chunk_size=2, extra_headers={"X-Batch": "b1"}, extra_query={"src": "etl"}
    )
    assert [(r.method, r.url.path, r.url.query, r.headers["X-Batch"]) for r in server.requests] == [
        ("POST", "/api/profile-bulk-import-jobs", b"src=etl", "b1"),
        ("POST", "/api/profile-bulk-import-jobs", b"src=etl", "b1"),
    ]


@pytest.mark.parametrize(
    ("extras", "error", "message"),
    [
        (
            {"extra_headers": {"authorization": "Klaviyo-API-Key pk_x"}},
            InvalidArgumentError,
            "get_profiles: extra_headers cannot set 'authorization': credentials come from api_key= or oauth= "
            "(kv.with_options(api_key=...) for another account)",
        ),
        (
            {"extra_headers": {"Revision": "2025-01-15"}},
            InvalidArgumentError,
            "get_profiles: extra_headers cannot set 'Revision': pass revision= to the method, "
            "or kv.with_options(revision=...)",
        ),
        (
            {"extra_headers": {"Content-Type": "text/plain"}},
            InvalidArgumentError,
            "get_profiles: extra_headers cannot set 'Content-Type': the client sets it for the body the operation "
            "declares",
        ),
        (
            {"extra_headers": {"Host": "evil.example"}},
            InvalidArgumentError,
            "get_profiles: extra_headers cannot set 'Host': the host is base_url's",
        ),
        (
            {"extra_headers": {"X-A": None}},
            ArgumentTypeError,
            "get_profiles: extra_headers['X-A'] must be a str (convert numbers yourself, e.g. '10'), got None",
        ),
        (
            {"extra_headers": {"X-A": 1}},
            ArgumentTypeError,
            "get_profiles: extra_headers['X-A'] must be a str (convert numbers yourself, e.g. '10'), got 1",
        ),
        (
            {"extra_headers": {"X-A": "a\r\nX-Injected: 1"}},
            InvalidArgumentError,
            "get_profiles: extra_headers['X-A'] must not contain line breaks",
        ),
        (
            {"extra_headers": {"X A": "1"}},
            InvalidArgumentError,
            "get_profiles: extra_headers names must be header names, got 'X A'",
        ),
        (
            {"extra_headers": [("X-A", "1")]},
            ArgumentTypeError,
            "get_profiles: extra_headers must be a dict of str to str, got list",
        ),
        (
            {"extra_query": {"q": {"nested": "1"}}},
            ArgumentTypeError,
            "get_profiles: extra_query['q'] must be a str (convert numbers yourself, e.g. '10'), got {'nested': '1'}",
        ),
        (
            {"extra_query": {"q": 10}},
            ArgumentTypeError,
            "get_profiles: extra_query['q'] must be a str (convert numbers yourself, e.g. '10'), got 10",
        ),
        (
            {"extra_query": {"": "1"}},
            InvalidArgumentError,
            "get_profiles: extra_query keys must be non-empty str, got ''",
        ),
        (
            {"extra_query": {"page[size]": "3"}},
            InvalidArgumentError,
            "get_profiles: extra_query cannot set 'page[size]': the method sets it from its own arguments; "
            "pass it there",
        ),
        (
            {"extra_query": {"page[cursor]": "c9"}},
            InvalidArgumentError,
            "get_profiles: extra_query cannot set 'page[cursor]': the method sets it from its own arguments; "
            "pass it there",
        ),
        (
            {"extra_query": "beta=on"},
            ArgumentTypeError,
            "get_profiles: extra_query must be a dict of str to str, got str",
        ),
    ],
)
def test_a_wrong_extra_is_refused_before_anything_is_sent(
    extras: dict[str, Any], error: type[Exception], message: str
) -> None:
    server = Server({"data": []})
    with pytest.raises(error) as caught:
        make(server).profiles.get_profiles(page_size=5, **extras)
    assert type(caught.value) is error
    assert str(caught.value) == message
    assert server.requests == []


def test_a_query_parameter_the_method_did_not_set_may_be_an_extra() -> None:
    server = Server({"data": [], "links": {"self": "x", "next": None}})
    make(server).profiles.get_profiles(extra_query={"sort": "-created"})
    assert str(server.last.url) == f"{BASE}/api/profiles?page%5Bsize%5D=20&sort=-created"  # the spec default first


def test_async_extras_on_a_method_every_page_and_a_raw_request() -> None:
    server = Server(PROFILE, PAGE_ONE, PAGE_TWO, {"data": []})

    async def main() -> None:
        kv = AsyncKlaviyo(**async_client_kwargs(server))
        await kv.profiles.get_profile(PROFILE_ID, extra_headers={"X-T": "1"}, extra_query={"a": "b"})
        pager = kv.profiles.aiter_profiles(page_size=5, extra_query={"beta": "on"})
        assert [p.id async for p in pager] == [PROFILE_ID, PROFILE_ID]
        await kv.request("GET", "/api/x", extra_query={"y": "2"})
        with pytest.raises(InvalidArgumentError, match=r"^get_profile: extra_headers cannot set 'Authorization'"):
            await kv.profiles.get_profile(PROFILE_ID, extra_headers={"Authorization": "Bearer x"})

    asyncio.run(main())
    assert [str(r.url) for r in server.requests] == [
        f"{BASE}/api/profiles/{PROFILE_ID}?a=b",
        f"{BASE}/api/profiles?page%5Bsize%5D=5&beta=on",
        f"{BASE}/api/profiles?page%5Bcursor%5D=c2&page%5Bsize%5D=5&beta=on",
        f"{BASE}/api/x?y=2",
    ]
    assert server.requests[0].headers["X-T"] == "1"


def test_no_tool_takes_per_call_options_as_inputs() -> None:
    transport_only = {"extra_headers", "extra_query", "timeout", "retry", "max_retries", "revision"}
    assert [tool.name for tool in catalog() if transport_only & set(tool.input_schema.get("properties", {}))] == []
