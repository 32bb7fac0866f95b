"""``kv.workflows`` against FakeKlaviyo: what each action sends, what it returns, what it refuses."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from klaviyo_generated import AsyncKlaviyo, InputError, Klaviyo, NotFoundError
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock
from klaviyo_generated.types import Unset
from tests.runtime.client_harness import API_KEY


def sent(fake: FakeKlaviyo, method: str, path: str) -> list[Any]:
    return [
        json.loads(r.content) if r.content else None for r in fake.requests if (r.method, r.url.path) == (method, path)
    ]


def test_find_profile_by_each_identifier_with_the_chosen_order(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    created = kv.workflows.upsert_profile(email="ada@example.com", phone_number="+15005550006", external_id="shop-1")
    ident = str(created.data.id)
    for kwargs in (
        {"email": "ada@example.com"},
        {"phone_number": "+15005550006"},
        {"external_id": "shop-1"},
        {"id": ident},
    ):
        found = kv.workflows.find_profile(**kwargs)  # type: ignore[arg-type]
        assert found is not None
        assert found.id == ident
    assert kv.workflows.find_profile(email="nobody@example.com") is None
    kv.workflows.find_profile(email="ada@example.com", prefer="earliest_created")
    lookups = [r.url.params for r in fake.requests if r.url.path == "/api/profiles"]
    assert lookups[0]["filter"] == 'equals(email,"ada@example.com")'
    assert (lookups[0]["sort"], lookups[0]["page[size]"]) == ("-updated", "1")
    assert lookups[-1]["sort"] == "created"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({}, "pass exactly one of email, phone_number, external_id or id (got none)"),
        (
            {"email": "a@b.co", "id": "x"},
            "pass exactly one of email, phone_number, external_id or id (got ['email', 'id'])",
        ),
        ({"email": "not-an-email"}, "email must be an email address like name@example.com, got 'not-an-email'"),
        ({"phone_number": "555-1234"}, "phone_number must be an E.164 phone number like +15005550006, got '555-1234'"),
        ({"external_id": "  "}, "external_id must be a non-empty string"),
        ({"email": "a@b.co", "prefer": "newest"}, "prefer must be one of earliest_created, earliest_updated"),
    ],
)
def test_find_profile_refuses_bad_input_before_sending(
    kv: Klaviyo, fake: FakeKlaviyo, kwargs: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InputError) as caught:
        kv.workflows.find_profile(**kwargs)
    assert fragment in str(caught.value)
    assert fake.requests == []


def test_upsert_creates_then_updates_with_location_properties_and_unset(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    first = kv.workflows.upsert_profile(email="ada@example.com", first_name="Ada", properties={"tier": "gold"})
    again = kv.workflows.upsert_profile(
        email="ada@example.com", location={"city": "London"}, properties={"visits": 3}, unset=["tier"]
    )
    assert again.data.id == first.data.id
    bodies = sent(fake, "POST", "/api/profile-import")
    assert bodies[0] == {
        "data": {
            "type": "profile",
            "attributes": {"email": "ada@example.com", "first_name": "Ada", "properties": {"tier": "gold"}},
        }
    }
    assert bodies[1]["data"]["attributes"]["location"] == {"city": "London"}
    assert bodies[1]["data"]["meta"] == {"patch_properties": {"unset": ["tier"]}}
    with pytest.raises(
        InputError, match="a profile needs at least one of email, phone_number, external_id or profile_id"
    ):
        kv.workflows.upsert_profile(first_name="Nobody")
    with pytest.raises(InputError, match="unknown profile field 'nickname'"):
        kv.workflows.upsert_profile(email="ada@example.com", nickname="A")
    assert len(bodies) == 2


def test_add_to_a_list_by_ids_in_batches_of_1000(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    vip = kv.request("POST", "/api/lists", json={"data": {"type": "list", "attributes": {"name": "VIP"}}})["data"]["id"]
    scratch = kv.request("POST", "/api/lists", json={"data": {"type": "list", "attributes": {"name": "All"}}})
    ids = kv.workflows.add_to_list(scratch["data"]["id"], emails=[f"p{n}@example.com" for n in range(2001)])
    assert kv.workflows.add_to_list(vip, profile_ids=ids) == ids
    batches = sent(fake, "POST", f"/api/lists/{vip}/relationships/profiles")
    assert [len(b["data"]) for b in batches] == [1000, 1000, 1]
    assert batches[2] == {"data": [{"type": "profile", "id": ids[2000]}]}
    assert fake.store.members[vip] == ids


def test_add_and_remove_by_email_finding_or_creating_profiles(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    vip = kv.request("POST", "/api/lists", json={"data": {"type": "list", "attributes": {"name": "VIP"}}})["data"]["id"]
    existing = str(kv.workflows.upsert_profile(email="old@example.com").data.id)
    ids = kv.workflows.add_to_list(vip, emails=["old@example.com", "new@example.com"])
    assert ids[0] == existing
    new = kv.workflows.find_profile(email="new@example.com")
    assert new is not None
    assert new.id == ids[1]
    assert kv.workflows.remove_from_list(vip, emails=["new@example.com", "never@example.com"]) == [ids[1]]
    assert fake.store.members[vip] == [existing]


@pytest.mark.parametrize(
    ("args", "kwargs", "fragment"),
    [
        (("",), {"profile_ids": ["x"]}, "list_id must be a non-empty string"),
        (("L1",), {}, "pass either profile_ids= or emails="),
        (("L1",), {"profile_ids": ["a"], "emails": ["a@b.co"]}, "pass either profile_ids= or emails="),
        (("L1",), {"emails": ["a@b.co", "broken"]}, "emails[] must be an email address"),
    ],
)
def test_list_membership_refuses_bad_input_before_sending(
    kv: Klaviyo, fake: FakeKlaviyo, args: tuple[str], kwargs: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InputError) as caught:
        kv.workflows.add_to_list(*args, **kwargs)
    assert fragment in str(caught.value)
    assert fake.requests == []


def test_a_missing_list_is_klaviyos_404(kv: Klaviyo) -> None:
    profile = str(kv.workflows.upsert_profile(email="a@example.com").data.id)
    with pytest.raises(NotFoundError):
        kv.workflows.add_to_list("no-such-list", profile_ids=[profile])


def test_track_event_sends_metric_profile_value_currency_and_time(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    when = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    kv.workflows.track_event(
        "Placed Order",
        email="buyer@example.com",
        properties={"items": 2},
        value=9.5,
        currency="EUR",
        unique_id="o-1",
        time=when,
    )
    assert sent(fake, "POST", "/api/events") == [
        {
            "data": {
                "type": "event",
                "attributes": {
                    "properties": {"items": 2},
                    "metric": {"data": {"type": "metric", "attributes": {"name": "Placed Order"}}},
                    "profile": {"data": {"type": "profile", "attributes": {"email": "buyer@example.com"}}},
                    "value": 9.5,
                    "value_currency": "EUR",
                    "unique_id": "o-1",
                    "time": "2026-03-01T12:00:00+01:00",
                },
            }
        }
    ]
    assert [m["attributes"]["name"] for m in fake.store.resources["metric"].values()] == ["Placed Order"]
    with pytest.raises(InputError, match="an event needs a profile"):
        kv.workflows.track_event("Placed Order")
    with pytest.raises(InputError, match="currency must be an ISO 4217 code like USD"):
        kv.workflows.track_event("Placed Order", email="buyer@example.com", currency="euro")
    with pytest.raises(InputError, match="metric must be a non-empty string"):
        kv.workflows.track_event("", email="buyer@example.com")


def test_async_workflows_do_the_same(fake: FakeKlaviyo, clock: VirtualClock) -> None:
    async def main() -> tuple[Any, list[str]]:
        # The fake's import job moves on the virtual clock: the client's polls must sleep on it too.
        kv = AsyncKlaviyo(api_key=API_KEY, transport=fake.async_transport(), sleep=clock.asleep, clock=clock)
        created = await kv.workflows.upsert_profile(email="ada@example.com")
        found = await kv.workflows.find_profile(email="ada@example.com")
        vip = (await kv.request("POST", "/api/lists", json={"data": {"type": "list", "attributes": {"name": "VIP"}}}))[
            "data"
        ]["id"]
        ids = await kv.workflows.add_to_list(vip, emails=["ada@example.com", "new@example.com"])
        await kv.workflows.remove_from_list(vip, profile_ids=ids[1:])
        await kv.workflows.track_event("Viewed", email="ada@example.com")
        assert found is not None
        assert found.id == created.data.id
        return found, list(fake.store.members[vip])

    found, members = asyncio.run(main())
    assert members == [found.id]
    assert len(fake.store.resources["event"]) == 1


def test_subscribe_and_unsubscribe_in_the_documented_batches(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    emails = [f"s{n}@example.com" for n in range(1001)]
    receipts = kv.workflows.subscribe(
        emails=emails, phone_numbers=["+15005550006"], list_id="L1", custom_source="Checkout"
    )
    assert [r.operation for r in receipts] == ["bulk_subscribe_profiles"] * 2
    batches = sent(fake, "POST", "/api/profile-subscription-bulk-create-jobs")
    assert [len(b["data"]["attributes"]["profiles"]["data"]) for b in batches] == [1000, 2]
    assert batches[0]["data"]["relationships"] == {"list": {"data": {"type": "list", "id": "L1"}}}
    assert batches[0]["data"]["attributes"]["custom_source"] == "Checkout"
    assert batches[1]["data"]["attributes"]["profiles"]["data"][1] == {
        "type": "profile",
        "attributes": {
            "phone_number": "+15005550006",
            "subscriptions": {"sms": {"marketing": {"consent": "SUBSCRIBED"}}},
        },
    }
    kv.workflows.unsubscribe(emails=emails[:150])
    assert [
        len(b["data"]["attributes"]["profiles"]["data"])
        for b in sent(fake, "POST", "/api/profile-subscription-bulk-delete-jobs")
    ] == [100, 50]

    def consent(email: str) -> str | None:
        profile = fake.find_profile(email=email)
        assert profile is not None
        found = kv.profiles.get_profile(profile["id"], additional_fields_profile=["subscriptions"])
        subscriptions = found.data.attributes.subscriptions
        assert subscriptions
        assert subscriptions.email
        assert subscriptions.email.marketing
        return subscriptions.email.marketing.consent

    assert (consent("s0@example.com"), consent("s500@example.com")) == ("UNSUBSCRIBED", "SUBSCRIBED")
    with pytest.raises(InputError, match="pass at least one email"):
        kv.workflows.subscribe()
    with pytest.raises(InputError, match=r"phone_numbers\[\] must be an E.164 phone number"):
        kv.workflows.subscribe(phone_numbers=["5551234"])


def test_bulk_track_events_in_batches_of_1000(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    events = [{"metric": "Viewed", "email": f"v{n % 3}@example.com", "properties": {"n": n}} for n in range(1500)]
    receipts = kv.workflows.bulk_track_events(events)
    assert len(receipts) == 2
    batches = sent(fake, "POST", "/api/event-bulk-create-jobs")
    assert [len(b["data"]["attributes"]["events-bulk-create"]["data"]) for b in batches] == [1000, 500]
    assert len(fake.store.resources["event"]) == 1500
    with pytest.raises(InputError, match=r"events\[1\] needs a profile"):
        kv.workflows.bulk_track_events([events[0], {"metric": "Viewed"}])
    with pytest.raises(InputError, match=r"events\[0\] has unknown keys \['colour'\]"):
        kv.workflows.bulk_track_events([{"metric": "Viewed", "email": "a@b.co", "colour": "red"}])
    assert len(batches) == 2


def test_upload_image_from_a_file_a_url_or_a_data_uri(kv: Klaviyo, fake: FakeKlaviyo, tmp_path: Any) -> None:
    picture = tmp_path / "logo.png"
    picture.write_bytes(b"\x89PNG fake image bytes")
    uploaded = kv.workflows.upload_image(path=picture)
    upload = next(r for r in fake.requests if r.url.path == "/api/image-upload")
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b"\x89PNG fake image bytes" in upload.content
    assert b'filename="logo.png"' in upload.content
    assert uploaded.data.attributes.name == "upload"
    kv.workflows.upload_image(url="https://example.com/banner.jpg", name="Banner")
    kv.workflows.upload_image(url="data:image/png;base64,iVBORw0KGgo=")
    assert [b["data"]["attributes"]["import_from_url"][:22] for b in sent(fake, "POST", "/api/images")] == [
        "https://example.com/ba",
        "data:image/png;base64,",
    ]
    for kwargs, fragment in (
        ({}, "pass either path= (a local file) or url="),
        ({"url": "ftp://x/y.png"}, "url must be an http(s) URL or a data:image/... URI"),
        ({"path": tmp_path / "missing.png"}, "is not a readable file"),
    ):
        with pytest.raises(InputError, match=re.escape(fragment)):
            kv.workflows.upload_image(**kwargs)


def test_suppress_and_unsuppress_run_as_jobs_of_100(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    emails = [f"x{n}@example.com" for n in range(150)]
    jobs = kv.workflows.suppress(emails=emails)
    assert [
        len(b["data"]["attributes"]["profiles"]["data"])
        for b in sent(fake, "POST", "/api/profile-suppression-bulk-create-jobs")
    ] == [100, 50]
    assert all(job.wait().data.attributes.status == "complete" for job in jobs)
    assert len(kv.workflows.unsuppress(emails=emails[:1])) == 1
    with pytest.raises(InputError, match=r"emails\[\] must be an email address"):
        kv.workflows.suppress(emails=["nope"])


def test_a_campaign_is_created_given_a_template_sent_and_reverted(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    template = kv.request(
        "POST",
        "/api/templates",
        json={"data": {"type": "template", "attributes": {"name": "T", "editor_type": "CODE", "html": "<p>Hi</p>"}}},
    )
    campaign = kv.workflows.create_campaign(
        "Spring sale", list_ids=["L1"], subject="Spring is here", from_email="shop@example.com", from_label="Shop"
    )
    created = sent(fake, "POST", "/api/campaigns")[0]["data"]["attributes"]
    assert created["audiences"] == {"included": ["L1"], "excluded": []}
    assert created["campaign-messages"]["data"][0]["attributes"]["definition"] == {
        "channel": "email",
        "label": "Spring sale",
        "content": {"subject": "Spring is here", "from_label": "Shop", "from_email": "shop@example.com"},
    }
    # The documented models say which parts may be absent: narrowing them is all a type checker asks.
    relationships = campaign.data.relationships
    assert not isinstance(relationships, Unset)
    assert not isinstance(relationships.campaign_messages, Unset)
    messages = relationships.campaign_messages.data
    assert not isinstance(messages, Unset)
    assigned = kv.workflows.assign_template(messages[0].id, template["data"]["id"])
    assert not isinstance(assigned.data.relationships, Unset)
    assert not isinstance(assigned.data.relationships.template, Unset)
    assert not isinstance(assigned.data.relationships.template.data, Unset)
    assert assigned.data.relationships.template.data.id == template["data"]["id"]
    final = kv.workflows.send_campaign(str(campaign.data.id))
    assert final.data.attributes.status == "complete"
    assert kv.campaigns.get_campaign(str(campaign.data.id)).data.attributes.status == "Sent"
    kv.workflows.cancel_campaign(str(campaign.data.id))
    kv.workflows.revert_campaign(str(campaign.data.id))
    assert kv.campaigns.get_campaign(str(campaign.data.id)).data.attributes.status == "Draft"
    with pytest.raises(InputError, match="list_ids= needs at least one list or segment id"):
        kv.workflows.create_campaign("Empty", list_ids=[])
    with pytest.raises(InputError, match="from_email must be an email address"):
        kv.workflows.create_campaign("Bad", list_ids=["L1"], from_email="shop")


def test_update_by_klaviyo_id(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    ident = str(kv.workflows.upsert_profile(email="ada@example.com").data.id)
    updated = kv.workflows.upsert_profile(profile_id=ident, last_name="Lovelace")
    assert str(updated.data.id) == ident
    assert sent(fake, "POST", "/api/profile-import")[-1] == {
        "data": {"type": "profile", "id": ident, "attributes": {"last_name": "Lovelace"}}
    }
    assert fake.store.resources["profile"][ident]["attributes"]["last_name"] == "Lovelace"
    with pytest.raises(InputError, match="profile_id must be a non-empty string"):
        kv.workflows.upsert_profile(profile_id="", first_name="X")


# -- a lone string where a list of strings is expected ----------------------------------------------

EMAIL = "ada@example.com"
SINGLE = f"takes a list, like [{EMAIL!r}], not a single str; got {EMAIL!r}"
# (workflow, positional arguments, keyword arguments, the refusal)
LoneValue = tuple[str, tuple[Any, ...], dict[str, Any], str]
LONE_VALUES: list[LoneValue] = [
    ("add_to_list", ("L1",), {"emails": EMAIL}, f"emails= {SINGLE}"),
    (
        "add_to_list",
        ("L1",),
        {"profile_ids": "01P"},
        "profile_ids= takes a list, like ['01P'], not a single str; got '01P'",
    ),
    ("remove_from_list", ("L1",), {"emails": EMAIL}, f"emails= {SINGLE}"),
    ("subscribe", (), {"emails": EMAIL}, f"emails= {SINGLE}"),
    (
        "subscribe",
        (),
        {"emails": [EMAIL], "phone_numbers": "+15005550006"},
        "phone_numbers= takes a list, like ['+15005550006'], not a single str; got '+15005550006'",
    ),
    ("unsubscribe", (), {"emails": EMAIL}, f"emails= {SINGLE}"),
    ("suppress", (), {"emails": EMAIL}, f"emails= {SINGLE}"),
    (
        "unsuppress",
        (),
        {"emails": EMAIL.encode()},
        f"emails= takes a list, like ['...'], not a single bytes; got {EMAIL.encode()!r}",
    ),
    ("suppress", (), {"emails": 7}, "emails= takes a list (or another iterable); got int"),
    (
        "create_campaign",
        ("Sale",),
        {"list_ids": "L1"},
        "list_ids= takes a list, like ['L1'], not a single str; got 'L1'",
    ),
    (
        "create_campaign",
        ("Sale",),
        {"list_ids": ["L1"], "excluded_list_ids": "L2"},
        "excluded_list_ids= takes a list, like ['L2'], not a single str; got 'L2'",
    ),
    (
        "upsert_profile",
        (),
        {"email": EMAIL, "unset": "tier"},
        "unset= takes a list, like ['tier'], not a single str; got 'tier'",
    ),
    (
        "bulk_track_events",
        ({"metric": "Viewed", "email": EMAIL},),
        {},
        "events= takes a list of events (mappings), not a single one: pass [event]",
    ),
    ("bulk_track_events", ("Viewed",), {}, "events= takes a list, like ['Viewed'], not a single str; got 'Viewed'"),
    ("bulk_track_events", (["Viewed"],), {}, "events[0] must be a mapping of track_event's arguments; got str"),
]
LONE_IDS = [f"{row[0]}-{sorted(row[2]) or 'events'}" for row in LONE_VALUES]


@pytest.mark.parametrize("row", LONE_VALUES, ids=LONE_IDS)
def test_a_lone_string_is_refused_where_a_list_is_expected(kv: Klaviyo, fake: FakeKlaviyo, row: LoneValue) -> None:
    workflow, args, kwargs, message = row
    with pytest.raises(InputError) as caught:
        getattr(kv.workflows, workflow)(*args, **kwargs)
    assert str(caught.value) == message
    assert fake.requests == []


@pytest.mark.parametrize("row", LONE_VALUES, ids=LONE_IDS)
def test_a_lone_string_is_refused_where_a_list_is_expected_async(fake: FakeKlaviyo, row: LoneValue) -> None:
    workflow, args, kwargs, message = row

    async def main() -> None:
        async with AsyncKlaviyo(api_key=API_KEY, transport=fake.async_transport()) as kv:
            with pytest.raises(InputError) as caught:
                await getattr(kv.workflows, workflow)(*args, **kwargs)
            assert str(caught.value) == message

    asyncio.run(main())
    assert fake.requests == []


def test_any_iterable_of_strings_is_still_taken(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    receipts = kv.workflows.subscribe(emails=(e for e in [EMAIL, "bob@example.com"]), phone_numbers=("+15005550006",))
    assert len(receipts) == 1
    profiles = sent(fake, "POST", "/api/profile-subscription-bulk-create-jobs")[0]["data"]["attributes"]["profiles"]
    assert [p["attributes"].get("email", p["attributes"].get("phone_number")) for p in profiles["data"]] == [
        EMAIL,
        "bob@example.com",
        "+15005550006",
    ]
    kv.workflows.upsert_profile(email=EMAIL, unset=("tier",))
    assert sent(fake, "POST", "/api/profile-import")[-1]["data"]["meta"] == {"patch_properties": {"unset": ["tier"]}}
