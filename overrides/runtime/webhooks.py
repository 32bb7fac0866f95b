"""Receiving Klaviyo's system webhooks: check that a request is a genuine, fresh delivery, then read it typed.

    from klaviyo_generated.webhooks import unwrap_webhook

    delivery = unwrap_webhook(raw_body, headers, secret=WEBHOOK_SECRET)  # WebhookVerificationError if not
    for item in delivery:
        print(item.topic, item.payload.data.id)

How Klaviyo signs a delivery ("Working with system webhooks", developers.klaviyo.com, section "HMAC
signature verification"): ``Klaviyo-Signature`` is the lowercase hex HMAC-SHA256, keyed with the
webhook's ``secret_key`` (the one given to ``create_webhook``, UTF-8), of the raw request body followed by
the ``Klaviyo-Timestamp`` header's value exactly as sent, with nothing between them (Klaviyo's sample
code: ``hmac.new(secret, body, sha256)`` then ``.update(timestamp.encode())``). The timestamp is an
HTTP date (``Thu, 04 Jan 2024 18:05:25 GMT``); it is signed as text, so it is only parsed to measure
its age. ``Klaviyo-Webhook-Id`` must equal the body's ``meta.klaviyo_webhook_id``: Klaviyo says a
mismatch means the request should not be processed.

Checks, in order, each failing with ``WebhookVerificationError`` and its ``reason``: the three headers
are there once each (``missing_header``, ``duplicate_header``), the signature is 64 hex digits and the
timestamp a date (``malformed_header``), the signature matches (``bad_signature``, compared in constant
time), the timestamp is within ``tolerance`` of now (``stale_timestamp``, ``future_timestamp``), the body
is a JSON object with a ``data`` list and a ``meta`` object (``malformed_body``), and the ids agree
(``webhook_id_mismatch``). Klaviyo documents no freshness window; 300 s is the common one (Stripe,
Standard Webhooks): it absorbs clock skew and queueing, and bounds how long a captured request can be
replayed. Keep the ``external_id`` of each item to drop a delivery seen twice.

Each item's ``payload`` has the shape of a Get Event answer and is decoded, on first read, as
``GetEventResponseCompoundDocument``, with the generated models' drift rules (``_lazy``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from ._exceptions import ArgumentTypeError, ConfigurationError, FieldDecodeError, WebhookVerificationError

if TYPE_CHECKING:
    from .models.get_event_response_compound_document import GetEventResponseCompoundDocument

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WEBHOOK_ID_HEADER",
    "WebhookDelivery",
    "WebhookItem",
    "WebhookVerificationError",
    "sign_webhook",
    "unwrap",
    "unwrap_webhook",
    "verify_webhook",
]

SIGNATURE_HEADER: Final = "Klaviyo-Signature"
TIMESTAMP_HEADER: Final = "Klaviyo-Timestamp"
WEBHOOK_ID_HEADER: Final = "Klaviyo-Webhook-Id"
_NAMES: Final = (SIGNATURE_HEADER, TIMESTAMP_HEADER, WEBHOOK_ID_HEADER)

RawBody: TypeAlias = bytes | bytearray | memoryview | str
Headers: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]]

_HEX_SHA256: Final = re.compile(r"[0-9a-fA-F]{64}")
_EPOCH_SECONDS: Final = re.compile(r"[0-9]{1,12}")


def sign_webhook(raw_body: RawBody, *, timestamp: str, secret: str | bytes) -> str:
    """The ``Klaviyo-Signature`` Klaviyo sends with ``raw_body`` and the ``Klaviyo-Timestamp`` value ``timestamp``.

    For tests that build deliveries themselves (``FakeKlaviyo.deliver_webhook`` does it for you).
    """
    mac = hmac.new(_key(secret), _body_bytes(raw_body), hashlib.sha256)
    mac.update(timestamp.encode("utf-8"))
    return mac.hexdigest()


def verify_webhook(
    raw_body: RawBody,
    headers: Headers,
    *,
    secret: str | bytes,
    tolerance: float | None = 300,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Check that a request is a genuine, fresh Klaviyo delivery and return its body, parsed.

    Args:
        raw_body: The request body exactly as received: bytes, or the text a framework decoded as UTF-8.
            Not parsed JSON: the signature covers the bytes.
        headers: The request headers: a dict, ``httpx.Headers``, a framework's headers mapping, or
            (name, value) pairs (ASGI's bytes pairs too). Names in any case.
        secret: The webhook's ``secret_key``.
        tolerance: Seconds the timestamp may be from ``now``, either way; ``None`` skips the check.
        now: The time to measure against (default: the current time; naive means UTC).

    Raises:
        WebhookVerificationError: the request fails a check (``reason`` says which).
        ConfigurationError: ``secret`` is empty or not text or bytes; ``tolerance`` is not a positive number.
        ArgumentTypeError: ``raw_body`` or ``headers`` is of a type this does not read.
    """
    return _verified(raw_body, headers, secret=secret, tolerance=tolerance, now=now)[0]


def unwrap_webhook(
    raw_body: RawBody,
    headers: Headers,
    *,
    secret: str | bytes,
    tolerance: float | None = 300,
    now: datetime | None = None,
) -> WebhookDelivery:
    """``verify_webhook``, then the delivery typed: its webhook id, timestamp and items (iterate over it).

    Takes the same arguments and raises the same errors as ``verify_webhook``; an item that is not a JSON
    object with a ``topic`` string is a ``malformed_body``.
    """
    document, sent_at = _verified(raw_body, headers, secret=secret, tolerance=tolerance, now=now)
    items = []
    for index, item in enumerate(document["data"]):
        if not isinstance(item, dict) or not isinstance(item.get("topic"), str):
            raise _failure(
                "malformed_body",
                f"data[{index}] is not a webhook item; expected a JSON object with a 'topic' string",
            )
        external_id = item.get("external_id")
        items.append(
            WebhookItem(
                topic=item["topic"],
                external_id=external_id if isinstance(external_id, str) else None,
                raw_payload=item.get("payload"),
            )
        )
    meta = document["meta"]
    account = meta.get("klaviyo_account_id")
    return WebhookDelivery(
        webhook_id=meta["klaviyo_webhook_id"],
        account_id=account if isinstance(account, str) else None,
        timestamp=sent_at,
        items=tuple(items),
        meta=meta,
    )


# The short name, read through the module (`webhooks.unwrap(...)`, as openai-python's `client.webhooks.unwrap`);
# the package exports the longer one, which says what it unwraps.
unwrap = unwrap_webhook


@attrs.frozen
class WebhookItem:
    """One event of a delivery.

    Attributes:
        topic: What happened, e.g. ``event:klaviyo.sent_sms`` (``kv.webhooks.get_webhook_topics`` lists them).
        external_id: The event's id (``None`` if Klaviyo left it out): keep it to skip an event seen twice.
        raw_payload: The payload as sent (JSON).
    """

    topic: str
    external_id: str | None
    raw_payload: Any = attrs.field(repr=False)

    @cached_property
    def payload(self) -> GetEventResponseCompoundDocument:
        """The payload as a Get Event answer (``payload.data`` is the event, ``payload.included`` its
        profile and metric), decoded member by member on first read.

        Raises ``FieldDecodeError`` when the payload is not a JSON object.
        """
        from .models.get_event_response_compound_document import GetEventResponseCompoundDocument

        if not isinstance(self.raw_payload, dict):
            raise FieldDecodeError("WebhookItem", "payload", self.raw_payload)
        return GetEventResponseCompoundDocument.from_dict(self.raw_payload)


@attrs.frozen
class WebhookDelivery:
    """A verified delivery: iterate over it for its items.

    Attributes:
        webhook_id: The webhook it was sent for (header and body agree).
        account_id: ``meta.klaviyo_account_id``, the account the events happened in (``None`` if absent).
        timestamp: When Klaviyo sent it (``Klaviyo-Timestamp``), in UTC.
        items: The events, in the order sent.
        meta: The body's ``meta`` object as sent (JSON).
    """

    webhook_id: str
    account_id: str | None
    timestamp: datetime
    items: tuple[WebhookItem, ...]
    meta: Mapping[str, Any] = attrs.field(repr=False)

    def __iter__(self) -> Iterator[WebhookItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


# -- the checks ---------------------------------------------------------------------------------------------


def _verified(
    raw_body: RawBody, headers: Headers, *, secret: str | bytes, tolerance: float | None, now: datetime | None
) -> tuple[dict[str, Any], datetime]:
    """The checks of ``verify_webhook``, in order; the parsed body and when it was sent."""
    key = _key(secret)
    window = _tolerance(tolerance)
    body = _body_bytes(raw_body)
    found = _headers(headers)
    signature, timestamp, webhook_id = (found[name] for name in _NAMES)
    if not _HEX_SHA256.fullmatch(signature):
        raise _failure(
            "malformed_header",
            f"{SIGNATURE_HEADER} is not an HMAC-SHA256 in hex; expected 64 hexadecimal digits",
            SIGNATURE_HEADER,
        )
    sent_at = _parse_timestamp(timestamp)
    mac = hmac.new(key, body, hashlib.sha256)
    mac.update(timestamp.encode("utf-8"))
    if not hmac.compare_digest(mac.hexdigest(), signature.lower()):
        raise _failure(
            "bad_signature",
            f"{SIGNATURE_HEADER} does not match the body and {TIMESTAMP_HEADER} for this secret: "
            "not sent by Klaviyo, changed on the way, or signed with another webhook's secret",
            SIGNATURE_HEADER,
        )
    if window is not None:
        _check_age(sent_at, _now(now), window)
    document = _document(body)
    if document["meta"]["klaviyo_webhook_id"] != webhook_id:
        raise _failure(
            "webhook_id_mismatch",
            f"{WEBHOOK_ID_HEADER} {webhook_id!r} is not the body's meta.klaviyo_webhook_id "
            f"{document['meta']['klaviyo_webhook_id']!r}; Klaviyo sends the same id in both",
            WEBHOOK_ID_HEADER,
        )
    return document, sent_at


def _failure(reason: str, message: str, header: str | None = None) -> WebhookVerificationError:
    return WebhookVerificationError(reason, f"webhook refused ({reason}): {message}", header=header)


def _key(secret: object) -> bytes:
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if not isinstance(secret, bytes):
        raise ConfigurationError(f"secret is the webhook's secret_key, a str or bytes; got {type(secret).__name__}")
    if not secret:
        raise ConfigurationError("secret is empty; pass the webhook's secret_key")
    return secret


def _tolerance(tolerance: object) -> float | None:
    if tolerance is None:
        return None
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or not 0 < tolerance < math.inf:
        raise ConfigurationError(f"tolerance is seconds, a positive number (or None to skip); got {tolerance!r}")
    return float(tolerance)


def _body_bytes(raw_body: object) -> bytes:
    if isinstance(raw_body, bytes):
        return raw_body
    if isinstance(raw_body, bytearray | memoryview):
        return bytes(raw_body)
    if isinstance(raw_body, str):
        return raw_body.encode("utf-8")
    raise ArgumentTypeError(
        f"raw_body is the request body as received, bytes or str; got {type(raw_body).__name__}"
        " (pass the raw body, not parsed JSON: the signature covers the bytes)"
    )


def _pairs(headers: object) -> Iterable[tuple[object, object]]:
    multi_items = getattr(headers, "multi_items", None)  # httpx.Headers: .items() joins repeated headers
    if callable(multi_items):
        return multi_items()  # type: ignore[no-any-return]
    if isinstance(headers, Mapping):
        return headers.items()
    if isinstance(headers, str | bytes) or not isinstance(headers, Iterable):
        raise ArgumentTypeError(
            f"headers is a mapping of header names to values or (name, value) pairs; got {type(headers).__name__}"
        )
    return headers


def _headers(headers: object) -> dict[str, str]:
    """The three Klaviyo headers, looked up by name in any case; each must be there exactly once."""
    wanted = {name.lower(): name for name in _NAMES}
    found: dict[str, str] = {}
    for pair in _pairs(headers):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ArgumentTypeError(f"headers holds {type(pair).__name__}, not a (name, value) pair")
        canonical = wanted.get(_text(pair[0]).lower())
        if canonical is None:
            continue  # other headers' values are never read
        value = _text(pair[1])
        if canonical in found:
            raise _failure("duplicate_header", f"{canonical} was sent more than once; Klaviyo sends it once", canonical)
        found[canonical] = value.strip()
    for name in _NAMES:
        if name not in found:
            raise _failure("missing_header", f"no {name} header; Klaviyo sends it with every system webhook", name)
    return found


def _text(part: object) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, bytes):
        return part.decode("latin-1")  # HTTP header bytes, as ASGI servers pass them
    raise ArgumentTypeError(f"a header name or value is {type(part).__name__}, not str or bytes")


def _parse_timestamp(value: str) -> datetime:
    """``Klaviyo-Timestamp`` as an aware UTC datetime: an HTTP date as documented, or Unix seconds."""
    try:
        if _EPOCH_SECONDS.fullmatch(value):
            parsed = datetime.fromtimestamp(int(value), tz=UTC)
        else:
            parsed = parsedate_to_datetime(value)
    except (ValueError, TypeError, OverflowError, OSError):
        raise _failure(
            "malformed_header",
            f"{TIMESTAMP_HEADER} {value[:64]!r} is not a date; expected an HTTP date such as "
            "'Thu, 04 Jan 2024 18:05:25 GMT'",
            TIMESTAMP_HEADER,
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime):
        raise ArgumentTypeError(f"now is a datetime; got {type(now).__name__}")
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now


def _check_age(sent_at: datetime, now: datetime, tolerance: float) -> None:
    age = (now - sent_at).total_seconds()
    if age > tolerance:
        raise _failure(
            "stale_timestamp",
            f"{TIMESTAMP_HEADER} is {age:.0f} s old, more than the {tolerance:g} s allowed "
            "(a replay, or a late delivery)",
            TIMESTAMP_HEADER,
        )
    if -age > tolerance:
        raise _failure(
            "future_timestamp",
            f"{TIMESTAMP_HEADER} is {-age:.0f} s in the future, more than the {tolerance:g} s allowed "
            "(check this machine's clock)",
            TIMESTAMP_HEADER,
        )


def _document(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise _failure("malformed_body", "the body is not JSON in UTF-8; Klaviyo sends a JSON object") from None
    if not isinstance(document, dict):
        raise _failure("malformed_body", f"the body is a JSON {_kind(document)}; expected an object")
    if not isinstance(document.get("data"), list):
        raise _failure("malformed_body", f"the body's 'data' is {_kind(document.get('data'))}; expected a list")
    meta = document.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("klaviyo_webhook_id"), str):
        raise _failure("malformed_body", "the body has no meta.klaviyo_webhook_id string; Klaviyo always sends one")
    return document


def _kind(value: object) -> str:
    if value is None:
        return "null (or missing)"
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value), "number")
