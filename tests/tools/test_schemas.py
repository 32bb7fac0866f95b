"""Every tool's input schema is valid JSON Schema 2020-12, self-contained and bounded, and a realistic call
that validates against it is one its resource method takes (sent to ``FakeKlaviyo``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from klaviyo_generated import Klaviyo
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock
from klaviyo_generated.tools import Tool, catalog, get_tool

# A body is nested as deep as fits 12,000 bytes (generator/tools.py, BODY_BUDGET; about 3,000 tokens), and
# the parameters add at most a few KB (the sparse-fieldset enums): the largest schema today is
# update_flow_action's, about 18 KB. 20 KB (about 5,000 tokens, a few percent of a model's context for
# one tool) is the bound: it fails when the budget stops working (a recursive schema inlined without end
# would be megabytes), and a tool that needs more should get a hand-written schema instead.
MAX_SCHEMA_BYTES = 20_000
API_KEY = "pk_test_tools"


def _size(schema: Any) -> int:
    return len(json.dumps(schema, separators=(",", ":")))


def _walk(node: Any, depth: int = 0) -> Iterator[tuple[Any, int]]:
    yield node, depth
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, depth + 1)


@pytest.mark.parametrize("tool", catalog(), ids=lambda t: t.name)
def test_the_schema_is_valid_2020_12_self_contained_and_bounded(tool: Tool) -> None:
    schema = tool.input_schema
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema.get("required", [])) <= set(schema["properties"])
    assert [n for n, _ in _walk(schema) if isinstance(n, dict) and "$ref" in n] == []
    assert [n for n, _ in _walk(schema) if isinstance(n, dict) and ("nullable" in n or "example" in n)] == []
    assert _size(schema) <= MAX_SCHEMA_BYTES


def test_the_largest_schema_is_near_but_under_the_bound() -> None:
    sizes = sorted((_size(t.input_schema), t.name) for t in catalog())
    assert sizes[-1][1] == "update_flow_action"
    assert 15_000 < sizes[-1][0] <= MAX_SCHEMA_BYTES
    assert 500_000 < sum(size for size, _ in sizes) < 650_000  # all 360 schemas; benchmarks/tool_catalog.py


def test_parameters_carry_the_specs_enums_defaults_and_arrays() -> None:
    properties = get_tool("get_profiles").input_schema["properties"]
    assert properties["page_size"] == {
        "type": "integer",
        "default": 20,
        "minimum": 1,
        "maximum": 100,
        "description": "Default: 20. Min: 1. Max: 100.",
    }
    assert properties["additional_fields_profile"]["items"] == {
        "type": "string",
        "enum": ["subscriptions", "predictive_analytics"],
    }
    assert "email" in properties["fields_profile"]["items"]["enum"]
    assert "-created" in properties["sort"]["enum"]
    assert properties["filter"]["type"] == "string"
    assert "email (any, equals)" in properties["filter"]["description"]
    assert properties["page_cursor"]["type"] == "string"
    assert "required" not in get_tool("get_profiles").input_schema
    assert get_tool("get_profile").input_schema["required"] == ["id"]
    assert "revision" not in properties


def test_the_body_is_the_request_document_resolved_inline() -> None:
    body = get_tool("add_profiles_to_list").input_schema["properties"]["body"]
    assert body == {
        "description": "The request document (JSON:API), as a JSON object",
        "type": "object",
        "properties": {
            "data": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"type": {"type": "string", "enum": ["profile"]}, "id": {"type": "string"}},
                    "required": ["type", "id"],
                },
            }
        },
        "required": ["data"],
    }
    attributes = get_tool("create_profile").input_schema["properties"]["body"]["properties"]["data"]["properties"]
    assert attributes["attributes"]["properties"]["email"]["type"] == ["string", "null"]  # nullable, as 2020-12
    assert "id" not in attributes  # readOnly members are the response's, not the request's


def test_depth_is_bounded_with_a_note() -> None:
    cut = {
        tool.name: [
            node
            for node, _ in _walk(tool.input_schema)
            if isinstance(node, dict) and str(node.get("description", "")).startswith("nested too deep")
        ]
        for tool in catalog()
    }
    assert sorted(name for name, nodes in cut.items() if nodes) == [
        "create_conversation_message",
        "create_flow",
        "create_form",
        "create_segment",
        "create_template",
        "update_flow_action",
        "update_segment",
        "update_template",
    ]
    for node in (node for nodes in cut.values() for node in nodes):
        assert set(node) == {"type", "description"}
        kind = node["type"] if isinstance(node["type"], str) else node["type"][0]  # ["array", "null"]: nullable
        assert node["description"] == f"nested too deep to describe here; any {kind}"
    # The JSON:API bodies agents send most are whole, however deep: a bulk import's profile location.
    bulk = get_tool("bulk_import_profiles").input_schema["properties"]["body"]
    profile = bulk["properties"]["data"]["properties"]["attributes"]["properties"]["profiles"]["properties"]["data"]
    location = profile["items"]["properties"]["attributes"]["properties"]["location"]
    assert "city" in location["anyOf"][0]["allOf"][0]["properties"]


REALISTIC: dict[str, dict[str, Any]] = {
    "create_profile": {
        "body": {"data": {"type": "profile", "attributes": {"email": "ada@example.com", "first_name": "Ada"}}}
    },
    "get_profiles": {"filter": 'equals(email,"ada@example.com")', "page_size": 5, "fields_profile": ["email"]},
    "get_profile": {"id": "PROFILE", "fields_profile": ["email", "first_name"]},
    "create_list": {"body": {"data": {"type": "list", "attributes": {"name": "VIP"}}}},
    "add_profiles_to_list": {"id": "LIST", "body": {"data": [{"type": "profile", "id": "PROFILE"}]}},
    "get_profiles_for_list": {"id": "LIST", "page_size": 10},
}


@pytest.fixture
def kv_and_ids() -> tuple[Klaviyo, dict[str, str]]:
    clock = VirtualClock()
    fake = FakeKlaviyo(clock=clock)
    kv = Klaviyo(api_key=API_KEY, transport=fake.transport(), sleep=clock.sleep, clock=clock)
    return kv, {}


def _substitute(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [_substitute(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, ids) for k, v in value.items()}
    return value


def test_realistic_arguments_validate_and_the_methods_take_them(kv_and_ids: tuple[Klaviyo, dict[str, str]]) -> None:
    kv, ids = kv_and_ids
    results = {}
    for name, arguments in REALISTIC.items():  # in order: the ids come from the earlier calls
        tool = get_tool(name)
        Draft202012Validator(tool.input_schema).validate(arguments)
        result = getattr(getattr(kv, tool.namespace), tool.method)(**_substitute(arguments, ids))
        results[name] = result
        if name == "create_profile":
            ids["PROFILE"] = str(result.data.id)
        if name == "create_list":
            ids["LIST"] = str(result.data.id)
    assert [p.attributes.email for p in results["get_profiles"].data] == ["ada@example.com"]
    assert results["get_profile"].data.attributes.first_name == "Ada"
    assert [p.id for p in results["get_profiles_for_list"].data] == [ids["PROFILE"]]


@pytest.mark.parametrize(
    ("name", "arguments", "wrong"),
    [
        ("get_profiles", {"page_size": 500}, "500 is greater than the maximum of 100"),
        ("get_profiles", {"fields_profile": ["shoe_size"]}, "'shoe_size' is not one of"),
        ("get_profile", {}, "'id' is a required property"),
        ("get_profile", {"id": "X", "revision": "2026-07-15"}, "Additional properties are not allowed"),
        ("add_profiles_to_list", {"id": "L", "body": {"data": [{"type": "list", "id": "P"}]}}, "'list' is not one"),
    ],
)
def test_wrong_arguments_fail_the_schema(name: str, arguments: dict[str, Any], wrong: str) -> None:
    with pytest.raises(ValidationError, match=wrong):
        Draft202012Validator(get_tool(name).input_schema).validate(arguments)


def test_workflow_arguments_validate_and_the_workflow_takes_them(kv_and_ids: tuple[Klaviyo, dict[str, str]]) -> None:
    kv, _ = kv_and_ids
    calls: list[tuple[str, dict[str, Any]]] = [
        ("workflows_upsert_profile", {"email": "grace@example.com", "first_name": "Grace", "properties": {"vip": 1}}),
        ("workflows_find_profile", {"email": "grace@example.com"}),
        ("workflows_subscribe", {"emails": ["grace@example.com"]}),
    ]
    results = []
    for name, arguments in calls:
        tool = get_tool(name)
        Draft202012Validator(tool.input_schema).validate(arguments)
        results.append(getattr(kv.workflows, tool.method)(**arguments))
    assert results[1].attributes.first_name == "Grace"
    created = kv.lists.create_list(body={"data": {"type": "list", "attributes": {"name": "L"}}})
    add: dict[str, Any] = {"list_id": str(created.data.id), "emails": ["grace@example.com", "new@example.com"]}
    Draft202012Validator(get_tool("workflows_add_to_list").input_schema).validate(add)
    assert len(kv.workflows.add_to_list(**add)) == 2


def test_the_committed_catalog_is_what_the_package_reads() -> None:
    import klaviyo_generated

    path = Path(klaviyo_generated.__file__).parent / "tools" / "catalog.json"
    entries = json.loads(path.read_text(encoding="utf-8"))
    assert [e["name"] for e in entries] == sorted(e["name"] for e in entries)
    assert [e["name"] for e in entries] == [t.name for t in catalog() if t.operation is not None]
