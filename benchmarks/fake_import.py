"""One bulk import job of N profiles through ``Klaviyo`` + ``FakeKlaviyo`` on a virtual clock.

    python benchmarks/fake_import.py [--sizes 500,1000,2000,10000] [--no-write]

Each size: a fresh fake, ``submit_bulk_import_profiles`` with N new emails, ``job.wait()`` (the
virtual clock makes the polling free), then every profile looked up by email. The wall time is the
client's encoding and the fake's own work: before identifiers were indexed the fake's part grew with
N² (2,000 → 17 s, 10,000 → 425 s on the machine of RESULTS.md).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence

from _common import machine, today, write_section

from klaviyo_generated import Klaviyo
from klaviyo_generated.models import ProfileImportJobCreateQuery
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock


def import_profiles(count: int) -> float:
    """Seconds to submit, wait for and check one import of ``count`` new profiles."""
    clock = VirtualClock()
    fake = FakeKlaviyo(clock=clock, spec=None)
    kv = Klaviyo(api_key="pk_bench_fake", transport=fake.transport(), clock=clock, sleep=clock.sleep)
    profiles = [{"type": "profile", "attributes": {"email": f"p{i}@example.com"}} for i in range(count)]
    body = ProfileImportJobCreateQuery.from_dict(
        {"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": profiles}}}}
    )
    started = time.perf_counter()
    kv.profiles.submit_bulk_import_profiles(body=body).wait()
    missing = [i for i in range(count) if fake.store.find("profile", email=f"p{i}@example.com") is None]
    elapsed = time.perf_counter() - started
    if missing:
        raise SystemExit(f"{len(missing)} of {count} profiles missing after the import")
    return elapsed


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,10000")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    os.environ.pop("KLAVIYO_OPENAPI_SPEC", None)  # time the fake, not request validation
    import_profiles(10)  # warm-up: first imports of the models and the client
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        seconds = import_profiles(size)
        rows.append(f"| {size:,} | {seconds:.2f} s |")
        print(f"{size:>6} profiles: {seconds:.2f} s")
    if not args.no_write:
        table = "\n".join(["| profiles in one import | wall time |", "|---:|---:|", *rows])
        write_section(
            "fake-import",
            f"## FakeKlaviyo bulk import ({today()})\n\n{machine()}\n\n`python benchmarks/fake_import.py`: "
            "one job through the client, waited for on a virtual clock, every profile then found by email. "
            "Before identifiers were indexed (issue 17, same script and machine): 500 → 1.9 s, 1,000 → 3.7 s, "
            "2,000 → 17.1 s, 10,000 → 425 s.\n\n" + table,
        )


if __name__ == "__main__":
    main()
