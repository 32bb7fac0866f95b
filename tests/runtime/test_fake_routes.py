"""Every route of FakeKlaviyo's table, answers and errors alike, checked by openapi-core against the
pinned spec (``FakeKlaviyo(validate_responses=True)``: an answer the spec does not allow raises
``AssertionError``). The last test proves every route in the table was driven, so a route added later
without a call here fails it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from klaviyo_generated import Klaviyo
from klaviyo_generated._jobs_table import JOBS
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock
from klaviyo_generated.testing._validation import load
from tests.contract.test_every_operation import _body
from tests.runtime.client_harness import API_KEY

HOST = "https://a.klaviyo.com"
JSONAPI = "application/vnd.api+json"


class Driver:
    """Sends raw requests (so error answers come back as responses) to a fake that checks its answers."""

    def __init__(self, spec: Path) -> None:
        self.clock = VirtualClock()
        self.fake = FakeKlaviyo(clock=self.clock, spec=spec, validate_responses=True)
        self.http = httpx.Client(
            transport=self.fake.transport(),
            base_url=HOST,
            headers={"Authorization": f"Klaviyo-API-Key {API_KEY}", "revision": "2026-07-15", "Accept": JSONAPI},
        )
        self.answered: list[tuple[str, str, int]] = []

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        status: int = 200,
        params: dict[str, str] | None = None,
        **named: str,
    ) -> Any:
        content = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": JSONAPI} if body is not None else {}
        response = self.http.request(method, path, content=content, headers=headers, params={**(params or {}), **named})
        self.answered.append((method, path, response.status_code))
        assert response.status_code == status, (method, path, response.text)
        return response.json() if response.content else None


def profile_body(email: str, **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "profile", "attributes": {"email": email, **attributes}}}


def profiles_and_their_errors(driver: Driver) -> None:
    created = driver.send("POST", "/api/profiles", profile_body("ada@example.com", first_name="Ada"), 201)
    ident = created["data"]["id"]
    conflict = driver.send("POST", "/api/profiles", profile_body("ada@example.com"), 409)
    assert conflict["errors"][0]["meta"] == {"duplicate_profile_id": ident}
    both = {"additional-fields[profile]": "subscriptions,predictive_analytics"}
    driver.send("GET", f"/api/profiles/{ident}", params=both)
    driver.send("GET", "/api/profiles/NOPE", status=404)
    patch = {"data": {"type": "profile", "id": ident, "attributes": {"last_name": "Lovelace"}}}
    driver.send("PATCH", f"/api/profiles/{ident}", patch)
    upsert = {
        "data": {
            "type": "profile",
            "attributes": {"email": "ada@example.com"},
            "meta": {"patch_properties": {"append": {"skus": "1"}}},
        }
    }
    driver.send("POST", "/api/profile-import", upsert, 200)
    driver.send("POST", "/api/profile-import", profile_body("bob@example.com"), 201)
    driver.send("GET", "/api/profiles", params={"additional-fields[profile]": "subscriptions", "page[size]": "1"})
    driver.send("GET", "/api/profiles", filter='equals(shoe_size,"9")', status=400)
    driver.send("GET", "/api/profiles", filter="equals(email", status=400)
    driver.send("GET", "/api/profiles", params={"page[cursor]": "bogus"}, status=400)
    driver.send("GET", "/api/profiles", params={"fields[profile]": "shoe_size"}, status=400)  # the request validator


def lists_members_segments_metrics_events(driver: Driver) -> None:
    ident = driver.fake.add_profile(email="member@example.com")["id"]
    created = driver.send("POST", "/api/lists", {"data": {"type": "list", "attributes": {"name": "VIP"}}}, 201)
    list_id = created["data"]["id"]
    driver.send("GET", "/api/lists")
    driver.send("GET", f"/api/lists/{list_id}")
    members = {"data": [{"type": "profile", "id": ident}]}
    driver.send("POST", f"/api/lists/{list_id}/relationships/profiles", members, 204)
    driver.send("POST", f"/api/lists/{list_id}/relationships/profiles", {"data": [{"type": "profile", "id": "X"}]}, 404)
    driver.send("GET", f"/api/lists/{list_id}/profiles", params={"additional-fields[profile]": "subscriptions"})
    driver.send("DELETE", f"/api/lists/{list_id}/relationships/profiles", members, 204)
    driver.send("DELETE", f"/api/lists/{list_id}", status=204)
    driver.send("GET", f"/api/lists/{list_id}", status=404)
    segment = driver.fake.add_segment("Engaged")
    driver.send("GET", "/api/segments")
    driver.send("GET", f"/api/segments/{segment['id']}")
    event = {
        "data": {
            "type": "event",
            "attributes": {
                "properties": {"value": 1},
                "metric": {"data": {"type": "metric", "attributes": {"name": "Placed Order"}}},
                "profile": {"data": {"type": "profile", "attributes": {"email": "member@example.com"}}},
            },
        }
    }
    driver.send("POST", "/api/events", event, 202)
    driver.send("GET", "/api/events", include="profile,metric")
    metric_id = driver.send("GET", "/api/metrics")["data"][0]["id"]
    driver.send("GET", f"/api/metrics/{metric_id}")
    driver.send("GET", "/api/metrics/NOPE", status=404)


def templates_images_consent_bulk_events(driver: Driver) -> None:
    template = {"data": {"type": "template", "attributes": {"name": "T", "editor_type": "CODE", "html": "<p>Hi</p>"}}}
    template_id = driver.send("POST", "/api/templates", template, 201)["data"]["id"]
    driver.send("GET", "/api/templates")
    driver.send("GET", f"/api/templates/{template_id}")
    image = {"data": {"type": "image", "attributes": {"import_from_url": "https://example.com/a.png", "name": "A"}}}
    image_id = driver.send("POST", "/api/images", image, 201)["data"]["id"]
    bad = {"data": {"type": "image", "attributes": {"import_from_url": "ftp://example.com/a.png"}}}
    driver.send("POST", "/api/images", bad, 400)
    upload = driver.http.post("/api/image-upload", files={"file": ("a.png", b"\x89PNG", "image/png")})
    driver.answered.append(("POST", "/api/image-upload", upload.status_code))
    assert upload.status_code == 201, upload.text
    driver.send("GET", "/api/images")
    driver.send("GET", f"/api/images/{image_id}")
    for kind, consent in (("create", "SUBSCRIBED"), ("delete", "UNSUBSCRIBED")):
        profile = {"email": "c@example.com", "subscriptions": {"email": {"marketing": {"consent": consent}}}}
        body = {
            "data": {
                "type": f"profile-subscription-bulk-{kind}-job",
                "attributes": {"profiles": {"data": [{"type": "profile", "attributes": profile}]}},
            }
        }
        driver.send("POST", f"/api/profile-subscription-bulk-{kind}-jobs", body, 202)
    events = {
        "type": "event-bulk-create",
        "attributes": {
            "profile": {"data": {"type": "profile", "attributes": {"email": "c@example.com"}}},
            "events": {
                "data": [
                    {
                        "type": "event",
                        "attributes": {
                            "properties": {},
                            "metric": {"data": {"type": "metric", "attributes": {"name": "Viewed"}}},
                        },
                    }
                ]
            },
        },
    }
    bulk = {"data": {"type": "event-bulk-create-job", "attributes": {"events-bulk-create": {"data": [events]}}}}
    driver.send("POST", "/api/event-bulk-create-jobs", bulk, 202)


def import_and_campaign_jobs(driver: Driver) -> None:
    profiles = [{"type": "profile", "attributes": {"email": f"i{n}@example.com"}} for n in range(3)]
    profiles.append({"type": "profile", "attributes": {"first_name": "no identifier"}})
    body = {"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": profiles}}}}
    job_id = driver.send("POST", "/api/profile-bulk-import-jobs", body, 202)["data"]["id"]
    statuses = []
    for _ in range(3):
        statuses.append(driver.send("GET", f"/api/profile-bulk-import-jobs/{job_id}")["data"]["attributes"]["status"])
        driver.clock.sleep(1)
    assert statuses == ["queued", "processing", "complete"]
    errors = driver.send("GET", f"/api/profile-bulk-import-jobs/{job_id}/import-errors")
    assert len(errors["data"]) == 1
    made = driver.send(
        "GET",
        f"/api/profile-bulk-import-jobs/{job_id}/profiles",
        params={"fields[profile]": "email", "page[size]": "2"},
    )
    assert [p["attributes"]["email"] for p in made["data"]] == ["i0@example.com", "i1@example.com"]
    assert "next" in made["links"]
    driver.send("GET", "/api/profile-bulk-import-jobs/NOPE", status=404)

    template = {"data": {"type": "template", "attributes": {"name": "T", "editor_type": "CODE", "html": "<p>Hi</p>"}}}
    template_id = driver.send("POST", "/api/templates", template, 201)["data"]["id"]
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
    created = driver.send("POST", "/api/campaigns", campaign, 201)
    campaign_id = created["data"]["id"]
    message_id = created["data"]["relationships"]["campaign-messages"]["data"][0]["id"]
    driver.send("GET", "/api/campaigns", filter="equals(messages.channel,'email')")
    driver.send("GET", "/api/campaigns", filter="equals(messages.channel,'fax')", status=400)
    driver.send("GET", f"/api/campaigns/{campaign_id}", include="campaign-messages")
    assign = {
        "data": {
            "type": "campaign-message",
            "id": message_id,
            "relationships": {"template": {"data": {"type": "template", "id": template_id}}},
        }
    }
    driver.send("POST", "/api/campaign-message-assign-template", assign)
    driver.send("POST", "/api/campaign-send-jobs", {"data": {"type": "campaign-send-job", "id": campaign_id}}, 202)
    driver.send("GET", f"/api/campaign-send-jobs/{campaign_id}")
    cancel = {"data": {"type": "campaign-send-job", "id": campaign_id, "attributes": {"action": "cancel"}}}
    driver.send("PATCH", f"/api/campaign-send-jobs/{campaign_id}", cancel, 204)
    driver.send("GET", "/api/campaign-send-jobs/NOPE", status=404)


GENERIC_JOBS = sorted(set(JOBS) - {"bulk_import_profiles", "send_campaign"})


def every_other_job_type(driver: Driver, spec: dict[str, Any]) -> None:
    kv = Klaviyo(api_key=API_KEY, transport=driver.fake.transport(), sleep=driver.clock.sleep, clock=driver.clock)
    for submit in GENERIC_JOBS:
        namespace = getattr(kv, OPERATIONS[submit].tag)
        job = getattr(namespace, f"submit_{submit}")(body=_body(submit, spec))
        job.wait()
        if JOBS[submit].result is not None:
            job.result()
        status = OPERATIONS[JOBS[submit].status].path  # type: ignore[index]
        driver.send("GET", status.replace("{id}", "NOPE").replace("{job_id}", "NOPE"), status=404)


def webhooks(driver: Driver) -> None:
    body = {
        "data": {
            "type": "webhook",
            "attributes": {"name": "SMS", "endpoint_url": "https://hooks.example.com/k", "secret_key": "s3cret"},
            "relationships": {"webhook-topics": {"data": [{"type": "webhook-topic", "id": "event:klaviyo.sent_sms"}]}},
        }
    }
    created = driver.send("POST", "/api/webhooks", body, 201)
    assert "secret_key" not in created["data"]["attributes"]
    driver.send("GET", "/api/webhooks")
    driver.send("GET", f"/api/webhooks/{created['data']['id']}")
    driver.send("DELETE", f"/api/webhooks/{created['data']['id']}", status=204)
    driver.send("GET", f"/api/webhooks/{created['data']['id']}", status=404)


def answers_for_no_key_and_unimplemented_routes(driver: Driver) -> None:
    anonymous = httpx.Client(transport=driver.fake.transport(), base_url=HOST)
    assert anonymous.get("/api/profiles", headers={"revision": "2026-07-15"}).status_code == 401
    driver.send("GET", "/api/flows", status=501)


def test_every_route_answers_as_the_spec_says(pinned_spec_path: Path) -> None:
    driver = Driver(pinned_spec_path)
    profiles_and_their_errors(driver)
    lists_members_segments_metrics_events(driver)
    templates_images_consent_bulk_events(driver)
    import_and_campaign_jobs(driver)
    every_other_job_type(driver, load(pinned_spec_path)[1])
    webhooks(driver)
    answers_for_no_key_and_unimplemented_routes(driver)
    sent = [(r.method, r.url.raw_path.decode("ascii").split("?", 1)[0]) for r in driver.fake.requests]
    missing = [
        f"{route.method} {route.pattern.pattern}"
        for route in driver.fake._routes
        if not any(m == route.method and route.pattern.match(path) for m, path in sent)
    ]
    assert missing == []
    assert {status for _, _, status in driver.answered} >= {200, 201, 202, 204, 400, 404, 409, 501}


def test_an_answer_the_spec_does_not_allow_fails_loudly(pinned_spec_path: Path) -> None:
    driver = Driver(pinned_spec_path)
    ident = driver.fake.add_profile(email="ada@example.com")["id"]
    driver.fake.store.resources["profile"][ident]["attributes"]["created"] = "not a date"
    answered = f"FakeKlaviyo answered GET /api/profiles/{ident} with 200, which the spec does not allow"
    with pytest.raises(AssertionError, match=answered):
        driver.send("GET", f"/api/profiles/{ident}")
