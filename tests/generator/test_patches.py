"""Each spec patch rule on tiny hand-written specs, the plan file, and the whole plan on the pinned spec."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from generator.patches import (
    RULES,
    Applied,
    PlannedPatch,
    apply_plan,
    boolean_enums,
    error_item_members,
    load_plan,
    nullable_refs_and_enums,
    path_parameters_not_nullable,
    revision_header_optional,
    shared_response_schemas,
)
from generator.patches._walk import JSON, iter_operations, iter_parameters, iter_schemas
from generator.pin import load_pin
from generator.source import sha256_of

# --- path_parameters_not_nullable -------------------------------------------------------------


def _path_parameter_spec() -> JSON:
    return {
        "components": {
            "parameters": {
                "ItemId": {
                    "name": "item_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "nullable": True},
                },
                "Cursor": {"name": "cursor", "in": "query", "schema": {"type": "string", "nullable": True}},
            }
        },
        "paths": {
            "/items/{item_id}/{kind}": {
                "parameters": [
                    {"$ref": "#/components/parameters/ItemId"},
                    {"name": "kind", "in": "path", "required": True, "schema": {"type": ["string", "null"]}},
                ],
                "get": {
                    "parameters": [
                        {"name": "filter", "in": "query", "schema": {"type": "string", "nullable": True}},
                        {"name": "x-trace", "in": "header", "schema": {"type": "string", "nullable": True}},
                        {"name": "plain", "in": "path", "required": True, "schema": {"type": "string"}},
                    ],
                    "responses": {},
                },
                "put": {
                    "parameters": [
                        {
                            "name": "multi",
                            "in": "path",
                            "required": True,
                            "schema": {"type": ["string", "integer", "null"]},
                        },
                        {
                            "name": "both",
                            "in": "path",
                            "required": True,
                            "schema": {"type": ["string", "null"], "nullable": True},
                        },
                        {"name": "no_schema", "in": "path", "required": True},
                    ],
                    "responses": {},
                },
            }
        },
    }


def test_path_parameters_lose_nullable_and_null_type_wherever_declared() -> None:
    spec = _path_parameter_spec()
    changed = path_parameters_not_nullable.apply(spec)
    assert changed == [
        "#/components/parameters/ItemId",
        "/items/{item_id}/{kind} parameters[1]",
        "PUT /items/{item_id}/{kind} parameters[0]",
        "PUT /items/{item_id}/{kind} parameters[1]",
    ]
    assert spec["components"]["parameters"]["ItemId"] == {
        "name": "item_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    item = spec["paths"]["/items/{item_id}/{kind}"]
    assert item["parameters"][1]["schema"] == {"type": "string"}
    assert item["put"]["parameters"][0]["schema"] == {"type": ["string", "integer"]}
    assert item["put"]["parameters"][1]["schema"] == {"type": "string"}


def test_path_parameters_rule_leaves_other_locations_and_refs_alone() -> None:
    spec = _path_parameter_spec()
    before = copy.deepcopy(spec)
    path_parameters_not_nullable.apply(spec)
    item, old = spec["paths"]["/items/{item_id}/{kind}"], before["paths"]["/items/{item_id}/{kind}"]
    # A nullable query or header parameter may well be null: untouched.
    assert spec["components"]["parameters"]["Cursor"] == {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string", "nullable": True},
    }
    assert item["get"]["parameters"][0] == {
        "name": "filter",
        "in": "query",
        "schema": {"type": "string", "nullable": True},
    }
    assert item["get"]["parameters"][1] == old["get"]["parameters"][1]
    # Already non-nullable, a $ref, or schema-less: untouched.
    assert item["get"]["parameters"][2] == old["get"]["parameters"][2]
    assert item["parameters"][0] == {"$ref": "#/components/parameters/ItemId"}
    assert item["put"]["parameters"][2] == {"name": "no_schema", "in": "path", "required": True}


def test_path_parameters_rule_is_idempotent() -> None:
    spec = _path_parameter_spec()
    path_parameters_not_nullable.apply(spec)
    once = copy.deepcopy(spec)
    assert path_parameters_not_nullable.apply(spec) == []
    assert spec == once


def test_path_parameter_explicitly_not_nullable_is_not_reported() -> None:
    spec: JSON = {
        "paths": {
            "/a/{id}": {
                "get": {"parameters": [{"name": "id", "in": "path", "schema": {"type": "string", "nullable": False}}]}
            }
        }
    }
    assert path_parameters_not_nullable.apply(spec) == []
    # `nullable: false` is the default, so dropping the key changes no meaning.
    assert spec["paths"]["/a/{id}"]["get"]["parameters"][0]["schema"] == {"type": "string"}


# --- boolean_enums ----------------------------------------------------------------------------


def _schemas_spec(schemas: dict[str, JSON]) -> JSON:
    return {"components": {"schemas": schemas}}


def test_single_value_boolean_enum_becomes_const() -> None:
    spec = _schemas_spec(
        {
            "Typed": {"type": "boolean", "enum": [False], "description": "kept"},
            "Untyped": {"enum": [True]},
            "Repeated": {"type": "boolean", "enum": [True, True]},
        }
    )
    changed = boolean_enums.apply(spec)
    assert changed == ["#/components/schemas/Typed", "#/components/schemas/Untyped", "#/components/schemas/Repeated"]
    assert spec["components"]["schemas"] == {
        "Typed": {"description": "kept", "const": False},
        "Untyped": {"const": True},
        "Repeated": {"const": True},
    }


def test_nullable_single_value_boolean_enum_becomes_nullable_one_variant_one_of() -> None:
    spec = _schemas_spec(
        {
            "Flag": {"type": "boolean", "nullable": True, "enum": [True]},
            "Listed": {"type": ["boolean", "null"], "enum": [False]},
            "NullMember": {"type": "boolean", "enum": [True, None]},
        }
    )
    assert boolean_enums.apply(spec) == [
        "#/components/schemas/Flag",
        "#/components/schemas/Listed",
        "#/components/schemas/NullMember",
    ]
    assert spec["components"]["schemas"] == {
        "Flag": {"oneOf": [{"const": True}], "nullable": True},
        "Listed": {"oneOf": [{"const": False}], "nullable": True},
        "NullMember": {"oneOf": [{"const": True}], "nullable": True},
    }


def test_two_value_boolean_enum_becomes_plain_boolean() -> None:
    spec = _schemas_spec(
        {
            "Both": {"type": "boolean", "enum": [False, True]},
            "Untyped": {"enum": [True, False]},
            "Nullable": {"type": "boolean", "nullable": True, "enum": [True, False]},
            "Listed": {"type": ["boolean", "null"], "enum": [True, False]},
            "NullMember": {"type": "boolean", "nullable": True, "enum": [True, False, None]},
        }
    )
    assert boolean_enums.apply(spec) == [
        "#/components/schemas/Both",
        "#/components/schemas/Untyped",
        "#/components/schemas/Nullable",
        "#/components/schemas/Listed",
        "#/components/schemas/NullMember",
    ]
    assert spec["components"]["schemas"] == {
        "Both": {"type": "boolean"},
        "Untyped": {"type": "boolean"},
        "Nullable": {"type": "boolean", "nullable": True},
        "Listed": {"type": "boolean", "nullable": True},
        "NullMember": {"type": "boolean", "nullable": True},
    }


def test_boolean_enums_are_found_nested_and_in_every_schema_position() -> None:
    spec: JSON = {
        "components": {
            "schemas": {
                "Outer": {
                    "type": "object",
                    "properties": {
                        "flag": {"type": "boolean", "enum": [True]},
                        "list": {"type": "array", "items": {"enum": [False]}},
                        "either": {"oneOf": [{"type": "string"}, {"type": "boolean", "enum": [True, False]}]},
                        "map": {"type": "object", "additionalProperties": {"type": "boolean", "enum": [False]}},
                    },
                }
            }
        },
        "paths": {
            "/p": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "boolean", "enum": [True]}}],
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"type": "boolean", "enum": [False]}}}}
                    },
                }
            }
        },
    }
    assert boolean_enums.apply(spec) == [
        "#/components/schemas/Outer/properties/flag",
        "#/components/schemas/Outer/properties/list/items",
        "#/components/schemas/Outer/properties/either/oneOf/1",
        "#/components/schemas/Outer/properties/map/additionalProperties",
        "GET /p parameters[0] schema",
        "GET /p responses[200] application/json",
    ]
    props = spec["components"]["schemas"]["Outer"]["properties"]
    assert props["flag"] == {"const": True}
    assert props["list"] == {"type": "array", "items": {"const": False}}
    assert props["either"] == {"oneOf": [{"type": "string"}, {"type": "boolean"}]}
    assert props["map"] == {"type": "object", "additionalProperties": {"const": False}}
    get = spec["paths"]["/p"]["get"]
    assert get["parameters"][0]["schema"] == {"const": True}
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {"const": False}


def test_boolean_enums_rule_leaves_non_boolean_enums_alone() -> None:
    untouched: dict[str, JSON] = {
        "OneString": {"type": "string", "enum": ["only"]},
        "Strings": {"type": "string", "enum": ["a", "b"]},
        "Ints": {"type": "integer", "enum": [0, 1]},
        "UntypedInts": {"enum": [0, 1]},
        "StringTyped": {"type": "string", "enum": [True]},
        "Empty": {"type": "boolean", "enum": []},
        "Mixed": {"enum": [True, "yes"]},
        "PlainBoolean": {"type": "boolean"},
    }
    spec = _schemas_spec(copy.deepcopy(untouched))
    assert boolean_enums.apply(spec) == []
    assert spec["components"]["schemas"] == untouched


def test_boolean_enums_rule_is_idempotent() -> None:
    spec = _schemas_spec({"A": {"type": "boolean", "nullable": True, "enum": [False]}, "B": {"enum": [False, True]}})
    boolean_enums.apply(spec)
    once = copy.deepcopy(spec)
    assert boolean_enums.apply(spec) == []
    assert spec == once


# --- shared_response_schemas ------------------------------------------------------------------

_ERROR_SCHEMA: JSON = {"type": "object", "properties": {"errors": {"type": "array", "items": {"type": "string"}}}}


def test_inline_response_schema_is_hoisted_into_components_schemas() -> None:
    spec: JSON = {
        "components": {
            "responses": {
                "ClientError": {
                    "description": "bad",
                    "content": {"application/json": {"schema": copy.deepcopy(_ERROR_SCHEMA)}},
                }
            }
        }
    }
    assert shared_response_schemas.apply(spec) == [
        "#/components/responses/ClientError application/json -> #/components/schemas/ClientError"
    ]
    assert spec["components"] == {
        "responses": {
            "ClientError": {
                "description": "bad",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientError"}}},
            }
        },
        "schemas": {"ClientError": _ERROR_SCHEMA},
    }


def test_hoisted_schema_name_collision_gets_response_suffix() -> None:
    taken: JSON = {"type": "string"}
    spec: JSON = {
        "components": {
            "schemas": {"ServerError": taken, "ServerErrorResponse": {"type": "integer"}},
            "responses": {"ServerError": {"content": {"application/json": {"schema": copy.deepcopy(_ERROR_SCHEMA)}}}},
        }
    }
    assert shared_response_schemas.apply(spec) == [
        "#/components/responses/ServerError application/json -> #/components/schemas/ServerErrorResponse2"
    ]
    assert spec["components"]["schemas"] == {
        "ServerError": {"type": "string"},
        "ServerErrorResponse": {"type": "integer"},
        "ServerErrorResponse2": _ERROR_SCHEMA,
    }
    content = spec["components"]["responses"]["ServerError"]["content"]
    assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/ServerErrorResponse2"}}}


def test_hoisted_schema_name_collision_with_first_suffix() -> None:
    spec: JSON = {
        "components": {
            "schemas": {"Gone": {"type": "string"}},
            "responses": {"Gone": {"content": {"application/json": {"schema": {"type": "integer"}}}}},
        }
    }
    assert shared_response_schemas.apply(spec) == [
        "#/components/responses/Gone application/json -> #/components/schemas/GoneResponse"
    ]
    assert spec["components"]["schemas"] == {"Gone": {"type": "string"}, "GoneResponse": {"type": "integer"}}


def test_identical_existing_schema_is_reused_not_duplicated() -> None:
    spec: JSON = {
        "components": {
            "schemas": {"ClientError": copy.deepcopy(_ERROR_SCHEMA)},
            "responses": {"ClientError": {"content": {"application/json": {"schema": copy.deepcopy(_ERROR_SCHEMA)}}}},
        }
    }
    assert shared_response_schemas.apply(spec) == [
        "#/components/responses/ClientError application/json -> #/components/schemas/ClientError"
    ]
    assert spec["components"]["schemas"] == {"ClientError": _ERROR_SCHEMA}


def test_two_responses_with_identical_inline_schema_each_get_their_own_schema() -> None:
    spec: JSON = {
        "components": {
            "responses": {
                "ClientError": {"content": {"application/json": {"schema": copy.deepcopy(_ERROR_SCHEMA)}}},
                "ServerError": {"content": {"application/json": {"schema": copy.deepcopy(_ERROR_SCHEMA)}}},
            }
        }
    }
    assert shared_response_schemas.apply(spec) == [
        "#/components/responses/ClientError application/json -> #/components/schemas/ClientError",
        "#/components/responses/ServerError application/json -> #/components/schemas/ServerError",
    ]
    assert spec["components"]["schemas"] == {"ClientError": _ERROR_SCHEMA, "ServerError": _ERROR_SCHEMA}
    responses = spec["components"]["responses"]
    assert responses["ClientError"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ClientError"
    }
    assert responses["ServerError"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ServerError"
    }


def test_one_response_with_two_media_types() -> None:
    spec: JSON = {
        "components": {
            "responses": {
                "Err": {
                    "content": {
                        "application/json": {"schema": {"type": "string"}},
                        "application/vnd.api+json": {"schema": {"type": "string"}},
                        "text/plain": {"schema": {"type": "integer"}},
                    }
                }
            }
        }
    }
    assert shared_response_schemas.apply(spec) == [
        "#/components/responses/Err application/json -> #/components/schemas/Err",
        "#/components/responses/Err application/vnd.api+json -> #/components/schemas/Err",
        "#/components/responses/Err text/plain -> #/components/schemas/ErrResponse",
    ]
    assert spec["components"]["schemas"] == {"Err": {"type": "string"}, "ErrResponse": {"type": "integer"}}


def test_shared_response_schemas_leaves_refs_and_operation_responses_alone() -> None:
    inline_operation_response: JSON = {"content": {"application/json": {"schema": {"type": "object"}}}}
    spec: JSON = {
        "components": {
            "schemas": {"Existing": {"type": "object"}},
            "responses": {
                "AlreadyShared": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Existing"}}}
                },
                "NoContent": {"description": "nothing"},
            },
        },
        "paths": {"/p": {"get": {"responses": {"200": copy.deepcopy(inline_operation_response)}}}},
    }
    before = copy.deepcopy(spec)
    assert shared_response_schemas.apply(spec) == []
    assert spec == before


def test_shared_response_schemas_without_components_changes_nothing() -> None:
    spec: JSON = {"paths": {}}
    assert shared_response_schemas.apply(spec) == []
    assert spec == {"paths": {}}


# --- revision_header_optional -----------------------------------------------------------------


def _revision(required: bool | None = True, default: str | None = "2026-07-15", name: str = "revision") -> JSON:
    schema: JSON = {"type": "string"}
    if default is not None:
        schema["default"] = default
    parameter: JSON = {"name": name, "in": "header", "schema": schema}
    if required is not None:
        parameter["required"] = required
    return parameter


def test_revision_header_becomes_optional_without_default() -> None:
    spec: JSON = {
        "components": {"parameters": {"Revision": _revision()}},
        "paths": {
            "/a": {
                "parameters": [_revision(name="Revision")],
                "get": {"parameters": [{"name": "id", "in": "query", "schema": {"type": "string"}}, _revision()]},
                "post": {"parameters": [_revision(required=None)]},
                "delete": {"parameters": [_revision(default=None)]},
            }
        },
    }
    assert revision_header_optional.apply(spec) == [
        "#/components/parameters/Revision",
        "/a parameters[0]",
        "GET /a parameters[1]",
        "POST /a parameters[0]",
        "DELETE /a parameters[0]",
    ]
    expected: JSON = {"name": "revision", "in": "header", "schema": {"type": "string"}, "required": False}
    assert spec["components"]["parameters"]["Revision"] == expected
    item = spec["paths"]["/a"]
    assert item["parameters"][0] == {**expected, "name": "Revision"}
    assert item["get"]["parameters"][1] == expected
    assert item["post"]["parameters"][0] == expected
    assert item["delete"]["parameters"][0] == expected


def test_revision_header_rule_leaves_other_parameters_alone() -> None:
    untouched: list[JSON] = [
        {"name": "x-api-key", "in": "header", "required": True, "schema": {"type": "string", "default": "k"}},
        {"name": "revision", "in": "query", "required": True, "schema": {"type": "string", "default": "2026-07-15"}},
        {"name": "revision", "in": "header", "required": False, "schema": {"type": "string"}},
        {"$ref": "#/components/parameters/Revision"},
    ]
    spec: JSON = {"paths": {"/a": {"get": {"parameters": copy.deepcopy(untouched)}}}}
    assert revision_header_optional.apply(spec) == []
    assert spec["paths"]["/a"]["get"]["parameters"] == untouched


# --- nullable_refs_and_enums ------------------------------------------------------------------


def test_nullable_ref_becomes_a_nullable_one_part_all_of_keeping_its_other_keywords() -> None:
    spec: JSON = {
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "location": {"$ref": "#/components/schemas/Loc", "nullable": True, "description": "Where."},
                        "plain": {"$ref": "#/components/schemas/Loc"},
                        "described": {"$ref": "#/components/schemas/Loc", "description": "Not nullable."},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Loc", "nullable": True}},
                    },
                },
                "Loc": {"type": "object"},
            }
        }
    }
    assert nullable_refs_and_enums.apply(spec) == [
        "#/components/schemas/Thing/properties/location",
        "#/components/schemas/Thing/properties/items/items",
    ]
    props = spec["components"]["schemas"]["Thing"]["properties"]
    assert props["location"] == {
        "allOf": [{"$ref": "#/components/schemas/Loc"}],
        "nullable": True,
        "description": "Where.",
    }
    assert props["plain"] == {"$ref": "#/components/schemas/Loc"}
    assert props["described"] == {"$ref": "#/components/schemas/Loc", "description": "Not nullable."}
    assert props["items"]["items"] == {"allOf": [{"$ref": "#/components/schemas/Loc"}], "nullable": True}


def test_nullable_enum_lists_null_and_a_property_keeps_its_class_name_through_a_title() -> None:
    spec: JSON = {
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string", "enum": ["a", "b"], "nullable": True},
                        "level": {"type": "integer", "enum": [1, 2], "nullable": True, "title": "Level"},
                        "listed": {"type": "string", "enum": ["a", None], "nullable": True},
                        "strict": {"type": "string", "enum": ["a"]},
                        "flag": {"type": "boolean", "enum": [True], "nullable": True},
                        "tags": {"type": "array", "items": {"type": "string", "enum": ["x"], "nullable": True}},
                    },
                }
            }
        }
    }
    assert nullable_refs_and_enums.apply(spec) == [
        "#/components/schemas/Thing/properties/status",
        "#/components/schemas/Thing/properties/level",
        "#/components/schemas/Thing/properties/tags/items",
    ]
    props = spec["components"]["schemas"]["Thing"]["properties"]
    assert props["status"] == {"type": "string", "enum": ["a", "b", None], "nullable": True, "title": "status"}
    assert props["level"] == {"type": "integer", "enum": [1, 2, None], "nullable": True, "title": "Level"}
    assert props["listed"] == {"type": "string", "enum": ["a", None], "nullable": True}
    assert props["strict"] == {"type": "string", "enum": ["a"]}
    assert props["flag"] == {"type": "boolean", "enum": [True], "nullable": True}
    assert props["tags"]["items"] == {"type": "string", "enum": ["x", None], "nullable": True}


def test_nullable_refs_and_enums_rule_is_idempotent() -> None:
    spec: JSON = {
        "components": {
            "schemas": {
                "A": {"$ref": "#/components/schemas/B", "nullable": True},
                "B": {"type": "string", "enum": ["x"], "nullable": True},
            }
        }
    }
    assert len(nullable_refs_and_enums.apply(spec)) == 2
    once = copy.deepcopy(spec)
    assert nullable_refs_and_enums.apply(spec) == []
    assert spec == once


# --- the plan ---------------------------------------------------------------------------------


def test_load_plan_reads_every_rule_in_order_with_reasons() -> None:
    plan = load_plan()
    assert [p.name for p in plan] == [
        "path_parameters_not_nullable",
        "boolean_enums",
        "shared_response_schemas",
        "revision_header_optional",
        "all_of_deep_merge",
        "nullable_refs_and_enums",
        "error_item_members",
    ]
    assert {p.name for p in plan} == set(RULES)
    for patch in plan:
        assert patch.why, patch.name
        assert patch.why == patch.why.strip(), patch.name


def test_load_plan_rejects_an_unknown_rule_by_name(tmp_path: Path) -> None:
    plan_file = tmp_path / "patches.toml"
    plan_file.write_text(
        '[[patch]]\nname = "boolean_enums"\nwhy = "x"\n\n[[patch]]\nname = "make_it_work"\nwhy = "y"\n',
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as caught:
        load_plan(plan_file)
    message = str(caught.value.code)
    assert message.startswith(f"{plan_file}: no rule implements make_it_work (known: ")
    assert "boolean_enums" in message.split("(known:")[1]


def test_load_plan_of_a_file_without_patches_is_empty(tmp_path: Path) -> None:
    plan_file = tmp_path / "patches.toml"
    plan_file.write_text("# nothing to patch\n", encoding="utf-8")
    assert load_plan(plan_file) == []


def test_apply_plan_returns_a_patched_copy_and_leaves_its_input_alone() -> None:
    spec: JSON = {
        "components": {
            "schemas": {"Flag": {"type": "boolean", "enum": [True]}},
            "responses": {"Err": {"content": {"application/json": {"schema": {"type": "string"}}}}},
        },
        "paths": {
            "/a/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "nullable": True}},
                        _revision(),
                    ]
                }
            }
        },
    }
    before = copy.deepcopy(spec)
    plan = [PlannedPatch(name=name, why="test") for name in RULES]
    patched, applied = apply_plan(spec, plan)
    assert spec == before
    assert patched is not spec
    assert applied == [
        Applied(name="path_parameters_not_nullable", locations=("GET /a/{id} parameters[0]",)),
        Applied(name="boolean_enums", locations=("#/components/schemas/Flag",)),
        Applied(
            name="shared_response_schemas",
            locations=("#/components/responses/Err application/json -> #/components/schemas/Err",),
        ),
        Applied(name="revision_header_optional", locations=("GET /a/{id} parameters[1]",)),
        Applied(name="all_of_deep_merge", locations=()),
        Applied(name="nullable_refs_and_enums", locations=()),
        Applied(name="error_item_members", locations=()),
    ]
    assert patched["components"]["schemas"] == {"Flag": {"const": True}, "Err": {"type": "string"}}
    assert patched["paths"]["/a/{id}"]["get"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "revision", "in": "header", "required": False, "schema": {"type": "string"}},
    ]


def test_apply_plan_with_an_empty_plan_is_an_equal_copy() -> None:
    spec: JSON = {"components": {"schemas": {"Flag": {"enum": [True]}}}}
    patched, applied = apply_plan(spec, [])
    assert applied == []
    assert patched == spec
    assert patched["components"] is not spec["components"]


# --- the real pinned spec ---------------------------------------------------------------------


def _is_boolean_enum(schema: JSON) -> bool:
    values = schema.get("enum")
    return isinstance(values, list) and any(isinstance(v, bool) for v in values)


def test_plan_on_the_pinned_spec(pinned_spec_path: Path) -> None:
    data = pinned_spec_path.read_bytes()
    assert sha256_of(data) == load_pin().sha256, f"{pinned_spec_path} is not the pinned spec"
    spec = json.loads(data)
    patched, applied = apply_plan(spec, load_plan())

    assert {a.name: len(a.locations) for a in applied} == {
        "path_parameters_not_nullable": 8,
        "boolean_enums": 39,
        "shared_response_schemas": 2,
        "revision_header_optional": 345,
        "all_of_deep_merge": 13,
        "nullable_refs_and_enums": 415,  # 408 in the raw spec, + 7 copied into the additional-fields compositions
        "error_item_members": 6,  # status, links, meta on ClientError and ServerError
    }
    for a in applied:
        assert len(set(a.locations)) == len(a.locations), f"{a.name} reported a location twice"

    parameters = list(iter_parameters(patched))
    nullable_path = [
        where
        for where, p in parameters
        if p.get("in") == "path"
        and (p.get("schema", {}).get("nullable") is True or "null" in (p.get("schema", {}).get("type") or []))
    ]
    assert nullable_path == []

    assert [where for where, schema in iter_schemas(patched) if _is_boolean_enum(schema)] == []

    responses = patched["components"]["responses"]
    assert sorted(responses) == ["ClientError", "ServerError"]
    for name, response in responses.items():
        for media_type, media in response.get("content", {}).items():
            assert set(media["schema"]) == {"$ref"}, (name, media_type)
            target = media["schema"]["$ref"].removeprefix("#/components/schemas/")
            assert target in patched["components"]["schemas"], (name, media_type)

    revision_headers = [
        (where, p) for where, p in parameters if p.get("in") == "header" and str(p.get("name")).lower() == "revision"
    ]
    assert len(revision_headers) == 345
    assert [w for w, p in revision_headers if p.get("required")] == []
    assert [w for w, p in revision_headers if "default" in p.get("schema", {})] == []
    # Every operation still declares its revision header (the rule makes it optional, never removes it).
    assert len(revision_headers) == sum(1 for _ in iter_operations(patched))

    nullable_refs = [w for w, s in iter_schemas(patched) if "$ref" in s and s.get("nullable") is True]
    assert nullable_refs == []
    unlisted_null = [
        w for w, s in iter_schemas(patched) if s.get("nullable") is True and None not in s.get("enum", [None])
    ]
    assert unlisted_null == []

    # The input document itself is not patched.
    assert spec == json.loads(data)


def test_error_items_declare_status_links_and_meta() -> None:
    item = {"type": "object", "properties": {k: {"type": "string"} for k in ("id", "code", "title", "detail")}}
    spec: JSON = {
        "components": {
            "schemas": {
                "ClientError": {"type": "object", "properties": {"errors": {"type": "array", "items": item}}},
                "Other": {"type": "object", "properties": {"errors": {"type": "string"}}},
                "Partial": {
                    "type": "object",
                    "properties": {
                        "errors": {
                            "type": "array",
                            "items": {"properties": {"code": {}, "detail": {}, "meta": {"type": "string"}}},
                        }
                    },
                },
            }
        }
    }
    assert error_item_members.apply(spec) == [
        "#/components/schemas/ClientError errors[].status",
        "#/components/schemas/ClientError errors[].links",
        "#/components/schemas/ClientError errors[].meta",
        "#/components/schemas/Partial errors[].status",
        "#/components/schemas/Partial errors[].links",
    ]
    members = spec["components"]["schemas"]["ClientError"]["properties"]["errors"]["items"]["properties"]
    assert members["status"]["type"] == "integer"
    assert members["meta"] == {
        "type": "object",
        "additionalProperties": True,
        "description": "More about the error, e.g. `duplicate_profile_id` on a 409 from create_profile.",
    }
    partial = spec["components"]["schemas"]["Partial"]["properties"]["errors"]["items"]["properties"]
    assert partial["meta"] == {"type": "string"}  # what a spec declares is left as it is
    assert error_item_members.apply(spec) == []  # applied twice, nothing more changes
