"""``klaviyo_generated.testing.FakeKlaviyo`` through the real client: state, paging, includes, jobs on a
virtual clock, spec validation, faults, and the HTTP server — with every answer checked against the spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from klaviyo_generated import (
    APIConnectionError,
    APIStatusError,
    BadRequestError,
    ConflictError,
    JobFailedError,
    Klaviyo,
    NotFoundError,
)
from klaviyo_generated._jobs_table import JOBS
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.filters import equals
from klaviyo_generated.models import ListCreateQuery, ProfileCreateQuery, ProfilePartialUpdateQuery
from klaviyo_generated.testing import FakeKlaviyo, Fault, VirtualClock
from klaviyo_generated.testing._validation import load
from tests.contract.test_every_operation import _body
from tests.runtime.client_harness import API_KEY
from tests.runtime.conftest import Checked
from tests.runtime.test_jobs import profiles_body


def new_profile(email: str, **attributes: Any) -> ProfileCreateQuery:
    return ProfileCreateQuery.from_dict({"data": {"type": "profile", "attributes": {"email": email, **attributes}}})


def test_profiles_are_kept_found_updated_and_refused_twice(kv: Klaviyo) -> None:
    created = kv.profiles.create_profile(body=new_profile("ada@example.com", first_name="Ada"))
    ident = str(created.data.id)
    assert kv.profiles.get_profile(ident).data.attributes.first_name == "Ada"
    with pytest.raises(ConflictError) as caught:
        kv.profiles.create_profile(body=new_profile("ada@example.com"))
    assert caught.value.duplicate_profile_id == ident  # Klaviyo's 409 shape, meta naming the profile
    assert json.loads(caught.value.body_text) == {
        "errors": [
            {
                "id": "fake-error",
                "status": 409,
                "code": "duplicate_profile",
                "title": "Conflict.",
                "detail": "A profile already exists with one of these identifiers.",
                "source": {"pointer": "/data/attributes"},
                "links": {},
                "meta": {"duplicate_profile_id": ident},
            }
        ]
    }
    patch = {"data": {"type": "profile", "id": ident, "attributes": {"last_name": "Lovelace"}}}
    kv.profiles.update_profile(ident, body=ProfilePartialUpdateQuery.from_dict(patch))
    found = kv.profiles.get_profiles(filter=equals("email", "ada@example.com"))
    assert [(p.id, p.attributes.last_name) for p in found.data] == [(ident, "Lovelace")]
    with pytest.raises(NotFoundError):
        kv.profiles.get_profile("nope")


def test_paging_walks_every_profile_with_the_real_iterator(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    for n in range(45):
        kv.profiles.create_profile(body=new_profile(f"p{n}@example.com"))
    emails = [p.attributes.email for p in kv.profiles.iter_profiles(page_size=20)]
    assert emails == [f"p{n}@example.com" for n in range(45)]
    pages = [r for r in fake.requests if r.method == "GET" and r.url.path == "/api/profiles"]
    assert [r.url.params.get("page[cursor]") for r in pages] == [None, "o20", "o40"]


def test_lists_and_memberships(kv: Klaviyo) -> None:
    vip = kv.lists.create_list(
        body=ListCreateQuery.from_dict({"data": {"type": "list", "attributes": {"name": "VIP"}}})
    )
    list_id = str(vip.data.id)
    ids = [str(kv.profiles.create_profile(body=new_profile(f"m{n}@example.com")).data.id) for n in range(3)]
    members = [{"type": "profile", "id": i} for i in ids]
    kv.request("POST", f"/api/lists/{list_id}/relationships/profiles", json={"data": members})
    assert [p.id for p in kv.lists.iter_profiles_for_list(list_id)] == ids
    kv.request("DELETE", f"/api/lists/{list_id}/relationships/profiles", json={"data": members[:1]})
    assert [p.id for p in kv.lists.iter_profiles_for_list(list_id)] == ids[1:]


def test_events_create_metrics_and_profiles_and_include_them(kv: Klaviyo) -> None:
    event = {
        "data": {
            "type": "event",
            "attributes": {
                "properties": {"value": 42},
                "metric": {"data": {"type": "metric", "attributes": {"name": "Placed Order"}}},
                "profile": {"data": {"type": "profile", "attributes": {"email": "buyer@example.com"}}},
            },
        }
    }
    kv.request("POST", "/api/events", json=event)
    kv.request("POST", "/api/events", json=event)
    pager = kv.events.iter_events(include=["profile", "metric"])
    events = list(pager)
    assert len(events) == 2
    assert {pager.related(e, "metric").attributes.name for e in events} == {"Placed Order"}
    assert {pager.related(e, "profile").attributes.email for e in events} == {"buyer@example.com"}
    assert [m.attributes.name for m in kv.metrics.iter_metrics()] == ["Placed Order"]


def test_a_bulk_import_moves_through_its_statuses_on_the_virtual_clock(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    body = profiles_body(2500).to_dict()
    body["data"]["attributes"]["profiles"]["data"][7]["attributes"] = {"first_name": "no identifier"}
    from klaviyo_generated.models import ProfileImportJobCreateQuery

    job = kv.profiles.submit_bulk_import_profiles(body=ProfileImportJobCreateQuery.from_dict(body))
    statuses: list[tuple[str | None, int | None]] = []
    with pytest.raises(JobFailedError) as caught:
        job.wait(on_progress=lambda p: statuses.append((p.status, p.completed)))
    assert statuses[0][0] == "queued"
    assert ("processing", 0) in statuses
    assert ("processing", 1500) in statuses  # polled at 1 s, 2.5 s and 4.75 s of virtual time
    assert statuses[-1] == ("complete", 2499)
    assert [e.attributes.source.pointer for e in caught.value.errors] == ["/data/attributes/profiles/data/7"]
    assert len(fake.store.resources["profile"]) == 2499


def test_with_the_spec_an_invalid_request_gets_klaviyos_400(pinned_spec_path: Path) -> None:
    fake = FakeKlaviyo(spec=pinned_spec_path)
    kv = Klaviyo(api_key=API_KEY, transport=fake.transport())
    with pytest.raises(BadRequestError, match="does not match the API spec"):
        kv.request("GET", "/api/profiles", params={"fields[profile]": "email,shoe_size"})
    kv.profiles.get_profiles(fields_profile=["email"])  # a valid one goes through


def test_faults_by_rule_reach_the_client(clock: VirtualClock) -> None:
    fake = FakeKlaviyo(clock=clock, faults=[Fault.rate_limited(2.0, operation="get_profiles")])
    kv = Klaviyo(api_key=API_KEY, transport=fake.transport(), sleep=clock.sleep, clock=clock, rate_limits=False)
    assert kv.with_raw_response.profiles.get_profiles().attempts == 2
    assert clock.now == 2.0


def test_unimplemented_routes_and_missing_keys_say_so(fake: FakeKlaviyo) -> None:
    kv = Klaviyo(api_key=API_KEY, transport=fake.transport())
    with pytest.raises(APIStatusError, match="FakeKlaviyo does not implement GET /api/flows"):
        kv.flows.get_flows()
    anonymous = httpx.Client(transport=fake.transport()).get("https://a.klaviyo.com/api/profiles")
    assert anonymous.status_code == 401


def test_campaigns_send_and_cancel(kv: Klaviyo, clock: VirtualClock) -> None:
    message = {"type": "campaign-message", "attributes": {"definition": {"channel": "email", "label": "Hi"}}}
    campaign = {
        "data": {
            "type": "campaign",
            "attributes": {
                "name": "Spring",
                "audiences": {"included": ["L1"]},
                "campaign-messages": {"data": [message]},
            },
        }
    }
    created = kv.request("POST", "/api/campaigns", json=campaign)
    ident = created["data"]["id"]
    assert [c.id for c in kv.campaigns.iter_campaigns(filter="equals(messages.channel,'email')")] == [ident]
    with pytest.raises(BadRequestError, match="filter"):  # the spec (when given) or the fake refuses it
        kv.request("GET", "/api/campaigns")
    send = kv.campaigns.attach_send_campaign(ident)
    kv.request("POST", "/api/campaign-send-jobs", json={"data": {"type": "campaign-send-job", "id": ident}})
    assert send.wait().data.attributes.status == "complete"
    assert kv.campaigns.get_campaign(ident).data.attributes.status == "Sent"


def test_served_over_http_on_localhost() -> None:
    fake = FakeKlaviyo()
    with fake.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        kv = Klaviyo(api_key=API_KEY, base_url=url, allow_http=True, retry=False)
        created = kv.profiles.create_profile(body=new_profile("http@example.com"))
        assert kv.profiles.get_profile(str(created.data.id)).data.attributes.email == "http@example.com"
        # Links name the origin the request came to, so paging works over HTTP too.
        assert kv.request("GET", "/api/profiles")["links"]["self"] == f"{url}/api/profiles"
        for n in range(25):
            kv.profiles.create_profile(body=new_profile(f"h{n}@example.com"))
        assert len(list(kv.profiles.iter_profiles(page_size=10))) == 26
    with pytest.raises(APIConnectionError):
        kv.profiles.get_profiles()


GENERIC_JOBS = sorted(set(JOBS) - {"bulk_import_profiles", "send_campaign"})


@pytest.mark.parametrize("submit", GENERIC_JOBS)
def test_every_other_job_type_runs_to_completion(submit: str, pinned_spec_path: Path) -> None:
    clock = VirtualClock()
    fake = FakeKlaviyo(clock=clock)
    kv = Klaviyo(api_key=API_KEY, transport=Checked(fake, pinned_spec_path), sleep=clock.sleep, clock=clock)
    _, spec = load(pinned_spec_path)
    namespace = getattr(kv, OPERATIONS[submit].tag)
    job = getattr(namespace, f"submit_{submit}")(body=_body(submit, spec))
    final = job.wait()
    assert job.progress.status == "complete"
    assert final is not None
    if JOBS[submit].result is not None:
        assert job.result().data.attributes.estimated_recipient_count == 0
