"""The library at work: `nox -s demo` (or `python examples/demo.py`).

Without KLAVIYO_API_KEY it runs against the embedded fake Klaviyo (klaviyo_generated.testing.FakeKlaviyo,
served over HTTP on 127.0.0.1; no key, no network): creates profiles, bulk-imports 2,500 more with a
progress bar, pages through them all, rides out an injected 429, lets the rate limiter space a burst,
and prints a summary. With KLAVIYO_API_KEY set it makes read-only calls against the real API instead.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import attrs

from klaviyo_generated import JobFailedError, Klaviyo, RetryPolicy
from klaviyo_generated.models import ListCreateQuery, ProfileCreateQuery, ProfileImportJobCreateQuery
from klaviyo_generated.progress import progress_bar
from klaviyo_generated.testing import FakeKlaviyo, Fault

IMPORTED = 2500


@attrs.define
class Summary:
    created: int = 0
    imported: int = 0
    import_failures: int = 0
    paged: int = 0
    pages: int = 0
    retried_attempts: int = 0
    burst_calls: int = 0
    burst_seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"profiles created one by one:         {self.created}",
            f"profiles bulk-imported (one job):    {self.imported} ({self.import_failures} refused)",
            f"profiles paged through:              {self.paged} in {self.pages} pages",
            f"call that met an injected 429:       succeeded after {self.retried_attempts} attempts",
            f"burst of create_list calls (10/s):   {self.burst_calls} calls spread over {self.burst_seconds:.1f} s",
        ]


def _profiles(count: int) -> ProfileImportJobCreateQuery:
    profiles = [
        {"type": "profile", "attributes": {"email": f"customer{n}@example.com", "first_name": f"Customer {n}"}}
        for n in range(count)
    ]
    body = {"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": profiles}}}}
    return ProfileImportJobCreateQuery.from_dict(body)


def run_against_fake(
    *, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], object] = time.sleep, bar: bool = True
) -> Summary:
    summary = Summary()
    fake = FakeKlaviyo(clock=clock, faults=[Fault.rate_limited(1.0, method="GET", path="/api/profiles")])
    options: dict[str, Any] = {"clock": clock, "sleep": sleep, "retry": RetryPolicy(jitter=0.0)}
    with fake.serve() as url, Klaviyo(api_key="pk_demo_fake_key", base_url=url, allow_http=True, **options) as kv:
        print(f"FakeKlaviyo serving on {url}")

        for name in ("Ada", "Grace", "Katherine"):
            attributes = {"email": f"{name.lower()}@example.com", "first_name": name}
            body = {"data": {"type": "profile", "attributes": attributes}}
            kv.profiles.create_profile(body=ProfileCreateQuery.from_dict(body))
            summary.created += 1

        job = kv.profiles.submit_bulk_import_profiles(body=_profiles(IMPORTED))
        try:
            job.wait(poll_interval=0.5, on_progress=progress_bar(desc="Importing", disable=not bar))
        except JobFailedError as error:
            summary.import_failures = len(error.errors)
        summary.imported = job.progress.completed or 0

        raw = kv.with_raw_response.profiles.get_profiles(page_size=100)
        summary.retried_attempts = raw.attempts
        pager = kv.profiles.iter_profiles(page_size=100)
        for page in pager.pages():
            summary.pages += 1
            summary.paged += len(page.data)

        started = clock()
        for n in range(15):
            body = {"data": {"type": "list", "attributes": {"name": f"List {n}"}}}
            kv.lists.create_list(body=ListCreateQuery.from_dict(body))
            summary.burst_calls += 1
        summary.burst_seconds = clock() - started
    return summary


def run_against_klaviyo(api_key: str) -> list[str]:
    """Read-only calls: who the account is, how the first page of profiles and lists looks."""
    with Klaviyo(api_key=api_key) as kv:
        accounts = kv.accounts.get_accounts()
        profiles = kv.with_raw_response.profiles.get_profiles(page_size=10)
        lists = kv.lists.get_lists()
    organization: Any = accounts.data[0].attributes.contact_information.organization_name if accounts.data else "?"
    return [
        f"account:                {organization}",
        f"first page of profiles: {len(profiles.parsed.data)} (HTTP {profiles.status_code})",
        f"request id:             {profiles.request_id}",
        f"rate-limit headers:     {profiles.rate_limit}",
        f"lists on the first page: {len(lists.data)}",
    ]


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="  log: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    api_key = os.environ.get("KLAVIYO_API_KEY")
    if api_key:
        print("KLAVIYO_API_KEY is set: read-only calls against the real API")
        lines = run_against_klaviyo(api_key)
    else:
        print("No KLAVIYO_API_KEY: running against the embedded fake Klaviyo")
        started = time.perf_counter()
        lines = run_against_fake().lines()
        lines.append(f"wall time:                           {time.perf_counter() - started:.1f} s")
    print("\nSummary")
    print("\n".join(f"  {line}" for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
