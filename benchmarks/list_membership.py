"""``kv.workflows.add_to_list(list_id, emails=...)`` for new emails against FakeKlaviyo, rate limits on.

    python benchmarks/list_membership.py [COUNT ...]        (default: 250 1000)

Prints, per count, the requests sent, the virtual time they take under the documented rate limits
(the client sleeps on the fake's virtual clock, so waits cost nothing real) and the wall time. Before
the batching (issue 17) each new email cost a lookup and a create: 250 emails took 501 requests and
1,000 took 2,001 requests and 63 s under the limits.
"""

from __future__ import annotations

import sys
import time

from klaviyo_generated import Klaviyo
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock

API_KEY = "pk_bench_0123456789abcdef0123456789abcdef"


def measure(count: int) -> tuple[int, float, float]:
    """(requests, virtual seconds, wall seconds) to add ``count`` new emails to a new list."""
    clock = VirtualClock()
    fake = FakeKlaviyo(clock=clock)
    kv = Klaviyo(api_key=API_KEY, transport=fake.transport(), clock=clock, sleep=clock.sleep)
    created = kv.request("POST", "/api/lists", json={"data": {"type": "list", "attributes": {"name": "Bench"}}})
    list_id = created["data"]["id"]
    before, started, wall = len(fake.requests), clock(), time.perf_counter()
    ids = kv.workflows.add_to_list(list_id, emails=[f"new{n}@example.com" for n in range(count)])
    wall = time.perf_counter() - wall
    assert len(ids) == count
    assert fake.store.members[list_id] == ids
    return len(fake.requests) - before, clock() - started, wall


def main(argv: list[str]) -> int:
    for count in [int(a) for a in argv] or [250, 1000]:
        requests, virtual, wall = measure(count)
        print(f"{count} new emails: {requests} requests, {virtual:.1f} s under the rate limits, {wall:.2f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
