"""``kv.workflows.add_to_list`` / ``remove_from_list`` by email: requests grow with batches, not emails.

n new emails: ceil(n/100) lookups, one import job (submit + polls), ceil(n/100) lookups of what it
created, ceil(n/1000) membership requests. Checked request by request against a scripted Klaviyo that
records every request, and end to end against FakeKlaviyo (answers checked against the spec).
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from klaviyo_generated import AsyncKlaviyo, JobFailedError, Klaviyo, KlaviyoError
from klaviyo_generated._workflow_lists import LOOKUP_BATCH, LOOKUP_CHARS, lookup_batches
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock
from tests.runtime.client_harness import API_KEY

LIST = "L1"
JOBS = "/api/profile-bulk-import-jobs"
MEMBERS = f"/api/lists/{LIST}/relationships/profiles"
LOOKUP = {"sort": "-updated", "fields[profile]": "email", "page[size]": "100"}


def emails(count: int, prefix: str = "new") -> list[str]:
    return [f"{prefix}{n}@example.com" for n in range(count)]


def any_email(batch: list[str]) -> str:
    return "any(email,[" + ",".join(f'"{e}"' for e in batch) + "])"


class Scripted:
    """A Klaviyo that knows profiles by email, imports them with a job that completes on its second
    poll (or fails the emails in ``refuse``), and records every request."""

    def __init__(self, existing: dict[str, str] | None = None, refuse: tuple[str, ...] = ()) -> None:
        self.profiles: dict[str, str] = dict(existing or {})  # lowercased email -> id
        self.requests: list[httpx.Request] = []
        self.refuse = refuse
        self.imported: list[list[dict[str, Any]]] = []
        self.created: dict[str, str] = {}  # lowercased email -> id, as the job's own profiles name them
        self.polls = 0
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        routes: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {
            ("GET", "/api/profiles"): self._lookup,
            ("POST", JOBS): self._submit,
            ("GET", f"{JOBS}/J1"): self._poll,
            ("GET", f"{JOBS}/J1/import-errors"): lambda _: self._page(self._errors()),
            ("GET", f"{JOBS}/J1/profiles"): lambda _: self._page(self._job_profiles()),
            ("POST", MEMBERS): lambda _: httpx.Response(204),
            ("DELETE", MEMBERS): lambda _: httpx.Response(204),
        }
        return routes[request.method, request.url.path](request)

    def _page(self, data: list[dict[str, Any]]) -> httpx.Response:
        return httpx.Response(200, json={"data": data, "links": {"self": "x", "next": None}})

    def _lookup(self, request: httpx.Request) -> httpx.Response:
        match = re.fullmatch(r"any\(email,(\[.*\])\)", request.url.params["filter"])
        assert match is not None
        found = [(e, self.profiles[e.lower()]) for e in json.loads(match[1]) if e.lower() in self.profiles]
        return self._page(
            [{"type": "profile", "id": i, "attributes": {"email": e.lower()}, "links": {"self": "x"}} for e, i in found]
        )

    def _submit(self, request: httpx.Request) -> httpx.Response:
        self.imported.append(json.loads(request.content)["data"]["attributes"]["profiles"]["data"])
        return httpx.Response(202, json=self._job("queued"))

    def _poll(self, request: httpx.Request) -> httpx.Response:
        self.polls += 1
        if self.polls < 2:
            return httpx.Response(200, json=self._job("processing"))
        for item in self.imported[-1]:
            email = item["attributes"]["email"]
            if email not in self.refuse:
                self.created.setdefault(
                    email.lower(), self.profiles.setdefault(email.lower(), f"P{len(self.profiles):05d}")
                )
        return httpx.Response(200, json=self._job("complete", failed=len(self.refuse)))

    def _job(self, status: str, failed: int = 0) -> dict[str, Any]:
        total = len(self.imported[-1])
        attributes = {
            "status": status,
            "created_at": "2026-01-01T00:00:00+00:00",
            "total_count": total,
            "completed_count": total - failed if status == "complete" else 0,
            "failed_count": failed,
        }
        return {
            "data": {"type": "profile-bulk-import-job", "id": "J1", "attributes": attributes, "links": {"self": "x"}}
        }

    def _job_profiles(self) -> list[dict[str, Any]]:
        # What the job made, whatever a lookup by email finds (or not) yet.
        made = [
            (item["attributes"]["email"], self.created.get(item["attributes"]["email"].lower()))
            for item in self.imported[-1]
        ]
        return [{"type": "profile", "id": i, "attributes": {"email": e}, "links": {"self": "x"}} for e, i in made if i]

    def _errors(self) -> list[dict[str, Any]]:
        batch = [item["attributes"]["email"] for item in self.imported[-1]]
        errors = []
        for n, email in enumerate(self.refuse):
            source = {"pointer": f"/data/attributes/profiles/data/{batch.index(email)}"}
            attributes: dict[str, Any] = {"code": "invalid", "title": "Invalid", "detail": "bad", "source": source}
            if n % 2 == 0:  # Klaviyo echoes the payload for some errors; the pointer names the others
                attributes["original_payload"] = {"type": "profile", "attributes": {"email": email}}
            errors.append({"type": "import-error", "id": f"E{n}", "attributes": attributes, "links": {"self": "x"}})
        return errors

    def client(self) -> Klaviyo:
        return Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(self.handle), clock=self.clock, sleep=self.sleep)

    def async_client(self) -> AsyncKlaviyo:
        async def handle(request: httpx.Request) -> httpx.Response:
            await request.aread()
            return self.handle(request)

        return AsyncKlaviyo(api_key=API_KEY, transport=httpx.MockTransport(handle), clock=self.clock, sleep=self.asleep)


def run(server: Scripted, workflow: str, given: list[str], *, awaiting: bool) -> list[str]:
    """``kv.workflows.<workflow>(LIST, emails=given)`` on the synchronous or the asyncio client."""
    if not awaiting:
        return getattr(server.client().workflows, workflow)(LIST, emails=given)  # type: ignore[no-any-return]

    async def main() -> list[str]:
        async with server.async_client() as kv:
            return await getattr(kv.workflows, workflow)(LIST, emails=given)  # type: ignore[no-any-return]

    return asyncio.run(main())


def described(request: httpx.Request) -> tuple[Any, ...]:
    """A request as (method, path, what it carries): a lookup's filter, a body's emails or ids."""
    if request.url.path == "/api/profiles":
        params = dict(request.url.params)
        assert {k: params.pop(k) for k in LOOKUP} == LOOKUP
        return ("GET", "/api/profiles", params.pop("filter"), params)
    if not request.content:
        return (request.method, request.url.path)
    body = json.loads(request.content)
    if request.url.path == JOBS:
        assert body["data"]["type"] == "profile-bulk-import-job"
        assert "relationships" not in body["data"]
        profiles = body["data"]["attributes"]["profiles"]["data"]
        assert all(p == {"type": "profile", "attributes": {"email": p["attributes"]["email"]}} for p in profiles)
        return ("POST", JOBS, [p["attributes"]["email"] for p in profiles])
    assert all(set(item) == {"type", "id"} and item["type"] == "profile" for item in body["data"])
    return (request.method, request.url.path, [item["id"] for item in body["data"]])


def expected_new(new: list[str], ids: list[str]) -> list[tuple[Any, ...]]:
    lookups: list[tuple[Any, ...]] = [
        ("GET", "/api/profiles", any_email(new[i : i + 100]), {}) for i in range(0, len(new), 100)
    ]
    return [
        *lookups,
        ("POST", JOBS, new),
        ("GET", f"{JOBS}/J1"),
        ("GET", f"{JOBS}/J1"),
        *lookups,
        *[("POST", MEMBERS, ids[i : i + 1000]) for i in range(0, len(ids), 1000)],
    ]


@pytest.mark.parametrize("count", [250, 2500])
def test_new_emails_take_requests_per_batch_not_per_email(count: int) -> None:
    server = Scripted()
    new = emails(count)
    ids = server.client().workflows.add_to_list(LIST, emails=new)
    assert ids == [server.profiles[e] for e in new]  # in the order given
    assert len(set(ids)) == count
    sent = [described(r) for r in server.requests]
    assert sent == expected_new(new, ids)
    # 250 -> 3 + 1 + 2 + 3 + 1 = 10 requests (it was 501); 2,500 -> 25 + 1 + 2 + 25 + 3 = 56 (it was 5,001)
    assert len(sent) == 2 * math.ceil(count / 100) + 1 + 2 + math.ceil(count / 1000)
    assert len(sent) == {250: 10, 2500: 56}[count]


def test_async_new_emails_send_the_same_requests() -> None:
    server = Scripted()
    new = emails(250)
    ids = run(server, "add_to_list", new, awaiting=True)
    assert ids == [server.profiles[e] for e in new]
    assert [described(r) for r in server.requests] == expected_new(new, ids)


def test_known_emails_are_only_looked_up_and_case_is_ignored_as_klaviyo_does() -> None:
    server = Scripted(existing={"old0@example.com": "OLD0", "old1@example.com": "OLD1"})
    given = ["Old0@Example.com", "new0@example.com", "old1@example.com", "NEW0@example.com", "old0@example.com"]
    ids = server.client().workflows.add_to_list(LIST, emails=given)
    assert ids == ["OLD0", "P00002", "OLD1"]  # each profile once, in the order its email first came
    assert [described(r) for r in server.requests] == [
        ("GET", "/api/profiles", any_email(["Old0@Example.com", "new0@example.com", "old1@example.com"]), {}),
        ("POST", JOBS, ["new0@example.com"]),
        ("GET", f"{JOBS}/J1"),
        ("GET", f"{JOBS}/J1"),
        ("GET", "/api/profiles", any_email(["new0@example.com"]), {}),
        ("POST", MEMBERS, ["OLD0", "P00002", "OLD1"]),
    ]


def test_all_known_emails_need_no_import() -> None:
    known = {e: f"K{n}" for n, e in enumerate(emails(150, "known"))}
    server = Scripted(existing=known)
    ids = server.client().workflows.add_to_list(LIST, emails=list(known))
    assert ids == list(known.values())
    assert [r.method for r in server.requests] == ["GET", "GET", "POST"]


@pytest.mark.parametrize("awaiting", [False, True])
def test_remove_by_email_looks_up_in_batches_and_skips_unknown_emails(awaiting: bool) -> None:
    known = {e: f"K{n}" for n, e in enumerate(emails(250, "known"))}
    server = Scripted(existing=known)
    given = [*known, "nobody@example.com"]
    ids = run(server, "remove_from_list", given, awaiting=awaiting)
    assert ids == list(known.values())
    assert [described(r) for r in server.requests] == [
        ("GET", "/api/profiles", any_email(given[0:100]), {}),
        ("GET", "/api/profiles", any_email(given[100:200]), {}),
        ("GET", "/api/profiles", any_email(given[200:251]), {}),
        ("DELETE", MEMBERS, ids),
    ]


@pytest.mark.parametrize("awaiting", [False, True])
def test_refused_emails_are_named_and_the_list_is_left_alone(awaiting: bool) -> None:
    new = emails(5)
    server = Scripted(refuse=(new[1], new[3]))
    with pytest.raises(JobFailedError) as caught:
        run(server, "add_to_list", new, awaiting=awaiting)
    assert caught.value.failed_items == (new[1], new[3])  # one by its echoed payload, one by its position
    assert str(caught.value) == (f"bulk_import_profiles job J1 finished with 2 failed item(s): {new[1]}; {new[3]}")
    assert len(caught.value.errors) == 2
    assert [(r.method, r.url.path) for r in server.requests] == [
        ("GET", "/api/profiles"),
        ("POST", JOBS),
        ("GET", f"{JOBS}/J1"),
        ("GET", f"{JOBS}/J1"),
        ("GET", f"{JOBS}/J1/import-errors"),
    ]


class Lagging(Scripted):
    """Search by email does not see new1 yet (an index behind the job); the job's own profiles may."""

    def __init__(self, *, job_knows: bool) -> None:
        super().__init__()
        self.job_knows = job_knows

    def handle(self, request: httpx.Request) -> httpx.Response:
        response = super().handle(request)
        self.profiles.pop("new1@example.com", None)
        if not self.job_knows:
            self.created.pop("new1@example.com", None)
        return response


@pytest.mark.parametrize("awaiting", [False, True], ids=["sync", "async"])
def test_a_profile_search_does_not_find_yet_is_read_from_the_jobs_own_profiles(awaiting: bool) -> None:
    server = Lagging(job_knows=True)
    ids = run(server, "add_to_list", emails(3), awaiting=awaiting)
    assert ids == ["P00000", server.created["new1@example.com"], "P00002"]
    assert [(r.method, r.url.path) for r in server.requests] == [
        ("GET", "/api/profiles"),
        ("POST", JOBS),
        ("GET", f"{JOBS}/J1"),
        ("GET", f"{JOBS}/J1"),
        ("GET", "/api/profiles"),
        ("GET", f"{JOBS}/J1/profiles"),
        ("POST", MEMBERS),
    ]
    assert dict(server.requests[5].url.params) == {"fields[profile]": "email", "page[size]": "100"}


def test_a_profile_neither_search_nor_the_job_names_is_an_error_naming_its_email() -> None:
    server = Lagging(job_knows=False)
    with pytest.raises(KlaviyoError) as caught:
        server.client().workflows.add_to_list(LIST, emails=emails(3))
    assert str(caught.value) == (
        "the profile import completed but neither get_profiles nor the job's own profiles name a profile"
        " for 1 email(s): new1@example.com"
    )
    assert [(r.method, r.url.path) for r in server.requests][-1] == ("GET", f"{JOBS}/J1/profiles")  # no membership


def test_a_looked_up_profile_without_an_id_is_an_error() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        data = [{"type": "profile", "attributes": {"email": "ada@example.com"}, "links": {"self": "x"}}]
        return httpx.Response(200, json={"data": data, "links": {"self": "x", "next": None}})

    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(handle))
    with pytest.raises(KlaviyoError, match=r"get_profiles answered a profile without an id \(got None\)"):
        kv.workflows.add_to_list(LIST, emails=["ada@example.com"])


def test_long_addresses_make_smaller_lookups_within_the_length_limit() -> None:
    long = [f"{'x' * 200}{n}@example.com" for n in range(100)]
    batches = lookup_batches(long)
    assert [len(b) for b in batches] == [26, 26, 26, 22]
    assert [e for b in batches for e in b] == long
    assert all(len(quote(any_email(b), safe="")) <= LOOKUP_CHARS for b in batches)
    assert len(quote(any_email([*batches[0], long[24]]), safe="")) > LOOKUP_CHARS  # each batch is full
    assert [len(b) for b in lookup_batches(emails(250))] == [LOOKUP_BATCH, LOOKUP_BATCH, 50]


# -- the old names ----------------------------------------------------------------------------------

RENAMED = [("add_profiles_to_list", "add_to_list"), ("remove_profiles_from_list", "remove_from_list")]


@pytest.mark.parametrize(("old", "new"), RENAMED)
def test_the_old_names_warn_and_do_the_same(old: str, new: str) -> None:
    server = Scripted(existing={"ada@example.com": "ADA"})
    message = (
        f"kv.workflows.{old} is deprecated: use kv.workflows.{new} (same arguments); "
        f"kv.lists.{old} is the API endpoint, which takes a body of profile ids"
    )
    with pytest.warns(DeprecationWarning, match=re.escape(message)) as caught:
        ids = getattr(server.client().workflows, old)(LIST, emails=["ada@example.com"])
    assert ids == ["ADA"]
    assert [str(w.message) for w in caught] == [message]
    assert caught[0].filename == __file__  # the warning points at the caller's line

    async def main() -> list[str]:
        async with server.async_client() as kv:
            return await getattr(kv.workflows, old)(LIST, profile_ids=["ADA"])  # type: ignore[no-any-return]

    with pytest.warns(DeprecationWarning, match=re.escape(message)):
        assert asyncio.run(main()) == ["ADA"]


# -- end to end against FakeKlaviyo -----------------------------------------------------------------


def test_against_the_fake_250_new_emails_take_11_requests(kv: Klaviyo, fake: FakeKlaviyo, clock: VirtualClock) -> None:
    vip = kv.request("POST", "/api/lists", json={"data": {"type": "list", "attributes": {"name": "VIP"}}})["data"]["id"]
    existing = str(kv.workflows.upsert_profile(email="old@example.com").data.id)
    fake.requests.clear()
    started = clock()
    new = emails(250)
    ids = kv.workflows.add_to_list(vip, emails=["old@example.com", *new])
    assert ids[0] == existing
    assert fake.store.members[vip] == ids
    assert [fake.store.resources["profile"][i]["attributes"]["email"] for i in ids[1:]] == new
    paths = [(r.method, r.url.path) for r in fake.requests]
    (job,) = fake.store.resources["profile-bulk-import-job"]
    # 3 lookups (251 emails), the job (submit, then polls at 0, 1 and 2.5 s), 3 lookups, 1 membership request
    assert paths == [
        *[("GET", "/api/profiles")] * 3,
        ("POST", JOBS),
        *[("GET", f"{JOBS}/{job}")] * 3,
        *[("GET", "/api/profiles")] * 3,
        ("POST", f"/api/lists/{vip}/relationships/profiles"),
    ]
    lookups = [r.url.params["filter"] for r in fake.requests if r.url.path == "/api/profiles"]
    assert lookups[0] == any_email(["old@example.com", *new[:99]])
    assert lookups[3] == any_email(new[:100])  # the read-back asks for the new ones only
    assert clock() - started == pytest.approx(2.5)  # the job's polls; the rate limits never held a request
