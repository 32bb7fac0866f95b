# Copied from overrides/runtime/testing/_job_routes.py by `python -m generator sync`; edit that file, not this one.
"""The fake's jobs (profile bulk import, campaign send) and campaigns, moving on the store's clock.

A job is ``queued`` for its first second, then ``processing`` for one second per 1,000 items (its
counters growing), then ``complete``; a profile import applies its profiles when it completes and
reports the ones without any identifier as import errors.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._http import Handler, Route, attributes_of, included, json_response, named_attributes, page, route
from ._store import PROFILE_KEYS, FakeError, Resource, Store

QUEUED_FOR = 1.0
ITEMS_PER_SECOND = 1000.0


def _advance(store: Store, job: Resource) -> None:
    """Bring the job's status and counters to the store's current time."""
    state = job["state"]
    elapsed = store.clock() - state["started"]
    total = state["total"]
    attributes = job["attributes"]
    if attributes["status"] in ("complete", "cancelled"):
        return
    if elapsed < QUEUED_FOR:
        return
    done = min(total, int((elapsed - QUEUED_FOR) * ITEMS_PER_SECOND))
    if done < total:
        attributes.update(status="processing", completed_count=done)
        return
    failures = state.get("failures", [])
    # The profiles the job created or updated, in order: GET .../{id}/profiles answers them.
    state["profiles"] = list(dict.fromkeys(store.upsert_profile(item)[0]["id"] for item in state.get("items", [])))
    attributes.update(
        status="complete",
        completed_count=total - len(failures),
        failed_count=len(failures),
        completed_at=store.now(),
    )


def submit_import(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    profiles = ((attributes_of(body).get("profiles") or {}).get("data")) or []
    if not isinstance(profiles, list) or not profiles:
        raise FakeError(400, "invalid", "profiles.data must be a non-empty list.", "/data/attributes/profiles/data")
    if len(profiles) > 10_000:
        raise FakeError(400, "invalid", "At most 10,000 profiles per import job.", "/data/attributes/profiles/data")
    items: list[tuple[int, dict[str, Any]]] = []
    failures: list[tuple[int, dict[str, Any]]] = []
    for index, profile in enumerate(profiles):
        attributes = (profile or {}).get("attributes") or {}
        (items if any(attributes.get(k) for k in PROFILE_KEYS) else failures).append((index, attributes))
    with store.lock:
        job = store.add(
            "profile-bulk-import-job",
            {
                "status": "queued",
                "created_at": store.now(),
                "total_count": len(profiles),
                "completed_count": 0,
                "failed_count": 0,
            },
        )
        job["state"] = {
            "started": store.clock(),
            "total": len(profiles),
            "items": [a for _, a in items],
            "failures": [{"index": i, "attributes": a} for i, a in failures],
        }
    return json_response(202, store.single(_visible(job)))


def _visible(job: Resource) -> Resource:
    return {key: value for key, value in job.items() if key != "state"}


def get_import(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        job = store.get("profile-bulk-import-job", params["id"])
        _advance(store, job)
        return json_response(200, store.single(_visible(job)))


def import_errors(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    job = store.get("profile-bulk-import-job", params["id"])
    errors = [
        {
            "type": "import-error",
            "id": f"{job['id']}-{failure['index']}",
            "attributes": {
                "code": "invalid",
                "title": "Invalid profile",
                "detail": "A profile needs an email, phone_number or external_id.",
                "source": {"pointer": f"/data/attributes/profiles/data/{failure['index']}"},
            },
            "relationships": {},
        }
        for failure in job["state"]["failures"]
    ]
    return page(store, request, errors, render=_render_error(store))


def import_profiles(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        job = store.get("profile-bulk-import-job", params["id"])
        _advance(store, job)
        ids = job["state"].get("profiles", [])  # none until the job completes, as Klaviyo answers
        return page(store, request, [store.get("profile", i) for i in ids if i in store.resources["profile"]])


def _render_error(store: Store) -> Any:
    def render(item: Resource) -> Resource:
        return {
            "type": item["type"],
            "id": item["id"],
            "attributes": item["attributes"],
            "links": {"self": store.url("/")},
        }

    return render


# -- campaigns --------------------------------------------------------------------------------------


def create_campaign(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    attributes = named_attributes(body, "campaign")
    now = store.now()
    with store.lock:
        campaign = store.add(
            "campaign",
            {
                "name": attributes["name"],
                "status": "Draft",
                "archived": False,
                "audiences": attributes.get("audiences") or {"included": [], "excluded": []},
                "send_options": attributes.get("send_options") or {"use_smart_sending": True},
                "send_strategy": attributes.get("send_strategy") or {"method": "immediate"},
                "created_at": now,
                "updated_at": now,
            },
        )
        messages = (attributes.get("campaign-messages") or {}).get("data") or []
        created = []
        for message in messages:
            definition = dict((((message or {}).get("attributes") or {}).get("definition")) or {})
            definition.setdefault("channel", "email")
            definition.setdefault("label", attributes["name"])
            stored = {"definition": definition, "created_at": now, "updated_at": now}
            created.append(store.add("campaign-message", stored))
        campaign["relationships"]["campaign-messages"] = [{"type": "campaign-message", "id": m["id"]} for m in created]
        for message in created:
            message["relationships"]["campaign"] = {"type": "campaign", "id": campaign["id"]}
        campaign["channel"] = created[0]["attributes"]["definition"]["channel"] if created else "email"
    return json_response(201, store.single(_visible_campaign(campaign)))


def _visible_campaign(campaign: Resource) -> Resource:
    return {key: value for key, value in campaign.items() if key != "channel"}


def list_campaigns(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    wanted = request.url.params.get("filter", "")
    if "messages.channel" not in wanted:
        raise FakeError(
            400, "invalid", "A channel filter is required, e.g. equals(messages.channel,'email').", "filter"
        )
    channel = "sms" if "'sms'" in wanted or '"sms"' in wanted else "mobile_push" if "mobile_push" in wanted else "email"
    campaigns = [_visible_campaign(c) for c in store.resources["campaign"].values() if c.get("channel") == channel]
    return page(store, request, campaigns)


def get_campaign(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    campaign = store.get("campaign", params["id"])
    return json_response(200, store.single(_visible_campaign(campaign), included(store, request, [campaign])))


def assign_template(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    data = (body or {}).get("data") or {}
    template = (((data.get("relationships") or {}).get("template") or {}).get("data")) or {}
    with store.lock:
        message = store.get("campaign-message", str(data.get("id")))
        store.get("template", str(template.get("id")))
        message["relationships"]["template"] = {"type": "template", "id": template["id"]}
    # This endpoint answers in the older message shape: label, channel and content side by side.
    definition = message["attributes"]["definition"]
    flat = {
        "label": definition.get("label", ""),
        "channel": definition.get("channel", "email"),
        "content": definition.get("content") or {},
        "created_at": message["attributes"]["created_at"],
        "updated_at": store.now(),
    }
    return json_response(200, store.single({**message, "attributes": flat}))


def send_campaign(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    ident = str(((body or {}).get("data") or {}).get("id") or "")
    with store.lock:
        campaign = store.get("campaign", ident)
        campaign["attributes"]["status"] = "Sending"
        job = {"type": "campaign-send-job", "id": ident, "attributes": {"status": "queued"}, "relationships": {}}
        job["state"] = {"started": store.clock(), "total": 1}
        store.resources["campaign-send-job"][ident] = job
    return json_response(202, store.single(_visible(job)))


def get_send_job(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    with store.lock:
        job = store.get("campaign-send-job", params["id"])
        if job["attributes"]["status"] != "cancelled" and store.clock() - job["state"]["started"] >= QUEUED_FOR + 1:
            job["attributes"]["status"] = "complete"
            store.get("campaign", params["id"])["attributes"]["status"] = "Sent"
        elif job["attributes"]["status"] == "queued" and store.clock() - job["state"]["started"] >= QUEUED_FOR:
            job["attributes"]["status"] = "processing"
        return json_response(200, store.single(_visible(job)))


def cancel_send_job(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    action = attributes_of(body).get("action")
    with store.lock:
        job = store.get("campaign-send-job", params["id"])
        campaign = store.get("campaign", params["id"])
        if action == "cancel":
            job["attributes"]["status"] = "cancelled"
            campaign["attributes"]["status"] = "Cancelled"
        elif action == "revert":
            campaign["attributes"]["status"] = "Draft"
        else:
            raise FakeError(400, "invalid", "action must be cancel or revert.", "/data/attributes/action")
    return json_response(204)


# -- every other job type the spec has: counted, timed, no side effects ---------------------------------


def routes() -> list[Route]:
    """The job and campaign routes: profile import and campaign send in full, every other job type the
    spec has (from the generated job table) counted and timed."""
    from ..api.campaigns import get_campaigns

    return [
        route("POST", "/api/profile-bulk-import-jobs", submit_import),
        route("GET", "/api/profile-bulk-import-jobs/{id}", get_import),
        route("GET", "/api/profile-bulk-import-jobs/{id}/import-errors", import_errors),
        route("GET", "/api/profile-bulk-import-jobs/{id}/profiles", import_profiles),
        route("POST", "/api/campaigns", create_campaign),
        route("GET", "/api/campaigns", list_campaigns, get_campaigns.OPERATION),
        route("GET", "/api/campaigns/{id}", get_campaign),
        route("POST", "/api/campaign-message-assign-template", assign_template),
        route("POST", "/api/campaign-send-jobs", send_campaign),
        route("GET", "/api/campaign-send-jobs/{id}", get_send_job),
        route("PATCH", "/api/campaign-send-jobs/{id}", cancel_send_job),
        *_generic_job_routes(),
    ]


def _generic_job_routes() -> list[Route]:
    from .._jobs_table import JOBS
    from .._operations import OPERATIONS

    handled = {"bulk_import_profiles", "send_campaign"}
    found = []
    for submit, family in JOBS.items():
        if submit in handled or family.status is None:
            continue
        path = OPERATIONS[submit].path
        kind = path.rsplit("/", 1)[-1].removesuffix("s")  # catalog-item-bulk-create-jobs -> ...-job
        found += [
            route("POST", path, _submit(kind, family.max_items)),
            route("GET", OPERATIONS[family.status].path, _status(kind)),
        ]
        if family.result is not None:
            found.append(route("GET", OPERATIONS[family.result].path, _estimation))
    return found


def _submit(kind: str, limit: int | None) -> Handler:
    def submit(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
        data = (body or {}).get("data") or {}
        lists = [v.get("data") for v in (data.get("attributes") or {}).values() if isinstance(v, dict)]
        total = max((len(x) for x in lists if isinstance(x, list)), default=1)
        if limit is not None and total > limit:
            raise FakeError(400, "invalid", f"At most {limit} items per request.", "/data/attributes")
        with store.lock:
            job: Resource = {"type": kind, "id": str(data.get("id") or store.new_id(kind)), "relationships": {}}
            job["attributes"] = _job_attributes(store, kind, total)
            job["state"] = {"started": store.clock(), "total": total}
            store.resources[kind][job["id"]] = job
            if kind in SUPPRESSIONS:
                _suppress(store, data, suppressed=SUPPRESSIONS[kind])
        return json_response(202, store.single(_visible(job)))

    return submit


# Suppression jobs change what `additional-fields[profile]=subscriptions` reports, at once.
SUPPRESSIONS = {"profile-suppression-bulk-create-job": True, "profile-suppression-bulk-delete-job": False}


def _suppress(store: Store, data: dict[str, Any], *, suppressed: bool) -> None:
    for entry in (((data.get("attributes") or {}).get("profiles") or {}).get("data")) or []:
        attributes = (entry or {}).get("attributes") or {}
        if attributes.get("email"):
            profile, _ = store.upsert_profile({"email": attributes["email"]})
            store.set_suppressed(profile["id"], suppressed)


def _job_attributes(store: Store, kind: str, total: int) -> dict[str, Any]:
    if kind.startswith("campaign-"):
        return {"status": "queued"}
    counters = {"total_count": total, "completed_count": 0}
    counters.update({"skipped_count": 0} if "suppression" in kind else {"failed_count": 0})
    return {"status": "queued", "created_at": store.now(), **counters}


def _status(kind: str) -> Handler:
    def status(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
        ident = next(iter(params.values()))
        with store.lock:
            job = store.get(kind, ident)
            elapsed = store.clock() - job["state"]["started"]
            total = job["state"]["total"]
            if elapsed >= QUEUED_FOR + total / ITEMS_PER_SECOND:
                job["attributes"]["status"] = "complete"
                if "completed_count" in job["attributes"]:
                    job["attributes"].update(completed_count=total, completed_at=store.now())
            elif elapsed >= QUEUED_FOR:
                job["attributes"]["status"] = "processing"
            return json_response(200, store.single(_visible(job)))

    return status


def _estimation(store: Store, request: httpx.Request, params: dict[str, str], body: Any) -> httpx.Response:
    ident = next(iter(params.values()))
    estimate = {
        "type": "campaign-recipient-estimation",
        "id": ident,
        "attributes": {"estimated_recipient_count": len(store.resources["profile"])},
        "relationships": {},
    }
    return json_response(200, store.single(estimate))
