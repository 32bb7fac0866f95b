"""The tool catalog step (``generator/tools.py``): what it writes from the fixture, and its schema conversion."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.sync import present_copies, sync_runtime
from generator.tools import Endpoint, Parameter, _Resolver, tool_entries
from tests.generator.golden_tree import GOLDEN


def _golden_catalog() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((GOLDEN / "tools" / "catalog.json").read_text(encoding="utf-8"))
    return entries


def test_the_fixture_catalog_has_one_entry_per_operation_sorted_one_per_line() -> None:
    text = (GOLDEN / "tools" / "catalog.json").read_text(encoding="utf-8")
    entries = _golden_catalog()
    names = [e["name"] for e in entries]
    assert names == sorted(p.stem for p in (GOLDEN / "api").rglob("[!_]*.py"))
    assert len(text.splitlines()) == len(entries) + 2  # "[", one line each, "]"
    profile = next(e for e in entries if e["name"] == "get_profile")
    assert {k: v for k, v in profile.items() if k not in ("description", "input_schema")} == {
        "name": "get_profile",
        "namespace": "profiles",
        "method": "get_profile",
        "operation": "get_profile",
        "title": "Get Profile",
        "read_only": True,
        "destructive": False,
        "idempotent": True,
        "scopes": ["profiles:read"],
        "paginated": False,
        "http": "GET /api/profiles/{id}",
    }
    assert profile["input_schema"]["required"] == ["id"]
    assert "revision" not in profile["input_schema"]["properties"]


def test_sync_leaves_the_generated_catalog_alone(tmp_path: Path) -> None:
    package = tmp_path / "klaviyo_generated"
    shutil.copytree(GOLDEN, package)
    before = (package / "tools" / "catalog.json").read_bytes()
    sync_runtime(package)
    sync_runtime(package)  # a second run removes nothing it did not write
    assert (package / "tools" / "catalog.json").read_bytes() == before
    assert "tools/__init__.py" in present_copies(package)
    assert "tools/catalog.json" not in present_copies(package)


def _endpoint(name: str, **overrides: Any) -> Endpoint:
    fields: dict[str, Any] = {
        "name": name,
        "namespace": "things",
        "http_method": "POST",
        "path": "/api/things",
        "parameters": (),
        "body": True,
        "body_required": True,
    }
    return Endpoint(**(fields | overrides))


SPEC: dict[str, Any] = {
    "paths": {
        "/api/things": {
            "post": {
                "summary": "Create Thing",
                "description": "Make a <br>[thing](https://x). Second sentence.<br><br>*Rate limits*:<br>Burst: `3/s`",
                "x-klaviyo-ratelimit": {"burst": "3/s", "steady": "60/m"},
                "x-klaviyo-scopes": ["things:write"],
                "requestBody": {"content": {"application/vnd.api+json": {"schema": {"$ref": "#/c/Node"}}}},
                "responses": {"204": {"description": "Done"}},
                "parameters": [
                    {"name": "revision", "in": "header", "schema": {"type": "string"}},
                    {"name": "fields[thing]", "in": "query", "schema": {"type": "array", "items": {"enum": ["a"]}}},
                ],
            }
        }
    },
    "c": {
        "Node": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "name": {"type": "string", "nullable": True, "example": "x"},
                "child": {"allOf": [{"$ref": "#/c/Node"}], "nullable": True},
            },
        },
        "Loop": {"oneOf": [{"$ref": "#/c/Loop"}]},
    },
}


def test_an_entry_from_a_small_spec() -> None:
    parameters = (
        Parameter(spec_name="revision", python_name="revision", location="header", required=False),
        Parameter(spec_name="fields[thing]", python_name="fields_thing", location="query", required=False),
    )
    (entry,) = tool_entries(SPEC, [_endpoint("create_thing", parameters=parameters)])
    assert entry["description"] == (
        "Create Thing. Make a thing. Second sentence. Rate limits: burst 3/s, steady 60/m. Scopes: things:write. "
        "Returns nothing (204 No Content). POST /api/things."
    )
    schema = entry["input_schema"]
    assert sorted(schema["properties"]) == ["body", "fields_thing"]  # revision: the client's own header
    assert schema["required"] == ["body"]
    body = schema["properties"]["body"]
    assert body["required"] == ["name"]  # id is readOnly: the response's, not the request's
    assert body["properties"]["name"] == {"type": ["string", "null"]}
    child = body["properties"]["child"]
    assert child["anyOf"][1] == {"type": "null"}  # a nullable reference, in 2020-12 terms
    assert entry["destructive"] is False
    assert entry["idempotent"] is False


def test_recursion_is_cut_at_the_depth_and_a_combinator_cycle_at_the_hop_bound() -> None:
    resolver = _Resolver(SPEC)
    shallow = resolver.convert({"$ref": "#/c/Node"}, 1, request=True, describe=0)
    assert shallow["properties"]["child"] == {
        "type": ["object", "null"],
        "description": "nested too deep to describe here; any object",
    }
    looped = json.dumps(resolver.convert({"$ref": "#/c/Loop"}, 3, request=True, describe=0))
    assert looped.count("oneOf") == 41  # MAX_HOPS + 1 levels, then one cut
    assert looped.count("nested too deep to describe here; any object") == 1


def test_a_name_no_tool_api_takes_fails_the_run() -> None:
    with pytest.raises(ValueError, match=r"operation 'create thing' is not a valid tool name"):
        tool_entries(SPEC, [_endpoint("create thing")])
