"""Bulk jobs on a virtual clock: exact polls and their spacing, every ending, limits, resume, async twins."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from klaviyo_generated import Accepted, AsyncKlaviyo, ConfigurationError, Klaviyo
from klaviyo_generated._jobs import Job, JobFailedError, JobLimitError, JobTimeoutError, Progress
from klaviyo_generated._jobs_table import ACCEPTED, JOBS
from klaviyo_generated.api.campaigns import cancel_campaign_send, send_campaign
from klaviyo_generated.models import ProfileImportJobCreateQuery
from klaviyo_generated.models import SubscriptionCreateJobCreateQuery as BulkSubscriptions
from tests.runtime.client_harness import API_KEY, Clock

JOB_PATH = "/api/profile-bulk-import-jobs"


def job_body(status: str, completed: int = 0, failed: int = 0, total: int = 3, ident: str = "J1") -> dict[str, Any]:
    attributes = {
        "status": status,
        "created_at": "2026-01-01T00:00:00+00:00",
        "total_count": total,
        "completed_count": completed,
        "failed_count": failed,
    }
    return {"data": {"type": "profile-bulk-import-job", "id": ident, "attributes": attributes, "links": {"self": "x"}}}


def import_error(ident: str) -> dict[str, Any]:
    attributes = {"code": "invalid", "title": "Invalid", "detail": f"bad email {ident}", "source": {"pointer": "/x"}}
    return {"type": "import-error", "id": ident, "attributes": attributes, "links": {"self": "x"}}


def profiles_body(count: int, padding: int = 0) -> ProfileImportJobCreateQuery:
    profiles = [
        {
            "type": "profile",
            "attributes": {"email": f"p{i}@example.com", **({"title": "x" * padding} if padding else {})},
        }
        for i in range(count)
    ]
    return ProfileImportJobCreateQuery.from_dict(
        {"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": profiles}}}}
    )


class JobServer:
    """A profile import whose status polls answer ``statuses`` in order (the last repeats)."""

    def __init__(self, *statuses: dict[str, Any]) -> None:
        self.statuses = list(statuses)
        self.requests: list[httpx.Request] = []
        self.clock = Clock()
        self.sleeps: list[float] = []
        self.poll_times: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        routes = {
            ("POST", JOB_PATH): lambda: httpx.Response(202, json=job_body("queued")),
            ("GET", f"{JOB_PATH}/J1"): self._status,
            ("GET", f"{JOB_PATH}/J1/import-errors"): lambda: self._errors(request),
            ("PATCH", "/api/campaign-send-jobs/C1"): lambda: httpx.Response(204),
            ("GET", "/api/campaign-recipient-estimations/R1"): self._estimation,
        }
        route = routes.get((request.method, request.url.path))
        return route() if route is not None else httpx.Response(404, json={"errors": []})

    def _status(self) -> httpx.Response:
        self.poll_times.append(self.clock.now)
        return httpx.Response(200, json=self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0])

    @staticmethod
    def _errors(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page[cursor]") is None:
            following = f"https://a.klaviyo.com{JOB_PATH}/J1/import-errors?page%5Bcursor%5D=e2"
            return httpx.Response(200, json={"data": [import_error("e1")], "links": {"self": "x", "next": following}})
        return httpx.Response(200, json={"data": [import_error("e2")], "links": {"self": "x", "next": None}})

    @staticmethod
    def _estimation() -> httpx.Response:
        attributes = {"estimated_recipient_count": 42}
        data = {"type": "campaign-recipient-estimation", "id": "R1", "attributes": attributes, "links": {"self": "x"}}
        return httpx.Response(200, json={"data": data, "links": {"self": "x"}})

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        return self.handle(request)

    def client(self) -> Klaviyo:
        return Klaviyo(
            api_key=API_KEY,
            transport=httpx.MockTransport(self.handle),
            sleep=self.sleep,
            clock=self.clock,
            rate_limits=False,
        )

    def async_client(self) -> AsyncKlaviyo:
        return AsyncKlaviyo(
            api_key=API_KEY,
            transport=httpx.MockTransport(self.ahandle),
            sleep=self.asleep,
            clock=self.clock,
            rate_limits=False,
        )

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.path) for r in self.requests]


def test_the_spec_gives_15_job_families_and_their_documented_limits() -> None:
    assert len(JOBS) == 15
    assert JOBS["bulk_import_profiles"].status == "get_bulk_import_profiles_job"
    assert JOBS["bulk_import_profiles"].errors == "get_errors_for_bulk_import_profiles_job"
    assert (JOBS["bulk_import_profiles"].max_items, JOBS["bulk_import_profiles"].max_bytes) == (10_000, 5 * 1024 * 1024)
    assert JOBS["send_campaign"].cancel == "cancel_campaign_send"
    assert JOBS["refresh_campaign_recipient_estimation"].result == "get_campaign_recipient_estimation"
    assert JOBS["bulk_create_coupon_codes"].max_items == 1000
    assert sorted(ACCEPTED) == [
        "bulk_create_data_source_records",
        "bulk_create_events",
        "bulk_delete_object_records",
        "bulk_subscribe_profiles",
        "bulk_unsubscribe_profiles",
        "create_data_source_record",
        "request_profile_deletion",
    ]
    assert ACCEPTED["bulk_create_events"].sources == (
        "Accepts up to 1,000 events per request",
        "The maximum allowed payload size is 5MB",
    )


def test_submit_and_wait_polls_with_growing_intervals_until_complete() -> None:
    server = JobServer(
        job_body("processing", 1), job_body("processing", 2), job_body("processing", 2), job_body("complete", 3)
    )
    seen: list[Progress] = []
    job = server.client().profiles.submit_bulk_import_profiles(body=profiles_body(3))
    assert (job.id, job.progress.status) == ("J1", "queued")
    final = job.wait(on_progress=seen.append)
    assert final.data.attributes.status == "complete"
    assert server.calls() == [("POST", JOB_PATH)] + [("GET", f"{JOB_PATH}/J1")] * 4
    assert server.sleeps == [1.0, 1.5, 2.25]
    assert server.poll_times == [1000.0, 1001.0, 1002.5, 1004.75]
    assert [(p.status, p.completed, p.total) for p in seen] == [
        ("processing", 1, 3),
        ("processing", 2, 3),
        ("processing", 2, 3),
        ("complete", 3, 3),
    ]
    assert seen[-1].fraction == 1.0


def test_intervals_stop_growing_at_max_interval() -> None:
    server = JobServer(*([job_body("processing")] * 5), job_body("complete", 3))
    server.client().profiles.attach_bulk_import_profiles("J1").wait(poll_interval=2.0, max_interval=5.0, backoff=2.0)
    assert server.sleeps == [2.0, 4.0, 5.0, 5.0, 5.0]


def test_a_cancelled_job_raises_with_the_job_and_every_page_of_import_errors() -> None:
    server = JobServer(job_body("processing"), job_body("cancelled", 1))
    job = server.client().profiles.attach_bulk_import_profiles("J1")
    with pytest.raises(JobFailedError) as caught:
        job.wait()
    assert caught.value.job is job
    assert [e.id for e in caught.value.errors] == ["e1", "e2"]
    assert str(caught.value) == "bulk_import_profiles job J1 was cancelled"
    assert server.calls()[-2:] == [("GET", f"{JOB_PATH}/J1/import-errors")] * 2


def test_a_complete_job_with_failed_items_raises_too() -> None:
    server = JobServer(job_body("complete", completed=2, failed=1))
    with pytest.raises(JobFailedError, match="finished with 1 failed item"):
        server.client().profiles.attach_bulk_import_profiles("J1").wait()


def test_timeout_raises_with_the_last_status_and_leaves_the_job_alone() -> None:
    server = JobServer(job_body("processing"))
    job = server.client().profiles.attach_bulk_import_profiles("J1")
    with pytest.raises(JobTimeoutError) as caught:
        job.wait(timeout=5.0)
    assert caught.value.status == "processing"
    assert caught.value.waited == 5.0
    assert server.poll_times == [1000.0, 1001.0, 1002.5, 1004.75, 1005.0]
    assert server.sleeps == [1.0, 1.5, 2.25, 0.25]
    assert all(r.method == "GET" for r in server.requests)  # nothing cancelled it


def test_resuming_by_id_needs_no_submission() -> None:
    server = JobServer(job_body("complete", 3))
    assert server.client().profiles.attach_bulk_import_profiles("J1").wait().data.id == "J1"
    assert server.calls() == [("GET", f"{JOB_PATH}/J1")]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"timeout": -1}, "timeout must be seconds >= 0 or None"),
        ({"poll_interval": 0}, "need 0 < poll_interval <= max_interval"),
        ({"poll_interval": 5, "max_interval": 1}, "need 0 < poll_interval <= max_interval"),
        ({"backoff": 0.5}, "backoff must be >= 1"),
    ],
)
def test_bad_wait_settings_are_refused_before_polling(kwargs: dict[str, Any], fragment: str) -> None:
    server = JobServer(job_body("complete", 3))
    with pytest.raises(ConfigurationError) as caught:
        server.client().profiles.attach_bulk_import_profiles("J1").wait(**kwargs)
    assert fragment in str(caught.value)
    assert server.requests == []


# -- limits ---------------------------------------------------------------------------------------


def test_more_profiles_than_an_import_accepts_fail_before_sending() -> None:
    server = JobServer()
    with pytest.raises(JobLimitError) as caught:
        server.client().profiles.submit_bulk_import_profiles(body=profiles_body(10_001))
    assert str(caught.value) == (
        "bulk_import_profiles takes at most 10000 items per request, got 10001 (the API documents: "
        "'Accepts up to 10,000 profiles per request'; 'The maximum allowed payload size is 5MB'); "
        "split the input into several requests"
    )
    assert server.requests == []


def test_a_payload_over_the_documented_size_fails_before_sending() -> None:
    server = JobServer()
    with pytest.raises(JobLimitError, match=r"bulk_import_profiles payload is \d+ bytes, over the 5242880 allowed"):
        server.client().profiles.bulk_import_profiles(body=profiles_body(60, padding=100_000))
    assert server.requests == []


def test_limits_apply_to_accepted_only_jobs_and_raw_requests_too() -> None:
    server = JobServer()
    events = [{"type": "event-bulk-create", "attributes": {}} for _ in range(1001)]
    body = {"data": {"type": "event-bulk-create-job", "attributes": {"events-bulk-create": {"data": events}}}}
    with pytest.raises(JobLimitError, match="bulk_create_events takes at most 1000 items per request, got 1001"):
        server.client().request("POST", "/api/event-bulk-create-jobs", json=body)
    assert server.requests == []


def test_exactly_at_the_limit_is_sent() -> None:
    server = JobServer(job_body("complete", 3))
    server.client().profiles.submit_bulk_import_profiles(body=profiles_body(10_000))
    assert len(json.loads(server.requests[0].content)["data"]["attributes"]["profiles"]["data"]) == 10_000


# -- cancel, revert, result --------------------------------------------------------------------------


def test_campaign_send_jobs_cancel_and_revert_through_patch() -> None:
    server = JobServer()
    job = server.client().campaigns.attach_send_campaign("C1")
    job.cancel()
    job.revert()
    assert [(r.method, r.url.path) for r in server.requests] == [("PATCH", "/api/campaign-send-jobs/C1")] * 2
    assert [json.loads(r.content) for r in server.requests] == [
        {"data": {"type": "campaign-send-job", "id": "C1", "attributes": {"action": action}}}
        for action in ("cancel", "revert")
    ]
    with pytest.raises(ConfigurationError, match="bulk_import_profiles jobs cannot be cancelled"):
        server.client().profiles.attach_bulk_import_profiles("J1").cancel()


def test_the_cancel_body_names_the_resource_type_the_generator_read_from_the_spec(pinned_spec_path: Path) -> None:
    spec = json.loads(pinned_spec_path.read_bytes())
    body = spec["paths"]["/api/campaign-send-jobs/{id}"]["patch"]["requestBody"]["content"]
    schema = body["application/vnd.api+json"]["schema"]["$ref"].rsplit("/", 1)[1]
    data = spec["components"]["schemas"][schema]["properties"]["data"]["$ref"].rsplit("/", 1)[1]
    kind = spec["components"]["schemas"][data]["properties"]["type"]["$ref"].rsplit("/", 1)[1]
    assert send_campaign.OPERATION.job is not None
    assert send_campaign.OPERATION.job.resource_type == spec["components"]["schemas"][kind]["enum"][0]
    assert send_campaign.OPERATION.job.cancel is cancel_campaign_send.OPERATION
    # The handle sends the type its operation carries, not one derived from the URL.
    renamed = attrs.evolve(
        send_campaign.OPERATION, job=attrs.evolve(send_campaign.OPERATION.job, resource_type="x-job")
    )
    server = JobServer()
    Job(server.client(), renamed, "C1").cancel()
    assert json.loads(server.requests[0].content)["data"]["type"] == "x-job"


def test_a_recipient_estimation_job_has_a_result_resource() -> None:
    server = JobServer()
    result = server.client().campaigns.attach_refresh_campaign_recipient_estimation("R1").result()
    assert result.data.attributes.estimated_recipient_count == 42
    assert server.calls() == [("GET", "/api/campaign-recipient-estimations/R1")]


# -- async twins ------------------------------------------------------------------------------------


def test_async_submit_and_wait() -> None:
    server = JobServer(job_body("processing", 1), job_body("complete", 3))

    async def main() -> Any:
        job = await server.async_client().profiles.submit_bulk_import_profiles(body=profiles_body(3))
        return await job.wait()

    assert asyncio.run(main()).data.attributes.status == "complete"
    assert server.calls() == [("POST", JOB_PATH), ("GET", f"{JOB_PATH}/J1"), ("GET", f"{JOB_PATH}/J1")]
    assert server.sleeps == [1.0]


def test_async_failure_timeout_and_limits() -> None:
    server = JobServer(job_body("cancelled"))
    with pytest.raises(JobFailedError) as caught:
        asyncio.run(server.async_client().profiles.attach_bulk_import_profiles("J1").wait())
    assert [e.id for e in caught.value.errors] == ["e1", "e2"]

    server = JobServer(job_body("processing"))
    with pytest.raises(JobTimeoutError):
        asyncio.run(server.async_client().profiles.attach_bulk_import_profiles("J1").wait(timeout=2.0))
    assert server.sleeps == [1.0, 1.0]

    server = JobServer()
    with pytest.raises(JobLimitError):
        asyncio.run(server.async_client().profiles.submit_bulk_import_profiles(body=profiles_body(10_001)))
    assert server.requests == []


def test_a_job_type_without_a_status_endpoint_returns_an_accepted_receipt() -> None:
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(202, headers={"x-request-id": "req-7"})

    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(handle), rate_limits=False)
    body = BulkSubscriptions.from_dict(
        {"data": {"type": "profile-subscription-bulk-create-job", "attributes": {"profiles": {"data": []}}}}
    )
    receipt = kv.profiles.bulk_subscribe_profiles(body=body)
    assert receipt == Accepted("bulk_subscribe_profiles", 202, "req-7")
    assert (requests[0].method, requests[0].url.path) == ("POST", "/api/profile-subscription-bulk-create-jobs")
    raw = kv.with_raw_response.profiles.bulk_subscribe_profiles(body=body)
    assert (raw.status_code, raw.parsed) == (202, Accepted("bulk_subscribe_profiles", 202, "req-7"))
