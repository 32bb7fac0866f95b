"""``FakeKlaviyo.deliver_webhook``: deliveries in Klaviyo's shape, signed as Klaviyo signs them, to a callable or
a URL (through an ``httpx.MockTransport``: nothing leaves the process)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from klaviyo_generated import InputError, Klaviyo, WebhookDelivery, unwrap_webhook
from klaviyo_generated.models import EventCreateQueryV2, WebhookCreateQuery
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock

SECRET = "whsec-fake-0123456789"
PAYLOAD = {"data": {"type": "event", "id": "E1", "attributes": {"uuid": "u-1"}}}


def test_a_delivery_to_a_callable_is_signed_as_klaviyo_signs_and_stamped_with_the_fake_clock() -> None:
    clock = VirtualClock(90.0)
    fake = FakeKlaviyo(clock=clock)
    received: list[tuple[bytes, dict[str, str]]] = []

    def handler(body: bytes, headers: dict[str, str]) -> str:
        received.append((body, headers))
        return "ok"

    sent = fake.deliver_webhook(handler, secret=SECRET, topic="event:klaviyo.sent_sms", payloads=[PAYLOAD])
    [(body, headers)] = received
    assert (sent.result, sent.body, sent.headers) == ("ok", body, headers)
    assert json.loads(body) == {
        "data": [{"external_id": "E1", "topic": "event:klaviyo.sent_sms", "payload": PAYLOAD}],
        "meta": {
            "klaviyo_account_id": "FAKE01",
            "klaviyo_webhook_id": "01FAKEWEBHOOK00000000000000",
            "timestamp": "2026-01-01T00:01:30+00:00",
        },
    }
    # Computed here independently of the package: hex HMAC-SHA256 of the body, then the timestamp.
    expected = hmac.new(SECRET.encode(), body + b"Thu, 01 Jan 2026 00:01:30 GMT", hashlib.sha256).hexdigest()
    assert headers == {
        "Content-Type": "application/json",
        "Klaviyo-Signature": expected,
        "Klaviyo-Timestamp": "Thu, 01 Jan 2026 00:01:30 GMT",
        "Klaviyo-Webhook-Id": "01FAKEWEBHOOK00000000000000",
    }
    assert fake.now() == datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)
    delivery = unwrap_webhook(body, headers, secret=SECRET, now=fake.now())
    assert [(item.topic, item.external_id, item.payload.data.id) for item in delivery] == [
        ("event:klaviyo.sent_sms", "E1", "E1")
    ]


def test_stored_events_are_delivered_as_get_event_answers_with_their_metric_and_profile() -> None:
    clock = VirtualClock()
    fake = FakeKlaviyo(clock=clock)
    body = EventCreateQueryV2.from_dict(
        {
            "data": {
                "type": "event",
                "attributes": {
                    "properties": {"sku": "A1"},
                    "metric": {"data": {"type": "metric", "attributes": {"name": "Viewed Product"}}},
                    "profile": {"data": {"type": "profile", "attributes": {"email": "ada@example.com"}}},
                },
            }
        }
    )
    with Klaviyo(api_key="pk_test", transport=fake.transport(), clock=clock, sleep=clock.sleep) as kv:
        kv.events.create_event(body=body)
        listed = kv.events.get_events()
    [event] = listed.data
    clock.sleep(5)
    sent = fake.deliver_webhook(
        lambda body, headers: unwrap_webhook(body, headers, secret=SECRET, now=fake.now()),
        secret=SECRET,
        topic="event:api.viewed_product",
        events=[str(event.id)],
        webhook_id="01WEBHOOK",
        account_id="AbC123",
    )
    delivery = sent.result
    assert isinstance(delivery, WebhookDelivery)
    assert (delivery.webhook_id, delivery.account_id, delivery.timestamp) == (
        "01WEBHOOK",
        "AbC123",
        datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC),
    )
    [item] = delivery
    assert (item.topic, item.external_id) == ("event:api.viewed_product", event.id)
    assert item.raw_payload["data"] == listed.to_dict()["data"][0]  # as the fake answers for the event
    assert sorted(resource["type"] for resource in item.raw_payload["included"]) == ["metric", "profile"]
    assert item.payload.data.to_dict()["attributes"]["event_properties"] == {"sku": "A1"}


def test_a_delivery_to_a_url_is_one_post_through_the_given_transport() -> None:
    fake = FakeKlaviyo(clock=VirtualClock())
    seen: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        unwrap_webhook(request.content, request.headers, secret=SECRET, now=fake.now())
        return httpx.Response(204)

    sent = fake.deliver_webhook(
        "https://hooks.example.com/klaviyo?token=1",
        secret=SECRET,
        topic="event:klaviyo.opened_email",
        payloads=[PAYLOAD, {"data": {"type": "event", "id": "E2", "attributes": {}}}],
        transport=httpx.MockTransport(endpoint),
    )
    [request] = seen
    assert (request.method, str(request.url)) == ("POST", "https://hooks.example.com/klaviyo?token=1")
    assert request.content == sent.body
    assert {name: request.headers[name] for name in sent.headers} == sent.headers
    assert [item["external_id"] for item in json.loads(request.content)["data"]] == ["E1", "E2"]
    assert isinstance(sent.result, httpx.Response)
    assert sent.result.status_code == 204


def test_a_fake_without_a_clock_stamps_the_current_time_so_a_production_handler_accepts_it() -> None:
    fake = FakeKlaviyo()
    before = datetime.now(UTC).replace(microsecond=0)
    sent = fake.deliver_webhook(
        lambda body, headers: unwrap_webhook(body, headers, secret=SECRET),  # no now=: the real clock
        secret=SECRET,
        topic="event:klaviyo.sent_sms",
        payloads=[PAYLOAD],
    )
    assert before <= sent.result.timestamp <= datetime.now(UTC)


def test_sent_at_and_a_bytes_secret_are_used_as_given() -> None:
    fake = FakeKlaviyo()
    sent_at = datetime(2024, 1, 4, 19, 5, 25, tzinfo=UTC) + timedelta(hours=-1)
    sent = fake.deliver_webhook(lambda b, h: h, secret=SECRET.encode(), topic="t", payloads=[PAYLOAD], sent_at=sent_at)
    assert sent.result["Klaviyo-Timestamp"] == "Thu, 04 Jan 2024 18:05:25 GMT"
    unwrap_webhook(sent.body, sent.headers, secret=SECRET, now=sent_at)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"topic": "t"}, "give events= (stored events or their ids) or payloads= (Get Event answers) to deliver"),
        ({"topic": "", "payloads": [PAYLOAD]}, "topic is a webhook topic such as 'event:klaviyo.sent_sms'"),
        ({"topic": "t", "events": ["nope"]}, "no stored event has the id 'nope'"),
        (
            {"topic": "t", "payloads": [PAYLOAD], "target": "ftp://x"},
            "target is a callable(body, headers) or an http(s) URL; got 'ftp://x'",
        ),
    ],
)
def test_what_cannot_be_delivered_is_an_input_error(arguments: dict[str, Any], message: str) -> None:
    target = arguments.pop("target", lambda body, headers: None)
    with pytest.raises(InputError) as caught:
        FakeKlaviyo().deliver_webhook(target, secret=SECRET, **arguments)
    assert str(caught.value) == message


def test_a_webhook_created_through_the_api_is_delivered_to_its_endpoint_with_its_secret(pinned_spec_path: Path) -> None:
    clock = VirtualClock()
    fake = FakeKlaviyo(
        clock=clock, spec=pinned_spec_path, validate_responses=True
    )  # its answers checked against the spec
    with Klaviyo(api_key="pk_test", transport=fake.transport(), clock=clock, sleep=clock.sleep) as kv:
        created = kv.webhooks.create_webhook(
            body=WebhookCreateQuery.from_dict(
                {
                    "data": {
                        "type": "webhook",
                        "attributes": {
                            "name": "SMS",
                            "endpoint_url": "https://hooks.example.com/klaviyo",
                            "secret_key": SECRET,
                        },
                        "relationships": {
                            "webhook-topics": {"data": [{"type": "webhook-topic", "id": "event:klaviyo.sent_sms"}]}
                        },
                    }
                }
            )
        )
        webhook_id = str(created.data.id)
        assert "secret_key" not in created.to_dict()["data"]["attributes"]  # Klaviyo never answers it
        assert [str(w.id) for w in kv.webhooks.get_webhooks().data] == [webhook_id]
        assert kv.webhooks.get_webhook(webhook_id).data.attributes.endpoint_url == "https://hooks.example.com/klaviyo"

        seen: list[httpx.Request] = []

        def endpoint(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            delivery = unwrap_webhook(request.content, request.headers, secret=SECRET, now=fake.now())
            return httpx.Response(200, json={"webhook": delivery.webhook_id})

        sent = fake.deliver_webhook(
            webhook=webhook_id,
            topic="event:klaviyo.sent_sms",
            payloads=[PAYLOAD],
            transport=httpx.MockTransport(endpoint),
        )
        assert str(seen[0].url) == "https://hooks.example.com/klaviyo"
        assert sent.headers["Klaviyo-Webhook-Id"] == webhook_id
        assert sent.result.json() == {"webhook": webhook_id}

        kv.webhooks.delete_webhook(webhook_id)
    with pytest.raises(InputError) as caught:
        fake.deliver_webhook(webhook=webhook_id, topic="t", payloads=[PAYLOAD])
    assert str(caught.value) == (
        f"no stored webhook has the id {webhook_id!r}; create it with kv.webhooks.create_webhook"
    )
    with pytest.raises(InputError, match=r"^give target= and secret=, or webhook= \(a stored webhook's id\)$"):
        fake.deliver_webhook(lambda body, headers: None, topic="t", payloads=[PAYLOAD])
