"""Chunked bulk jobs: exact splits, combined progress, failures named per chunk, bounded async submission."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx
import pytest

from klaviyo_generated import AsyncKlaviyo, Klaviyo
from klaviyo_generated._chunks import ChunkFailedError, split_body
from klaviyo_generated._jobs import JobLimitError, Progress
from klaviyo_generated.api.profiles import bulk_import_profiles
from klaviyo_generated.progress import progress_bar
from tests.runtime.client_harness import API_KEY, Clock, error_body
from tests.runtime.test_jobs import JOB_PATH, job_body, profiles_body


def emails(body: Any) -> list[str]:
    return [p["attributes"]["email"] for p in body.to_dict()["data"]["attributes"]["profiles"]["data"]]


def test_split_by_the_documented_item_limit_keeps_order_and_envelope() -> None:
    bodies, ranges = split_body(bulk_import_profiles.OPERATION, profiles_body(10_001))
    assert ranges == [range(0, 10_000), range(10_000, 10_001)]
    assert [len(emails(b)) for b in bodies] == [10_000, 1]
    assert emails(bodies[1]) == ["p10000@example.com"]
    assert bodies[1].to_dict()["data"]["type"] == "profile-bulk-import-job"


def test_split_by_a_smaller_chunk_size() -> None:
    bodies, ranges = split_body(bulk_import_profiles.OPERATION, profiles_body(7), chunk_size=3)
    assert ranges == [range(0, 3), range(3, 6), range(6, 7)]
    assert [emails(b) for b in bodies][2] == ["p6@example.com"]


def test_split_by_the_documented_payload_size() -> None:
    # 60 profiles of ~100 KB: over the 5 MB payload limit long before the 10,000-item limit.
    bodies, ranges = split_body(bulk_import_profiles.OPERATION, profiles_body(60, padding=100_000))
    assert len(bodies) == 2
    assert [len(r) for r in ranges] == [52, 8]
    assert all(len(json.dumps(b.to_dict()).encode()) <= 5 * 1024 * 1024 for b in bodies)


@pytest.mark.parametrize(
    ("body", "chunk_size", "fragment"),
    [
        (profiles_body(1, padding=6_000_000), None, "item 0 alone is"),
        (profiles_body(3), 0, "chunk_size must be an int >= 1, got 0"),
    ],
)
def test_what_cannot_be_split_is_refused(body: Any, chunk_size: int | None, fragment: str) -> None:
    with pytest.raises(JobLimitError) as caught:
        split_body(bulk_import_profiles.OPERATION, body, chunk_size)
    assert fragment in str(caught.value)


class ChunkServer:
    """Each submission creates job J<n> (n from 1); ``outcome[n]`` is its final status body."""

    def __init__(self, outcome: dict[int, dict[str, Any]], *, refuse: set[int] | None = None) -> None:
        self.outcome = outcome
        self.refuse = refuse or set()
        self.submitted: list[list[str]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.clock = Clock()

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if request.method == "POST" and request.url.path == JOB_PATH:
            profiles = json.loads(request.content)["data"]["attributes"]["profiles"]["data"]
            self.submitted.append([p["attributes"]["email"] for p in profiles])
            number = len(self.submitted)
            if number in self.refuse:
                return httpx.Response(400, json=error_body(400, "invalid", "Bad chunk."))
            return httpx.Response(202, json=job_body("queued", ident=f"J{number}"))
        if request.url.path.endswith("/import-errors"):
            return httpx.Response(200, json={"data": [], "links": {"self": "x", "next": None}})
        number = int(request.url.path.rsplit("/J", 1)[1])
        return httpx.Response(200, json=self.outcome[number])

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return self.handle(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0)  # let the other submissions start if they are allowed to
        try:
            return self.handle(request)
        finally:
            self.in_flight -= 1


def done(ident: str, completed: int, failed: int = 0) -> dict[str, Any]:
    return job_body("complete", completed=completed, failed=failed, total=completed + failed, ident=ident)


def test_chunks_are_submitted_and_waited_with_combined_progress() -> None:
    server = ChunkServer({1: done("J1", 3), 2: done("J2", 3), 3: done("J3", 1)})
    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(server.handle), clock=server.clock, rate_limits=False)
    group = kv.profiles.submit_bulk_import_profiles_in_chunks(body=profiles_body(7), chunk_size=3)
    assert [job.id for job in group.jobs] == ["J1", "J2", "J3"]
    assert server.submitted == [[f"p{i}@example.com" for i in r] for r in (range(3), range(3, 6), range(6, 7))]
    seen: list[Progress] = []
    results = group.wait(on_progress=seen.append)
    assert [r.data.id for r in results] == ["J1", "J2", "J3"]
    assert [(p.status, p.completed, p.total) for p in seen] == [
        ("processing", 3, 3),
        ("processing", 6, 6),
        ("complete", 7, 7),
    ]


def test_a_failed_chunk_is_named_and_the_others_results_are_kept() -> None:
    server = ChunkServer({1: done("J1", 3), 2: done("J2", 2, failed=1), 3: done("J3", 1)}, refuse={3})
    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(server.handle), clock=server.clock, rate_limits=False)
    group = kv.profiles.submit_bulk_import_profiles_in_chunks(body=profiles_body(7), chunk_size=3)
    with pytest.raises(ChunkFailedError) as caught:
        group.wait()
    error = caught.value
    assert [o.index for o in error.failed] == [1, 2]
    assert error.outcomes[0].result.data.id == "J1"
    assert str(error).startswith(
        "bulk_import_profiles: 2 of 3 chunk(s) failed: chunk 1 (items 3-5): bulk_import_profiles job J2 "
        "finished with 1 failed item(s); chunk 2 (items 6-6): HTTP 400 invalid: Bad chunk."
    )


def test_async_chunks_are_submitted_at_most_concurrency_at_a_time() -> None:
    server = ChunkServer({n: done(f"J{n}", 1) for n in range(1, 7)})

    async def main() -> list[Any]:
        kv = AsyncKlaviyo(
            api_key=API_KEY, transport=httpx.MockTransport(server.ahandle), clock=server.clock, rate_limits=False
        )
        group = await kv.profiles.submit_bulk_import_profiles_in_chunks(
            body=profiles_body(6), chunk_size=1, concurrency=2
        )
        return await group.wait()

    results = asyncio.run(main())
    assert sorted(r.data.id for r in results) == [f"J{n}" for n in range(1, 7)]
    assert server.most_in_flight == 2
    assert sorted(server.submitted) == [[f"p{i}@example.com"] for i in range(6)]


def test_the_progress_bar_follows_the_counters_and_closes_at_the_end() -> None:
    out = io.StringIO()
    update = progress_bar(file=out, desc="Importing", mininterval=0)
    update(Progress("processing", completed=10, failed=0, total=40))
    update(Progress("processing", completed=30, failed=2, total=40))
    update(Progress("complete", completed=38, failed=2, total=40))
    text = out.getvalue()
    assert "Importing" in text
    assert "10/40" in text
    assert "32/40" in text
    assert "40/40" in text
    assert "complete" in text
