# Copied from overrides/runtime/testing/_store.py by `python -m generator sync`; edit that file, not this one.
"""The fake's state and the JSON:API documents it answers with."""

from __future__ import annotations

import datetime
import itertools
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote

Resource = dict[str, Any]

PROFILE_KEYS = ("email", "phone_number", "external_id")  # what identifies a profile besides its id

# Attributes looked up one value at a time (per imported profile, per tracked event): kept in an index.
INDEXED: dict[str, tuple[str, ...]] = {"profile": PROFILE_KEYS, "event": ("uuid",)}

PREDICTIVE = (
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
)

EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

# JSON:API type -> the URL segment of its collection.
COLLECTIONS = {
    "profile": "profiles",
    "list": "lists",
    "segment": "segments",
    "event": "events",
    "metric": "metrics",
    "campaign": "campaigns",
    "campaign-message": "campaign-messages",
    "template": "templates",
    "image": "images",
    "profile-bulk-import-job": "profile-bulk-import-jobs",
    "campaign-send-job": "campaign-send-jobs",
}


class FakeError(Exception):
    """Answered as a Klaviyo-shaped JSON:API error: every item carries ``links`` and ``meta``, as
    Klaviyo's do (``meta`` holds e.g. the ``duplicate_profile_id`` of a 409). ``pointer`` names what
    was wrong: a JSON pointer into the body (``/data/attributes``) becomes ``source.pointer``, a
    query parameter's name (``filter``, ``page[size]``) ``source.parameter``."""

    def __init__(
        self, status: int, code: str, detail: str, pointer: str | None = None, meta: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.pointer = status, code, detail, pointer
        self.meta = meta or {}

    def document(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "id": "fake-error",
            "status": self.status,
            "code": self.code,
            "title": {400: "Invalid input.", 404: "Not found.", 409: "Conflict."}.get(self.status, "Error."),
            "detail": self.detail,
        }
        if self.pointer:
            where = "pointer" if self.pointer.startswith("/") else "parameter"
            error["source"] = {where: self.pointer}
        error["links"] = {}
        error["meta"] = self.meta
        return {"errors": [error]}


class Store:
    """Resources by type and id, plus list memberships; every access under one lock.

    Profiles (by ``email``, ``phone_number``, ``external_id``) and events (by ``uuid``) are indexed, so
    a bulk import or a batch of events looks each one up once, not by scanning. Profile changes go
    through ``add``, ``upsert_profile`` and ``change_profile``, which keep the index right; an index
    whose size no longer matches its collection (a test wrote ``resources`` directly) is rebuilt.
    Consent lives beside the profile (``subscriptions``), never in its attributes.
    """

    def __init__(self, base_url: str, clock: Callable[[], float]) -> None:
        # Links name the origin each request came to (the fake may be reached under several).
        self.origin: ContextVar[str] = ContextVar("fake_origin", default=base_url.rstrip("/"))  # noqa: B039 - a str
        # The `additional-fields[profile]` of the request being answered: profiles render with them.
        self.profile_fields: ContextVar[frozenset[str]] = ContextVar("fake_profile_fields", default=frozenset())
        self.clock = clock
        self.lock = threading.RLock()
        self.resources: defaultdict[str, dict[str, Resource]] = defaultdict(dict)
        self.members: dict[str, list[str]] = {}
        self.joined: dict[tuple[str, str], str] = {}  # (list id, profile id) -> when it was added
        # profile id -> channel -> {"consent", "timestamp", "method", ...}; plus "suppression" for email.
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.webhook_secrets: dict[str, str] = {}  # webhook id -> secret_key, which Klaviyo never answers
        self._index: dict[str, dict[tuple[str, Any], str]] = {kind: {} for kind in INDEXED}
        self._indexed: dict[str, int] = dict.fromkeys(INDEXED, 0)
        self._ids = itertools.count(1)

    def now(self) -> str:
        return (EPOCH + datetime.timedelta(seconds=self.clock())).isoformat()

    def new_id(self, kind: str) -> str:
        return f"01FAKE{kind[:3].upper()}{next(self._ids):08d}"

    def add(
        self,
        kind: str,
        attributes: dict[str, Any],
        relationships: dict[str, Any] | None = None,
        *,
        ident: str | None = None,
    ) -> Resource:
        resource: Resource = {
            "type": kind,
            "id": ident if ident is not None else self.new_id(kind),
            "attributes": attributes,
            "relationships": relationships or {},
        }
        with self.lock:
            self._fresh(kind)
            if resource["id"] in self.resources[kind]:
                self.remove(kind, resource["id"])
            self.resources[kind][resource["id"]] = resource
            self._enter(resource)
        return resource

    def remove(self, kind: str, ident: str) -> Resource:
        with self.lock:
            self._fresh(kind)
            resource = self.get(kind, ident)
            self._leave(resource)
            del self.resources[kind][ident]
            return resource

    def get(self, kind: str, ident: str) -> Resource:
        found = self.resources[kind].get(ident)
        if found is None:
            raise FakeError(404, "not_found", f"A {kind} with id {ident} does not exist.")
        return found

    def find(self, kind: str, **attributes: Any) -> Resource | None:
        """The first ``kind`` whose attributes hold all of ``attributes``: by index for one indexed key."""
        with self.lock:
            if len(attributes) == 1 and (key := next(iter(attributes))) in INDEXED.get(kind, ()):
                self._fresh(kind)
                found = self._lookup(kind, key, attributes[key])
                if found is not None and found["attributes"].get(key) != attributes[key]:
                    # Changed behind the store's back: look again in a rebuilt index.
                    self._indexed[kind] = -1
                    self._fresh(kind)
                    found = self._lookup(kind, key, attributes[key])
                return found
            return next(
                (
                    r
                    for r in self.resources[kind].values()
                    if all(r["attributes"].get(k) == v for k, v in attributes.items())
                ),
                None,
            )

    def upsert_profile(self, attributes: dict[str, Any], meta: dict[str, Any] | None = None) -> tuple[Resource, bool]:
        """The profile ``attributes`` identify (by ``id``, then by each of ``PROFILE_KEYS``), updated, or a
        new one; and whether it was created. ``meta`` may carry ``patch_properties``."""
        with self.lock:
            for key in ("id", *PROFILE_KEYS):
                value = attributes.get(key)
                existing = value and (
                    self.resources["profile"].get(value) if key == "id" else self.find("profile", **{key: value})
                )
                if existing:
                    self.change_profile(existing, attributes, meta)
                    return existing, False
            if not any(attributes.get(k) for k in PROFILE_KEYS):
                raise FakeError(
                    400, "invalid", "A profile needs an email, phone_number or external_id.", "/data/attributes"
                )
            return self.new_profile(attributes, meta), True

    def new_profile(self, attributes: dict[str, Any], meta: dict[str, Any] | None = None) -> Resource:
        now = self.now()
        given = {k: v for k, v in attributes.items() if k != "id" and v is not None}
        profile = self.add("profile", {"created": now, "updated": now, **given})
        _patch_properties(profile["attributes"], meta)
        return profile

    def change_profile(self, profile: Resource, attributes: dict[str, Any], meta: dict[str, Any] | None = None) -> None:
        """Apply a create-or-update or a PATCH: given values replace, ``properties`` and ``location``
        merge key by key, ``meta.patch_properties`` appends, unappends and unsets custom properties."""
        with self.lock:
            self._fresh("profile")
            self._leave(profile)
            current = profile["attributes"]
            for key, value in attributes.items():
                if key == "id" or value is None:
                    continue
                if key in ("properties", "location") and isinstance(value, dict):
                    current[key] = {**(current.get(key) or {}), **value}
                else:
                    current[key] = value
            _patch_properties(current, meta)
            current["updated"] = self.now()
            self._enter(profile)

    # -- the index ------------------------------------------------------------------------------

    def _lookup(self, kind: str, key: str, value: Any) -> Resource | None:
        ident = self._index[kind].get((key, value))
        return self.resources[kind].get(ident) if ident is not None else None

    def _fresh(self, kind: str) -> None:
        if kind in INDEXED and self._indexed[kind] != len(self.resources[kind]):
            self._index[kind] = {}
            self._indexed[kind] = 0
            for resource in self.resources[kind].values():
                self._enter(resource)

    def _enter(self, resource: Resource) -> None:
        kind = resource["type"]
        if kind not in INDEXED:
            return
        for key in INDEXED[kind]:
            value = resource["attributes"].get(key)
            if value is not None:
                self._index[kind].setdefault((key, value), resource["id"])
        self._indexed[kind] += 1

    def _leave(self, resource: Resource) -> None:
        kind = resource["type"]
        if kind not in INDEXED:
            return
        index = self._index[kind]
        for key in INDEXED[kind]:
            value = resource["attributes"].get(key)
            if value is not None and index.get((key, value)) == resource["id"]:
                del index[(key, value)]
        self._indexed[kind] -= 1

    # -- documents ------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.origin.get()}{path}"

    def render(self, resource: Resource) -> Resource:
        kind, ident = resource["type"], resource["id"]
        collection = COLLECTIONS.get(kind, f"{kind}s")
        document: Resource = {
            "type": kind,
            "id": ident,
            "attributes": dict(resource["attributes"]),
            "links": {"self": self.url(f"/api/{collection}/{quote(ident, safe='')}/")},
        }
        relationships = {}
        for name, target in resource["relationships"].items():
            link = {
                "self": self.url(f"/api/{collection}/{quote(ident, safe='')}/relationships/{name}/"),
                "related": self.url(f"/api/{collection}/{quote(ident, safe='')}/{name}/"),
            }
            relationships[name] = {"data": target, "links": link}
        if relationships:
            document["relationships"] = relationships
        if kind == "profile":
            fields = self.profile_fields.get()
            if "subscriptions" in fields:
                document["attributes"]["subscriptions"] = self.subscriptions_of(ident)
            if "predictive_analytics" in fields:
                # Klaviyo computes these for profiles with enough order history; the fake has none.
                document["attributes"]["predictive_analytics"] = dict.fromkeys(PREDICTIVE)
        return document

    # -- consent --------------------------------------------------------------------------------

    def set_consent(self, profile_id: str, channel: str, consent: str, **details: Any) -> None:
        """Record ``consent`` (``SUBSCRIBED``, ``UNSUBSCRIBED``) for ``channel`` (``email``, ``sms``)."""
        with self.lock:
            state = self.subscriptions.setdefault(profile_id, {}).setdefault(channel, {})
            state.update(consent=consent, timestamp=self.now(), **details)

    def set_suppressed(self, profile_id: str, suppressed: bool) -> None:
        with self.lock:
            email = self.subscriptions.setdefault(profile_id, {}).setdefault("email", {})
            email["suppression"] = [{"reason": "USER_SUPPRESSED", "timestamp": self.now()}] if suppressed else []

    def subscriptions_of(self, profile_id: str) -> dict[str, Any]:
        """The ``subscriptions`` Klaviyo reports for a profile (``additional-fields[profile]=subscriptions``)."""
        state = self.subscriptions.get(profile_id, {})
        email, sms = state.get("email", {}), state.get("sms", {})
        email_consent, sms_consent = email.get("consent", "NEVER_SUBSCRIBED"), sms.get("consent", "NEVER_SUBSCRIBED")
        suppression = list(email.get("suppression", []))
        return {
            "email": {
                "marketing": {
                    "can_receive_email_marketing": email_consent == "SUBSCRIBED" and not suppression,
                    "consent": email_consent,
                    "consent_timestamp": email.get("timestamp"),
                    "last_updated": email.get("timestamp"),
                    "method": email.get("method"),
                    "method_detail": email.get("method_detail", ""),
                    "custom_method_detail": email.get("custom_method_detail"),
                    "double_optin": None,
                    "suppression": suppression,
                    "list_suppressions": [],
                }
            },
            "sms": {
                "marketing": {
                    "can_receive_sms_marketing": sms_consent == "SUBSCRIBED",
                    "consent": sms_consent,
                    "consent_timestamp": sms.get("timestamp"),
                    "method": sms.get("method"),
                    "method_detail": sms.get("method_detail", ""),
                    "last_updated": sms.get("timestamp"),
                }
            },
        }

    def single(self, resource: Resource, included: Iterable[Resource] = ()) -> dict[str, Any]:
        document: dict[str, Any] = {"data": self.render(resource), "links": {"self": self.url("/")}}
        extra = [self.render(r) for r in included]
        if extra:
            document["included"] = extra
        return document


def _patch_properties(attributes: dict[str, Any], meta: dict[str, Any] | None) -> None:
    """Klaviyo's ``meta.patch_properties``: ``append`` adds values to a list property (making one),
    ``unappend`` removes them, ``unset`` (a key or a list of keys) removes properties."""
    patch = (meta or {}).get("patch_properties") or {}
    if not patch:
        return
    properties = dict(attributes.get("properties") or {})
    for key, value in (patch.get("append") or {}).items():
        current = properties.get(key)
        items = current if isinstance(current, list) else [] if current is None else [current]
        properties[key] = [*items, *(value if isinstance(value, list) else [value])]
    for key, value in (patch.get("unappend") or {}).items():
        gone = value if isinstance(value, list) else [value]
        if isinstance(properties.get(key), list):
            properties[key] = [item for item in properties[key] if item not in gone]
    unset = patch.get("unset") or []
    for key in [unset] if isinstance(unset, str) else unset:
        properties.pop(key, None)
    attributes["properties"] = properties
