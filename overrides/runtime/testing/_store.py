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
    Klaviyo's do (``meta`` holds e.g. the ``duplicate_profile_id`` of a 409)."""

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
            error["source"] = {"pointer": self.pointer}
        error["links"] = {}
        error["meta"] = self.meta
        return {"errors": [error]}


class Store:
    """Resources by type and id, plus list memberships; every access under one lock."""

    def __init__(self, base_url: str, clock: Callable[[], float]) -> None:
        # Links name the origin each request came to (the fake may be reached under several).
        self.origin: ContextVar[str] = ContextVar("fake_origin", default=base_url.rstrip("/"))  # noqa: B039 - a str
        self.clock = clock
        self.lock = threading.RLock()
        self.resources: defaultdict[str, dict[str, Resource]] = defaultdict(dict)
        self.members: dict[str, list[str]] = {}
        self.joined: dict[tuple[str, str], str] = {}  # (list id, profile id) -> when it was added
        self._ids = itertools.count(1)

    def now(self) -> str:
        return (EPOCH + datetime.timedelta(seconds=self.clock())).isoformat()

    def new_id(self, kind: str) -> str:
        return f"01FAKE{kind[:3].upper()}{next(self._ids):08d}"

    def add(self, kind: str, attributes: dict[str, Any], relationships: dict[str, Any] | None = None) -> Resource:
        resource: Resource = {
            "type": kind,
            "id": self.new_id(kind),
            "attributes": attributes,
            "relationships": relationships or {},
        }
        self.resources[kind][resource["id"]] = resource
        return resource

    def get(self, kind: str, ident: str) -> Resource:
        found = self.resources[kind].get(ident)
        if found is None:
            raise FakeError(404, "not_found", f"A {kind} with id {ident} does not exist.")
        return found

    def find(self, kind: str, **attributes: Any) -> Resource | None:
        return next(
            (
                r
                for r in self.resources[kind].values()
                if all(r["attributes"].get(k) == v for k, v in attributes.items())
            ),
            None,
        )

    def upsert_profile(self, attributes: dict[str, Any]) -> tuple[Resource, bool]:
        """The profile ``attributes`` identify (by ``id``, then by each of ``PROFILE_KEYS``), updated, or a
        new one; and whether it was created."""
        with self.lock:
            for key in ("id", *PROFILE_KEYS):
                value = attributes.get(key)
                existing = value and (
                    self.resources["profile"].get(value) if key == "id" else self.find("profile", **{key: value})
                )
                if existing:
                    existing["attributes"].update({k: v for k, v in attributes.items() if k != "id" and v is not None})
                    existing["attributes"]["updated"] = self.now()
                    return existing, False
            if not any(attributes.get(k) for k in PROFILE_KEYS):
                raise FakeError(
                    400, "invalid", "A profile needs an email, phone_number or external_id.", "/data/attributes"
                )
            now = self.now()
            given = {k: v for k, v in attributes.items() if k != "id" and v is not None}
            return self.add("profile", {"created": now, "updated": now, **given}), True

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
        return document

    def single(self, resource: Resource, included: Iterable[Resource] = ()) -> dict[str, Any]:
        document: dict[str, Any] = {"data": self.render(resource), "links": {"self": self.url("/")}}
        extra = [self.render(r) for r in included]
        if extra:
            document["included"] = extra
        return document
