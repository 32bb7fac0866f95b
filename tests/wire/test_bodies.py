"""Request bodies (JSON:API and multipart) and what the package makes of response bodies."""

from __future__ import annotations

import email.parser
import email.policy
from io import BytesIO
from typing import Any

import httpx
import pytest

from klaviyo_generated import APIStatusError, BadRequestError, ResponseDecodeError, errors
from klaviyo_generated.api.profiles import get_profiles
from klaviyo_generated.models import (
    GetListRetrieveResponseCompoundDocument,
    HasEmailMarketingConsent,
    HasEmailMarketingNeverSubscribed,
    ImageUploadQuery,
    NoEmailMarketingConsent,
    ProfileMarketingConsentCondition,
)
from klaviyo_generated.types import File
from tests.wire.conftest import Recorder

# The multipart tests are about the request; an error answer keeps the response side out of them.
NO_CONTENT_ERROR: dict[str, Any] = {"errors": []}


def _form_parts(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes, str | None]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    parts = {}
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition", "")
        name = disposition.split('name="')[1].split('"')[0]
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts[name] = (part.get_filename(), payload, part.get("Content-Type"))
    return parts


def test_multipart_upload_sends_a_real_boundary_and_form_values(recorder: Recorder) -> None:
    recorder.reply(400, NO_CONTENT_ERROR)
    body = ImageUploadQuery(
        file=File(payload=BytesIO(b"\x89PNG..."), file_name="logo.png", mime_type="image/png"),
        name="Logo",
        hidden=False,
    )
    with pytest.raises(BadRequestError):
        recorder.client().images.upload_image_from_file(body=body)
    first = recorder.last
    content_type = first.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1]
    assert boundary != "+++"
    assert len(boundary) >= 16
    assert _form_parts(content_type, first.content) == {
        "file": ("logo.png", b"\x89PNG...", "image/png"),
        "name": (None, b"Logo", "text/plain"),
        "hidden": (None, b"false", "text/plain"),
    }

    body.file.payload = BytesIO(b"again")
    body.hidden = True
    with pytest.raises(BadRequestError):
        recorder.client().images.upload_image_from_file(body=body)
    second_type = recorder.last.headers["content-type"]
    assert second_type.split("boundary=")[1] != boundary, "every request gets a fresh random boundary"
    assert _form_parts(second_type, recorder.last.content)["hidden"] == (None, b"true", "text/plain")


def test_multipart_leaves_out_unset_values(recorder: Recorder) -> None:
    recorder.reply(400, NO_CONTENT_ERROR)
    body = ImageUploadQuery(file=File(payload=BytesIO(b"x"), file_name="a.png", mime_type="image/png"))
    with pytest.raises(BadRequestError):
        recorder.client().images.upload_image_from_file(body=body)
    parts = _form_parts(recorder.last.headers["content-type"], recorder.last.content)
    assert parts == {"file": ("a.png", b"x", "image/png"), "hidden": (None, b"false", "text/plain")}


def _list_document(**attributes: Any) -> dict[str, Any]:
    return {
        "data": {
            "type": "list",
            "id": "Y6nRLr",
            "attributes": {"name": "Newsletter", **attributes},
            "links": {"self": "https://a.klaviyo.com/api/lists/Y6nRLr"},
        },
        "links": {"self": "https://a.klaviyo.com/api/lists/Y6nRLr"},
    }


def test_known_response_parses_into_typed_models(recorder: Recorder) -> None:
    recorder.reply(200, _list_document(opt_in_process="double_opt_in", profile_count=3))
    parsed = recorder.client().lists.get_list("Y6nRLr")
    assert isinstance(parsed, GetListRetrieveResponseCompoundDocument)
    assert parsed.data.id == "Y6nRLr"
    assert parsed.data.attributes.opt_in_process == "double_opt_in"
    assert parsed.data.attributes.name == "Newsletter"


def test_unknown_enum_values_and_fields_are_kept(recorder: Recorder) -> None:
    recorder.reply(200, _list_document(opt_in_process="triple_opt_in", shiny_new_field={"a": 1}))
    parsed = recorder.client().lists.get_list("Y6nRLr")
    assert isinstance(parsed, GetListRetrieveResponseCompoundDocument)
    kept: object = parsed.data.attributes.opt_in_process  # typed as the known values; holds the new one
    assert kept == "triple_opt_in"
    assert parsed.data.attributes.additional_properties == {"shiny_new_field": {"a": 1}}
    assert parsed.to_dict()["data"]["attributes"]["shiny_new_field"] == {"a": 1}


def _condition(can_receive: bool, subscription: str) -> dict[str, Any]:
    return {
        "type": "profile-marketing-consent",
        "consent": {
            "channel": "email",
            "can_receive_marketing": can_receive,
            "consent_status": {"subscription": subscription},
        },
    }


def test_union_variant_is_chosen_by_boolean_const() -> None:
    no = ProfileMarketingConsentCondition.from_dict(_condition(False, "any"))
    assert isinstance(no.consent, NoEmailMarketingConsent)
    has = ProfileMarketingConsentCondition.from_dict(_condition(True, "any"))
    assert isinstance(has.consent, HasEmailMarketingConsent)


def test_union_variant_is_chosen_by_enum_value() -> None:
    has = ProfileMarketingConsentCondition.from_dict(_condition(True, "never_subscribed"))
    assert isinstance(has.consent, HasEmailMarketingConsent)
    assert isinstance(has.consent.consent_status, HasEmailMarketingNeverSubscribed)


def test_union_with_an_unknown_enum_value_still_parses() -> None:
    parsed = ProfileMarketingConsentCondition.from_dict(_condition(True, "subscribed_twice"))
    assert isinstance(parsed.consent, HasEmailMarketingConsent)
    kept: object = parsed.consent.consent_status.subscription
    assert kept == "subscribed_twice"
    # Strictness is scoped to variant selection: plain parsing afterwards is lenient again.
    assert ProfileMarketingConsentCondition.from_dict(_condition(False, "any")).consent.can_receive_marketing is False


def test_documented_error_body_parses(recorder: Recorder) -> None:
    error = {"errors": [{"id": "e1", "code": "invalid", "title": "Invalid input.", "detail": "bad filter"}]}
    recorder.reply(400, error)
    with pytest.raises(BadRequestError) as caught:
        recorder.client().profiles.get_profiles()
    assert caught.value.status_code == 400
    assert caught.value.errors[0].detail == "bad filter"


@pytest.mark.parametrize("status", [400, 429, 502, 520])
def test_non_json_error_body_is_kept_raw(recorder: Recorder, status: int) -> None:
    recorder.reply(status, b"<html>Bad Gateway</html>", content_type="text/html")
    with pytest.raises(APIStatusError) as caught:
        recorder.client().profiles.get_profiles()
    assert caught.value.status_code == status
    assert caught.value.errors == ()
    assert caught.value.body_text == "<html>Bad Gateway</html>"
    assert caught.value.response.content == b"<html>Bad Gateway</html>"
    assert caught.value.response.headers["content-type"] == "text/html"


@pytest.mark.parametrize("body", [b"", b"not json", b'{"unexpected": true}', b"[1, 2]"])
def test_undecodable_success_body_is_a_typed_error(recorder: Recorder, body: bytes) -> None:
    # The parser alone raises the generated error, keeping the status and the body ...
    with pytest.raises(errors.UndecodableResponse) as caught:
        get_profiles.OPERATION.parse(httpx.Response(200, content=body))
    assert caught.value.status_code == 200
    assert caught.value.content == body
    # ... and through the client it is the package's ResponseDecodeError, with that error as its cause.
    recorder.reply(200, body)
    with pytest.raises(ResponseDecodeError) as through:
        recorder.client().profiles.get_profiles()
    assert through.value.status_code == 200
    assert isinstance(through.value.__cause__, errors.UndecodableResponse)


@pytest.mark.parametrize("status", [201, 203, 299])
def test_an_undocumented_success_status_is_a_typed_error(recorder: Recorder, status: int) -> None:
    body = b'{"data": []}'
    with pytest.raises(errors.UnexpectedStatus) as caught:
        get_profiles.OPERATION.parse(httpx.Response(status, content=body))
    assert (caught.value.status_code, caught.value.content) == (status, body)
    recorder.reply(status, body)
    with pytest.raises(ResponseDecodeError) as through:
        recorder.client().profiles.get_profiles()
    assert through.value.status_code == status
    assert isinstance(through.value.__cause__, errors.UnexpectedStatus)
    assert through.value.__cause__.content == body
