"""What the fake answers, route by route: ``routes()`` is the table, each handler a plain function of
(store, request, path parameters, body)."""

from __future__ import annotations

from typing import Any

import httpx

from ._filters import filtered
from ._http import Route, attributes_of, json_response, list_of, named_attributes, one_of, page, route
from ._store import PROFILE_KEYS, FakeError, Resource, Store


def routes() -> list[Route]:
    """Profiles, lists and members, segments, metrics, events, templates, images, consent and bulk events."""
    from ..api.events import get_events
    from ..api.images import get_images
    from ..api.lists import get_lists, get_profiles_for_list
    from ..api.metrics import get_metrics
    from ..api.profiles import get_profiles
    from ..api.segments import get_segments
    from ..api.templates import get_templates

    return [
        route("GET", "/api/profiles", list_of("profile"), get_profiles.OPERATION),
        route("POST", "/api/profiles", create_profile),
        route("GET", "/api/profiles/{id}", one_of("profile")),
        route("PATCH", "/api/profiles/{id}", update_profile),
        route("POST", "/api/profile-import", import_profile),
        route("GET", "/api/lists", list_of("list"), get_lists.OPERATION),
        route("POST", "/api/lists", create_list),
        route("GET", "/api/lists/{id}", one_of("list")),
        route("DELETE", "/api/lists/{id}", delete_list),
        route("GET", "/api/lists/{id}/profiles", list_members, get_profiles_for_list.OPERATION),
        route("POST", "/api/lists/{id}/relationships/profiles", add_members),
        route("DELETE", "/api/lists/{id}/relationships/profiles", remove_members),
        route("GET", "/api/segments", list_of("segment"), get_segments.OPERATION),
        route("GET", "/api/segments/{id}", one_of("segment")),
        route("GET", "/api/metrics", list_of("metric"), get_metrics.OPERATION),
        route("GET", "/api/metrics/{id}", one_of("metric")),
        route("POST", "/api/events", create_event),
        route("GET", "/api/events", list_events, get_events.OPERATION),
        route("POST", "/api/templates", create_template),
        route("GET", "/api/templates", list_of("template"), get_templates.OPERATION),
        route("GET", "/api/templates/{id}", one_of("template")),
        route("POST", "/api/images", create_image),
        route("POST", "/api/image-upload", upload_image),
        route("GET", "/api/images", list_of("image"), get_images.OPERATION),
        route("GET", "/api/images/{id}", one_of("image")),
        route("POST", "/api/profile-subscription-bulk-create-jobs", change_consent),
        route("POST", "/api/profile-subscription-bulk-delete-jobs", change_consent),
        route("POST", "/api/event-bulk-create-jobs", bulk_events),
    ]


# -- profiles -----------------------------------------------------------------------------------


def _meta(body: Any) -> dict[str, Any]:
    meta = ((body or {}).get("data") or {}).get("meta")
    return meta if isinstance(meta, dict) else {}


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
        created = store.new_profile(attributes, _meta(body))
    return json_response(201, store.single(created))


def update_profile(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = attributes_of(body)
    with store.lock:
        profile = store.get("profile", params["id"])
        for key in PROFILE_KEYS:
            other = attributes.get(key) and store.find("profile", **{key: attributes[key]})
            if other and other["id"] != profile["id"]:
                raise FakeError(
                    409,
                    "duplicate_profile",
                    f"Another profile already has this {key}.",
                    f"/data/attributes/{key}",
                    meta={"duplicate_profile_id": other["id"]},
                )
        store.change_profile(profile, attributes, _meta(body))
    return json_response(200, store.single(profile))


def import_profile(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    given = dict(attributes_of(body))
    if (body.get("data") or {}).get("id"):
        given["id"] = body["data"]["id"]  # update by Klaviyo id
    profile, created = store.upsert_profile(given, _meta(body))
    return json_response(201 if created else 200, store.single(profile))


# -- lists and memberships ------------------------------------------------------------------------


def create_list(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = named_attributes(body, "list")
    return json_response(201, store.single(new_list(store, attributes["name"])))


def new_list(store: Store, name: str, ident: str | None = None) -> Resource:
    now = store.now()
    with store.lock:
        created = store.add(
            "list", {"name": name, "created": now, "updated": now, "opt_in_process": "single_opt_in"}, ident=ident
        )
        store.members[created["id"]] = []
    return created


def delete_list(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        store.remove("list", params["id"])
        for profile_id in store.members.pop(params["id"], []):
            store.joined.pop((params["id"], profile_id), None)
    return json_response(204)


def list_members(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    store.get("list", params["id"])
    members = filtered(request, (store.get("profile", p) for p in store.members.get(params["id"], [])))

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
            # `joined` answers "already a member?" without scanning the member list.
            if (params["id"], profile_id) not in store.joined:
                members.append(profile_id)
                store.joined[(params["id"], profile_id)] = store.now()
    return json_response(204)


def remove_members(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        store.get("list", params["id"])
        gone = set(_profile_ids(store, body))
        store.members[params["id"]] = [p for p in store.members.get(params["id"], []) if p not in gone]
        for profile_id in gone:
            store.joined.pop((params["id"], profile_id), None)
    return json_response(204)


# -- segments, metrics, events ------------------------------------------------------------------------


def create_event(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = attributes_of(body)
    metric_name = (((attributes.get("metric") or {}).get("data") or {}).get("attributes") or {}).get("name")
    profile_data = (attributes.get("profile") or {}).get("data") or {}
    profile_given = dict(profile_data.get("attributes") or {})
    if profile_data.get("id"):
        profile_given["id"] = profile_data["id"]
    if not metric_name:
        raise FakeError(400, "invalid", "An event needs metric.data.attributes.name.", "/data/attributes/metric")
    with store.lock:
        metric = store.find("metric", name=metric_name)
        if metric is None:
            now = store.now()
            metric = store.add("metric", {"name": metric_name, "created": now, "updated": now})
        profile, _ = store.upsert_profile(profile_given, profile_data.get("meta"))
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
    return page(store, request, filtered(request, store.resources["event"].values()))


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
    """Subscribe or unsubscribe: each profile's consent becomes what its ``subscriptions`` say (kept
    beside the profile, reported by ``additional-fields[profile]=subscriptions``); the profile joins
    the body's list, if it names one the fake holds."""
    given = attributes_of(body)
    subscribing = request.url.path.rstrip("/").endswith("-create-jobs")
    list_id = ((((body.get("data") or {}).get("relationships") or {}).get("list") or {}).get("data") or {}).get("id")
    with store.lock:
        # A list the fake does not hold is not refused: tests often name lists they never created.
        joins = str(list_id) if subscribing and list_id and str(list_id) in store.resources["list"] else None
        for entry in ((given.get("profiles") or {}).get("data")) or []:
            attributes = dict((entry or {}).get("attributes") or {})
            subscriptions = attributes.pop("subscriptions", None) or {}
            profile, _ = store.upsert_profile(attributes)
            channels = {c: (s or {}).get("marketing") or {} for c, s in subscriptions.items()}
            if not subscribing and not channels:  # unsubscribe without channels: every channel it has
                channels = {"email": {}} | ({"sms": {}} if profile["attributes"].get("phone_number") else {})
            for channel, marketing in channels.items():
                consent = marketing.get("consent") or ("SUBSCRIBED" if subscribing else "UNSUBSCRIBED")
                store.set_consent(profile["id"], channel, consent, custom_method_detail=given.get("custom_source"))
            if joins and (joins, profile["id"]) not in store.joined:
                store.members.setdefault(joins, []).append(profile["id"])
                store.joined[(joins, profile["id"])] = store.now()
    return json_response(202)


def bulk_events(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    for entry in ((attributes_of(body).get("events-bulk-create") or {}).get("data")) or []:
        attributes = (entry or {}).get("attributes") or {}
        for event in ((attributes.get("events") or {}).get("data")) or []:
            single = {"data": {"attributes": {**(event.get("attributes") or {}), "profile": attributes.get("profile")}}}
            create_event(store, request, params, single)
    return json_response(202)
