"""Decoding a 100-profile page and encoding a 10,000-profile bulk import, against json and klaviyo-api.

    python benchmarks/decode_encode.py [--repeats R] [--no-write]

Both figures are measured side by side in one run: the floor (the standard library's ``json``),
this package, and the official SDK ``klaviyo-api`` when it is installed (``nox -s bench`` installs
25.0.0 in the benchmark environment only; it is never a dependency of the package).

Decode: one page of 100 realistic profiles (the page of ``pagination.py``) from bytes, read two ways.

* ``id`` + ``email``: the floor is ``json.loads(page)``; ours is ``from_dict`` of the response
  document as the client does it (the document's own members checked), then ``id`` and
  ``attributes.email`` read on every profile: what a sync job reading a few fields pays. Typed
  models throughout;
* "typical": ``id``, ``attributes.email``, ``attributes.created``, ``attributes.location.city`` and
  ``attributes.properties`` of every profile. Its floor is ``json.loads`` plus the same reads on the
  dicts, ``created`` included as a ``datetime`` (``datetime.fromisoformat``, the cheapest parse there
  is), since a typed read hands out a ``datetime``: what the reads cost on plain data, with nothing
  left to do but the parse the caller would write anyway;
* ours, every field read: the same, then every field of every model read (recursively): the cost
  when nothing is left undecoded. The walk that reads them (``attrs.fields`` and ``getattr`` per
  field, in Python) is measured alone too, over models already decoded: that much of the row is
  the walk's, not the decoding's;
* klaviyo-api: ``ApiClient.deserialize`` of the page text into its pydantic model, as its
  ``get_profiles`` does (bytes decoded to text first, as its ``response_deserialize`` does), then the
  same fields read through its models (``item.attributes.created`` is a ``datetime`` there too).

Encode: a bulk profile import (``ProfileImportJobCreateQuery``) of 10,000 profiles (email, phone,
external id, names, organization, locale, location, custom properties) to the request body bytes.

* floor: ``json.dumps`` of the equivalent plain dicts, ``.encode()``, with the client's settings
  (compact separators, ``ensure_ascii=False``), so both sides produce the same bytes;
* ours: the typed payload built with the models' constructors (outside the timing), then the bytes
  the client sends (``to_dict()`` then ``json.dumps``, as ``Klaviyo`` encodes a body);
* klaviyo-api: the payload as its pydantic models (built outside the timing), then
  ``json.dumps(api_client.sanitize_for_serialization(model))``, as its ``RESTClientObject`` does.

Figures: median of R rounds after a warm-up round; each round runs every side of a figure once, in
turn, so drift in the machine's speed hits all sides alike (each run after a ``gc.collect()``, the
set-up's objects frozen out of the collector's way); the summary also shows the ratio of the
fastest rounds, which a loaded machine disturbs least. Targets (issue 8, issue 20): ``id`` + ``email``
≤ 1.3x its floor, typical ≤ 1.5x its floor, encode ≤ 1.5x ``json.dumps``. Informational: the exit
status does not depend on them.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from _common import machine, today, write_section
from pagination import build_pages

from klaviyo_generated._lazy import LazyModel, decode_first_level
from klaviyo_generated.models import (
    GetProfileResponsePluralConversationsCollectionCompoundDocument as ProfilesPage,
)
from klaviyo_generated.models import (
    ProfileImportJobCreateQuery,
    ProfileImportJobCreateQueryResourceObject,
    ProfileImportJobCreateQueryResourceObjectAttributes,
    ProfileImportJobCreateQueryResourceObjectAttributesProfiles,
    ProfileLocation,
    ProfileUpsertQueryResourceObject,
    ProfileUpsertQueryResourceObjectAttributes,
    ProfileUpsertQueryResourceObjectAttributesPropertiesType0,
)

PROFILES = 10_000
# How the client encodes a body (klaviyo_generated._request_body.encode_body, as httpx does): both sides
# of the encode figure use it, so they produce the same bytes.
CLIENT_JSON: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":"), "allow_nan": False}


def import_profile(n: int) -> dict[str, Any]:
    """One profile of a bulk import, as a shop's sync job fills it in."""
    return {
        "type": "profile",
        "attributes": {
            "email": f"customer{n}@example.com",
            "phone_number": f"+1555{n:07d}",
            "external_id": f"shop-{n}",
            "first_name": "Ada",
            "last_name": f"Lovelace {n}",
            "organization": "Analytical Engines Ltd",
            "locale": "en-US",
            "location": {
                "address1": "89 E 42nd St",
                "city": "New York",
                "country": "United States",
                "region": "NY",
                "zip": "10017",
                "timezone": "America/New_York",
            },
            "properties": {"loyalty_tier": "gold", "lifetime_orders": n % 40, "newsletter": True},
        },
    }


def import_payload(profiles: int) -> dict[str, Any]:
    return {
        "data": {
            "type": "profile-bulk-import-job",
            "attributes": {"profiles": {"data": [import_profile(n) for n in range(profiles)]}},
        }
    }


def typed_profile(plain: dict[str, Any]) -> ProfileUpsertQueryResourceObject:
    attributes = plain["attributes"]
    location = attributes["location"]
    properties = ProfileUpsertQueryResourceObjectAttributesPropertiesType0()
    properties.additional_properties = dict(attributes["properties"])
    return ProfileUpsertQueryResourceObject(
        type_="profile",
        attributes=ProfileUpsertQueryResourceObjectAttributes(
            email=attributes["email"],
            phone_number=attributes["phone_number"],
            external_id=attributes["external_id"],
            first_name=attributes["first_name"],
            last_name=attributes["last_name"],
            organization=attributes["organization"],
            locale=attributes["locale"],
            location=ProfileLocation(
                address1=location["address1"],
                city=location["city"],
                country=location["country"],
                region=location["region"],
                zip_=location["zip"],
                timezone=location["timezone"],
            ),
            properties=properties,
        ),
    )


def typed_payload(plain: dict[str, Any]) -> ProfileImportJobCreateQuery:
    profiles = [typed_profile(item) for item in plain["data"]["attributes"]["profiles"]["data"]]
    return ProfileImportJobCreateQuery(
        data=ProfileImportJobCreateQueryResourceObject(
            type_="profile-bulk-import-job",
            attributes=ProfileImportJobCreateQueryResourceObjectAttributes(
                profiles=ProfileImportJobCreateQueryResourceObjectAttributesProfiles(data=profiles)
            ),
        )
    )


def read_everything(value: object) -> int:
    """Read every field of every model under ``value``; returns how many fields were read."""
    if isinstance(value, LazyModel):
        cls = type(value)
        assert attrs.has(cls)
        return sum(1 + read_everything(getattr(value, field.name)) for field in attrs.fields(cls))
    if isinstance(value, list):
        return sum(read_everything(item) for item in value)
    return 0


NOTES = (
    "- Ours decodes lazily: the `ids` and `typical` rows are what reading a few fields of each item costs; "
    "the every-field row is the cost when nothing is left undecoded (less the walk's own share, the next row).",
    "- klaviyo-api builds every model of the page eagerly; its `ids` and `typical` rows read the same fields "
    "through its models, its `decode` row reads none.",
    "- klaviyo-api's encoding writes every unset field as `null` (for a profile, `null` clears the field "
    "in Klaviyo); its bytes were checked equal to the payload once those nulls are dropped.",
)


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def official_sdk() -> tuple[Callable[[str], object], Callable[[dict[str, Any]], Callable[[], bytes]]] | None:
    """klaviyo-api's decode and encode paths, or None when it is not installed."""
    try:
        import openapi_client  # type: ignore[import-not-found, import-untyped, unused-ignore]
        from openapi_client.models.profile_import_job_create_query import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
            ProfileImportJobCreateQuery as SdkImport,
        )
    except ImportError:
        return None
    client = openapi_client.ApiClient(openapi_client.Configuration(api_key={"Klaviyo-API-Key": "pk_x"}))

    def decode(text: str) -> object:
        return client.deserialize(text, "GetProfileResponsePluralConversationsCollectionCompoundDocument")

    def encoder(plain: dict[str, Any]) -> Callable[[], bytes]:
        model = SdkImport.from_dict(plain)

        def encode() -> bytes:
            return json.dumps(client.sanitize_for_serialization(model)).encode()

        return encode

    return decode, encoder


def sdk_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("klaviyo-api")
    except PackageNotFoundError:
        return "not installed"


def interleaved_times(sides: dict[str, Callable[[], object]], *, repeats: int) -> dict[str, list[float]]:
    """Each side's times over ``repeats`` rounds, one run of every side per round (after a warm-up
    round), so that a machine slowing down or speeding up hits every side alike."""
    for work in sides.values():
        work()
    times: dict[str, list[float]] = {side: [] for side in sides}
    for _ in range(repeats):
        for side, work in sides.items():
            # Every run starts with the collector's young generations empty, so that a collection
            # due to the previous run's garbage is not charged to this one.
            gc.collect()
            started = time.perf_counter()
            work()
            times[side].append(time.perf_counter() - started)
    return times


def interleaved_medians(sides: dict[str, Callable[[], object]], *, repeats: int) -> dict[str, float]:
    """Each side's median time over ``repeats`` interleaved rounds (see ``interleaved_times``)."""
    return {side: statistics.median(values) for side, values in interleaved_times(sides, repeats=repeats).items()}


def read_typical_dicts(document: dict[str, Any]) -> None:
    """The typical reads on plain data (the floor): what the typed reads hand out, as dicts."""
    for item in document["data"]:
        attributes = item["attributes"]
        assert item["id"] is not None
        assert attributes["email"] is not None
        assert datetime.datetime.fromisoformat(attributes["created"]).tzinfo is not None
        assert attributes["location"]["city"] is not None
        assert attributes["properties"] is not None


def read_typical(document: Any) -> None:
    """The typical reads on typed models (ours, and klaviyo-api's: the attribute names are the same)."""
    for item in document.data:
        attributes = item.attributes
        assert item.id is not None
        assert attributes.email is not None
        assert attributes.created.tzinfo is not None
        assert attributes.location.city is not None
        assert attributes.properties is not None


def read_id_email(document: Any) -> None:
    for item in document.data:
        assert item.id is not None
        assert item.attributes.email is not None


# (figure, side) of the summary: the rows, each side against the figure's floor.
SUMMARY_ROWS = (
    ("100-profile page, `id` + `email` read", "ids", "json.loads", "<= 1.3x"),
    ("same page, typical reads", "typical", "json.loads + the same reads on dicts", "<= 1.5x"),
)


Timings = dict[tuple[str, str], tuple[float, float]]  # (figure, side) -> (side's time, the floor's)


def summary_table(medians: Timings, fastest: Timings, *, ours_side: str, sdk_side: str) -> list[str]:
    """The issue's rows: both sides against the figure's floor, by medians and by fastest rounds."""
    summary = [
        "| figure | floor | ours | klaviyo-api | ours / floor (median; fastest) | klaviyo-api / floor | target |",
        "|---|---|---:|---:|---:|---:|---|",
    ]

    for title, figure, floor_name, target in SUMMARY_ROWS:
        ours_s, floor_s = medians[figure, ours_side]
        ours_min, floor_min = fastest[figure, ours_side]
        sdk_cells = ("not installed", "-")
        if (figure, sdk_side) in medians:
            sdk_s, _ = medians[figure, sdk_side]
            sdk_min, _ = fastest[figure, sdk_side]
            sdk_cells = (f"{sdk_s * 1000:.2f} ms", f"{sdk_s / floor_s:.2f}x; {sdk_min / floor_min:.2f}x")
        summary.append(
            f"| {title} | {floor_name}: {floor_s * 1000:.2f} ms | {ours_s * 1000:.2f} ms | {sdk_cells[0]} | "
            f"{ours_s / floor_s:.2f}x; {ours_min / floor_min:.2f}x | {sdk_cells[1]} | {target} |"
        )
    return summary


OURS = "ours"


def build_figures(
    page: bytes, plain: dict[str, Any], typed: ProfileImportJobCreateQuery, *, sdk_side: str
) -> dict[str, dict[str, Callable[[], object]]]:
    """figure -> side -> the work timed; each figure's first side is its floor."""
    sdk = official_sdk()

    def decode_floor() -> None:
        json.loads(page)

    def decode_ours() -> None:
        document = ProfilesPage.from_dict(json.loads(page))
        decode_first_level(document)
        read_id_email(document)

    def typical_floor() -> None:
        read_typical_dicts(json.loads(page))

    def typical_ours() -> None:
        document = ProfilesPage.from_dict(json.loads(page))
        decode_first_level(document)
        read_typical(document)

    def decode_ours_all() -> None:
        document = ProfilesPage.from_dict(json.loads(page))
        read_everything(document)

    decoded = ProfilesPage.from_dict(json.loads(page))
    read_everything(decoded)

    def walk_only() -> None:
        read_everything(decoded)

    def encode_floor() -> None:
        json.dumps(plain, **CLIENT_JSON).encode()

    def encode_ours() -> None:
        json.dumps(typed.to_dict(), **CLIENT_JSON).encode()

    figures: dict[str, dict[str, Callable[[], object]]] = {
        "ids": {
            "`json.loads` (floor, dicts)": decode_floor,
            OURS: decode_ours,
        },
        "typical": {
            "`json.loads` + the same reads on dicts, `created` by `datetime.fromisoformat` (floor)": typical_floor,
            OURS: typical_ours,
        },
        "decode": {
            "`json.loads` (floor, dicts)": decode_floor,
            "ours: typed, every field read": decode_ours_all,
            "(the walk of the row above alone, over models already decoded)": walk_only,
        },
        "encode": {
            "`json.dumps` of plain dicts (floor)": encode_floor,
            "ours: typed models, `to_dict` + `json.dumps`": encode_ours,
        },
    }
    if sdk is not None:
        sdk_decode, sdk_encoder = sdk
        text = page.decode()
        figures["ids"][sdk_side] = lambda: read_id_email(sdk_decode(text))
        figures["typical"][sdk_side] = lambda: read_typical(sdk_decode(text))
        figures["decode"][f"{sdk_side}, no field read"] = lambda: sdk_decode(text)
        sdk_encode = sdk_encoder(plain)
        # klaviyo-api writes every unset field as null (for a profile, null means "clear this field"):
        # the same payload once those nulls are dropped.
        assert without_nulls(json.loads(sdk_encode())) == plain, "klaviyo-api must encode the same payload"
        figures["encode"][sdk_side] = sdk_encode

    return figures


Row = tuple[str, str, float, float]  # (figure, side, median seconds, the floor's median seconds)


def measure(figures: dict[str, dict[str, Callable[[], object]]], *, repeats: int) -> tuple[list[Row], Timings, Timings]:
    """Every figure's sides, interleaved; each figure's first side is its floor."""
    rows: list[Row] = []
    fastest: Timings = {}
    medians: Timings = {}
    for figure, sides in figures.items():
        times = interleaved_times(sides, repeats=repeats)
        floor_times = next(iter(times.values()))
        floor_s, floor_min = statistics.median(floor_times), min(floor_times)
        for side, values in times.items():
            rows.append((figure, side, statistics.median(values), floor_s))
            fastest[figure, side] = (min(values), floor_min)
            medians[figure, side] = (statistics.median(values), floor_s)
    return rows, medians, fastest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    repeats = args.repeats

    page = build_pages()[None]
    plain = import_payload(PROFILES)
    typed = typed_payload(plain)
    floor_bytes = json.dumps(plain, **CLIENT_JSON).encode()
    assert json.loads(json.dumps(typed.to_dict())) == plain, "the typed payload must encode to the same JSON"

    ours_side, sdk_side = OURS, f"klaviyo-api {sdk_version()} (pydantic)"
    figures = build_figures(page, plain, typed, sdk_side=sdk_side)

    # The payloads built above (tens of thousands of objects) would otherwise be traversed by every
    # full collection a timed run triggers, whichever side it is.
    gc.collect()
    gc.freeze()
    rows, medians, fastest = measure(figures, repeats=repeats)
    summary = summary_table(medians, fastest, ours_side=ours_side, sdk_side=sdk_side)

    print(
        f"page {len(page) / 1024:.0f} KB (100 profiles); "
        f"bulk import {len(floor_bytes) / 1024:.0f} KB ({PROFILES} profiles)"
    )
    lines = []
    for figure, side, seconds, floor_s in rows:
        ratio = seconds / floor_s
        print(f"{figure:7} {side:60} {seconds * 1000:9.3f} ms  {ratio:5.2f}x")
        lines.append(f"| {figure} | {side} | {seconds * 1000:.3f} ms | {ratio:.2f}x |")
    print()
    print("\n".join(summary))
    if not args.no_write:
        write_section(
            "decode_encode",
            "\n".join(
                [
                    "## Decode and encode",
                    "",
                    f"{today()}; {machine()}; `python benchmarks/decode_encode.py --repeats {repeats}` — median "
                    f"of {repeats} interleaved rounds after a warm-up. Decode: one page of 100 realistic profiles "
                    f"({len(page) / 1024:.0f} KB). Encode: a bulk import of {PROFILES:,} profiles "
                    f"({len(floor_bytes) / 1024:.0f} KB of JSON). Ratios are against the floor of the same figure. "
                    "Targets: `id` + `email` ≤ 1.3x `json.loads`, typical ≤ 1.5x its floor, "
                    "encode ≤ 1.5x `json.dumps`.",
                    "",
                    *summary,
                    "",
                    "| figure | side | time | ratio |",
                    "|---|---|---:|---:|",
                    *lines,
                    "",
                    *NOTES,
                ]
            ),
        )
        print("wrote the decode_encode section of benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
