"""One rule for answers that drift from the pinned revision (README "Answers that drift"; ``_lazy.py``).

A missing required member leaves the rest readable and raises ``MissingFieldError`` when read; a
present member of the wrong shape raises ``FieldDecodeError`` when read, nullable or not; nulls go
where the API sends them; unknown members and enum values are kept; a union's variant is the one its
JSON:API ``type`` names; timestamps are read as RFC 3339 writes them.
"""

from __future__ import annotations

import datetime
import json
import pickle
from typing import Any, cast

import pytest

from klaviyo_generated import FieldDecodeError, KlaviyoError, ResponseDecodeError
from klaviyo_generated._datetimes import parse_datetime
from klaviyo_generated._lazy import MissingFieldError
from klaviyo_generated.models.catalog_category_create_job_response_object_resource_attributes import (
    CatalogCategoryCreateJobResponseObjectResourceAttributes,
)
from klaviyo_generated.models.email_channel import EmailChannel
from klaviyo_generated.models.list_response_object_resource import ListResponseObjectResource
from klaviyo_generated.models.profile_import_job_response_object_resource_attributes import (
    ProfileImportJobResponseObjectResourceAttributes,
)
from klaviyo_generated.models.push_token_response_object_resource import PushTokenResponseObjectResource
from klaviyo_generated.models.segment_response_object_resource import SegmentResponseObjectResource
from klaviyo_generated.types import UNSET
from tests.runtime.client_harness import PROFILE_ID, Server
from tests.runtime.test_client_calls import make
from tests.runtime.test_lazy_models import profile

UTC = datetime.UTC


def profile_document(**changes: Any) -> dict[str, Any]:
    data = profile()
    data.update(changes)
    return {"data": {key: value for key, value in data.items() if value is not ...}}


# --- a missing required member -------------------------------------------------------------------


def test_a_profile_without_data_links_decodes_and_only_reading_links_fails() -> None:
    server = Server(profile_document(links=...))
    kv = make(server)
    for result in (kv.profiles.get_profile(PROFILE_ID), kv.with_raw_response.profiles.get_profile(PROFILE_ID).parsed):
        item = result.data
        assert item.id == PROFILE_ID
        assert item.attributes.email == "ada@example.com"
        with pytest.raises(MissingFieldError) as caught:
            _ = item.links
        assert str(caught.value) == (
            "GetProfileResponsePluralConversationsCompoundDocumentData.links is missing: "
            "the API left out this required member"
        )
        assert (caught.value.model, caught.value.member, caught.value.name, caught.value.raw) == (
            "GetProfileResponsePluralConversationsCompoundDocumentData",
            "links",
            "links",
            UNSET,
        )
        assert isinstance(caught.value, FieldDecodeError)
        assert isinstance(caught.value, KlaviyoError)
        assert isinstance(caught.value, AttributeError)
        assert not hasattr(item, "links")
        assert getattr(item, "links", "fallback") == "fallback"


def test_a_missing_member_is_left_out_of_to_dict_and_shown_as_missing_in_repr() -> None:
    document = profile_document(links=..., type=...)
    result = make(Server(document)).profiles.get_profile(PROFILE_ID)
    assert result.to_dict() == json.loads(json.dumps(document))
    assert result.data.to_dict() == document["data"]
    assert "links=<missing>" in repr(result.data)
    assert "type_=<missing>" in repr(result.data)
    with pytest.raises(MissingFieldError, match=r"\.type is missing"):
        _ = result.data.type_


def test_a_missing_plain_member_stays_missing_while_the_others_are_copied() -> None:
    # `total_count` needs no decoding: from_dict copies it, and finds it missing.
    body = {"status": "complete", "created_at": "2026-01-02T03:04:05Z", "completed_count": 3}
    attributes = ProfileImportJobResponseObjectResourceAttributes.from_dict(body)
    with pytest.raises(MissingFieldError, match=r"ProfileImportJobResponseObjectResourceAttributes\.total_count is"):
        _ = attributes.total_count
    assert (attributes.status, attributes.completed_count) == ("complete", 3)
    assert attributes.to_dict() == {
        "status": "complete",
        "created_at": "2026-01-02T03:04:05+00:00",
        "completed_count": 3,
    }
    # A model with a missing member compares and pickles like any other.
    assert ProfileImportJobResponseObjectResourceAttributes.from_dict(body) == attributes
    assert pickle.loads(pickle.dumps(attributes)).to_dict() == attributes.to_dict()


def test_a_document_without_data_fails_the_call_as_no_answer_of_the_operation() -> None:
    with pytest.raises(ResponseDecodeError) as caught:
        make(Server({"links": {"self": "https://a.klaviyo.com/api/profiles"}})).profiles.get_profiles()
    undecodable = caught.value.__cause__  # the endpoint's UndecodableResponse
    assert undecodable is not None
    missing = undecodable.__cause__
    assert isinstance(missing, MissingFieldError)
    assert (missing.member, missing.name) == ("data", "data")


def test_an_error_item_missing_its_id_still_has_its_detail() -> None:
    attributes = CatalogCategoryCreateJobResponseObjectResourceAttributes.from_dict(
        {
            "status": "complete",
            "created_at": "2026-01-02T03:04:05Z",
            "total_count": 1,
            "errors": [{"code": "invalid", "title": "Invalid", "detail": "Bad row.", "source": {"pointer": "/x"}}],
        }
    )
    assert isinstance(attributes.errors, list)
    error = attributes.errors[0]
    assert error.detail == "Bad row."
    with pytest.raises(MissingFieldError, match=r"APIJobErrorPayload\.id is missing"):
        _ = error.id


# --- a present member of the wrong shape ---------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "raw"),
    [("completed_at", "yesterday"), ("created_at", "yesterday"), ("completed_at", 5), ("status", 5)],
)
def test_a_malformed_member_raises_on_read_whether_nullable_or_not(member: str, raw: object) -> None:
    body = {"status": "complete", "created_at": "2026-01-02T03:04:05Z", "total_count": 1, member: raw}
    attributes = ProfileImportJobResponseObjectResourceAttributes.from_dict(body)
    assert attributes.total_count == 1
    with pytest.raises(FieldDecodeError) as caught:
        getattr(attributes, member)
    assert (caught.value.model, caught.value.member, caught.value.raw) == (
        "ProfileImportJobResponseObjectResourceAttributes",
        member,
        raw,
    )
    assert not isinstance(caught.value, MissingFieldError)


def test_a_malformed_nullable_model_raises_instead_of_coming_back_raw() -> None:
    result = make(Server(profile_document(attributes={"location": "Leeds"}))).profiles.get_profile(PROFILE_ID)
    with pytest.raises(FieldDecodeError, match=r"\.location is not the documented shape: 'Leeds'"):
        _ = result.data.attributes.location


# --- nulls where the API sends them --------------------------------------------------------------


def test_a_null_location_reads_as_none_and_is_annotated_so() -> None:
    result = make(Server(profile_document(attributes={"location": None}))).profiles.get_profile(PROFILE_ID)
    assert result.data.attributes.location is None
    assert result.to_dict()["data"]["attributes"]["location"] is None
    hints = type(result.data.attributes).__annotations__
    assert "None" in hints["location"].split(" | ")


def test_a_nullable_enum_holds_none_and_is_annotated_so() -> None:
    body = {"status": "complete", "created_at": "2026-01-02T03:04:05Z", "total_count": 1}
    attributes = CatalogCategoryCreateJobResponseObjectResourceAttributes.from_dict(body)
    assert attributes.status == "complete"
    marketing = EmailChannel.from_dict({"marketing": None})
    assert marketing.marketing is None
    assert "None" in EmailChannel.__annotations__["marketing"].split(" | ")


# --- unknown members and values are kept ---------------------------------------------------------


def test_unknown_members_and_enum_values_are_kept() -> None:
    body = {"status": "paused-by-a-newer-revision", "created_at": "2026-01-02T03:04:05Z", "total_count": 1, "new": 7}
    attributes = ProfileImportJobResponseObjectResourceAttributes.from_dict(body)
    assert cast(str, attributes.status) == "paused-by-a-newer-revision"
    assert attributes.additional_properties == {"new": 7}
    assert attributes.to_dict()["status"] == "paused-by-a-newer-revision"


# --- union variants by JSON:API type -------------------------------------------------------------


def _included(*resources: dict[str, Any]) -> list[Any]:
    document = profile_document()
    document["included"] = list(resources)
    result = make(Server(document)).profiles.get_profile(PROFILE_ID)
    assert isinstance(result.included, list)
    return list(result.included)


def test_included_resources_decode_as_the_variant_their_type_names() -> None:
    push_token = {
        "type": "push-token",
        "id": "pt1",
        "attributes": {"created": None, "metadata": None, "token": "abc", "platform": "android"},
        "links": {"self": "https://a.klaviyo.com/api/push-tokens/pt1"},
    }
    segment = {"type": "segment", "id": "s1", "attributes": {"name": "VIP"}, "links": {"self": "https://x/s1"}}
    listed = {"type": "list", "id": "l1", "attributes": {"name": "News"}, "links": {"self": "https://x/l1"}}
    included = _included(push_token, segment, listed)
    assert [type(item) for item in included] == [
        PushTokenResponseObjectResource,
        SegmentResponseObjectResource,
        ListResponseObjectResource,
    ]
    assert included[0].attributes.metadata is None


def test_a_resource_of_a_type_no_variant_declares_falls_back_to_trying_the_variants() -> None:
    future = {"type": "a-newer-resource", "id": "n1", "attributes": {}, "links": {"self": "https://x/n1"}}
    (item,) = _included(future)
    assert item.id == "n1"
    assert item.to_dict() == future


# --- timestamps as RFC 3339 writes them ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-01-02T03:04:05Z", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02t03:04:05z", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05.25z", datetime.datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime.datetime(2017, 1, 1, tzinfo=UTC)),
        ("2016-12-31t23:59:60.5z", datetime.datetime(2017, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
        (
            "2016-12-31T23:59:60-05:00",
            datetime.datetime(2017, 1, 1, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))),
        ),
    ],
)
def test_timestamps_in_every_rfc_3339_spelling(text: str, instant: datetime.datetime) -> None:
    assert parse_datetime(text) == instant
    body = {"status": "complete", "created_at": text, "total_count": 1, "completed_at": text}
    attributes = ProfileImportJobResponseObjectResourceAttributes.from_dict(body)
    assert attributes.created_at == instant
    assert attributes.completed_at == instant


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        # The spellings of the pinned spec's date-time examples (270 with an offset, 16 with Z, 2 naive).
        ("2022-11-08T00:00:00+00:00", datetime.datetime(2022, 11, 8, tzinfo=UTC)),
        ("2022-11-08T00:00:00Z", datetime.datetime(2022, 11, 8, tzinfo=UTC)),
        ("2022-11-08T00:00:00", datetime.datetime(2022, 11, 8)),
        # Fractions of every length answers carry: fewer than 6 digits pad, more are cut to microseconds.
        ("2022-11-08T10:20:30.1+00:00", datetime.datetime(2022, 11, 8, 10, 20, 30, 100000, tzinfo=UTC)),
        ("2022-11-08T10:20:30.123Z", datetime.datetime(2022, 11, 8, 10, 20, 30, 123000, tzinfo=UTC)),
        ("2022-11-08T10:20:30.123456+00:00", datetime.datetime(2022, 11, 8, 10, 20, 30, 123456, tzinfo=UTC)),
        ("2022-11-08T10:20:30.123456789Z", datetime.datetime(2022, 11, 8, 10, 20, 30, 123456, tzinfo=UTC)),
        (
            "2022-11-08T10:20:30-04:00",
            datetime.datetime(2022, 11, 8, 10, 20, 30, tzinfo=datetime.timezone(-datetime.timedelta(hours=4))),
        ),
        (
            "2022-11-08T10:20:30+0530",
            datetime.datetime(
                2022, 11, 8, 10, 20, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
            ),
        ),
        ("2022-11-08", datetime.datetime(2022, 11, 8)),
    ],
)
def test_the_spellings_klaviyo_sends_read_to_the_same_instant(text: str, instant: datetime.datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == instant
    assert parsed.utcoffset() == instant.utcoffset()  # aware stays aware with its offset, naive stays naive


@pytest.mark.parametrize("text", ["yesterday", "2026-01-02T03:04:61Z", "2026-01-02T03:60:00Z", "2026-13-01T00:00:00Z"])
def test_what_is_no_timestamp_stays_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 timestamp") as caught:
        parse_datetime(text)
    assert str(caught.value) == f"not an ISO 8601 timestamp: {text!r}"
