"""System webhook deliveries from ``FakeKlaviyo``: signed as Klaviyo signs them, sent to a callable or a URL.

The body has Klaviyo's shape (``data``: items with ``external_id``, ``topic`` and a Get Event answer as
``payload``; ``meta``: ``klaviyo_account_id``, ``klaviyo_webhook_id``, ``timestamp``), the headers are
``Klaviyo-Signature``, ``Klaviyo-Timestamp`` (an HTTP date) and ``Klaviyo-Webhook-Id``, and the signature is
``klaviyo_generated.webhooks.sign_webhook``'s, so what passes here passes against Klaviyo's deliveries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import attrs
import httpx

from .._exceptions import InputError
from ..webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, WEBHOOK_ID_HEADER, sign_webhook
from ._store import EPOCH, Resource, Store

__all__ = ["SentWebhook", "deliver"]

Target = str | Callable[[bytes, dict[str, str]], Any]


@attrs.frozen
class SentWebhook:
    """What ``FakeKlaviyo.deliver_webhook`` sent, and what came back.

    Attributes:
        body: The request body, as signed.
        headers: The request headers (``Content-Type`` and the three ``Klaviyo-*`` headers).
        result: The callable's return value, or the ``httpx.Response`` of the POST to the URL.
    """

    body: bytes
    headers: dict[str, str]
    result: Any


def deliver(
    store: Store,
    target: Target,
    *,
    secret: str | bytes,
    topic: str,
    events: Sequence[Resource | str],
    payloads: Sequence[Mapping[str, Any]],
    webhook_id: str,
    account_id: str,
    sent_at: datetime,
    transport: httpx.BaseTransport | None,
) -> SentWebhook:
    if not isinstance(topic, str) or not topic:
        raise InputError("topic is a webhook topic such as 'event:klaviyo.sent_sms'")
    documents = [_event_document(store, event) for event in events] + [dict(payload) for payload in payloads]
    if not documents:
        raise InputError("give events= (stored events or their ids) or payloads= (Get Event answers) to deliver")
    timestamp = format_datetime(sent_at.astimezone(UTC), usegmt=True)
    body = json.dumps(
        {
            "data": [
                {"external_id": _external_id(document), "topic": topic, "payload": document} for document in documents
            ],
            "meta": {
                "klaviyo_account_id": account_id,
                "klaviyo_webhook_id": webhook_id,
                "timestamp": sent_at.astimezone(UTC).isoformat(),
            },
        }
    ).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign_webhook(body, timestamp=timestamp, secret=secret),
        TIMESTAMP_HEADER: timestamp,
        WEBHOOK_ID_HEADER: webhook_id,
    }
    if callable(target):
        return SentWebhook(body, headers, target(body, dict(headers)))
    if not isinstance(target, str) or not target.startswith(("http://", "https://")):
        raise InputError(f"target is a callable(body, headers) or an http(s) URL; got {target!r}")
    with httpx.Client(transport=transport) as client:
        response = client.post(target, content=body, headers=headers)
        response.read()
    return SentWebhook(body, headers, response)


def fake_now(store: Store) -> datetime:
    """The fake's time as a datetime (its stored ``created``/``updated`` times use the same)."""
    return EPOCH + timedelta(seconds=store.clock())


def _event_document(store: Store, event: Resource | str) -> dict[str, Any]:
    """A stored event as Get Event answers it, with its metric and profile included."""
    with store.lock:
        resource = store.resources["event"].get(event) if isinstance(event, str) else event
        if resource is None:
            raise InputError(f"no stored event has the id {event!r}")
        related = []
        for name in ("metric", "profile"):
            target = (resource.get("relationships") or {}).get(name)
            if target and (found := store.resources[target["type"]].get(target["id"])) is not None:
                related.append(found)
        return store.single(resource, related)


def _external_id(document: Mapping[str, Any]) -> Any:
    data = document.get("data")
    return data.get("id") if isinstance(data, Mapping) else None
