"""Models decode each field on first read (``_lazy.py``): same values, errors where the bad member is read."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
from typing import Any

import attrs
import httpx
import pytest

from klaviyo_generated import FieldDecodeError, KlaviyoError, ResponseDecodeError
from klaviyo_generated._lazy import LazyModel, LazyTable, decode_first_level, lazy_from_dict
from klaviyo_generated._unions import STRICT_ENUMS
from klaviyo_generated.models.get_profile_response_collection import GetProfileResponseCollection
from klaviyo_generated.models.get_profile_response_collection_data_item import GetProfileResponseCollectionDataItem
from klaviyo_generated.models.get_profile_response_collection_data_item_attributes import (
    GetProfileResponseCollectionDataItemAttributes,
)
from klaviyo_generated.models.profile_location import ProfileLocation
from klaviyo_generated.models.profile_response_object_resource_attributes import (
    ProfileResponseObjectResourceAttributes,
)
from klaviyo_generated.types import UNSET
from tests.runtime.client_harness import PROFILE_ID, Server
from tests.runtime.test_client_calls import make

STAMP = "2026-03-14T15:09:26+00:00"


def profile(**attributes: Any) -> dict[str, Any]:
    return {
        "type": "profile",
        "id": PROFILE_ID,
        "attributes": {"email": "ada@example.com", "created": STAMP, "location": {"city": "London"}, **attributes},
        "links": {"self": f"https://a.klaviyo.com/api/profiles/{PROFILE_ID}"},
        "x-new-member": {"kept": True},
    }


def slots_filled(model: LazyModel) -> set[str]:
    """The fields that hold a value on the instance (a lazily decoded field has none until read)."""
    cls = type(model)
    assert attrs.has(cls)
    return {field.name for field in attrs.fields(cls) if field.name in vars(model)}


def test_from_dict_copies_plain_members_and_decodes_the_others_when_first_read() -> None:
    item = GetProfileResponseCollectionDataItem.from_dict(profile())
    assert slots_filled(item) == {"id"}  # a string: nothing to decode

    attributes = item.attributes
    assert type(attributes) is GetProfileResponseCollectionDataItemAttributes
    assert slots_filled(item) == {"id", "attributes"}
    assert item.attributes is attributes  # decoded once, then a plain attribute read
    plain = {"email", "phone_number", "external_id", "first_name", "last_name", "organization", "locale"}
    assert plain <= slots_filled(attributes)
    assert not {"created", "location", "properties", "additional_properties"} & slots_filled(attributes)

    assert attributes.email == "ada@example.com"
    assert attributes.created == datetime.datetime(2026, 3, 14, 15, 9, 26, tzinfo=datetime.UTC)
    assert "created" in slots_filled(attributes)
    assert "location" not in slots_filled(attributes)


def test_lazily_decoded_values_equal_the_eagerly_built_model() -> None:
    item = GetProfileResponseCollectionDataItem.from_dict(profile())
    assert item.type_ == "profile"
    assert item.id == PROFILE_ID
    assert item.relationships is UNSET  # optional and absent
    assert item.additional_properties == {"x-new-member": {"kept": True}}
    assert item.attributes.location == ProfileLocation(city="London")
    assert item.attributes.phone_number is UNSET

    fresh = GetProfileResponseCollectionDataItem.from_dict(profile())
    # attrs' ==, repr and to_dict read through the same path, so an untouched model compares whole.
    assert fresh == item
    assert repr(fresh) == repr(item)
    assert GetProfileResponseCollectionDataItem.from_dict(profile()).to_dict() == {
        **profile(),
        "attributes": {"email": "ada@example.com", "created": STAMP, "location": {"city": "London"}},
    }
    assert GetProfileResponseCollectionDataItem.from_dict(profile(email="other@example.com")) != item


def test_pickle_copy_and_evolve_see_decoded_values() -> None:
    item = GetProfileResponseCollectionDataItem.from_dict(profile())
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET
    assert copy.deepcopy(UNSET) is UNSET
    assert pickle.loads(pickle.dumps(item)) == GetProfileResponseCollectionDataItem.from_dict(profile())
    assert copy.deepcopy(item) == item
    changed = attrs.evolve(GetProfileResponseCollectionDataItem.from_dict(profile()), id="01OTHER")
    assert changed.id == "01OTHER"
    assert changed.attributes.email == "ada@example.com"


def test_a_field_set_by_the_caller_wins_over_the_kept_json() -> None:
    item = GetProfileResponseCollectionDataItem.from_dict(profile())
    item.id = "01SET"
    assert item.id == "01SET"
    assert item.to_dict()["id"] == "01SET"


def test_a_malformed_nested_member_raises_field_decode_error_when_read() -> None:
    item = GetProfileResponseCollectionDataItem.from_dict(profile(location=["not", "an", "object"]))
    assert item.id == PROFILE_ID  # the rest of the model reads fine
    attributes = item.attributes
    with pytest.raises(FieldDecodeError) as caught:
        _ = attributes.location
    error = caught.value
    assert isinstance(error, KlaviyoError)
    assert isinstance(error, ValueError)
    assert (error.model, error.member, error.raw) == (
        "GetProfileResponseCollectionDataItemAttributes",
        "location",
        ["not", "an", "object"],
    )
    assert str(error) == (
        "GetProfileResponseCollectionDataItemAttributes.location is not the documented shape: ['not', 'an', 'object']"
    )
    assert isinstance(error.__cause__, TypeError)


def test_a_long_raw_value_is_cut_in_the_message() -> None:
    with pytest.raises(FieldDecodeError) as caught:
        _ = ProfileResponseObjectResourceAttributes.from_dict({"location": "x" * 500}).location
    assert caught.value.raw == "x" * 500
    assert str(caught.value).endswith("'" + "x" * 199 + "...")


def test_from_dict_refuses_a_non_object_at_once_and_a_missing_member_only_inside_a_union() -> None:
    with pytest.raises(TypeError, match="GetProfileResponseCollectionDataItem is a JSON object, got list"):
        GetProfileResponseCollectionDataItem.from_dict([])  # type: ignore[arg-type]
    broken = profile()
    del broken["attributes"], broken["type"]
    assert GetProfileResponseCollectionDataItem.from_dict(broken).id == PROFILE_ID  # see test_drift_decoding
    token = STRICT_ENUMS.set(True)
    try:
        with pytest.raises(KeyError, match=r"missing required member\(s\): attributes, type"):
            GetProfileResponseCollectionDataItem.from_dict(broken)
    finally:
        STRICT_ENUMS.reset(token)


def test_while_a_union_chooses_its_variant_from_dict_decodes_everything_at_once() -> None:
    # Otherwise the first variant that merely has the required keys would win every union.
    token = STRICT_ENUMS.set(True)
    try:
        with pytest.raises(FieldDecodeError, match="location"):
            GetProfileResponseCollectionDataItem.from_dict(profile(location=5))
        strict = GetProfileResponseCollectionDataItem.from_dict(profile())
    finally:
        STRICT_ENUMS.reset(token)
    assert {"type_", "attributes", "links", "id", "relationships", "additional_properties"} <= slots_filled(strict)
    assert "location" in slots_filled(strict.attributes)


def test_decode_first_level_decodes_the_document_members_only() -> None:
    page = GetProfileResponseCollection.from_dict({"data": [profile(), profile()], "links": {"self": "s"}})
    decode_first_level(page)
    assert {"data", "links", "meta"} <= slots_filled(page)
    assert [slots_filled(item) for item in page.data] == [{"id"}, {"id"}]
    with pytest.raises(FieldDecodeError, match=r"GetProfileResponseCollection\.data is not"):
        decode_first_level(GetProfileResponseCollection.from_dict({"data": 5}))


def test_a_model_built_by_its_constructor_has_no_lazy_fallback() -> None:
    location = ProfileLocation(city="Paris")
    assert location.city == "Paris"
    with pytest.raises(AttributeError, match="'ProfileLocation' object has no attribute 'citty'"):
        _ = location.citty  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="'ProfileLocation' object has no attribute 'citty'"):
        _ = ProfileLocation.from_dict({"city": "Paris"}).citty  # type: ignore[attr-defined]


@attrs.define(slots=False)
class Addresses(LazyModel):
    """A hand-made model with typed additional properties (the pinned spec has none)."""

    label: str
    additional_properties: dict[str, ProfileLocation] = attrs.field(init=False, factory=dict)

    @staticmethod
    def _klaviyo_table_() -> LazyTable:
        return LazyTable(fields={}, known=("label",), required=("label",), additional=ProfileLocation.from_dict)


def test_typed_additional_properties_are_decoded_on_first_read() -> None:
    addresses = lazy_from_dict(Addresses, {"label": "home", "work": {"city": "Leeds"}})
    addresses.label = "home"  # what a generated from_dict does for a plain member
    assert "additional_properties" not in vars(addresses)
    assert addresses.additional_properties == {"work": ProfileLocation(city="Leeds")}
    with pytest.raises(FieldDecodeError) as caught:
        _ = lazy_from_dict(Addresses, {"label": "home", "work": 7}).additional_properties
    assert (caught.value.model, caught.value.member, caught.value.raw) == ("Addresses", "work", 7)


def test_through_the_client_a_bad_document_fails_the_call_and_a_bad_nested_member_fails_its_read() -> None:
    # The document's own members are checked before the call returns ...
    bad_document = Server(httpx.Response(200, json={"data": [1, 2]}))
    with pytest.raises(ResponseDecodeError) as caught:
        make(bad_document).profiles.get_profiles()
    assert isinstance(caught.value.__cause__, FieldDecodeError)
    assert caught.value.__cause__.member == "data"

    # ... a malformed member deeper down fails when (and only if) it is read.
    page = {"data": [profile(location=5)], "links": {"self": "https://a.klaviyo.com/api/profiles", "next": None}}
    result = make(Server(httpx.Response(200, content=json.dumps(page).encode()))).profiles.get_profiles()
    assert result.data[0].attributes.email == "ada@example.com"
    with pytest.raises(FieldDecodeError, match="location"):
        _ = result.data[0].attributes.location
