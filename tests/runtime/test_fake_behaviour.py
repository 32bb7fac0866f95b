"""FakeKlaviyo behaves as Klaviyo does where users' tests look: seeding, ``meta.patch_properties``,
``additional-fields[profile]`` (consent kept out of ``attributes``), ``filter=`` refused by the
endpoint's ``x-klaviyo-filters``, and a 10,000-profile import in one job."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from klaviyo_generated import BadRequestError, InputError, Klaviyo
from klaviyo_generated.filters import equals
from klaviyo_generated.models import ProfileImportJobCreateQuery
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock
from tests.runtime.client_harness import API_KEY

HOST = "https://a.klaviyo.com"
AUTH = {"Authorization": f"Klaviyo-API-Key {API_KEY}", "revision": "2026-07-15"}


def raw(fake: FakeKlaviyo) -> httpx.Client:
    return httpx.Client(transport=fake.transport(), base_url=HOST, headers=AUTH)


def raw_patch(fake: FakeKlaviyo, path: str, body: Any) -> httpx.Response:
    headers = {"Content-Type": "application/vnd.api+json"}
    return raw(fake).patch(path, content=json.dumps(body).encode(), headers=headers)


# -- seeding -----------------------------------------------------------------------------------------


def test_seeded_profiles_lists_and_segments_are_what_the_api_answers(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    ada = fake.add_profile(email="ada@example.com", first_name="Ada", properties={"plan": "pro"})
    bob = fake.add_profile(phone_number="+15005550006", id="BOB", subscribed=["sms"])
    vip = fake.add_list("VIP", members=[ada["id"], bob["id"], ada["id"]], id="VIP")
    fake.add_segment("Engaged")
    assert bob["id"] == "BOB"
    assert ada["attributes"] == {
        "created": "2026-01-01T00:00:00+00:00",
        "updated": "2026-01-01T00:00:00+00:00",
        "email": "ada@example.com",
        "first_name": "Ada",
        "properties": {"plan": "pro"},
    }
    found = kv.profiles.get_profile(ada["id"]).data.attributes
    assert found.properties
    assert (found.email, found.first_name, found.properties.to_dict()) == ("ada@example.com", "Ada", {"plan": "pro"})
    assert [p.id for p in kv.lists.iter_profiles_for_list(vip["id"])] == [ada["id"], "BOB"]
    assert [s.attributes.name for s in kv.segments.iter_segments()] == ["Engaged"]
    consent = kv.profiles.get_profile("BOB", additional_fields_profile=["subscriptions"]).data.attributes.subscriptions
    assert consent
    assert consent.sms
    assert consent.sms.marketing
    assert (consent.sms.marketing.consent, consent.sms.marketing.can_receive_sms_marketing) == ("SUBSCRIBED", True)
    assert fake.find_profile(email="ada@example.com") is ada
    assert fake.find_profile(phone_number="+15005550006") is bob
    assert fake.find_profile(email="nobody@example.com") is None


def test_seeding_refuses_what_klaviyo_would(fake: FakeKlaviyo) -> None:
    fake.add_profile(email="ada@example.com")
    with pytest.raises(InputError, match="a profile needs an email, phone_number or external_id"):
        fake.add_profile(first_name="Nobody")
    with pytest.raises(InputError, match=r"another profile already has email='ada@example\.com'"):
        fake.add_profile(email="ada@example.com")
    with pytest.raises(InputError, match="no profile has the id 'P404'; add it with add_profile first"):
        fake.add_list("VIP", members=["P404"])
    with pytest.raises(InputError, match="give exactly one of email, phone_number, external_id"):
        fake.find_profile()
    assert len(fake.store.resources["profile"]) == 1
    assert not fake.store.resources["list"]


# -- patch_properties ----------------------------------------------------------------------------------


def test_patch_properties_append_unappend_and_unset(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    ident = fake.add_profile(
        email="ada@example.com", properties={"skus": ["A"], "tier": "gold", "pet": "cat", "keep": 1}
    )["id"]
    upsert = {
        "data": {
            "type": "profile",
            "attributes": {"email": "ada@example.com", "properties": {"colour": "red"}},
            "meta": {"patch_properties": {"append": {"skus": ["B", "C"], "tags": "new"}, "unset": "tier"}},
        }
    }
    assert kv.request("POST", "/api/profile-import", json=upsert)["data"]["id"] == ident
    patch = {
        "data": {
            "type": "profile",
            "id": ident,
            "attributes": {},
            "meta": {"patch_properties": {"unappend": {"skus": "A"}, "unset": ["pet", "colour", "absent"]}},
        }
    }
    answer = kv.request("PATCH", f"/api/profiles/{ident}", json=patch)
    assert answer["data"]["attributes"]["properties"] == {"skus": ["B", "C"], "keep": 1, "tags": ["new"]}
    properties = kv.profiles.get_profile(ident).data.attributes.properties
    assert properties
    assert properties.to_dict() == {"skus": ["B", "C"], "keep": 1, "tags": ["new"]}


def test_an_update_merges_properties_and_refuses_anothers_email(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    ada = fake.add_profile(email="ada@example.com", properties={"a": 1})
    bob = fake.add_profile(email="bob@example.com")
    patch = {"data": {"type": "profile", "id": ada["id"], "attributes": {"properties": {"b": 2}}}}
    assert kv.request("PATCH", f"/api/profiles/{ada['id']}", json=patch)["data"]["attributes"]["properties"] == {
        "a": 1,
        "b": 2,
    }
    taken = {"data": {"type": "profile", "id": ada["id"], "attributes": {"email": "bob@example.com"}}}
    response = raw_patch(fake, f"/api/profiles/{ada['id']}", taken)
    assert response.status_code == 409
    assert response.json()["errors"][0]["meta"] == {"duplicate_profile_id": bob["id"]}
    # An identifier change moves the profile in the index: found by its new email, not its old one.
    moved = {"data": {"type": "profile", "id": ada["id"], "attributes": {"email": "lovelace@example.com"}}}
    kv.request("PATCH", f"/api/profiles/{ada['id']}", json=moved)
    assert fake.find_profile(email="lovelace@example.com") is ada
    assert fake.find_profile(email="ada@example.com") is None
    assert [p.id for p in kv.profiles.get_profiles(filter=equals("email", "lovelace@example.com")).data] == [ada["id"]]


# -- additional-fields, consent ---------------------------------------------------------------------------


def _consent_body(kind: str, email: str, consent: str, list_id: str | None = None) -> dict[str, Any]:
    profile = {"email": email, "subscriptions": {"email": {"marketing": {"consent": consent}}}}
    body: dict[str, Any] = {
        "data": {"type": kind, "attributes": {"profiles": {"data": [{"type": "profile", "attributes": profile}]}}}
    }
    if list_id is not None:
        body["data"]["relationships"] = {"list": {"data": {"type": "list", "id": list_id}}}
    return body


def test_subscriptions_follow_subscribe_unsubscribe_and_suppress(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    news = fake.add_list("News", id="NEWS")
    kv.request(
        "POST",
        "/api/profile-subscription-bulk-create-jobs",
        json=_consent_body("profile-subscription-bulk-create-job", "ada@example.com", "SUBSCRIBED", news["id"]),
    )
    ident = fake.find_profile(email="ada@example.com")["id"]  # type: ignore[index]
    assert fake.store.members["NEWS"] == [ident]
    plain = raw(fake).get(f"/api/profiles/{ident}").json()["data"]["attributes"]
    assert sorted(plain) == ["created", "email", "updated"]  # no consent in attributes, asked or not
    fetched = raw(fake).get(f"/api/profiles/{ident}", params={"additional-fields[profile]": "subscriptions"})
    assert fetched.json()["data"]["attributes"]["subscriptions"] == {
        "email": {
            "marketing": {
                "can_receive_email_marketing": True,
                "consent": "SUBSCRIBED",
                "consent_timestamp": "2026-01-01T00:00:00+00:00",
                "last_updated": "2026-01-01T00:00:00+00:00",
                "method": None,
                "method_detail": "",
                "custom_method_detail": None,
                "double_optin": None,
                "suppression": [],
                "list_suppressions": [],
            }
        },
        "sms": {
            "marketing": {
                "can_receive_sms_marketing": False,
                "consent": "NEVER_SUBSCRIBED",
                "consent_timestamp": None,
                "method": None,
                "method_detail": "",
                "last_updated": None,
            }
        },
    }

    def email_marketing() -> Any:
        found = kv.profiles.get_profile(ident, additional_fields_profile=["subscriptions"])
        subscriptions = found.data.attributes.subscriptions
        assert subscriptions
        assert subscriptions.email
        return subscriptions.email.marketing

    suppress = {"profiles": {"data": [{"type": "profile", "attributes": {"email": "ada@example.com"}}]}}
    kv.request(
        "POST",
        "/api/profile-suppression-bulk-create-jobs",
        json={"data": {"type": "profile-suppression-bulk-create-job", "attributes": suppress}},
    )
    marketing = email_marketing()
    assert (marketing.consent, marketing.can_receive_email_marketing) == ("SUBSCRIBED", False)
    assert [(s.reason, s.timestamp.isoformat()) for s in marketing.suppression] == [
        ("USER_SUPPRESSED", "2026-01-01T00:00:00+00:00")
    ]
    kv.request(
        "POST",
        "/api/profile-suppression-bulk-delete-jobs",
        json={"data": {"type": "profile-suppression-bulk-delete-job", "attributes": suppress}},
    )
    assert (email_marketing().suppression, email_marketing().can_receive_email_marketing) == ([], True)
    kv.request(
        "POST",
        "/api/profile-subscription-bulk-delete-jobs",
        json=_consent_body("profile-subscription-bulk-delete-job", "ada@example.com", "UNSUBSCRIBED"),
    )
    assert (email_marketing().consent, email_marketing().can_receive_email_marketing) == ("UNSUBSCRIBED", False)


def test_predictive_analytics_when_asked_on_every_profile_answer(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    ident = fake.add_profile(email="ada@example.com")["id"]
    fake.add_list("VIP", members=[ident], id="VIP")
    asked = {"additional-fields[profile]": "predictive_analytics"}
    empty = dict.fromkeys(
        [
            "historic_clv",
            "predicted_clv",
            "total_clv",
            "historic_number_of_orders",
            "predicted_number_of_orders",
            "average_days_between_orders",
            "average_order_value",
            "churn_probability",
            "expected_date_of_next_order",
            "ranked_channel_affinity",
        ]
    )
    for path in (f"/api/profiles/{ident}", "/api/profiles", "/api/lists/VIP/profiles"):
        document = raw(fake).get(path, params=asked).json()
        data = document["data"] if isinstance(document["data"], dict) else document["data"][0]
        assert data["attributes"]["predictive_analytics"] == empty, path
        assert "subscriptions" not in data["attributes"]
    assert "predictive_analytics" not in raw(fake).get("/api/profiles").json()["data"][0]["attributes"]
    assert kv.profiles.get_profiles(additional_fields_profile=["predictive_analytics"]).data[0].id == ident


# -- filter= ------------------------------------------------------------------------------------------


def _filter_error(detail: str) -> dict[str, Any]:
    return {
        "errors": [
            {
                "id": "fake-error",
                "status": 400,
                "code": "invalid",
                "title": "Invalid input.",
                "detail": detail,
                "source": {"parameter": "filter"},
                "links": {},
                "meta": {},
            }
        ]
    }


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (
            'equals(shoe_size,"9")',
            "Invalid filter provided: get_profiles cannot filter on 'shoe_size'; allowed fields: _kx, created, "
            "email, external_id, id, phone_number, subscriptions.email.marketing.list_suppressions.list_id, "
            "subscriptions.email.marketing.list_suppressions.reason, "
            "subscriptions.email.marketing.list_suppressions.timestamp, "
            "subscriptions.email.marketing.suppression.reason, subscriptions.email.marketing.suppression.timestamp, "
            "updated",
        ),
        (
            'contains(email,"ada")',
            "Invalid filter provided: get_profiles: contains on 'email' with a single value is not allowed; "
            "allowed: any, equals (list value); equals (single value)",
        ),
        (
            "equals(email,42)",
            "Invalid filter provided: get_profiles: 'email' takes string values, got 42",
        ),
        (
            'equals(email,"ada@example.com"',
            "Invalid filter provided: expected ')' at position 30 of 'equals(email,\"ada@example.com\"'.",
        ),
        (
            "equals(email,ada@example.com)",
            "Invalid filter provided: 'ada@example.com' is not a value (quote strings) at position 28 of "
            "'equals(email,ada@example.com)'.",
        ),
        ("shoe_size", "Invalid filter provided: expected '(' at position 4 of 'shoe_size'."),
    ],
)
def test_a_filter_klaviyo_rejects_is_a_400_naming_the_parameter(fake: FakeKlaviyo, text: str, detail: str) -> None:
    fake.add_profile(email="ada@example.com")
    response = raw(fake).get("/api/profiles", params={"filter": text})
    assert (response.status_code, response.json()) == (400, _filter_error(detail))


def test_the_client_raises_its_typed_400_for_a_plain_string_filter(kv: Klaviyo) -> None:
    with pytest.raises(BadRequestError) as caught:
        kv.profiles.get_profiles(filter='greater-than(email,"a")')
    assert [(e.code, e.source_parameter) for e in caught.value.errors] == [("invalid", "filter")]
    assert "greater-than on 'email' with a single value is not allowed" in str(caught.value)
    with pytest.raises(BadRequestError, match="get_lists cannot filter on 'email'"):
        kv.lists.get_lists(filter='equals(email,"a@b.co")')


def test_filters_klaviyo_accepts_select_what_they_say(kv: Klaviyo, fake: FakeKlaviyo, clock: VirtualClock) -> None:
    ids = [fake.add_profile(email=f"p{n}@example.com")["id"] for n in range(3)]
    clock.sleep(60)
    late = fake.add_profile(external_id="X-1")["id"]

    def selected(text: str) -> list[str]:
        return [str(p.id) for p in kv.profiles.get_profiles(filter=text).data]

    assert selected('any(email,["p0@example.com","p2@example.com"])') == [ids[0], ids[2]]
    assert selected("equals(email,'p1@example.com')") == [ids[1]]
    assert selected(f'equals(id,"{late}")') == [late]
    assert selected("greater-than(created,2026-01-01T00:00:30Z)") == [late]
    assert selected('less-than(created,2026-01-01T00:00:30+00:00),equals(email,"p1@example.com")') == [ids[1]]
    assert selected('and(less-than(updated,2026-01-01T00:01:00Z),equals(external_id,"X-1"))') == []


# -- the documented maximum import ---------------------------------------------------------------------------


def test_ten_thousand_profiles_in_one_import(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not validated against the spec here: that is the contract tests' job, and it would time openapi-core.
    monkeypatch.delenv("KLAVIYO_OPENAPI_SPEC", raising=False)
    clock = VirtualClock()
    fake = FakeKlaviyo(clock=clock)
    kv = Klaviyo(api_key=API_KEY, transport=fake.transport(), clock=clock, sleep=clock.sleep)
    profiles = [{"type": "profile", "attributes": {"email": f"p{i}@example.com"}} for i in range(10_000)]
    body = {"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": profiles}}}}
    job = kv.profiles.submit_bulk_import_profiles(body=ProfileImportJobCreateQuery.from_dict(body))
    job.wait()
    assert (job.progress.status, job.progress.completed, job.progress.total) == ("complete", 10_000, 10_000)
    assert len(fake.store.resources["profile"]) == 10_000
    found = [fake.find_profile(email=f"p{i}@example.com") for i in range(10_000)]
    assert [p["attributes"]["email"] for p in found if p is not None] == [f"p{i}@example.com" for i in range(10_000)]
    answer = kv.profiles.get_profiles(filter=equals("email", "p9999@example.com"))
    assert [p.attributes.email for p in answer.data] == ["p9999@example.com"]
    # Polled at 1 s (queued), then as the job's own hints say; one submit, a handful of polls, one lookup.
    assert len(fake.requests) < 12


def test_the_index_survives_resources_written_directly(fake: FakeKlaviyo) -> None:
    """Tests that wrote ``store.resources`` before seeding existed keep working: the index is rebuilt."""
    now = fake.store.now()
    fake.store.resources["profile"]["01H"] = {
        "type": "profile",
        "id": "01H",
        "attributes": {"email": "direct@example.com", "created": now, "updated": now},
        "relationships": {},
    }
    assert fake.find_profile(email="direct@example.com") is fake.store.resources["profile"]["01H"]
    fake.store.resources["profile"]["01H"]["attributes"]["email"] = "changed@example.com"
    assert fake.find_profile(email="direct@example.com") is None
    assert fake.find_profile(email="changed@example.com") is fake.store.resources["profile"]["01H"]


def test_the_answers_carry_no_fake_only_keys(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    kv.workflows.subscribe(emails=["ada@example.com"])
    listed = json.dumps(raw(fake).get("/api/profiles", params={"additional-fields[profile]": "subscriptions"}).json())
    assert "fake_consent" not in listed
    assert '"consent": "SUBSCRIBED"' in listed


def test_validate_responses_needs_a_spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from klaviyo_generated import ConfigurationError

    monkeypatch.delenv("KLAVIYO_OPENAPI_SPEC", raising=False)
    with pytest.raises(ConfigurationError, match=r"validate_responses=True needs spec= or \$KLAVIYO_OPENAPI_SPEC"):
        FakeKlaviyo(validate_responses=True)


def test_the_testing_reference_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "reference" / "testing.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    assert blocks, "the seeding section shows code"
    namespace: dict[str, Any] = {"__name__": "testing_md"}
    for block in blocks:
        exec(compile(block, str(page), "exec"), namespace)
    assert namespace["fake"].find_profile(email="ada@example.com")["attributes"]["first_name"] == "Ada"


def test_events_and_list_members_filter_too(kv: Klaviyo, fake: FakeKlaviyo, clock: VirtualClock) -> None:
    ada, bob = (fake.add_profile(email=f"{n}@example.com")["id"] for n in ("ada", "bob"))
    fake.add_list("VIP", members=[ada, bob], id="VIP")
    for email in ("ada@example.com", "bob@example.com"):
        event = {
            "data": {
                "type": "event",
                "attributes": {
                    "properties": {},
                    "metric": {"data": {"type": "metric", "attributes": {"name": "Viewed"}}},
                    "profile": {"data": {"type": "profile", "attributes": {"email": email}}},
                },
            }
        }
        kv.request("POST", "/api/events", json=event)
        clock.sleep(10)
    by_bob = kv.events.get_events(filter=f'equals(profile_id,"{bob}")').data
    assert [e.attributes.timestamp for e in by_bob] == [10]
    assert len(kv.events.get_events(filter="greater-or-equal(datetime,2026-01-01T00:00:05Z)").data) == 1
    members = kv.lists.get_profiles_for_list("VIP", filter='any(email,["ada@example.com"])').data
    assert [m.id for m in members] == [ada]
