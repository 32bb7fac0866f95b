"""The ``all_of_deep_merge`` rule on tiny hand-written specs, and what it finds in the pinned spec."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from generator.patches import all_of_deep_merge
from generator.patches._walk import JSON

REF = "#/components/schemas/"


def _resource() -> JSON:
    return {
        "type": "object",
        "required": ["type", "id", "attributes"],
        "properties": {
            "type": {"$ref": REF + "ProfileEnum"},
            "id": {"type": "string"},
            "attributes": {
                "type": "object",
                "required": ["email"],
                "properties": {
                    "email": {"type": "string", "nullable": True},
                    "status": {"type": "string", "enum": ["on", "off"]},
                },
            },
            "relationships": {"type": "object", "properties": {"lists": {"type": "object", "properties": {}}}},
            "links": {"$ref": REF + "ObjectLinks"},
        },
    }


def _additional_fields() -> JSON:
    return {
        "properties": {
            "type": {"$ref": REF + "ProfileEnum"},
            "attributes": {
                "required": ["subscriptions"],
                "properties": {"subscriptions": {"$ref": REF + "Subscriptions", "nullable": True}},
            },
        }
    }


def _spec(data: JSON) -> JSON:
    return {
        "components": {
            "schemas": {
                "ProfileEnum": {"type": "string", "enum": ["profile"]},
                "ObjectLinks": {"type": "object", "properties": {"self": {"type": "string"}}},
                "Subscriptions": {"type": "object", "properties": {"email": {"type": "object", "properties": {}}}},
                "ProfileResource": _resource(),
                "GetProfileResponse": {"type": "object", "properties": {"data": data}},
            }
        }
    }


def test_an_additional_fields_composition_becomes_one_object_with_every_attribute() -> None:
    spec = _spec({"allOf": [_additional_fields(), {"$ref": REF + "ProfileResource"}], "nullable": True})
    assert all_of_deep_merge.apply(spec) == ["#/components/schemas/GetProfileResponse/properties/data"]
    schemas = spec["components"]["schemas"]
    # Named inline parts of the resource moved out under the class name they had, and are shared.
    relationships = {"$ref": REF + "ProfileResourceRelationships"}
    status = {"$ref": REF + "ProfileResourceAttributesStatus"}
    assert schemas["ProfileResourceRelationships"] == _resource()["properties"]["relationships"]
    assert schemas["ProfileResourceAttributesStatus"] == {"type": "string", "enum": ["on", "off"]}
    expected_resource = _resource()
    expected_resource["properties"]["relationships"] = relationships
    expected_resource["properties"]["attributes"]["properties"]["status"] = status
    assert schemas["ProfileResource"] == expected_resource
    # The resource's members come first (openapi-python-client's order), the added ones after;
    # required lists are unioned, the $ref with its nullable is kept as written.
    assert schemas["GetProfileResponse"]["properties"]["data"] == {
        "nullable": True,
        "type": "object",
        "properties": {
            "type": {"$ref": REF + "ProfileEnum"},
            "id": {"type": "string"},
            "attributes": {
                "type": "object",
                "properties": {
                    "email": {"type": "string", "nullable": True},
                    "status": status,
                    "subscriptions": {"$ref": REF + "Subscriptions", "nullable": True},
                },
                "required": ["email", "subscriptions"],
            },
            "relationships": relationships,
            "links": {"$ref": REF + "ObjectLinks"},
        },
        "required": ["type", "id", "attributes"],
    }


def test_array_items_and_a_second_composition_of_the_same_resource_share_the_moved_parts() -> None:
    spec = _spec({"allOf": [_additional_fields(), {"$ref": REF + "ProfileResource"}]})
    schemas = spec["components"]["schemas"]
    schemas["GetProfilesResponse"] = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": {"allOf": [{"$ref": REF + "ProfileResource"}, _additional_fields()]}}
        },
    }
    assert all_of_deep_merge.apply(spec) == [
        "#/components/schemas/GetProfileResponse/properties/data",
        "#/components/schemas/GetProfilesResponse/properties/data/items",
    ]
    one = schemas["GetProfileResponse"]["properties"]["data"]
    items = schemas["GetProfilesResponse"]["properties"]["data"]["items"]
    assert one == items
    assert items["properties"]["relationships"] == {"$ref": REF + "ProfileResourceRelationships"}
    assert sorted(k for k in schemas if k.startswith("ProfileResource")) == [
        "ProfileResource",
        "ProfileResourceAttributesStatus",
        "ProfileResourceRelationships",
    ]


def test_a_taken_name_leaves_the_part_inline_as_a_copy() -> None:
    spec = _spec({"allOf": [_additional_fields(), {"$ref": REF + "ProfileResource"}]})
    spec["components"]["schemas"]["ProfileResourceRelationships"] = {"type": "string"}
    all_of_deep_merge.apply(spec)
    schemas = spec["components"]["schemas"]
    assert schemas["ProfileResourceRelationships"] == {"type": "string"}
    assert schemas["ProfileResource"]["properties"]["relationships"] == _resource()["properties"]["relationships"]
    data = schemas["GetProfileResponse"]["properties"]["data"]
    assert data["properties"]["relationships"] == _resource()["properties"]["relationships"]
    assert data["properties"]["relationships"] is not schemas["ProfileResource"]["properties"]["relationships"]


def test_compositions_openapi_python_client_merges_itself_are_left_alone() -> None:
    untouched: list[JSON] = [
        # one member: how the spec says "this $ref, nullable"
        {"allOf": [{"$ref": REF + "ProfileResource"}], "nullable": True},
        # members that share no object member
        {"allOf": [{"$ref": REF + "ProfileResource"}, {"properties": {"meta": {"type": "object", "properties": {}}}}]},
        # a shared member defined identically twice
        {"allOf": [{"$ref": REF + "ProfileResource"}, {"properties": {"links": {"$ref": REF + "ObjectLinks"}}}]},
        # a shared member that is not an object in both
        {"allOf": [{"$ref": REF + "ProfileResource"}, {"properties": {"attributes": {"type": "string"}}}]},
        # a member that is not an object
        {"allOf": [{"$ref": REF + "ProfileEnum"}, {"properties": {"attributes": {"type": "object"}}}]},
    ]
    for data in untouched:
        spec = _spec(data)
        before = copy.deepcopy(spec)
        assert all_of_deep_merge.apply(spec) == []
        assert spec == before


def test_nested_compositions_and_members_own_properties_are_merged() -> None:
    extra = {"properties": {"attributes": {"properties": {"score": {"type": "number"}}}}}
    spec = _spec(
        {
            "properties": {"attributes": {"properties": {"rank": {"type": "integer"}}}},
            "allOf": [{"$ref": REF + "ProfileResource"}, {"allOf": [_additional_fields(), extra]}],
        }
    )
    all_of_deep_merge.apply(spec)
    data = spec["components"]["schemas"]["GetProfileResponse"]["properties"]["data"]
    assert "allOf" not in data
    assert list(data["properties"]["attributes"]["properties"]) == ["email", "status", "subscriptions", "score", "rank"]


def test_the_pinned_spec_composes_the_thirteen_additional_fields_responses(pinned_spec_path: Path) -> None:
    spec = json.loads(pinned_spec_path.read_bytes())
    changed = all_of_deep_merge.apply(spec)
    assert sorted(where.split("/")[3] for where in changed) == [
        "GetFlowV2ResponseCompoundDocument",
        "GetListMemberResponseCollection",
        "GetListRetrieveResponseCompoundDocument",
        "GetMetricPropertyResponseCollection",
        "GetMetricPropertyResponseCompoundDocument",
        "GetProfileResponse",
        "GetProfileResponseCollection",
        "GetProfileResponsePluralConversationsCollectionCompoundDocument",
        "GetProfileResponsePluralConversationsCompoundDocument",
        "GetSegmentMemberResponseCollection",
        "GetSegmentRetrieveResponseCompoundDocument",
        "GetTemplateDndResponse",
        "GetTemplateDndResponseCollection",
    ]
    assert all_of_deep_merge.apply(spec) == []  # idempotent: nothing left to compose
