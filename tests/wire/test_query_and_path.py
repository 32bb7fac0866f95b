"""Query strings, path segments and the revision header, exactly as they reach the transport."""

from __future__ import annotations

import asyncio
import inspect
import json
import re
from pathlib import Path

import pytest

import klaviyo_generated
from generator.naming import tag_identifier
from klaviyo_generated import NotFoundError
from klaviyo_generated.api.profiles import get_profiles
from tests.wire.conftest import Recorder


def test_array_query_parameters_are_sent_comma_joined(recorder: Recorder) -> None:
    recorder.client().profiles.get_profiles(
        fields_profile=["email", "first_name"],
        additional_fields_profile=["subscriptions", "predictive_analytics"],
        include=["push-tokens"],
        filter='equals(email,"a@b.co")',
        page_size=50,
        sort="-created",
    )
    request = recorder.last
    assert request.method == "GET"
    assert request.url.path == "/api/profiles"
    assert list(request.url.params.multi_items()) == [
        ("additional-fields[profile]", "subscriptions,predictive_analytics"),
        ("fields[profile]", "email,first_name"),
        ("filter", 'equals(email,"a@b.co")'),
        ("include", "push-tokens"),
        ("page[size]", "50"),
        ("sort", "-created"),
    ]
    # One key each: Klaviyo reads `fields[profile]=a,b`, not repeated keys.
    pairs = request.url.query.split(b"&")
    assert [p for p in pairs if p.startswith(b"fields%5Bprofile%5D=")] == [b"fields%5Bprofile%5D=email%2Cfirst_name"]


def test_unset_and_empty_arrays_send_nothing(recorder: Recorder) -> None:
    recorder.client().profiles.get_profiles(fields_profile=[])
    assert list(recorder.last.url.params.multi_items()) == [("page[size]", "20")]


def test_path_parameters_stay_one_segment(recorder: Recorder) -> None:
    recorder.reply(404, {"errors": []})
    with pytest.raises(NotFoundError):
        recorder.client().catalogs.get_catalog_item("$custom:::$default:::a/b?c#d e")
    request = recorder.last
    assert request.url.raw_path == b"/api/catalog-items/%24custom%3A%3A%3A%24default%3A%3A%3Aa%2Fb%3Fc%23d%20e"
    assert request.url.query == b""


def test_revision_defaults_to_the_pinned_revision(recorder: Recorder) -> None:
    recorder.client().profiles.get_profiles()
    assert recorder.last.headers["revision"] == klaviyo_generated.__api_revision__ == "2026-07-15"


def test_revision_set_once_on_the_client_and_overridden_per_call(recorder: Recorder) -> None:
    client = recorder.client(revision="2026-04-15")
    client.profiles.get_profiles()
    assert recorder.last.headers.get_list("revision") == ["2026-04-15"]
    client.profiles.get_profiles(revision="2026-07-15.pre")
    assert recorder.last.headers.get_list("revision") == ["2026-07-15.pre"]
    client.profiles.get_profiles()
    assert recorder.last.headers.get_list("revision") == ["2026-04-15"]


def test_auth_header_is_the_private_key(recorder: Recorder) -> None:
    recorder.client().profiles.get_profiles()
    assert recorder.last.headers["authorization"] == "Klaviyo-API-Key pk_test"


def test_async_twin_sends_the_same_request(recorder: Recorder) -> None:
    async def call() -> None:
        async with recorder.async_client() as kv:
            await kv.profiles.get_profiles(fields_profile=["email"], page_cursor="abc")

    asyncio.run(call())
    assert list(recorder.last.url.params.multi_items()) == [
        ("fields[profile]", "email"),
        ("page[cursor]", "abc"),
        ("page[size]", "20"),
    ]


def test_parameter_names_are_readable() -> None:
    names = list(inspect.signature(get_profiles._get_kwargs).parameters)
    assert names == [
        "additional_fields_profile",
        "fields_conversation",
        "fields_profile",
        "fields_push_token",
        "filter",
        "include",
        "page_cursor",
        "page_size",
        "sort",
        "revision",
    ]


def _expected_python_name(wire_name: str) -> str:
    return "_".join(w for w in re.split(r"[\[\]\-. ]+", wire_name) if w).lower()


def test_every_operation_names_its_parameters_by_one_rule(pinned_spec_path: Path) -> None:
    """Across all operations: brackets and dashes become underscores, nothing is glued or suffixed."""
    spec = json.loads(pinned_spec_path.read_bytes())
    checked = 0
    for path_item in spec["paths"].values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "patch", "put", "delete"}:
                continue
            tag = tag_identifier(operation["tags"][0])  # the namespace the generator names it
            module = __import__(f"klaviyo_generated.api.{tag}.{operation['operationId']}", fromlist=["_get_kwargs"])
            signature = inspect.signature(module._get_kwargs)
            for parameter in operation.get("parameters", []):
                expected = _expected_python_name(parameter["name"])
                assert expected in signature.parameters, (operation["operationId"], parameter["name"], expected)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("name", ["fieldsprofile", "pagecursor", "filter_", "pagesize"])
def test_glued_or_suffixed_names_are_gone(name: str) -> None:
    assert name not in inspect.signature(get_profiles._get_kwargs).parameters
