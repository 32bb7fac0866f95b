"""Every fault type x GET/POST/PATCH/DELETE, through retries, pagination and jobs.

Faults come from ``klaviyo_generated.testing.FaultTransport`` in front of a small scripted Klaviyo.
Each case asserts the outcome (success, or the exact typed error), the number of attempts, that a
create is never applied twice, and that nothing escapes the package's error hierarchy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from klaviyo_generated import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    Klaviyo,
    KlaviyoError,
    RateLimitError,
    ResponseDecodeError,
    RetryPolicy,
)
from klaviyo_generated.models import ListCreateQuery, ProfilePartialUpdateQuery
from klaviyo_generated.testing import Fault, FaultTransport
from tests.runtime.client_harness import API_KEY, NEW_LIST, PROFILE, PROFILE_ID, Clock
from tests.runtime.test_jobs import job_body, profiles_body

KINDS = [
    "rate_limited",
    "status_503",
    "connection_reset",
    "read_timeout",
    "malformed_body",
    "truncated_body",
    "cut_body",
    "bad_encoding",
    "deep_json",
    "retry_after_3600",
]
METHODS = ["GET", "POST", "PATCH", "DELETE"]
UNREADABLE = ("malformed_body", "truncated_body", "bad_encoding", "deep_json")
OPERATION = {"GET": "get_profile", "POST": "create_list", "PATCH": "update_profile", "DELETE": "delete_list"}


def fault(kind: str, *, operation: str, nth: int = 1, times: int | None = 1) -> Fault:
    if kind == "rate_limited":
        return Fault.rate_limited(1.0, operation=operation, nth=nth, times=times)
    if kind == "retry_after_3600":
        return Fault.rate_limited(3600.0, operation=operation, nth=nth, times=times)
    if kind == "status_503":
        return Fault.status_code(503, operation=operation, nth=nth, times=times)
    return Fault.failure(kind, operation=operation, nth=nth, times=times)  # type: ignore[arg-type]


class Store:
    """The scripted Klaviyo behind the faults; counts what it applied."""

    def __init__(self) -> None:
        self.created = 0
        self.received: list[tuple[str, str]] = []
        self.polls = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append((request.method, request.url.path))
        path, method = request.url.path, request.method
        if method == "POST" and path == "/api/lists":
            self.created += 1
            return httpx.Response(201, json=NEW_LIST)
        if method == "DELETE":
            return httpx.Response(204)
        if path == "/api/profiles":
            return self._page(request.url.params.get("page[cursor]"))
        if method == "POST" and path == "/api/profile-bulk-import-jobs":
            self.created += 1
            return httpx.Response(202, json=job_body("queued"))
        if path == "/api/profile-bulk-import-jobs/J1":
            self.polls += 1
            return httpx.Response(200, json=job_body("complete" if self.polls >= 3 else "processing", completed=3))
        return httpx.Response(200, json=PROFILE)

    @staticmethod
    def _page(cursor: str | None) -> httpx.Response:
        number = int(cursor or 1)
        following = f"https://a.klaviyo.com/api/profiles?page%5Bcursor%5D={number + 1}" if number < 3 else None
        data = [{**PROFILE["data"], "id": f"p{number}{i}"} for i in range(2)]
        return httpx.Response(200, json={"data": data, "links": {"self": "x", "next": following}})


def client(store: Store, *faults: Fault) -> tuple[Klaviyo, FaultTransport, list[float]]:
    sleeps: list[float] = []
    clock = Clock()

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.now += seconds

    transport = FaultTransport(httpx.MockTransport(store.handle), list(faults))
    kv = Klaviyo(
        api_key=API_KEY, transport=transport, retry=RetryPolicy(jitter=0.0), rate_limits=False, sleep=sleep, clock=clock
    )
    return kv, transport, sleeps


def call(kv: Klaviyo, method: str) -> Callable[[], Any]:
    raw = kv.with_raw_response
    if method == "GET":
        return lambda: raw.profiles.get_profile(PROFILE_ID)
    if method == "POST":
        body = ListCreateQuery.from_dict({"data": {"type": "list", "attributes": {"name": "VIP"}}})
        return lambda: raw.lists.create_list(body=body)
    if method == "PATCH":
        patch = {"data": {"type": "profile", "id": PROFILE_ID, "attributes": {"first_name": "Ada"}}}
        return lambda: raw.profiles.update_profile(PROFILE_ID, body=ProfilePartialUpdateQuery.from_dict(patch))
    return lambda: raw.lists.delete_list("L1")


# What one fault does to one call: "ok" after N attempts, or the typed error after N attempts.
# Idempotent methods (GET, DELETE) repeat after anything transient; POST and PATCH only after a
# refusal (429) — a 5xx, a reset or a timeout may have been applied, so they are not sent again.
# A 204 answer carries nothing to decode, so a broken body on DELETE goes unnoticed.
EXPECTED: dict[tuple[str, str], tuple[str | type[KlaviyoError], int]] = {}
for _method in METHODS:
    _idempotent = _method in ("GET", "DELETE")
    EXPECTED[("rate_limited", _method)] = ("ok", 2)
    EXPECTED[("status_503", _method)] = ("ok", 2) if _idempotent else (InternalServerError, 1)
    EXPECTED[("connection_reset", _method)] = ("ok", 2) if _idempotent else (APIConnectionError, 1)
    EXPECTED[("read_timeout", _method)] = ("ok", 2) if _idempotent else (APITimeoutError, 1)
    for _broken in UNREADABLE:
        EXPECTED[(_broken, _method)] = ("ok", 1) if _method == "DELETE" else (ResponseDecodeError, 1)
    # A body cut mid-transfer is a dropped connection: repeated for idempotent methods only.
    EXPECTED[("cut_body", _method)] = ("ok", 2) if _idempotent else (APIConnectionError, 1)
    # Longer than RetryPolicy.retry_after_cap: the call fails at once, carrying the server's wait.
    EXPECTED[("retry_after_3600", _method)] = (RateLimitError, 1)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", KINDS)
def test_one_fault(kind: str, method: str) -> None:
    store = Store()
    kv, transport, _ = client(store, fault(kind, operation=OPERATION[method]))
    outcome, attempts = EXPECTED[(kind, method)]
    if outcome == "ok":
        assert call(kv, method)().attempts == attempts
    else:
        with pytest.raises(KlaviyoError) as caught:
            call(kv, method)()
        assert type(caught.value) is outcome
        assert caught.value.attempts == attempts  # type: ignore[attr-defined]
    assert len(transport.fired) == 1
    assert store.created <= 1


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", ["rate_limited", "status_503", "connection_reset", "read_timeout"])
def test_a_fault_that_never_ends_exhausts_the_budget_with_a_typed_error(kind: str, method: str) -> None:
    store = Store()
    kv, _, sleeps = client(store, fault(kind, operation=OPERATION[method], times=None))
    with pytest.raises(KlaviyoError) as caught:
        call(kv, method)()
    retried = kind == "rate_limited" or method in ("GET", "DELETE")
    assert caught.value.attempts == (3 if retried else 1)  # type: ignore[attr-defined]
    assert sleeps == ([1.0, 1.0] if kind == "rate_limited" else [0.5, 1.0] if retried else [])
    assert store.created <= 1


@pytest.mark.parametrize("kind", KINDS)
def test_faults_in_the_middle_of_pagination(kind: str) -> None:
    store = Store()
    kv, _, _ = client(store, fault(kind, operation="get_profiles", nth=2))
    seen: list[str] = []
    failing = {"retry_after_3600": RateLimitError, **dict.fromkeys(UNREADABLE, ResponseDecodeError)}
    if kind in failing:
        with pytest.raises(failing[kind]):
            seen.extend(str(p.id) for p in kv.profiles.iter_profiles())
        assert seen == ["p10", "p11"]
    else:
        seen.extend(str(p.id) for p in kv.profiles.iter_profiles())
        assert seen == ["p10", "p11", "p20", "p21", "p30", "p31"]
        pages = [path for method, path in store.received if path == "/api/profiles"]
        assert len(pages) == (3 if kind in ("rate_limited", "status_503", "read_timeout") else 4)


@pytest.mark.parametrize("kind", KINDS)
def test_faults_while_a_job_is_submitted_and_polled(kind: str) -> None:
    store = Store()
    kv, _, _ = client(
        store,
        fault(kind, operation="bulk_import_profiles"),
        fault(kind, operation="get_bulk_import_profiles_job", nth=2),
    )

    def submit_and_wait() -> Any:
        return kv.profiles.submit_bulk_import_profiles(body=profiles_body(3)).wait()

    if kind == "rate_limited":
        assert submit_and_wait().data.attributes.status == "complete"
    else:
        with pytest.raises(KlaviyoError) as caught:
            submit_and_wait()
        assert caught.value.attempts == 1  # type: ignore[attr-defined]
    assert store.created <= 1


def test_only_the_package_errors_escape_across_the_whole_matrix() -> None:
    escaped: list[str] = []
    for kind in KINDS:
        for method in METHODS:
            kv, _, _ = client(Store(), fault(kind, operation=OPERATION[method], times=None))
            try:
                call(kv, method)()
            except KlaviyoError:
                pass
            except Exception as error:
                escaped.append(f"{kind} {method}: {type(error).__name__}: {json.dumps(str(error))}")
    assert escaped == []
