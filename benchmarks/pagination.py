"""Iterating 10,000 profiles (100 pages of 100) with ``iter_profiles`` vs a hand-written httpx + json.loads loop.

    python benchmarks/pagination.py [--repeats R] [--no-write]

Both sides read the same pre-encoded pages from the same in-process transport (no sockets), follow
``links.next`` the same way, and touch every item; ours yields typed models, the floor yields dicts.
Target (pagination issue): ≤ 1.5x the hand-written loop.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

import httpx
from _common import machine, median_seconds, today, write_section

from klaviyo_generated import Klaviyo

PAGES, PER_PAGE = 100, 100
BASE = "https://a.klaviyo.com"


def profile(n: int) -> dict[str, Any]:
    """One realistic profile: the fields a synced store fills in, timestamps, location, consent, links."""
    pid = f"01HPROF{n:019d}"
    stamp = "2026-03-14T15:09:26+00:00"
    return {
        "type": "profile",
        "id": pid,
        "attributes": {
            "email": f"customer{n}@example.com",
            "phone_number": f"+1555{n:07d}",
            "external_id": f"shop-{n}",
            "anonymous_id": None,
            "first_name": "Ada",
            "last_name": f"Lovelace {n}",
            "organization": "Analytical Engines Ltd",
            "locale": "en-US",
            "title": "Engineer",
            "image": "https://images.example.com/avatar.png",
            "created": stamp,
            "updated": stamp,
            "last_event_date": stamp,
            "location": {
                "address1": "89 E 42nd St",
                "address2": "1st floor",
                "city": "New York",
                "country": "United States",
                "latitude": "40.7128",
                "longitude": "-74.0060",
                "region": "NY",
                "zip": "10017",
                "timezone": "America/New_York",
                "ip": "127.0.0.1",
            },
            "properties": {"loyalty_tier": "gold", "lifetime_orders": n % 40, "favourite_colour": "teal"},
            "subscriptions": {
                "email": {
                    "marketing": {
                        "can_receive_email_marketing": True,
                        "consent": "SUBSCRIBED",
                        "consent_timestamp": stamp,
                        "last_updated": stamp,
                        "method": "PREBUILT_FORM",
                        "method_detail": "mydomain.com/signup",
                        "custom_method_detail": "marketing drive",
                        "double_optin": True,
                        "suppression": [],
                        "list_suppressions": [],
                    }
                },
                "sms": {
                    "marketing": {
                        "can_receive_sms_marketing": True,
                        "consent": "SUBSCRIBED",
                        "consent_timestamp": stamp,
                        "method": "TEXT",
                        "method_detail": "JOIN",
                        "last_updated": stamp,
                    }
                },
            },
        },
        "relationships": {
            "lists": {"links": {"self": f"{BASE}/api/profiles/{pid}/relationships/lists", "related": f"{BASE}/x"}},
            "segments": {
                "links": {"self": f"{BASE}/api/profiles/{pid}/relationships/segments", "related": f"{BASE}/y"}
            },
        },
        "links": {"self": f"{BASE}/api/profiles/{pid}"},
    }


def build_pages() -> dict[str | None, bytes]:
    pages: dict[str | None, bytes] = {}
    for p in range(PAGES):
        cursor = None if p == 0 else f"cursor{p}"
        following = f"{BASE}/api/profiles?page%5Bsize%5D={PER_PAGE}&page%5Bcursor%5D=cursor{p + 1}"
        body = {
            "data": [profile(p * PER_PAGE + i) for i in range(PER_PAGE)],
            "links": {"self": f"{BASE}/api/profiles", "next": following if p + 1 < PAGES else None},
        }
        pages[cursor] = json.dumps(body).encode()
    return pages


class Pages(httpx.BaseTransport):
    def __init__(self, pages: dict[str | None, bytes]) -> None:
        self.pages = pages

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = self.pages[request.url.params.get("page[cursor]")]
        return httpx.Response(200, content=content, headers={"Content-Type": "application/vnd.api+json"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    pages = build_pages()
    transport = Pages(pages)
    page_kb = len(pages[None]) / 1024

    def floor() -> None:
        count = 0
        with httpx.Client(transport=transport, base_url=BASE) as client:
            params: dict[str, str] = {"page[size]": str(PER_PAGE)}
            while True:
                body = json.loads(client.get("/api/profiles", params=params).content)
                for item in body["data"]:
                    count += item["attributes"]["email"] is not None
                following = body["links"].get("next")
                if not following:
                    break
                params["page[cursor]"] = httpx.URL(following).params["page[cursor]"]
        assert count == PAGES * PER_PAGE

    def ours() -> None:
        count = 0
        with Klaviyo(api_key="pk_" + "c" * 32, transport=transport, rate_limits=False) as kv:
            for item in kv.profiles.iter_profiles(page_size=PER_PAGE):
                count += item.attributes.email is not None
        assert count == PAGES * PER_PAGE

    floor_s = median_seconds(floor, repeats=args.repeats)
    ours_s = median_seconds(ours, repeats=args.repeats)
    ratio = ours_s / floor_s
    print(f"pages of {page_kb:.0f} KB, {PAGES * PER_PAGE} profiles, median of {args.repeats}")
    print(f"hand-written httpx + json.loads loop: {floor_s * 1000:8.1f} ms")
    print(f"kv.profiles.iter_profiles (typed):    {ours_s * 1000:8.1f} ms   ratio {ratio:.2f}x (target <= 1.5x)")
    if not args.no_write:
        write_section(
            "pagination",
            "\n".join(
                [
                    "## Pagination: 10,000 profiles",
                    "",
                    f"{today()}; {machine()}; `python benchmarks/pagination.py` — {PAGES} pages of {PER_PAGE} "
                    f"realistic profiles ({page_kb:.0f} KB a page) from one in-process transport, median of "
                    f"{args.repeats} runs per side.",
                    "",
                    "| side | time | ratio |",
                    "|---|---:|---:|",
                    f"| hand-written httpx + `json.loads` loop (dicts) | {floor_s * 1000:.1f} ms | 1.00x |",
                    f"| `kv.profiles.iter_profiles` (typed models) | {ours_s * 1000:.1f} ms | {ratio:.2f}x |",
                ]
            ),
        )
        print("wrote the pagination section of benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
