"""Decoding a 100-profile page and encoding a 10,000-profile bulk import, against json and klaviyo-api.

    python benchmarks/decode_encode.py [--repeats R] [--no-write]

Both figures are measured side by side in one run: the floor (the standard library's ``json``),
this package, and the official SDK ``klaviyo-api`` when it is installed (``nox -s bench`` installs
25.0.0 in the benchmark environment only; it is never a dependency of the package).

Decode: one page of 100 realistic profiles (the page of ``pagination.py``) from bytes.

* floor: ``json.loads(page)``;
* ours, fields read: ``from_dict`` of the response document as the client does it (the document's
  own members checked), then ``id`` and ``attributes.email`` read on every profile: what a sync job
  reading a few fields pays. Typed models throughout;
* ours, every field read: the same, then every field of every model read (recursively): the cost
  when nothing is left undecoded. The walk that reads them (``attrs.fields`` and ``getattr`` per
  field, in Python) is measured alone too, over models already decoded: that much of the row is
  the walk's, not the decoding's;
* klaviyo-api: ``ApiClient.deserialize`` of the page text into its pydantic model, as its
  ``get_profiles`` does (bytes decoded to text first, as its ``response_deserialize`` does).

Encode: a bulk profile import (``ProfileImportJobCreateQuery``) of 10,000 profiles (email, phone,
external id, names, organization, locale, location, custom properties) to the request body bytes.

* floor: ``json.dumps`` of the equivalent plain dicts, ``.encode()``, with the client's settings
  (compact separators, ``ensure_ascii=False``), so both sides produce the same bytes;
* ours: the typed payload built with the models' constructors (outside the timing), then the bytes
  the client sends (``to_dict()`` then ``json.dumps``, as ``Klaviyo`` encodes a body);
* klaviyo-api: the payload as its pydantic models (built outside the timing), then
  ``json.dumps(api_client.sanitize_for_serialization(model))``, as its ``RESTClientObject`` does.

Figures: median of R rounds after a warm-up round; each round runs every side of a figure once, in
turn, so drift in the machine's speed hits all sides alike. Targets (issue 8): decode ≤ 1.5x ``json.loads``,
encode ≤ 1.5x ``json.dumps``. Informational: the exit status does not depend on them.
"""

from __future__ import annotations

import argparse
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
    "- Ours decodes lazily: the first decode row is what reading a few fields of each item costs; the "
    "every-field row is the cost when nothing is left undecoded (less the walk's own share, the next row).",
    "- klaviyo-api builds every model of the page eagerly, so its row compares with both of ours.",
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


def interleaved_medians(sides: dict[str, Callable[[], object]], *, repeats: int) -> dict[str, float]:
    """Each side's median time over ``repeats`` rounds, one run of every side per round (after a
    warm-up round), so that a machine slowing down or speeding up hits every side alike."""
    for work in sides.values():
        work()
    times: dict[str, list[float]] = {side: [] for side in sides}
    for _ in range(repeats):
        for side, work in sides.items():
            started = time.perf_counter()
            work()
            times[side].append(time.perf_counter() - started)
    return {side: statistics.median(values) for side, values in times.items()}


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
    sdk = official_sdk()

    def decode_floor() -> None:
        json.loads(page)

    def decode_ours() -> None:
        document = ProfilesPage.from_dict(json.loads(page))
        decode_first_level(document)
        for item in document.data:
            assert item.id is not None
            assert item.attributes.email is not None

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

    decode_sides: dict[str, Callable[[], object]] = {
        "`json.loads` (floor, dicts)": decode_floor,
        "ours: typed, `id` + `attributes.email` read": decode_ours,
        "ours: typed, every field read": decode_ours_all,
        "(the walk of the row above alone, over models already decoded)": walk_only,
    }
    encode_sides: dict[str, Callable[[], object]] = {
        "`json.dumps` of plain dicts (floor)": encode_floor,
        "ours: typed models, `to_dict` + `json.dumps`": encode_ours,
    }
    if sdk is not None:
        sdk_decode, sdk_encoder = sdk
        text = page.decode()
        decode_sides[f"klaviyo-api {sdk_version()} (pydantic)"] = lambda: sdk_decode(text)
        sdk_encode = sdk_encoder(plain)
        # klaviyo-api writes every unset field as null (for a profile, null means "clear this field"):
        # the same payload once those nulls are dropped.
        assert without_nulls(json.loads(sdk_encode())) == plain, "klaviyo-api must encode the same payload"
        encode_sides[f"klaviyo-api {sdk_version()} (pydantic)"] = sdk_encode

    rows: list[tuple[str, str, float, float]] = []  # (figure, side, seconds, floor seconds)
    for figure, sides in (("decode", decode_sides), ("encode", encode_sides)):
        medians = interleaved_medians(sides, repeats=repeats)
        floor_s = next(iter(medians.values()))
        rows.extend((figure, side, seconds, floor_s) for side, seconds in medians.items())

    print(
        f"page {len(page) / 1024:.0f} KB (100 profiles); "
        f"bulk import {len(floor_bytes) / 1024:.0f} KB ({PROFILES} profiles)"
    )
    lines = []
    for figure, side, seconds, floor_s in rows:
        ratio = seconds / floor_s
        print(f"{figure:6} {side:55} {seconds * 1000:9.3f} ms  {ratio:5.2f}x")
        lines.append(f"| {figure} | {side} | {seconds * 1000:.3f} ms | {ratio:.2f}x |")
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
                    "Targets: decode ≤ 1.5x `json.loads`, encode ≤ 1.5x `json.dumps`.",
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
