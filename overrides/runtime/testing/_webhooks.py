"""System webhooks in ``FakeKlaviyo``: the webhooks API (create, list, get, delete; the ``secret_key`` is kept
but, as Klaviyo does, never answered), and deliveries signed as Klaviyo signs them, sent to a callable or a URL.

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
from ._http import Route, attributes_of, json_response, list_of, one_of, route
from ._store import EPOCH, FakeError, Resource, Store

__all__ = ["SentWebhook", "deliver", "routes", "stored"]

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


def routes() -> list[Route]:
    return [
        route("POST", "/api/webhooks", create_webhook),
        route("GET", "/api/webhooks", list_of("webhook")),
        route("GET", "/api/webhooks/{id}", one_of("webhook")),
        route("DELETE", "/api/webhooks/{id}", delete_webhook),
    ]


def create_webhook(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = attributes_of(body)
    for name in ("name", "endpoint_url", "secret_key"):
        if not isinstance(attributes.get(name), str) or not attributes[name]:
            raise FakeError(400, "invalid", f"A webhook needs {name}.", f"/data/attributes/{name}")
    if not attributes["endpoint_url"].startswith("https://"):
        raise FakeError(400, "invalid", "endpoint_url must be https.", "/data/attributes/endpoint_url")
    topics = ((((body.get("data") or {}).get("relationships") or {}).get("webhook-topics") or {}).get("data")) or []
    now = store.now()
    with store.lock:
        webhook = store.add(
            "webhook",
            {
                "name": attributes["name"],
                "description": attributes.get("description"),
                "endpoint_url": attributes["endpoint_url"],
                "enabled": True,
                "created_at": now,
                "updated_at": now,
            },
            {"webhook-topics": [{"type": "webhook-topic", "id": t.get("id")} for t in topics if isinstance(t, dict)]},
        )
        store.webhook_secrets[webhook["id"]] = attributes["secret_key"]
    return json_response(201, store.single(webhook))


def delete_webhook(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        store.remove("webhook", params["id"])
        store.webhook_secrets.pop(params["id"], None)
    return json_response(204)


def stored(store: Store, webhook: str) -> tuple[str, str]:
    """A stored webhook's endpoint URL and secret key, or ``InputError``."""
    with store.lock:
        found = store.resources["webhook"].get(webhook)
        if found is None:
            raise InputError(f"no stored webhook has the id {webhook!r}; create it with kv.webhooks.create_webhook")
        return found["attributes"]["endpoint_url"], store.webhook_secrets[webhook]


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
