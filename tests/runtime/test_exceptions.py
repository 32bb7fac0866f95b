"""The typed error hierarchy: class per status, parsed fields, messages, Retry-After, robustness, redaction."""

from __future__ import annotations

import gzip
import inspect
import json
import logging
import pickle
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from klaviyo_generated import _exceptions
from klaviyo_generated._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorObject,
    InternalServerError,
    KlaviyoError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    UnprocessableEntityError,
    redact_headers,
    status_error,
)
from klaviyo_generated._retry_after import parse_retry_after

SECRET = "pk_SECRET123"
NOW = datetime(2026, 7, 15, 12, 0, 0, tzinfo=UTC)  # a Wednesday
URL = "https://a.klaviyo.com/api/profiles/?filter=equals(email,'a@b.c')"


def _request(method: str = "GET") -> httpx.Request:
    return httpx.Request(method, URL, headers={"Authorization": f"Klaviyo-API-Key {SECRET}", "revision": "2026-07-15"})


def _error(code: str = "invalid", detail: str = "The filter is not valid", **source: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": "e-1", "code": code, "title": "Invalid input.", "detail": detail}
    if source:
        item["source"] = source
    return item


def _response(status: int, body: bytes | dict[str, Any] = b"", headers: dict[str, str] | None = None) -> httpx.Response:
    content = json.dumps(body).encode() if isinstance(body, dict) else body
    return httpx.Response(status, headers=headers, content=content, request=_request())


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (599, InternalServerError),
        (302, APIStatusError),
        (405, APIStatusError),
        (418, APIStatusError),
    ],
)
def test_status_selects_class(status: int, cls: type[APIStatusError]) -> None:
    error = status_error(_response(status, {"errors": [_error()]}), now=NOW)
    assert type(error) is cls
    assert error.status_code == status


def test_parsed_fields_request_id_and_response() -> None:
    body = {
        "errors": [
            _error(pointer="/data/attributes/email"),
            {**_error(code="missing", detail="Missing"), "source": {"parameter": "filter", "pointer": 7}},
        ]
    }
    response = _response(400, body, headers={"x-request-id": "abc", "x-klaviyo-request-id": "other"})
    error = status_error(response)
    assert error.errors == (
        ErrorObject(
            id="e-1",
            code="invalid",
            title="Invalid input.",
            detail="The filter is not valid",
            source={"pointer": "/data/attributes/email"},
        ),
        ErrorObject(
            id="e-1",
            code="missing",
            title="Invalid input.",
            detail="Missing",
            source={"parameter": "filter", "pointer": 7},
        ),
    )
    assert [(e.source_pointer, e.source_parameter) for e in error.errors] == [
        ("/data/attributes/email", None),
        (None, "filter"),  # a pointer that is not a string reads None; source keeps it as sent
    ]
    assert error.request_id == "abc"
    assert error.response is response
    assert error.request is response.request
    assert error.body_text == response.text
    assert error.attempts == 1


def test_request_id_falls_back_to_klaviyo_header_then_none() -> None:
    assert status_error(_response(404, headers={"x-klaviyo-request-id": "k-9"})).request_id == "k-9"
    assert status_error(_response(404)).request_id is None


@pytest.mark.parametrize(
    ("status", "body", "headers", "attempts", "expected"),
    [
        (
            400,
            {"errors": [_error(pointer="/data/attributes/email")]},
            {"x-request-id": "abc"},
            1,
            "HTTP 400 invalid: The filter is not valid (source: /data/attributes/email) [request-id abc]",
        ),
        (
            400,
            {"errors": [_error(pointer="/data/attributes/email"), _error(), _error()]},
            {"x-request-id": "abc"},
            3,
            "HTTP 400 invalid: The filter is not valid (source: /data/attributes/email) (+2 more)"
            " after 3 attempts [request-id abc]",
        ),
        (
            400,
            {"errors": [_error(code="invalid", detail="Bad sort", parameter="sort")]},
            {},
            1,
            "HTTP 400 invalid: Bad sort (parameter: sort)",
        ),
        (404, {"errors": [_error(code="not_found", detail="")]}, {}, 1, "HTTP 404 not_found: Invalid input."),
        (
            502,
            b"<html>\n  <body>Bad\tgateway</body>\n</html>",
            {},
            1,
            "HTTP 502 Bad Gateway: <html> <body>Bad gateway</body> </html>",
        ),
        (
            503,
            b"",
            {"x-request-id": "r1"},
            2,
            "HTTP 503 Service Unavailable (empty body) after 2 attempts [request-id r1]",
        ),
        (499, b"nope", {}, 1, "HTTP 499: nope"),
        (409, b"[]", {}, 1, "HTTP 409 Conflict: []"),
    ],
)
def test_str_is_one_exact_line(
    status: int, body: bytes | dict[str, Any], headers: dict[str, str], attempts: int, expected: str
) -> None:
    assert str(status_error(_response(status, body, headers), attempts=attempts)) == expected


def test_long_body_excerpt_is_truncated_but_body_text_kept() -> None:
    body = b"x" * 5000
    error = status_error(_response(500, body))
    assert str(error) == "HTTP 500 Internal Server Error: " + "x" * 197 + "..."
    assert error.body_text == "x" * 5000


def test_setting_attempts_later_updates_message_and_args() -> None:
    error = status_error(_response(500, b"down"))
    error.attempts = 4
    assert str(error) == "HTTP 500 Internal Server Error: down after 4 attempts"
    assert error.args == ("HTTP 500 Internal Server Error: down after 4 attempts",)
    with pytest.raises(ValueError, match="at least 1"):
        error.attempts = 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        (" 7 ", 7.0),
        ("-5", None),  # not delta-seconds: fall back to normal backoff
        ("Wed, 15 Jul 2026 12:00:30 GMT", 30.0),
        ("Wed, 15 Jul 2026 14:00:30 +0200", 30.0),
        ("Wed, 15 Jul 2026 12:00:30 -0000", 30.0),  # no zone: taken as UTC
        ("Wed, 15 Jul 2026 11:59:00 GMT", 0.0),  # in the past
        (None, None),
        ("", None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("1e3", None),
        ("9" * 400, None),  # overflows to infinity
        ("Wed, 99 Jul 2026 12:00:30 GMT", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW.timestamp) == expected


def test_parse_retry_after_naive_now_is_utc() -> None:
    naive = datetime(2026, 7, 15, 12, 0, 0).replace(tzinfo=UTC)
    assert parse_retry_after("Wed, 15 Jul 2026 12:01:00 GMT", now=naive.timestamp) == 60.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [("12", 12.0), ("Wed, 15 Jul 2026 12:00:45 GMT", 45.0), ("later", None), (None, None)],
)
def test_rate_limit_error_retry_after(header: str | None, expected: float | None) -> None:
    headers = {} if header is None else {"Retry-After": header}
    error = status_error(_response(429, {"errors": [_error(code="throttled")]}, headers), now=NOW)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == expected


HOSTILE_BODIES = [
    b"",
    b"<html>",
    b'{"errors": [',
    b"[]",
    b'"x"',
    b"42",
    b"null",
    b'{"errors": "x"}',
    b'{"errors": null}',
    b'{"errors": [1, {"code": 5}, null, "x", []]}',
    b'{"errors": [{"id": "1", "code": "c", "title": "t"}]}',  # detail missing
    b'{"errors": [{"id": 1, "code": "c", "title": "t", "detail": "d"}]}',
    b"\xff\xfe\x00\x80garbage\xc3",
    b"[" * 100_000,
    b'{"errors": [{"id": "1", "code": "c\\n\\r", "title": "t", "detail": "a\\u2028b", "source": "x"}]}',
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
@pytest.mark.parametrize("status", [400, 429, 500, 418])
@pytest.mark.parametrize("content_type", ["application/vnd.api+json", "text/html; charset=rot13"])
def test_hostile_bodies_never_raise(body: bytes, status: int, content_type: str) -> None:
    response = _response(status, body, headers={"content-type": content_type})
    error = status_error(response, now=NOW)
    assert isinstance(error, APIStatusError)
    assert all(isinstance(item, ErrorObject) for item in error.errors)
    assert "\n" not in str(error)
    assert "\r" not in str(error)
    assert "\u2028" not in str(error)
    assert len(str(error)) < 300
    if body.startswith(b"\xff") or content_type.endswith("rot13"):
        assert error.body_text == body.decode("utf-8", errors="replace")
    else:
        assert error.body_text == body.decode()


# Klaviyo's real answer to create_profile with an email that already has a profile.
DUPLICATE_PROFILE = {
    "errors": [
        {
            "id": "7c4d8c0e-4a70-4b9a-9a43-3e0f6b0c4f11",
            "status": 409,
            "code": "duplicate_profile",
            "title": "Conflict.",
            "detail": "A profile already exists with one of these identifiers.",
            "source": {"pointer": "/data/attributes"},
            "links": {},
            "meta": {"duplicate_profile_id": "01GDDKASAP8TKDDA2GRZDSVP4H"},
        }
    ]
}


def test_every_member_of_an_error_item_is_kept() -> None:
    error = status_error(_response(409, DUPLICATE_PROFILE))
    assert isinstance(error, ConflictError)
    assert error.errors == (
        ErrorObject(
            id="7c4d8c0e-4a70-4b9a-9a43-3e0f6b0c4f11",
            code="duplicate_profile",
            title="Conflict.",
            detail="A profile already exists with one of these identifiers.",
            status=409,
            source={"pointer": "/data/attributes"},
            links={},
            meta={"duplicate_profile_id": "01GDDKASAP8TKDDA2GRZDSVP4H"},
        ),
    )
    assert error.errors[0].extra == {}
    assert error.duplicate_profile_id == "01GDDKASAP8TKDDA2GRZDSVP4H"
    assert str(error) == (
        "HTTP 409 duplicate_profile: A profile already exists with one of these identifiers. (source: /data/attributes)"
    )
    assert len({error.errors[0]}) == 1  # still hashable, though it holds mappings


def test_unknown_members_and_members_of_another_type_are_kept_in_extra() -> None:
    item = {
        "id": 17,
        "code": "invalid",
        "title": None,
        "detail": "Bad",
        "status": "422",
        "source": "/data",
        "links": {"about": "https://developers.klaviyo.com/en/docs/errors"},
        "meta": ["not", "an", "object"],
        "hint": {"try": ["email", "phone_number"]},
    }
    [kept] = status_error(_response(422, {"errors": [item]})).errors
    assert (kept.id, kept.code, kept.title, kept.detail, kept.status) == (None, "invalid", None, "Bad", 422)
    assert (kept.source, kept.links, kept.meta) == ({}, {"about": "https://developers.klaviyo.com/en/docs/errors"}, {})
    assert kept.extra == {
        "id": 17,
        "title": None,
        "source": "/data",
        "meta": ["not", "an", "object"],
        "hint": {"try": ["email", "phone_number"]},
    }


@pytest.mark.parametrize(
    ("sent", "status", "extra"),
    [
        (409, 409, {}),
        ("409", 409, {}),
        (" 409 ", 409, {}),
        ("conflict", None, {"status": "conflict"}),
        pytest.param("9" * 5000, None, {"status": "9" * 5000}, id="5000-digits"),
        (True, None, {"status": True}),
        (409.0, None, {"status": 409.0}),
        (None, None, {"status": None}),
    ],
)
def test_status_is_klaviyos_int_or_a_numeric_string(sent: object, status: int | None, extra: dict[str, Any]) -> None:
    [kept] = status_error(_response(409, {"errors": [{**_error(), "status": sent}]})).errors
    assert (kept.status, kept.extra) == (status, extra)


def test_a_member_nested_too_deep_is_kept_as_json_text() -> None:
    shallow: Any = "end"
    for _ in range(32):
        shallow = {"a": shallow}
    deep = {"a": shallow}
    [kept] = status_error(_response(400, {"errors": [{**_error(), "meta": shallow, "links": deep}]})).errors
    assert kept.meta == shallow
    assert (kept.links, kept.extra) == ({}, {"links": json.dumps(deep)})


def test_items_missing_required_members_are_kept_and_non_objects_skipped() -> None:
    body = {"errors": [1, {"code": 5}, _error(code="kept"), None, "x", {"id": "x"}]}
    error = status_error(_response(400, body))
    assert error.errors == (
        ErrorObject(extra={"code": 5}),
        ErrorObject(id="e-1", code="kept", title="Invalid input.", detail="The filter is not valid"),
        ErrorObject(id="x"),
    )
    # The message speaks from the first item that says something, and counts the others.
    assert str(error) == "HTTP 400 kept: The filter is not valid (+2 more)"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([{"title": "Conflict."}], "HTTP 409: Conflict."),
        ([{"code": "duplicate_profile"}], "HTTP 409 duplicate_profile"),
        ([{"detail": "Already there.", "title": "Conflict."}], "HTTP 409: Already there."),
        (
            [{"meta": {"duplicate_profile_id": "01P"}}],
            'HTTP 409 Conflict: {"errors": [{"meta": {"duplicate_profile_id": "01P"}}]}',
        ),
        ([], 'HTTP 409 Conflict: {"errors": []}'),
    ],
)
def test_message_falls_back_to_title_then_code_then_the_body(items: list[Any], expected: str) -> None:
    assert str(status_error(_response(409, {"errors": items}))) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (DUPLICATE_PROFILE["errors"], "01GDDKASAP8TKDDA2GRZDSVP4H"),
        (
            [_error(), {"meta": {"duplicate_profile_id": "01SECOND"}}, {"meta": {"duplicate_profile_id": "01THIRD"}}],
            "01SECOND",
        ),
        ([{"meta": {"duplicate_profile_id": 7}}, {"meta": {"duplicate_profile_id": ""}}], None),
        ([{"meta": {}}, {"extra": {"duplicate_profile_id": "01NOTMETA"}}], None),
        ([], None),
    ],
)
def test_duplicate_profile_id_is_the_first_one_meta_names(items: list[Any], expected: str | None) -> None:
    error = status_error(_response(409, {"errors": items}))
    assert isinstance(error, ConflictError)
    assert error.duplicate_profile_id == expected


def test_duplicate_profile_id_without_a_json_body_is_none() -> None:
    error = status_error(_response(409, b"<html>conflict</html>"))
    assert isinstance(error, ConflictError)
    assert error.duplicate_profile_id is None


def test_pickling_scrubs_every_text_member_nested_and_unknown_ones_too() -> None:
    echoed = {
        **DUPLICATE_PROFILE["errors"][0],
        "detail": f"Key {SECRET} is not allowed",
        "source": {"pointer": f"/{SECRET}"},
        "links": {"self": f"https://a.klaviyo.com/?key={SECRET}"},
        "meta": {
            "duplicate_profile_id": "01GDDKASAP8TKDDA2GRZDSVP4H",
            "sent": {"headers": [f"Klaviyo-API-Key {SECRET}"]},
        },
        "echo": {SECRET: [{"value": SECRET, "other": "pk_SOMEONEELSES1"}]},
        "status": f"{SECRET}",
    }
    error = status_error(_response(409, {"errors": [echoed]}))
    assert isinstance(error, ConflictError)
    data = pickle.dumps(error)
    assert SECRET.encode() not in data  # the request's key is scrubbed wherever it is echoed
    [copy] = pickle.loads(data).errors
    assert copy.detail == "Key *** is not allowed"
    assert (copy.source_pointer, copy.links) == ("/***", {"self": "https://a.klaviyo.com/?key=***"})
    assert copy.meta == {
        "duplicate_profile_id": "01GDDKASAP8TKDDA2GRZDSVP4H",
        "sent": {"headers": ["***"]},
    }
    assert copy.extra == {"echo": {"***": [{"value": "***", "other": "pk_***"}]}, "status": "***"}
    assert copy.status is None
    assert pickle.loads(data).duplicate_profile_id == "01GDDKASAP8TKDDA2GRZDSVP4H"


def test_pickling_an_error_with_a_hostile_deeply_nested_member() -> None:
    deep: Any = SECRET
    for _ in range(900):  # json.loads takes it; pickle alone fails past about 500 on Python 3.11
        deep = {"a": deep}
    error = status_error(_response(400, {"errors": [{**_error(), "meta": deep}]}))
    data = pickle.dumps(error)
    assert SECRET.encode() not in data
    assert pickle.loads(data).errors[0].extra["meta"] == json.dumps(deep).replace(SECRET, "***")


def test_unread_streamed_response_and_response_without_request() -> None:
    streamed = httpx.Response(500, stream=httpx.ByteStream(b"never read"), request=_request())
    error = status_error(streamed)
    assert error.body_text == ""
    assert str(error) == "HTTP 500 Internal Server Error (body not read)"
    orphan = status_error(httpx.Response(404, content=b"gone"))
    assert orphan.request is None
    assert str(orphan) == "HTTP 404 Not Found: gone"


def test_response_decode_error() -> None:
    response = _response(200, b"<html>oops</html>")
    error = ResponseDecodeError(response)
    assert isinstance(error, APIError)
    assert (error.status_code, error.body_text, error.response) == (200, "<html>oops</html>", response)
    assert str(error) == "HTTP 200 response body is not the documented JSON: <html>oops</html>"


def test_connection_and_timeout_errors_wrap_the_httpx_error() -> None:
    request = _request()
    cause = httpx.ConnectError("[Errno 111] Connection refused", request=request)
    error = APIConnectionError(cause=cause)
    assert error.__cause__ is cause
    assert error.request is request
    assert str(error) == (
        "Connection error (GET https://a.klaviyo.com:443/api/profiles/): ConnectError: [Errno 111] Connection refused"
    )
    timeout = APITimeoutError(cause=httpx.ReadTimeout("timed out", request=request), attempts=3)
    assert isinstance(timeout, APIConnectionError)
    assert (
        str(timeout)
        == "Request timed out (GET https://a.klaviyo.com:443/api/profiles/): ReadTimeout: timed out after 3 attempts"
    )
    proxy = APIConnectionError(cause=httpx.ProxyError("via http://user:hunter22@proxy:8080 failed"))
    assert str(proxy) == "Connection error: ProxyError: via http://***@proxy:8080 failed"


def test_pickle_round_trip_keeps_fields_and_redacts_request() -> None:
    body = {"errors": [_error(pointer="/data")]}
    response = _response(429, body, headers={"x-request-id": "abc", "Retry-After": "3", "Set-Cookie": "s=1"})
    response.request = httpx.Request("POST", URL, headers={"Authorization": f"Bearer {SECRET}"}, content=b"secret=1")
    error = status_error(response, attempts=2, now=NOW)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is RateLimitError
    assert (str(copy), copy.args, copy.status_code, copy.errors) == (str(error), error.args, 429, error.errors)
    assert (copy.request_id, copy.body_text, copy.attempts, copy.retry_after) == ("abc", error.body_text, 2, 3.0)
    assert copy.response.request is copy.request
    assert copy.request.headers["authorization"] == "Bearer ***"
    assert copy.request.content == b""  # request bodies may hold OAuth secrets: dropped
    assert copy.response.headers["set-cookie"] == "***"
    assert copy.response.content == response.content
    copy.attempts = 5  # the restored error still renders
    assert str(copy).endswith("after 5 attempts [request-id abc]")


def test_pickle_of_compressed_response_and_notes() -> None:
    raw = b'{"errors": []}'
    response = httpx.Response(500, headers={"Content-Encoding": "gzip"}, content=gzip.compress(raw), request=_request())
    error = status_error(response)
    error.add_note(f"while calling with Klaviyo-API-Key {SECRET}")
    data = pickle.dumps(error)
    assert SECRET.encode() not in data
    copy = pickle.loads(data)
    assert copy.response.content == raw
    assert copy.__notes__ == ["while calling with ***"]


def test_redact_headers() -> None:
    headers = {
        "Authorization": f"Klaviyo-API-Key {SECRET}",
        "Proxy-Authorization": "Basic dXNlcjpwYXNz",
        "X-API-Key": "abcdef",
        "Cookie": "session=1; other=2",
        "Set-Cookie": "a=b",
        "X-Refresh-Token": "rt",
        "revision": "2026-07-15",
        "Content-Type": "application/json",
    }
    assert redact_headers(headers) == {
        "Authorization": "Klaviyo-API-Key ***",
        "Proxy-Authorization": "Basic ***",
        "X-API-Key": "***",
        "Cookie": "***",
        "Set-Cookie": "***",
        "X-Refresh-Token": "***",
        "revision": "2026-07-15",
        "Content-Type": "application/json",
    }
    assert redact_headers(_request().headers)["authorization"] == "Klaviyo-API-Key ***"


def _every_error_path() -> list[APIError]:
    echo = {"errors": [_error(code="not_authenticated", detail=f"Key {SECRET} is invalid", pointer=f"/{SECRET}")]}
    errors: list[APIError] = [
        status_error(_response(status, {"errors": [_error()]}, {"Retry-After": "1"}))
        for status in (400, 401, 403, 404, 409, 418, 422, 429, 500, 503)
    ]
    errors += [status_error(_response(401, echo)), status_error(_response(400, f"bad key {SECRET}".encode()))]
    errors += [status_error(_response(500, body)) for body in HOSTILE_BODIES[:5]]
    errors.append(ResponseDecodeError(_response(200, f"<{SECRET}>".encode())))
    errors.append(APIConnectionError(cause=httpx.ConnectError("refused", request=_request())))
    errors.append(APITimeoutError(cause=httpx.ReadTimeout("slow", request=_request()), attempts=3))
    errors.append(APIError(f"custom {SECRET}", request=_request()))
    return errors


@pytest.mark.parametrize("error", _every_error_path(), ids=lambda error: type(error).__name__)
def test_key_never_leaks(error: APIError, caplog: pytest.LogCaptureFixture) -> None:
    assert error.request is not None
    assert SECRET in error.request.headers["authorization"]  # the live request is untouched
    error.attempts = 2
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert SECRET not in repr(error.args)
    if SECRET not in getattr(error, "body_text", ""):  # a body echoing the key is kept verbatim on the live error
        assert SECRET not in repr(vars(error))
    data = pickle.dumps(error)
    assert SECRET.encode() not in data
    assert SECRET not in repr(vars(pickle.loads(data)))
    with caplog.at_level(logging.DEBUG):
        try:
            raise error
        except APIError:
            logging.getLogger("klaviyo_generated").exception("call failed")
    assert caplog.records
    assert SECRET not in caplog.text


def test_public_names_are_exported_and_errors_derive_from_klaviyo_error() -> None:
    classes = {
        name
        for name, value in vars(_exceptions).items()
        if inspect.isclass(value) and value.__module__ == _exceptions.__name__ and not name.startswith("_")
    }
    assert classes <= set(_exceptions.__all__)
    for name in _exceptions.__all__:
        value = getattr(_exceptions, name)
        if inspect.isclass(value) and issubclass(value, BaseException):
            assert issubclass(value, KlaviyoError), name
    assert {"redact_headers", "status_error"} <= set(_exceptions.__all__)


def test_the_generated_error_model_reads_a_409_s_meta_typed() -> None:
    from klaviyo_generated.models import ClientError, ClientErrorErrorsItemMeta

    body = {
        "errors": [
            {
                "id": "e1",
                "status": 409,
                "code": "duplicate_profile",
                "title": "Conflict.",
                "detail": "A profile already exists with one of these identifiers.",
                "source": {"pointer": "/data/attributes"},
                "links": {},
                "meta": {"duplicate_profile_id": "01GDDKASAP8TKDDA2GRZDSVP4H"},
            }
        ]
    }
    item = ClientError.from_dict(body).errors[0]
    assert item.status == 409
    assert isinstance(item.meta, ClientErrorErrorsItemMeta)
    assert item.meta["duplicate_profile_id"] == "01GDDKASAP8TKDDA2GRZDSVP4H"
    assert ClientError.from_dict(body).to_dict() == body
