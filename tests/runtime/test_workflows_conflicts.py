"""Profiles another writer creates meanwhile, 409s from profile-import, and profiles answered without an id."""

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


def job(status: str) -> httpx.Response:
    attributes = {"status": status, "total_count": 1, "completed_count": int(status == "complete"), "failed_count": 0}
    data = {"type": "profile-bulk-import-job", "id": "J1", "attributes": attributes, "links": {"self": "x"}}
    return httpx.Response(202 if status == "queued" else 200, json={"data": data})


FOUND_PAGE = {
    "data": [{"type": "profile", "id": EXISTING, "attributes": {"email": "ada@example.com"}, "links": {"self": "x"}}],
    "links": {"self": "https://a.klaviyo.com/api/profiles", "next": None},
}


def race() -> Server:
    """The lookup finds nothing, another writer creates the profile, the import updates it (a bulk
    import never answers 409 for an existing profile) and the read-back finds it."""
    return Server(PROFILES_PAGE, job("queued"), job("complete"), FOUND_PAGE, 204)


def _calls(server: Server) -> list[tuple[str, str]]:
    return [(r.method, r.url.path) for r in server.requests]


EXPECTED_CALLS = [
    ("GET", "/api/profiles"),
    ("POST", "/api/profile-bulk-import-jobs"),
    ("GET", "/api/profile-bulk-import-jobs/J1"),
    ("GET", "/api/profiles"),
    ("POST", "/api/lists/L1/relationships/profiles"),
]


@pytest.mark.parametrize("awaiting", [False, True])
def test_add_by_email_continues_with_the_profile_another_writer_created(awaiting: bool) -> None:
    server = race()
    assert add_by_email(server, awaiting=awaiting) == [EXISTING]
    assert _calls(server) == EXPECTED_CALLS
    assert body_of(server.last) == {"data": [{"type": "profile", "id": EXISTING}]}


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


@pytest.mark.parametrize(
    ("steps", "calls"),
    [
        (lambda: (NO_ID_PAGE,), 1),
        (lambda: (PROFILES_PAGE, job("queued"), job("complete"), NO_ID_PAGE), 4),
    ],
)
def test_a_profile_answered_without_an_id_is_an_error_not_the_text_unset(
    steps: Callable[[], tuple[Any, ...]], calls: int
) -> None:
    for awaiting in (False, True):
        server = Server(*steps())
        with pytest.raises(KlaviyoError) as caught:
            add_by_email(server, awaiting=awaiting)
        assert "get_profiles answered a profile without an id (got None)" in str(caught.value)
        assert _calls(server) == EXPECTED_CALLS[:calls]  # the list is never sent an "UNSET" member


def add_by_email(server: Server, *, awaiting: bool) -> list[str]:
    if not awaiting:
        return Klaviyo(**client_kwargs(server)).workflows.add_to_list("L1", emails=["ada@example.com"])
    kv = AsyncKlaviyo(**async_client_kwargs(server))
    return asyncio.run(kv.workflows.add_to_list("L1", emails=["ada@example.com"]))
