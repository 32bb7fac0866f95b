"""``model._request_id``: a plain call's model carries its response's request id, and nothing else changes."""

from __future__ import annotations

import asyncio
import json
import pickle
from typing import Any

import attrs
import httpx

from klaviyo_generated import Accepted
from klaviyo_generated.tools import call_tool, get_tool
from tests.runtime.client_harness import PROFILE, PROFILE_ID
from tests.runtime.observe_harness import Wire, ok

PAGE = {
    "data": [PROFILE["data"]],
    "links": {"self": "https://a.klaviyo.com/api/profiles", "next": None},
    "included": [
        {
            "type": "push-token",
            "id": "T1",
            "attributes": {"token": "abc", "platform": "ios"},
            "links": {"self": "https://a.klaviyo.com/api/push-tokens/T1"},
        }
    ],
}


def test_a_single_resource_carries_the_request_id() -> None:
    profile = Wire(ok("req-1")).client().profiles.get_profile(PROFILE_ID)
    assert profile._request_id == "req-1"


def test_a_page_with_included_resources_carries_it_on_the_document() -> None:
    page = Wire(ok("req-page", body=PAGE)).client().profiles.get_profiles(include=["push-tokens"])
    assert isinstance(page.included, list)
    assert (page._request_id, len(page.data), len(page.included)) == ("req-page", 1, 1)
    # The members of the document are parts of the answer, not answers: they keep the class default.
    assert (page.data[0]._request_id, page.included[0]._request_id) == (None, None)


def test_the_other_header_name_and_no_header() -> None:
    wire = Wire(httpx.Response(200, json=PROFILE, headers={"x-klaviyo-request-id": "kreq"}))
    assert wire.client().profiles.get_profile(PROFILE_ID)._request_id == "kreq"
    wire.steps = [ok(None)]
    assert wire.client().profiles.get_profile(PROFILE_ID)._request_id is None


def test_the_request_id_of_the_attempt_that_answered() -> None:
    wire = Wire(httpx.Response(503, headers={"x-request-id": "first", "Retry-After": "1"}), ok("second"))
    assert wire.client().profiles.get_profile(PROFILE_ID)._request_id == "second"


def test_raw_mode_parsed_model_agrees_with_the_response() -> None:
    raw = Wire(ok("req-raw")).client().with_raw_response.profiles.get_profile(PROFILE_ID)
    assert raw.parsed._request_id == raw.request_id == "req-raw"


def test_the_async_client_sets_it_too() -> None:
    wire = Wire(ok("req-async"))

    async def run() -> str | None:
        async with wire.async_client() as kv:
            return (await kv.profiles.get_profile(PROFILE_ID))._request_id

    assert asyncio.run(run()) == "req-async"


def test_non_model_results_a_receipt_has_its_own_and_no_content_is_none() -> None:
    wire = Wire(ok("req-202", body=None, status=202))
    body: Any = {
        "data": {
            "type": "profile-subscription-bulk-create-job",
            "attributes": {"profiles": {"data": []}},
            "relationships": {"list": {"data": {"type": "list", "id": "L1"}}},
        }
    }
    receipt = wire.client().profiles.bulk_subscribe_profiles(body=body)
    assert receipt == Accepted("bulk_subscribe_profiles", 202, "req-202")
    wire.steps = [ok("req-204", body=None, status=204)]
    assert wire.client().with_raw_response.lists.delete_list("L1").parsed is None


def test_equality_repr_to_dict_evolve_and_pickle_are_unaffected() -> None:
    wire = Wire(ok("req-1"))
    kv = wire.client()
    first = kv.profiles.get_profile(PROFILE_ID)
    wire.steps = [ok("req-2")]
    second = kv.profiles.get_profile(PROFILE_ID)
    assert (first._request_id, second._request_id) == ("req-1", "req-2")
    assert first == second
    assert repr(first) == repr(second)
    assert "req-1" not in repr(first)
    assert first.to_dict() == second.to_dict() == PROFILE
    evolved = attrs.evolve(first, data=first.data)
    assert evolved._request_id is None  # a new model, not an answer
    copy = pickle.loads(pickle.dumps(first))
    assert (copy == first, copy._request_id) == (True, "req-1")
    assert "_request_id" not in attrs.fields_dict(type(first))


def test_a_tools_json_answer_has_no_request_id() -> None:
    kv = Wire(ok("req-tool")).client()
    result = call_tool(kv, get_tool("get_profile"), {"id": PROFILE_ID})
    assert result.ok
    assert json.loads(result.text) == result.content == PROFILE
    assert "req-tool" not in result.text


def test_a_created_resource_carries_it() -> None:
    wire = Wire(ok("req-new", status=201))
    body: Any = {"data": {"type": "profile", "attributes": {"email": "ada@example.com"}}}
    assert wire.client().profiles.create_profile(body=body)._request_id == "req-new"
