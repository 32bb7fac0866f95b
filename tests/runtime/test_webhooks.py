"""``klaviyo_generated.webhooks``: Klaviyo's system webhook signature, timestamp window and webhook id, checked
with exact errors; deliveries read typed.

The signing scheme is Klaviyo's documented one (HMAC-SHA256, key = the webhook's secret_key, message = raw
body then the Klaviyo-Timestamp value, hex). Klaviyo publishes no body or secret behind its example
signature, so the vectors here are computed outside Python with ``openssl dgst -sha256 -hmac`` (see
``SIGNATURE``), and one is a third party's published vector for the same scheme.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

import klaviyo_generated
from klaviyo_generated import (
    ArgumentTypeError,
    ConfigurationError,
    FieldDecodeError,
    MissingFieldError,
    WebhookDelivery,
    WebhookItem,
    WebhookVerificationError,
    unwrap_webhook,
    verify_webhook,
)
from klaviyo_generated.models import GetEventResponseCompoundDocument, MetricResponseObjectResource
from klaviyo_generated.webhooks import sign_webhook

SECRET = "klaviyo-test-secret-0123456789"
WEBHOOK_ID = "a8b890458b4bbfaa26d961471b83c101d6de23bd826e7e5173a15310985ec3cb"  # Klaviyo's example header value
TIMESTAMP = "Thu, 04 Jan 2024 18:05:25 GMT"  # Klaviyo's example Klaviyo-Timestamp
SENT = datetime(2024, 1, 4, 18, 5, 25, tzinfo=UTC)
BODY = (
    b'{"data":[{"external_id":"4L3cwQae2TX","topic":"event:klaviyo.sent_sms","payload":{"data":{"type":"event",'
    b'"id":"4L3cwQae2TX","attributes":{}}}}],"meta":{"klaviyo_account_id":"AbC123","klaviyo_webhook_id":'
    b'"a8b890458b4bbfaa26d961471b83c101d6de23bd826e7e5173a15310985ec3cb","timestamp":"2024-01-04T18:05:25+00:00"}}'
)
# printf '%s' "$BODY$TIMESTAMP" | openssl dgst -sha256 -hmac "$SECRET"
SIGNATURE = "79e2d949278dbdbb34763a6dfc3a1fb5a2941306ced8c80b7f0f8f6765ed847b"
# The same, timestamp first: the easy mistake, which must not verify.
TIMESTAMP_FIRST = "d2b7b4ce91b895f9cd2eb6cc3f316e2659c1dbf1068709715851d3b7af4b6931"


def headers(**changed: str) -> dict[str, str]:
    values = {"Klaviyo-Signature": SIGNATURE, "Klaviyo-Timestamp": TIMESTAMP, "Klaviyo-Webhook-Id": WEBHOOK_ID}
    return {"Content-Type": "application/json", **values, **changed}


def signed(document: Any, *, webhook_id: str = WEBHOOK_ID, timestamp: str = TIMESTAMP) -> tuple[bytes, dict[str, str]]:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    signature = sign_webhook(body, timestamp=timestamp, secret=SECRET)
    return body, {"Klaviyo-Signature": signature, "Klaviyo-Timestamp": timestamp, "Klaviyo-Webhook-Id": webhook_id}


def refused(
    body: Any, given: Any, *, secret: Any = SECRET, now: datetime = SENT, **options: Any
) -> WebhookVerificationError:
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(body, given, secret=secret, now=now, **options)
    error = caught.value
    for text in (str(error), repr(error), *map(str, error.args)):
        assert SECRET not in text
        assert SIGNATURE not in text
    return error


# --- the scheme ---------------------------------------------------------------------------------------------


def test_the_signature_is_the_hex_hmac_of_body_then_timestamp() -> None:
    assert sign_webhook(BODY, timestamp=TIMESTAMP, secret=SECRET) == SIGNATURE
    assert sign_webhook(BODY, timestamp=TIMESTAMP, secret=SECRET.encode()) == SIGNATURE


def test_a_third_partys_published_vector_for_the_same_scheme() -> None:
    # webhook-verify crates' Klaviyo vectors (body + "Thu, 04 Jan 2024 18:05:25 GMT", key "klaviyo-test-secret").
    body = (
        b'{"data":[{"external_id":"4L3cwQae2TX","topic":"event:klaviyo.sent_sms"}],'
        b'"meta":{"klaviyo_webhook_id":"a8b890458b4bbfaa26d961471b83c101d6de23bd826e7e5173a15310985ec3cb"}}'
    )
    assert sign_webhook(body, timestamp=TIMESTAMP, secret="klaviyo-test-secret") == (
        "5aa0e720d80b3a04ca04baf3c65cdfe31da57504af69fee8da29c35d45f0596b"
    )
    assert sign_webhook(b"", timestamp=TIMESTAMP, secret="klaviyo-test-secret") == (
        "20207af32de1a92c348f827f1eace8aefdcc554c6fc41e1e5625d4480a1cf059"
    )


def test_a_valid_delivery_verifies_and_its_body_comes_back_parsed() -> None:
    assert verify_webhook(BODY, headers(), secret=SECRET, now=SENT) == json.loads(BODY)


def test_klaviyos_documented_example_headers_are_well_formed_but_their_body_and_secret_are_unpublished() -> None:
    documented = headers(**{"Klaviyo-Signature": "e6c00e313eaea50ca3b89a7de5a782a2014f96fb8315c065898c669d831912d1"})
    assert refused(BODY, documented).reason == "bad_signature"


def test_the_timestamp_first_order_does_not_verify() -> None:
    error = refused(BODY, headers(**{"Klaviyo-Signature": TIMESTAMP_FIRST}))
    assert (error.reason, error.header) == ("bad_signature", "Klaviyo-Signature")
    assert str(error) == (
        "webhook refused (bad_signature): Klaviyo-Signature does not match the body and Klaviyo-Timestamp for "
        "this secret: not sent by Klaviyo, changed on the way, or signed with another webhook's secret"
    )


def test_uppercase_hex_and_surrounding_spaces_are_the_same_signature() -> None:
    assert verify_webhook(BODY, headers(**{"Klaviyo-Signature": f" {SIGNATURE.upper()} "}), secret=SECRET, now=SENT)


# --- what does not verify ------------------------------------------------------------------------------------


def test_a_tampered_body_wrong_secret_or_changed_timestamp_is_a_bad_signature() -> None:
    assert refused(BODY.replace(b"sent_sms", b"sent_smz"), headers()).reason == "bad_signature"
    assert refused(BODY + b" ", headers()).reason == "bad_signature"
    assert refused(BODY, headers(), secret="another-secret-0123456789").reason == "bad_signature"
    later = "Thu, 04 Jan 2024 18:05:26 GMT"  # one second later: a different signed text
    assert refused(BODY, headers(**{"Klaviyo-Timestamp": later})).reason == "bad_signature"


def test_a_stale_timestamp_is_refused_past_the_tolerance_and_accepted_up_to_it() -> None:
    assert verify_webhook(BODY, headers(), secret=SECRET, now=SENT + timedelta(seconds=300))
    error = refused(BODY, headers(), now=SENT + timedelta(seconds=301))
    assert (error.reason, error.header) == ("stale_timestamp", "Klaviyo-Timestamp")
    assert str(error) == (
        "webhook refused (stale_timestamp): Klaviyo-Timestamp is 301 s old, more than the 300 s allowed "
        "(a replay, or a late delivery)"
    )
    assert refused(BODY, headers(), now=SENT + timedelta(seconds=61), tolerance=60).reason == "stale_timestamp"


def test_a_future_timestamp_is_refused_past_the_tolerance() -> None:
    assert verify_webhook(BODY, headers(), secret=SECRET, now=SENT - timedelta(seconds=300))
    error = refused(BODY, headers(), now=SENT - timedelta(seconds=301))
    assert (error.reason, error.header) == ("future_timestamp", "Klaviyo-Timestamp")
    assert str(error) == (
        "webhook refused (future_timestamp): Klaviyo-Timestamp is 301 s in the future, more than the 300 s "
        "allowed (check this machine's clock)"
    )


def test_tolerance_none_skips_the_window_but_not_the_signature() -> None:
    a_year_later = SENT + timedelta(days=365)
    assert verify_webhook(BODY, headers(), secret=SECRET, tolerance=None, now=a_year_later)
    assert refused(BODY + b" ", headers(), tolerance=None, now=a_year_later).reason == "bad_signature"


def test_the_window_uses_the_current_time_by_default() -> None:
    with pytest.raises(WebhookVerificationError, match=r"\(stale_timestamp\)"):
        verify_webhook(BODY, headers(), secret=SECRET)  # sent in 2024
    now = datetime.now(UTC).replace(microsecond=0)
    body, fresh = signed(json.loads(BODY), timestamp=now.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert verify_webhook(body, fresh, secret=SECRET)["meta"]["klaviyo_webhook_id"] == WEBHOOK_ID


def test_a_naive_now_is_utc_and_other_timestamp_spellings_are_read() -> None:
    assert verify_webhook(BODY, headers(), secret=SECRET, now=SENT.replace(tzinfo=None))
    for spelling in ("Thu, 04 Jan 2024 19:05:25 +0100", "1704391525", "Thu, 04 Jan 2024 18:05:25"):
        body, given = signed(BODY, timestamp=spelling)
        assert unwrap_webhook(body, given, secret=SECRET, now=SENT, tolerance=1).timestamp == SENT


def test_a_webhook_id_that_differs_from_the_bodys_is_refused() -> None:
    body, given = signed(BODY, webhook_id="01OTHERWEBHOOK")
    error = refused(body, given)
    assert (error.reason, error.header) == ("webhook_id_mismatch", "Klaviyo-Webhook-Id")
    assert str(error) == (
        "webhook refused (webhook_id_mismatch): Klaviyo-Webhook-Id '01OTHERWEBHOOK' is not the body's "
        f"meta.klaviyo_webhook_id '{WEBHOOK_ID}'; Klaviyo sends the same id in both"
    )


@pytest.mark.parametrize("name", ["Klaviyo-Signature", "Klaviyo-Timestamp", "Klaviyo-Webhook-Id"])
def test_each_missing_header_is_named(name: str) -> None:
    given = {key: value for key, value in headers().items() if key != name}
    error = refused(BODY, given)
    assert (error.reason, error.header) == ("missing_header", name)
    assert str(error) == (
        f"webhook refused (missing_header): no {name} header; Klaviyo sends it with every system webhook"
    )


def test_a_header_sent_twice_is_refused_whatever_the_container() -> None:
    twice = [*headers().items(), ("klaviyo-signature", SIGNATURE)]
    error = refused(BODY, twice)
    assert (error.reason, error.header) == ("duplicate_header", "Klaviyo-Signature")
    assert str(error) == (
        "webhook refused (duplicate_header): Klaviyo-Signature was sent more than once; Klaviyo sends it once"
    )
    assert refused(BODY, httpx.Headers(twice)).reason == "duplicate_header"  # not joined with ", "
    assert refused(BODY, {**headers(), "KLAVIYO-TIMESTAMP": TIMESTAMP}).header == "Klaviyo-Timestamp"


@pytest.mark.parametrize(
    "signature",
    ["", "deadbeef", SIGNATURE + "00", SIGNATURE[:-1] + "g", f"{SIGNATURE}, {SIGNATURE}", f"sha256={SIGNATURE}"],
)
def test_a_garbled_signature_is_malformed(signature: str) -> None:
    error = refused(BODY, headers(**{"Klaviyo-Signature": signature}))
    assert (error.reason, error.header) == ("malformed_header", "Klaviyo-Signature")
    assert str(error) == (
        "webhook refused (malformed_header): Klaviyo-Signature is not an HMAC-SHA256 in hex; "
        "expected 64 hexadecimal digits"
    )


@pytest.mark.parametrize("timestamp", ["", "yesterday", "2024-13-45", "Thu, 99 Jan 2024 18:05:25 GMT", "9" * 40])
def test_a_garbled_timestamp_is_malformed(timestamp: str) -> None:
    error = refused(BODY, headers(**{"Klaviyo-Timestamp": timestamp}))
    assert (error.reason, error.header) == ("malformed_header", "Klaviyo-Timestamp")
    assert str(error) == (
        f"webhook refused (malformed_header): Klaviyo-Timestamp {timestamp.strip()[:64]!r} is not a date; "
        "expected an HTTP date such as 'Thu, 04 Jan 2024 18:05:25 GMT'"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "the body is not JSON in UTF-8; Klaviyo sends a JSON object"),
        (b"\xff\xfe{}", "the body is not JSON in UTF-8; Klaviyo sends a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "the body is not JSON in UTF-8; Klaviyo sends a JSON object"),
        (b"[]", "the body is a JSON array; expected an object"),
        (b'"text"', "the body is a JSON string; expected an object"),
        (b'{"meta": {"klaviyo_webhook_id": "x"}}', "the body's 'data' is null (or missing); expected a list"),
        (b'{"data": {}, "meta": {}}', "the body's 'data' is object; expected a list"),
        (b'{"data": []}', "the body has no meta.klaviyo_webhook_id string; Klaviyo always sends one"),
        (
            b'{"data": [], "meta": {"klaviyo_webhook_id": 7}}',
            "the body has no meta.klaviyo_webhook_id string; Klaviyo always sends one",
        ),
    ],
)
def test_a_signed_body_of_the_wrong_shape_is_malformed(body: bytes, message: str) -> None:
    error = refused(*signed(body))
    assert (error.reason, error.header) == ("malformed_body", None)
    assert str(error) == f"webhook refused (malformed_body): {message}"


# --- what it accepts -----------------------------------------------------------------------------------------


class FrameworkHeaders(Mapping[str, str]):
    """Like a web framework's request headers: a read-only mapping, looked up case-insensitively."""

    def __init__(self, pairs: dict[str, str]) -> None:
        self._pairs = {key.lower(): value for key, value in pairs.items()}

    def __getitem__(self, key: str) -> str:
        return self._pairs[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)


@pytest.mark.parametrize(
    "given",
    [
        headers(),
        {key.lower(): value for key, value in headers().items()},
        {key.upper(): value for key, value in headers().items()},
        httpx.Headers(headers()),
        list(headers().items()),
        tuple(headers().items()),
        [(key.lower().encode(), value.encode()) for key, value in headers().items()],  # ASGI's raw headers
        FrameworkHeaders(headers()),
    ],
    ids=["dict", "lowercase", "uppercase", "httpx", "pairs", "tuple", "asgi-bytes", "mapping"],
)
def test_headers_in_any_container_and_any_case(given: Any) -> None:
    assert verify_webhook(BODY, given, secret=SECRET, now=SENT)["meta"]["klaviyo_account_id"] == "AbC123"


def test_other_headers_are_not_read() -> None:
    # A framework may hold a multi-valued header as a list: only the three Klaviyo headers are read.
    given: dict[str, Any] = {**headers(), "X-Forwarded-For": ["10.0.0.1", "10.0.0.2"]}
    assert verify_webhook(BODY, given, secret=SECRET, now=SENT)


@pytest.mark.parametrize("body", [BODY, BODY.decode(), bytearray(BODY), memoryview(BODY)], ids=type)
def test_the_body_as_bytes_or_text(body: Any) -> None:
    assert verify_webhook(body, headers(), secret=SECRET, now=SENT)["data"][0]["topic"] == "event:klaviyo.sent_sms"


def test_a_text_body_is_signed_as_its_utf8_bytes() -> None:
    body, given = signed({"data": [], "meta": {"klaviyo_webhook_id": WEBHOOK_ID, "note": "héllo ✓"}})
    assert verify_webhook(body.decode(), given, secret=SECRET, now=SENT)["meta"]["note"] == "héllo ✓"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            json.loads(BODY),
            "raw_body is the request body as received, bytes or str; got dict (pass the raw body, "
            "not parsed JSON: the signature covers the bytes)",
        ),
        (
            None,
            "raw_body is the request body as received, bytes or str; got NoneType (pass the raw body, "
            "not parsed JSON: the signature covers the bytes)",
        ),
    ],
)
def test_a_parsed_or_missing_body_is_a_type_error(body: Any, message: str) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        verify_webhook(body, headers(), secret=SECRET, now=SENT)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (None, "headers is a mapping of header names to values or (name, value) pairs; got NoneType"),
        ("Klaviyo-Signature: x", "headers is a mapping of header names to values or (name, value) pairs; got str"),
        (["Klaviyo-Signature"], "headers holds str, not a (name, value) pair"),
        ({"Klaviyo-Signature": None}, "a header name or value is NoneType, not str or bytes"),
    ],
)
def test_headers_of_the_wrong_type_are_a_type_error(given: Any, message: str) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        verify_webhook(BODY, given, secret=SECRET, now=SENT)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"secret": ""}, "secret is empty; pass the webhook's secret_key"),
        ({"secret": b""}, "secret is empty; pass the webhook's secret_key"),
        ({"secret": None}, "secret is the webhook's secret_key, a str or bytes; got NoneType"),
        ({"tolerance": 0}, "tolerance is seconds, a positive number (or None to skip); got 0"),
        ({"tolerance": -5}, "tolerance is seconds, a positive number (or None to skip); got -5"),
        ({"tolerance": float("inf")}, "tolerance is seconds, a positive number (or None to skip); got inf"),
        ({"tolerance": True}, "tolerance is seconds, a positive number (or None to skip); got True"),
        ({"tolerance": "300"}, "tolerance is seconds, a positive number (or None to skip); got '300'"),
    ],
)
def test_unusable_settings_are_configuration_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        verify_webhook(BODY, headers(), **{"secret": SECRET, **options})
    assert str(caught.value) == message


def test_now_must_be_a_datetime() -> None:
    with pytest.raises(ArgumentTypeError, match=r"^now is a datetime; got float$"):
        verify_webhook(BODY, headers(), secret=SECRET, now=1704391525.0)  # type: ignore[arg-type]


# --- unwrap_webhook: the delivery typed ----------------------------------------------------------------------


def test_unwrap_gives_the_delivery_and_its_items_typed() -> None:
    delivery = unwrap_webhook(BODY, headers(), secret=SECRET, now=SENT)
    assert isinstance(delivery, WebhookDelivery)
    assert (delivery.webhook_id, delivery.account_id, delivery.timestamp) == (WEBHOOK_ID, "AbC123", SENT)
    assert delivery.meta["timestamp"] == "2024-01-04T18:05:25+00:00"
    assert len(delivery) == 1
    [item] = delivery
    assert item == WebhookItem(
        topic="event:klaviyo.sent_sms",
        external_id="4L3cwQae2TX",
        raw_payload={"data": {"type": "event", "id": "4L3cwQae2TX", "attributes": {}}},
    )
    assert isinstance(item.payload, GetEventResponseCompoundDocument)
    assert item.payload is item.payload  # decoded once
    assert (item.payload.data.id, item.payload.data.type_) == ("4L3cwQae2TX", "event")


def test_a_full_get_event_payload_decodes_through_the_generated_model() -> None:
    payload = {
        "data": {
            "type": "event",
            "id": "4L3cwQae2TX",
            "attributes": {
                "timestamp": 1704391525,
                "event_properties": {"To Number": "+15005550006"},
                "datetime": "2024-01-04T18:05:25+00:00",
                "uuid": "u-1",
            },
            "relationships": {"metric": {"data": {"type": "metric", "id": "M1"}}},
            "links": {"self": "https://a.klaviyo.com/api/events/4L3cwQae2TX/"},
            "new_member": 1,
        },
        "included": [
            {
                "type": "metric",
                "id": "M1",
                "attributes": {"name": "Sent SMS"},
                "links": {"self": "https://a.klaviyo.com/api/metrics/M1/"},
            }
        ],
    }
    body, given = signed(
        {"data": [{"topic": "event:klaviyo.sent_sms", "payload": payload}], "meta": {"klaviyo_webhook_id": WEBHOOK_ID}}
    )
    [item] = unwrap_webhook(body, given, secret=SECRET, now=SENT)
    event = item.payload.data
    assert event.attributes.datetime_ == SENT
    assert event.to_dict()["attributes"]["event_properties"] == {"To Number": "+15005550006"}
    assert event.additional_properties == {"new_member": 1}  # drift: unknown members are kept
    included = item.payload.included
    assert isinstance(included, list)
    [metric] = included
    assert isinstance(metric, MetricResponseObjectResource)
    assert metric.attributes.name == "Sent SMS"
    assert item.external_id is None  # Klaviyo left it out


def test_an_unreadable_payload_fails_when_read_and_typed() -> None:
    body, given = signed(
        {
            "data": [{"topic": "t", "payload": [1]}, {"topic": "t", "payload": {"included": []}}],
            "meta": {"klaviyo_webhook_id": WEBHOOK_ID},
        }
    )
    first, second = unwrap_webhook(body, given, secret=SECRET, now=SENT)
    with pytest.raises(FieldDecodeError) as caught:
        _ = first.payload
    assert str(caught.value) == "WebhookItem.payload is not the documented shape: [1]"
    assert first.raw_payload == [1]
    with pytest.raises(MissingFieldError) as missing:
        _ = second.payload.data
    assert str(missing.value) == (
        "GetEventResponseCompoundDocument.data is missing: the API left out this required member"
    )


@pytest.mark.parametrize("item", [[], "x", {"payload": {}}, {"topic": 7}])
def test_an_item_without_a_topic_is_a_malformed_body(item: Any) -> None:
    body, given = signed({"data": [{"topic": "ok", "payload": {}}, item], "meta": {"klaviyo_webhook_id": WEBHOOK_ID}})
    with pytest.raises(WebhookVerificationError) as caught:
        unwrap_webhook(body, given, secret=SECRET, now=SENT)
    assert caught.value.reason == "malformed_body"
    assert str(caught.value) == (
        "webhook refused (malformed_body): data[1] is not a webhook item; expected a JSON object with a 'topic' string"
    )


def test_unwrap_refuses_what_verify_refuses() -> None:
    with pytest.raises(WebhookVerificationError, match=r"\(bad_signature\)"):
        unwrap_webhook(BODY + b" ", headers(), secret=SECRET, now=SENT)


def test_the_error_pickles_with_its_reason_and_is_exported() -> None:
    error = refused(BODY, headers(**{"Klaviyo-Signature": TIMESTAMP_FIRST}))
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.reason, copy.header, str(copy)) == (error.reason, error.header, str(error))
    assert klaviyo_generated.WebhookVerificationError is WebhookVerificationError
    assert isinstance(error, klaviyo_generated.KlaviyoError)


def test_the_module_offers_unwrap_as_the_short_name_of_unwrap_webhook() -> None:
    from klaviyo_generated import webhooks

    assert webhooks.unwrap is webhooks.unwrap_webhook
    assert "unwrap" in webhooks.__all__
