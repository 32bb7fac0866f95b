# Copied from overrides/runtime/testing/_routes.py by `python -m generator sync`; edit that file, not this one.
"""What the fake answers, route by route. Each handler takes (fake, request, path parameters, body)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from ._store import FakeError, Resource

if TYPE_CHECKING:
    from ._fake import FakeKlaviyo

Handler = Callable[["FakeKlaviyo", httpx.Request, dict[str, str], Any], httpx.Response]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []
PROFILE_KEYS = ("email", "phone_number", "external_id")


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "/?$")

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, pattern, handler))
        return handler

    return register


def json_response(status: int, document: Any = None) -> httpx.Response:
    if document is None:
        return httpx.Response(status)
    return httpx.Response(
        status, content=json.dumps(document).encode(), headers={"Content-Type": "application/vnd.api+json"}
    )


def _attributes(body: Any) -> dict[str, Any]:
    attributes = ((body or {}).get("data") or {}).get("attributes")
    if not isinstance(attributes, dict):
        raise FakeError(400, "invalid", "The request body needs data.attributes.", "/data/attributes")
    return attributes


# -- profiles -----------------------------------------------------------------------------------


def _profile_attributes(fake: FakeKlaviyo, given: dict[str, Any]) -> dict[str, Any]:
    now = fake.store.now()
    return {"created": now, "updated": now, **{k: v for k, v in given.items() if v is not None}}


@route("GET", "/api/profiles")
def list_profiles(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return fake.page(request, fake.filtered(request, fake.store.resources["profile"].values()))


@route("POST", "/api/profiles")
def create_profile(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = _attributes(body)
    if not any(attributes.get(k) for k in PROFILE_KEYS):
        raise FakeError(400, "invalid", "A profile needs an email, phone_number or external_id.", "/data/attributes")
    with fake.store.lock:
        for key in PROFILE_KEYS:
            if attributes.get(key) and (existing := fake.store.find("profile", **{key: attributes[key]})):
                raise FakeError(
                    409,
                    "duplicate_profile",
                    "A profile already exists with one of these identifiers.",
                    "/data/attributes",
                    meta={"duplicate_profile_id": existing["id"]},
                )
        created = fake.store.add("profile", _profile_attributes(fake, attributes))
    return json_response(201, fake.store.single(created))


@route("GET", "/api/profiles/{id}")
def get_profile(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return json_response(200, fake.store.single(fake.store.get("profile", params["id"])))


@route("PATCH", "/api/profiles/{id}")
def update_profile(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with fake.store.lock:
        profile = fake.store.get("profile", params["id"])
        profile["attributes"].update({k: v for k, v in _attributes(body).items() if v is not None})
        profile["attributes"]["updated"] = fake.store.now()
    return json_response(200, fake.store.single(profile))


@route("POST", "/api/profile-import")
def import_profile(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    given = dict(_attributes(body))
    if (body.get("data") or {}).get("id"):
        given["id"] = body["data"]["id"]  # update by Klaviyo id
    profile, created = fake.upsert_profile(given)
    return json_response(201 if created else 200, fake.store.single(profile))


# -- lists and memberships ------------------------------------------------------------------------


@route("GET", "/api/lists")
def list_lists(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return fake.page(request, fake.filtered(request, fake.store.resources["list"].values()))


@route("POST", "/api/lists")
def create_list(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = _attributes(body)
    if not attributes.get("name"):
        raise FakeError(400, "invalid", "A list needs a name.", "/data/attributes/name")
    now = fake.store.now()
    created = fake.store.add(
        "list", {"name": attributes["name"], "created": now, "updated": now, "opt_in_process": "single_opt_in"}
    )
    fake.store.members[created["id"]] = []
    return json_response(201, fake.store.single(created))


@route("GET", "/api/lists/{id}")
def get_list(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return json_response(200, fake.store.single(fake.store.get("list", params["id"])))


@route("DELETE", "/api/lists/{id}")
def delete_list(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with fake.store.lock:
        fake.store.get("list", params["id"])
        del fake.store.resources["list"][params["id"]]
        fake.store.members.pop(params["id"], None)
    return json_response(204)


@route("GET", "/api/lists/{id}/profiles")
def list_members(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    fake.store.get("list", params["id"])
    members = [fake.store.get("profile", p) for p in fake.store.members.get(params["id"], [])]

    def render(profile: Resource) -> Resource:
        document = fake.store.render(profile)
        document["attributes"]["joined_group_at"] = fake.store.joined.get((params["id"], profile["id"]))
        return document

    return fake.page(request, members, render=render)


def _profile_ids(fake: FakeKlaviyo, body: Any) -> list[str]:
    data = (body or {}).get("data")
    if not isinstance(data, list) or not all(isinstance(d, dict) and d.get("type") == "profile" for d in data):
        raise FakeError(400, "invalid", "data must be a list of {type: profile, id} objects.", "/data")
    if len(data) > 1000:
        raise FakeError(400, "invalid", "At most 1000 profiles per request.", "/data")
    for item in data:
        fake.store.get("profile", str(item.get("id")))
    return [str(item["id"]) for item in data]


@route("POST", "/api/lists/{id}/relationships/profiles")
def add_members(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with fake.store.lock:
        fake.store.get("list", params["id"])
        members = fake.store.members.setdefault(params["id"], [])
        for profile_id in _profile_ids(fake, body):
            if profile_id not in members:
                members.append(profile_id)
                fake.store.joined[(params["id"], profile_id)] = fake.store.now()
    return json_response(204)


@route("DELETE", "/api/lists/{id}/relationships/profiles")
def remove_members(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with fake.store.lock:
        fake.store.get("list", params["id"])
        gone = set(_profile_ids(fake, body))
        fake.store.members[params["id"]] = [p for p in fake.store.members.get(params["id"], []) if p not in gone]
    return json_response(204)


# -- segments, metrics, events ------------------------------------------------------------------------


@route("GET", "/api/segments")
def list_segments(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return fake.page(request, fake.filtered(request, fake.store.resources["segment"].values()))


@route("GET", "/api/segments/{id}")
def get_segment(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return json_response(200, fake.store.single(fake.store.get("segment", params["id"])))


@route("GET", "/api/metrics")
def list_metrics(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return fake.page(request, fake.filtered(request, fake.store.resources["metric"].values()))


@route("GET", "/api/metrics/{id}")
def get_metric(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return json_response(200, fake.store.single(fake.store.get("metric", params["id"])))


@route("POST", "/api/events")
def create_event(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = _attributes(body)
    metric_name = (((attributes.get("metric") or {}).get("data") or {}).get("attributes") or {}).get("name")
    profile_given = (((attributes.get("profile") or {}).get("data") or {}).get("attributes")) or {}
    if not metric_name:
        raise FakeError(400, "invalid", "An event needs metric.data.attributes.name.", "/data/attributes/metric")
    with fake.store.lock:
        metric = fake.store.find("metric", name=metric_name)
        if metric is None:
            now = fake.store.now()
            metric = fake.store.add("metric", {"name": metric_name, "created": now, "updated": now})
        profile, _ = fake.upsert_profile(profile_given)
        unique = attributes.get("unique_id") or fake.store.new_id("uuid")
        if fake.store.find("event", uuid=unique) is None:
            fake.store.add(
                "event",
                {
                    "timestamp": int(fake.clock()),
                    "event_properties": attributes.get("properties") or {},
                    "datetime": attributes.get("time") or fake.store.now(),
                    "uuid": unique,
                },
                {"profile": {"type": "profile", "id": profile["id"]}, "metric": {"type": "metric", "id": metric["id"]}},
            )
    return json_response(202)


@route("GET", "/api/events")
def list_events(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return fake.page(request, list(fake.store.resources["event"].values()))


# -- templates and images -----------------------------------------------------------------------


@route("POST", "/api/templates")
def create_template(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = _attributes(body)
    now = fake.store.now()
    template = {
        "name": attributes.get("name") or "",
        "editor_type": attributes.get("editor_type") or "CODE",
        "html": attributes.get("html") or "",
        "created": now,
        "updated": now,
    }
    return json_response(201, fake.store.single(fake.store.add("template", template)))


@route("GET", "/api/templates")
def list_templates(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return fake.page(request, fake.filtered(request, fake.store.resources["template"].values()))


@route("GET", "/api/templates/{id}")
def get_template(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return json_response(200, fake.store.single(fake.store.get("template", params["id"])))


def _image(fake: FakeKlaviyo, name: str, url: str, size: int, hidden: bool) -> Resource:
    attributes = {
        "name": name,
        "image_url": url,
        "format": url.rsplit(".", 1)[-1][:4] or "png",
        "size": size,
        "hidden": hidden,
        "updated_at": fake.store.now(),
    }
    return fake.store.add("image", attributes)


@route("POST", "/api/images")
def create_image(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = _attributes(body)
    source = str(attributes.get("import_from_url") or "")
    if not source.startswith(("https://", "http://", "data:")):
        raise FakeError(
            400, "invalid", "import_from_url must be a URL or a data URI.", "/data/attributes/import_from_url"
        )
    image = _image(
        fake,
        str(attributes.get("name") or "image"),
        fake.store.url(f"/images/{len(source)}.png"),
        len(source),
        bool(attributes.get("hidden")),
    )
    return json_response(201, fake.store.single(image))


@route("POST", "/api/image-upload")
def upload_image(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    size = len(request.content)
    image = _image(fake, "upload", fake.store.url(f"/images/upload-{size}.png"), size, False)
    return json_response(201, fake.store.single(image))


@route("GET", "/api/images")
def list_images(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return fake.page(request, fake.filtered(request, fake.store.resources["image"].values()))


@route("GET", "/api/images/{id}")
def get_image(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return json_response(200, fake.store.single(fake.store.get("image", params["id"])))


# -- consent and bulk events (accepted, applied at once) -----------------------------------------


def _apply_subscriptions(fake: FakeKlaviyo, body: Any, consent_field: str) -> httpx.Response:
    profiles = ((_attributes(body).get("profiles") or {}).get("data")) or []
    for entry in profiles:
        attributes = dict((entry or {}).get("attributes") or {})
        subscriptions = attributes.pop("subscriptions", {})
        profile, _ = fake.upsert_profile(attributes)
        current = profile["attributes"].setdefault(consent_field, {})
        for channel, settings in subscriptions.items():
            current[channel] = (settings.get("marketing") or {}).get("consent")
    return json_response(202)


@route("POST", "/api/profile-subscription-bulk-create-jobs")
def subscribe(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return _apply_subscriptions(fake, body, "fake_consent")


@route("POST", "/api/profile-subscription-bulk-delete-jobs")
def unsubscribe(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return _apply_subscriptions(fake, body, "fake_consent")


@route("POST", "/api/event-bulk-create-jobs")
def bulk_events(fake: FakeKlaviyo, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    for entry in ((_attributes(body).get("events-bulk-create") or {}).get("data")) or []:
        attributes = (entry or {}).get("attributes") or {}
        for event in ((attributes.get("events") or {}).get("data")) or []:
            single = {"data": {"attributes": {**(event.get("attributes") or {}), "profile": attributes.get("profile")}}}
            create_event(fake, request, params, single)
    return json_response(202)
