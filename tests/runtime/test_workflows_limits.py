"""Bulk workflows cut their input by the limits the generated job tables hold: items and bytes per request."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from klaviyo_generated import AsyncKlaviyo, JobLimitError, Klaviyo
from klaviyo_generated._jobs_table import ACCEPTED, JOBS
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock
from tests.runtime.client_harness import API_KEY

EVENTS = ACCEPTED["bulk_create_events"]
PATH = "/api/event-bulk-create-jobs"


def big_events(count: int, padding: int = 6_000) -> list[dict[str, Any]]:
    """``count`` events of a little over ``padding`` bytes each, numbered in ``properties.n``."""
    return [
        {"metric": "Viewed", "email": f"v{n % 7}@example.com", "properties": {"n": n, "blob": "x" * padding}}
        for n in range(count)
    ]


def sent_events(fake: FakeKlaviyo) -> list[tuple[int, list[int]]]:
    """Per bulk request: its size in bytes and the event numbers it carried, in order."""
    requests = []
    for request in fake.requests:
        if (request.method, request.url.path) != ("POST", PATH):
            continue
        items = json.loads(request.content)["data"]["attributes"]["events-bulk-create"]["data"]
        numbers = [e["attributes"]["properties"]["n"] for i in items for e in i["attributes"]["events"]["data"]]
        requests.append((len(request.content), numbers))
    return requests


def track(fake: FakeKlaviyo, events: list[dict[str, Any]], *, awaiting: bool) -> list[Any]:
    if not awaiting:
        return Klaviyo(api_key=API_KEY, transport=fake.transport(), rate_limits=False).workflows.bulk_track_events(
            events
        )
    kv = AsyncKlaviyo(api_key=API_KEY, transport=fake.async_transport(), rate_limits=False)
    return asyncio.run(kv.workflows.bulk_track_events(events))


def check_split(fake: FakeKlaviyo, receipts: list[Any], count: int, expected_requests: int) -> None:
    requests = sent_events(fake)
    assert EVENTS.max_items is not None
    assert EVENTS.max_bytes is not None
    assert len(requests) == len(receipts) == expected_requests
    assert all(size <= EVENTS.max_bytes for size, _ in requests)
    assert all(len(numbers) <= EVENTS.max_items for _, numbers in requests)
    assert [n for _, numbers in requests for n in numbers] == list(range(count))  # each once, in order
    assert len(fake.store.resources["event"]) == count


def test_the_limits_come_from_the_spec() -> None:
    assert (EVENTS.max_items, EVENTS.max_bytes) == (1000, 5 * 1024 * 1024)
    assert (ACCEPTED["bulk_unsubscribe_profiles"].max_items, JOBS["bulk_suppress_profiles"].max_items) == (100, 100)


def test_a_thousand_events_of_6_kb_go_as_two_requests_within_both_limits() -> None:
    # 1,000 x ~6.1 KB is ~6.1 MB: over 5 MB, under 10 MB, so exactly two requests, none over 1,000 events.
    fake = FakeKlaviyo(clock=VirtualClock())
    events = big_events(1000)
    assert 5 * 1024 * 1024 < len(json.dumps(events)) < 10 * 1024 * 1024
    receipts = track(fake, events, awaiting=False)
    assert [r.operation for r in receipts] == ["bulk_create_events"] * 2
    check_split(fake, receipts, 1000, 2)


def test_async_a_thousand_events_of_6_kb_go_as_two_requests_within_both_limits() -> None:
    fake = FakeKlaviyo(clock=VirtualClock())
    check_split(fake, track(fake, big_events(1000), awaiting=True), 1000, 2)


def test_small_events_are_cut_by_count_large_ones_by_bytes() -> None:
    fake = FakeKlaviyo(clock=VirtualClock())
    check_split(fake, track(fake, big_events(2001, padding=10), awaiting=False), 2001, 3)
    assert [len(numbers) for _, numbers in sent_events(fake)] == [1000, 1000, 1]


@pytest.mark.parametrize("awaiting", [False, True])
def test_one_event_larger_than_a_request_fails_before_anything_is_sent(awaiting: bool) -> None:
    fake = FakeKlaviyo(clock=VirtualClock())
    events = [*big_events(3, padding=10), *big_events(1, padding=6 * 1024 * 1024)]
    with pytest.raises(JobLimitError) as caught:
        track(fake, events, awaiting=awaiting)
    assert str(caught.value).startswith("bulk_create_events: item 3 alone is 629")
    assert "over the 5242880 bytes one request may carry (nothing was sent)" in str(caught.value)
    assert fake.requests == []
