"""Workflows that need a profile's id take it from Klaviyo's 409 when the answer names the profile."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from klaviyo_generated import AsyncKlaviyo, ConflictError, Klaviyo, KlaviyoError
from tests.runtime.client_harness import PROFILES_PAGE, Server, async_client_kwargs, body_of, client_kwargs

EXISTING = "01GDDKASAP8TKDDA2GRZDSVP4H"
DUPLICATE = {
    "errors": [
        {
            "id": "7c4d8c0e-4a70-4b9a-9a43-3e0f6b0c4f11",
            "status": 409,
            "code": "duplicate_profile",
            "title": "Conflict.",
            "detail": "A profile already exists with one of these identifiers.",
            "source": {"pointer": "/data/attributes"},
            "links": {},
            "meta": {"duplicate_profile_id": EXISTING},
        }
    ]
}


def race() -> Server:
    """The lookup finds nothing, another writer creates the profile, the create answers 409 naming it."""
    return Server(PROFILES_PAGE, httpx.Response(409, json=DUPLICATE), 204)


def _calls(server: Server) -> list[tuple[str, str]]:
    return [(r.method, r.url.path) for r in server.requests]


EXPECTED_CALLS = [
    ("GET", "/api/profiles"),
    ("POST", "/api/profile-import"),
    ("POST", "/api/lists/L1/relationships/profiles"),
]


def test_add_by_email_continues_with_the_profile_a_409_names() -> None:
    server = race()
    ids = Klaviyo(**client_kwargs(server)).workflows.add_profiles_to_list("L1", emails=["ada@example.com"])
    assert ids == [EXISTING]
    assert _calls(server) == EXPECTED_CALLS
    assert body_of(server.last) == {"data": [{"type": "profile", "id": EXISTING}]}


def test_async_add_by_email_continues_with_the_profile_a_409_names() -> None:
    server = race()

    async def main() -> list[str]:
        kv = AsyncKlaviyo(**async_client_kwargs(server))
        return await kv.workflows.add_profiles_to_list("L1", emails=["ada@example.com"])

    assert asyncio.run(main()) == [EXISTING]
    assert _calls(server) == EXPECTED_CALLS
    assert body_of(server.last) == {"data": [{"type": "profile", "id": EXISTING}]}


NAMELESS = {"errors": [{**DUPLICATE["errors"][0], "meta": {}}]}


def test_a_409_that_names_no_profile_is_raised_and_nothing_more_is_sent() -> None:
    server = Server(PROFILES_PAGE, httpx.Response(409, json=NAMELESS))
    with pytest.raises(ConflictError) as caught:
        Klaviyo(**client_kwargs(server)).workflows.add_profiles_to_list("L1", emails=["ada@example.com"])
    assert caught.value.duplicate_profile_id is None
    assert _calls(server) == EXPECTED_CALLS[:2]


def test_async_409_that_names_no_profile_is_raised() -> None:
    server = Server(PROFILES_PAGE, httpx.Response(409, json=NAMELESS))

    async def main() -> Any:
        kv = AsyncKlaviyo(**async_client_kwargs(server))
        return await kv.workflows.add_profiles_to_list("L1", emails=["ada@example.com"])

    with pytest.raises(ConflictError):
        asyncio.run(main())
    assert _calls(server) == EXPECTED_CALLS[:2]


def test_upsert_profile_raises_the_conflict_with_the_profile_it_names() -> None:
    # profile-import answers 409 when the identifiers belong to different profiles: there is no one
    # profile to update, so upsert_profile leaves the decision to the caller, naming the one Klaviyo found.
    server = Server(httpx.Response(409, json=DUPLICATE))
    with pytest.raises(ConflictError) as caught:
        Klaviyo(**client_kwargs(server)).workflows.upsert_profile(email="ada@example.com", phone_number="+15005550006")
    assert caught.value.duplicate_profile_id == EXISTING
    assert _calls(server) == [("POST", "/api/profile-import")]


NO_ID_PAGE = {
    "data": [{"type": "profile", "attributes": {"email": "ada@example.com"}, "links": {"self": "https://x/"}}],
    "links": {"self": "https://a.klaviyo.com/api/profiles", "next": None},
}
NO_ID_PROFILE = {
    "data": {"type": "profile", "attributes": {"email": "ada@example.com"}, "links": {"self": "https://x/"}}
}


@pytest.mark.parametrize(
    ("steps", "message", "calls"),
    [
        (lambda: (NO_ID_PAGE,), "get_profiles answered a profile without an id (got UNSET)", 1),
        (
            lambda: (PROFILES_PAGE, httpx.Response(201, json=NO_ID_PROFILE)),
            "create_or_update_profile answered a profile without an id (got UNSET)",
            2,
        ),
    ],
)
def test_a_profile_answered_without_an_id_is_an_error_not_the_text_unset(
    steps: Callable[[], tuple[Any, ...]], message: str, calls: int
) -> None:
    for awaiting in (False, True):
        server = Server(*steps())
        with pytest.raises(KlaviyoError) as caught:
            add_by_email(server, awaiting=awaiting)
        assert message in str(caught.value)
        assert _calls(server) == EXPECTED_CALLS[:calls]  # the list is never sent an "UNSET" member


def add_by_email(server: Server, *, awaiting: bool) -> list[str]:
    if not awaiting:
        return Klaviyo(**client_kwargs(server)).workflows.add_profiles_to_list("L1", emails=["ada@example.com"])
    kv = AsyncKlaviyo(**async_client_kwargs(server))
    return asyncio.run(kv.workflows.add_profiles_to_list("L1", emails=["ada@example.com"]))
