# Copied from overrides/runtime/testing/_routes.py by `python -m generator sync`; edit that file, not this one.
"""What the fake answers, route by route: ``routes()`` is the table, each handler a plain function of
(store, request, path parameters, body)."""

from __future__ import annotations

from typing import Any

import httpx

from ._http import Route, attributes_of, json_response, list_of, named_attributes, one_of, page, route
from ._store import PROFILE_KEYS, FakeError, Resource, Store


def routes() -> list[Route]:
    """Profiles, lists and members, segments, metrics, events, templates, images, consent and bulk events."""
    return [
        route("GET", "/api/profiles", list_of("profile")),
        route("POST", "/api/profiles", create_profile),
        route("GET", "/api/profiles/{id}", one_of("profile")),
        route("PATCH", "/api/profiles/{id}", update_profile),
        route("POST", "/api/profile-import", import_profile),
        route("GET", "/api/lists", list_of("list")),
        route("POST", "/api/lists", create_list),
        route("GET", "/api/lists/{id}", one_of("list")),
        route("DELETE", "/api/lists/{id}", delete_list),
        route("GET", "/api/lists/{id}/profiles", list_members),
        route("POST", "/api/lists/{id}/relationships/profiles", add_members),
        route("DELETE", "/api/lists/{id}/relationships/profiles", remove_members),
        route("GET", "/api/segments", list_of("segment")),
        route("GET", "/api/segments/{id}", one_of("segment")),
        route("GET", "/api/metrics", list_of("metric")),
        route("GET", "/api/metrics/{id}", one_of("metric")),
        route("POST", "/api/events", create_event),
        route("GET", "/api/events", list_events),
        route("POST", "/api/templates", create_template),
        route("GET", "/api/templates", list_of("template")),
        route("GET", "/api/templates/{id}", one_of("template")),
        route("POST", "/api/images", create_image),
        route("POST", "/api/image-upload", upload_image),
        route("GET", "/api/images", list_of("image")),
        route("GET", "/api/images/{id}", one_of("image")),
        route("POST", "/api/profile-subscription-bulk-create-jobs", change_consent),
        route("POST", "/api/profile-subscription-bulk-delete-jobs", change_consent),
        route("POST", "/api/event-bulk-create-jobs", bulk_events),
    ]


# -- profiles -----------------------------------------------------------------------------------


def _profile_attributes(store: Store, given: dict[str, Any]) -> dict[str, Any]:
    now = store.now()
    return {"created": now, "updated": now, **{k: v for k, v in given.items() if v is not None}}


def create_profile(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = attributes_of(body)
    if not any(attributes.get(k) for k in PROFILE_KEYS):
        raise FakeError(400, "invalid", "A profile needs an email, phone_number or external_id.", "/data/attributes")
    with store.lock:
        for key in PROFILE_KEYS:
            if attributes.get(key) and (existing := store.find("profile", **{key: attributes[key]})):
                raise FakeError(
                    409,
                    "duplicate_profile",
                    "A profile already exists with one of these identifiers.",
                    "/data/attributes",
                    meta={"duplicate_profile_id": existing["id"]},
                )
        created = store.add("profile", _profile_attributes(store, attributes))
    return json_response(201, store.single(created))


def update_profile(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        profile = store.get("profile", params["id"])
        profile["attributes"].update({k: v for k, v in attributes_of(body).items() if v is not None})
        profile["attributes"]["updated"] = store.now()
    return json_response(200, store.single(profile))


def import_profile(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    given = dict(attributes_of(body))
    if (body.get("data") or {}).get("id"):
        given["id"] = body["data"]["id"]  # update by Klaviyo id
    profile, created = store.upsert_profile(given)
    return json_response(201 if created else 200, store.single(profile))


# -- lists and memberships ------------------------------------------------------------------------


def create_list(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = named_attributes(body, "list")
    now = store.now()
    created = store.add(
        "list", {"name": attributes["name"], "created": now, "updated": now, "opt_in_process": "single_opt_in"}
    )
    store.members[created["id"]] = []
    return json_response(201, store.single(created))


def delete_list(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        store.get("list", params["id"])
        del store.resources["list"][params["id"]]
        store.members.pop(params["id"], None)
    return json_response(204)


def list_members(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    store.get("list", params["id"])
    members = [store.get("profile", p) for p in store.members.get(params["id"], [])]

    def render(profile: Resource) -> Resource:
        document = store.render(profile)
        document["attributes"]["joined_group_at"] = store.joined.get((params["id"], profile["id"]))
        return document

    return page(store, request, members, render=render)


def _profile_ids(store: Store, body: Any) -> list[str]:
    data = (body or {}).get("data")
    if not isinstance(data, list) or not all(isinstance(d, dict) and d.get("type") == "profile" for d in data):
        raise FakeError(400, "invalid", "data must be a list of {type: profile, id} objects.", "/data")
    if len(data) > 1000:
        raise FakeError(400, "invalid", "At most 1000 profiles per request.", "/data")
    for item in data:
        store.get("profile", str(item.get("id")))
    return [str(item["id"]) for item in data]


def add_members(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        store.get("list", params["id"])
        members = store.members.setdefault(params["id"], [])
        for profile_id in _profile_ids(store, body):
            if profile_id not in members:
                members.append(profile_id)
                store.joined[(params["id"], profile_id)] = store.now()
    return json_response(204)


def remove_members(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        store.get("list", params["id"])
        gone = set(_profile_ids(store, body))
        store.members[params["id"]] = [p for p in store.members.get(params["id"], []) if p not in gone]
    return json_response(204)


# -- segments, metrics, events ------------------------------------------------------------------------


def create_event(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = attributes_of(body)
    metric_name = (((attributes.get("metric") or {}).get("data") or {}).get("attributes") or {}).get("name")
    profile_given = (((attributes.get("profile") or {}).get("data") or {}).get("attributes")) or {}
    if not metric_name:
        raise FakeError(400, "invalid", "An event needs metric.data.attributes.name.", "/data/attributes/metric")
    with store.lock:
        metric = store.find("metric", name=metric_name)
        if metric is None:
            now = store.now()
            metric = store.add("metric", {"name": metric_name, "created": now, "updated": now})
        profile, _ = store.upsert_profile(profile_given)
        unique = attributes.get("unique_id") or store.new_id("uuid")
        if store.find("event", uuid=unique) is None:
            store.add(
                "event",
                {
                    "timestamp": int(store.clock()),
                    "event_properties": attributes.get("properties") or {},
                    "datetime": attributes.get("time") or store.now(),
                    "uuid": unique,
                },
                {"profile": {"type": "profile", "id": profile["id"]}, "metric": {"type": "metric", "id": metric["id"]}},
            )
    return json_response(202)


def list_events(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    return page(store, request, list(store.resources["event"].values()))


# -- templates and images -----------------------------------------------------------------------


def create_template(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = attributes_of(body)
    now = store.now()
    template = {
        "name": attributes.get("name") or "",
        "editor_type": attributes.get("editor_type") or "CODE",
        "html": attributes.get("html") or "",
        "created": now,
        "updated": now,
    }
    return json_response(201, store.single(store.add("template", template)))


def _image(store: Store, name: str, url: str, size: int, hidden: bool) -> Resource:
    attributes = {
        "name": name,
        "image_url": url,
        "format": url.rsplit(".", 1)[-1][:4] or "png",
        "size": size,
        "hidden": hidden,
        "updated_at": store.now(),
    }
    return store.add("image", attributes)


def create_image(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = attributes_of(body)
    source = str(attributes.get("import_from_url") or "")
    if not source.startswith(("https://", "http://", "data:")):
        raise FakeError(
            400, "invalid", "import_from_url must be a URL or a data URI.", "/data/attributes/import_from_url"
        )
    image = _image(
        store,
        str(attributes.get("name") or "image"),
        store.url(f"/images/{len(source)}.png"),
        len(source),
        bool(attributes.get("hidden")),
    )
    return json_response(201, store.single(image))


def upload_image(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    size = len(request.content)
    image = _image(store, "upload", store.url(f"/images/upload-{size}.png"), size, False)
    return json_response(201, store.single(image))


# -- consent and bulk events (accepted, applied at once) -----------------------------------------


def change_consent(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    """Subscribe or unsubscribe: each profile's consent becomes what its ``subscriptions`` say."""
    profiles = ((attributes_of(body).get("profiles") or {}).get("data")) or []
    for entry in profiles:
        attributes = dict((entry or {}).get("attributes") or {})
        subscriptions = attributes.pop("subscriptions", {})
        profile, _ = store.upsert_profile(attributes)
        current = profile["attributes"].setdefault("fake_consent", {})
        for channel, settings in subscriptions.items():
            current[channel] = (settings.get("marketing") or {}).get("consent")
    return json_response(202)


def bulk_events(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    for entry in ((attributes_of(body).get("events-bulk-create") or {}).get("data")) or []:
        attributes = (entry or {}).get("attributes") or {}
        for event in ((attributes.get("events") or {}).get("data")) or []:
            single = {"data": {"attributes": {**(event.get("attributes") or {}), "profile": attributes.get("profile")}}}
            create_event(store, request, params, single)
    return json_response(202)
