"""Calls through ``Klaviyo``: the exact requests sent, the models returned, the typed errors raised."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import httpx
import pytest

from klaviyo_generated import (
    APIConnectionError,
    APIResponse,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    Klaviyo,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RateLimitInfo,
    ResponseDecodeError,
    RetryPolicy,
    UnprocessableEntityError,
)
from klaviyo_generated._operation import OPERATION_EXTENSION
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.api.profiles import get_profiles
from klaviyo_generated.models import ListCreateQuery
from klaviyo_generated.models.get_profile_response_plural_conversations_compound_document import (
    GetProfileResponsePluralConversationsCompoundDocument,
)
from tests.runtime.client_harness import (
    API_KEY,
    NEW_LIST,
    PROFILE_ID,
    PROFILES_PAGE,
    Server,
    body_of,
    client_kwargs,
    error_body,
)

NO_JITTER = RetryPolicy(jitter=0.0)
NEW_LIST_BODY = {"data": {"type": "list", "attributes": {"name": "VIP"}}}


def make(server: Server, **overrides: Any) -> Klaviyo:
    return Klaviyo(**client_kwargs(server, **overrides))


def test_a_get_sends_exactly_the_documented_request_and_returns_the_model() -> None:
    server = Server(PROFILES_PAGE)
    result = make(server).profiles.get_profiles(fields_profile=["email", "first_name"], page_size=5)
    request = server.last
    assert request.method == "GET"
    assert request.url.path == "/api/profiles"
    assert request.url.params.multi_items() == [("fields[profile]", "email,first_name"), ("page[size]", "5")]
    assert request.headers["Authorization"] == f"Klaviyo-API-Key {API_KEY}"
    assert request.headers["revision"] == "2026-07-15"
    assert request.headers["Accept"] == "application/vnd.api+json"
    # The request carries the operation itself: the very spec object the endpoint's OPERATION binds.
    assert request.extensions[OPERATION_EXTENSION] is get_profiles.OPERATION.spec is OPERATIONS["get_profiles"]
    assert result.data == []
    assert type(result).__name__ == "GetProfileResponsePluralConversationsCollectionCompoundDocument"


def test_a_single_resource_parses_into_its_typed_model() -> None:
    server = Server(200)
    profile = make(server).profiles.get_profile(PROFILE_ID)
    assert isinstance(profile, GetProfileResponsePluralConversationsCompoundDocument)
    assert profile.data.id == PROFILE_ID
    assert profile.data.attributes.email == "ada@example.com"
    assert server.last.url.path == f"/api/profiles/{PROFILE_ID}"


def test_a_post_sends_the_json_body() -> None:
    server = Server(httpx.Response(201, json=NEW_LIST))
    created = make(server).lists.create_list(body=ListCreateQuery.from_dict(NEW_LIST_BODY))
    assert server.last.method == "POST"
    assert server.last.url.path == "/api/lists"
    assert server.last.headers["Content-Type"] == "application/vnd.api+json"
    assert body_of(server.last) == NEW_LIST_BODY
    assert created.data.id == "L1"


def test_a_no_content_answer_returns_none() -> None:
    server = Server(204)
    raw = make(server).with_raw_response.lists.delete_list("L1")
    assert (raw.status_code, raw.parsed) == (204, None)
    assert (server.last.method, server.last.url.path) == ("DELETE", "/api/lists/L1")


# -- the /client/ endpoints ----------------------------------------------------------------


def test_client_endpoints_send_the_public_key_and_no_credential() -> None:
    server = Server({"data": [], "links": {"self": "x"}})
    kv = make(server, company_id="AbC123")
    kv.client_side.get_client_geofences()
    assert server.last.url.path == "/client/geofences"
    assert server.last.url.params["company_id"] == "AbC123"
    assert "Authorization" not in server.last.headers
    kv.client_side.get_client_geofences(company_id="XyZ789")
    assert server.last.url.params["company_id"] == "XyZ789"


def test_a_client_endpoint_without_company_id_fails_before_sending() -> None:
    server = Server()
    with pytest.raises(ConfigurationError, match=r"get_client_geofences needs company_id"):
        make(server).client_side.get_client_geofences()
    assert server.requests == []


def test_a_public_key_only_client_refuses_private_endpoints_before_sending() -> None:
    server = Server({"data": [], "links": {"self": "x"}})
    kv = Klaviyo(company_id="AbC123", transport=server.transport())
    kv.client_side.get_client_geofences()
    assert len(server.requests) == 1
    with pytest.raises(ConfigurationError, match=r"get_profile needs a private API key or OAuth"):
        kv.profiles.get_profile(PROFILE_ID)
    assert len(server.requests) == 1


# -- typed errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, APIStatusError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
    ],
)
def test_each_status_raises_its_error_class_with_the_parsed_fields(status: int, cls: type[APIStatusError]) -> None:
    answer = httpx.Response(
        status, json=error_body(status, "bad_thing", "The thing was bad."), headers={"x-request-id": "req-9"}
    )
    server = Server(answer)
    with pytest.raises(APIStatusError) as caught:
        make(server, retry=False).profiles.get_profile(PROFILE_ID)
    error = caught.value
    assert type(error) is cls
    assert error.status_code == status
    assert [(e.code, e.detail) for e in error.errors] == [("bad_thing", "The thing was bad.")]
    assert error.request_id == "req-9"
    assert str(error) == f"HTTP {status} bad_thing: The thing was bad. [request-id req-9]"
    assert len(server.requests) == 1


def test_a_non_json_error_body_is_kept_raw() -> None:
    server = Server(httpx.Response(502, text="<html>Bad gateway</html>"))
    with pytest.raises(InternalServerError) as caught:
        make(server, retry=False).profiles.get_profile(PROFILE_ID)
    assert caught.value.body_text == "<html>Bad gateway</html>"
    assert caught.value.errors == ()
    assert "Bad gateway" in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"not json", b'{"data": {"truncated', b'{"data": 5}'])
def test_a_2xx_body_that_is_not_the_documented_json_raises_response_decode_error(content: bytes) -> None:
    server = Server(httpx.Response(200, content=content))
    with pytest.raises(ResponseDecodeError) as caught:
        make(server).profiles.get_profile(PROFILE_ID)
    assert caught.value.body_text == content.decode()
    assert caught.value.status_code == 200


def test_connection_failures_and_timeouts_become_typed_errors_with_attempt_counts() -> None:
    server = Server(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as caught:
        make(server, retry=NO_JITTER).profiles.get_profile(PROFILE_ID)
    assert type(caught.value) is APIConnectionError
    assert caught.value.attempts == 3
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert server.sleeps == [0.5, 1.0]

    server = Server(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as timed_out:
        make(server, retry=NO_JITTER).profiles.get_profile(PROFILE_ID)
    assert timed_out.value.attempts == 3
    assert str(timed_out.value).endswith("after 3 attempts")


# -- retries through the client ---------------------------------------------------------------


def test_a_get_is_retried_on_503_with_exact_backoff_and_reports_its_attempts() -> None:
    server = Server(503, 503, 200)
    raw = make(server, retry=NO_JITTER).with_raw_response.profiles.get_profile(PROFILE_ID)
    assert len(server.requests) == 3
    assert server.sleeps == [0.5, 1.0]
    assert raw.attempts == 3
    assert raw.parsed.data.id == PROFILE_ID


def test_429_waits_for_retry_after() -> None:
    server = Server(httpx.Response(429, json=error_body(429), headers={"Retry-After": "7"}), 200)
    make(server, retry=NO_JITTER, rate_limits=False).profiles.get_profile(PROFILE_ID)
    assert server.sleeps == [7.0]
    assert len(server.requests) == 2


def test_exhausted_retries_raise_the_last_error_saying_how_many_attempts() -> None:
    server = Server(500)
    with pytest.raises(InternalServerError) as caught:
        make(server, retry=NO_JITTER).profiles.get_profile(PROFILE_ID)
    assert caught.value.attempts == 3
    assert str(caught.value) == "HTTP 500 invalid: Something was wrong. after 3 attempts"


def test_a_post_that_may_have_been_applied_is_not_retried_unless_the_call_opts_in() -> None:
    body = ListCreateQuery.from_dict(NEW_LIST_BODY)
    server = Server(500)
    with pytest.raises(InternalServerError) as caught:
        make(server, retry=NO_JITTER).lists.create_list(body=body)
    assert caught.value.attempts == 1
    assert len(server.requests) == 1

    server = Server(500, 500, httpx.Response(201, json=NEW_LIST))
    opted_in = RetryPolicy(jitter=0.0, retry_non_idempotent=True)
    created = make(server, retry=NO_JITTER).lists.create_list(body=body, retry=opted_in)
    assert created.data.id == "L1"
    assert len(server.requests) == 3
    assert [body_of(r) for r in server.requests] == [NEW_LIST_BODY] * 3


def test_a_post_refused_with_429_is_always_retried() -> None:
    server = Server(httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(201, json=NEW_LIST))
    make(server, rate_limits=False).lists.create_list(body=ListCreateQuery.from_dict(NEW_LIST_BODY))
    assert len(server.requests) == 2
    assert server.sleeps == [1.0]


def test_retry_false_and_max_retries_per_client_and_per_call() -> None:
    server = Server(503)
    with pytest.raises(InternalServerError):
        make(server, retry=False).profiles.get_profile(PROFILE_ID)
    assert len(server.requests) == 1

    server = Server(503)
    with pytest.raises(InternalServerError):
        make(server, max_retries=4, retry=NO_JITTER).profiles.get_profile(PROFILE_ID)
    assert len(server.requests) == 5
    assert server.sleeps == [0.5, 1.0, 2.0, 4.0]

    server = Server(503)
    with pytest.raises(InternalServerError) as caught:
        make(server, retry=NO_JITTER).profiles.get_profile(PROFILE_ID, max_retries=1)
    assert caught.value.attempts == 2

    server = Server(503)
    with pytest.raises(InternalServerError):
        make(server).profiles.get_profile(PROFILE_ID, retry=False)
    assert len(server.requests) == 1


def test_each_retry_is_logged_at_info_without_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    make(Server(503, 200), retry=NO_JITTER).profiles.get_profile(PROFILE_ID)
    retries = [r for r in caplog.records if r.name == "klaviyo_generated" and r.levelno == logging.INFO]
    assert len(retries) == 1
    message = retries[0].getMessage()
    assert "503" in message
    assert "attempt 1" in message
    assert "0.5" in message
    assert API_KEY not in caplog.text


# -- rate limiting through the client ---------------------------------------------------------


def _max_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


def test_a_burst_of_50_calls_stays_within_the_operations_tier_on_a_virtual_clock() -> None:
    # get_client_geofences: burst 3/s, steady 60/m in the pinned spec.
    server = Server({"data": [], "links": {"self": "x"}})
    kv = make(server, company_id="AbC123")
    for _ in range(50):
        kv.client_side.get_client_geofences()
    assert len(server.requests) == 50
    assert _max_in_window(server.times, 1.0) == 3
    assert _max_in_window(server.times, 60.0) <= 60
    assert server.times[:4] == [1000.0, 1000.0, 1000.0, 1001.0]


def test_rate_limiting_can_be_switched_off() -> None:
    server = Server({"data": [], "links": {"self": "x"}})
    kv = make(server, company_id="AbC123", rate_limits=False)
    for _ in range(10):
        kv.client_side.get_client_geofences()
    assert server.sleeps == []
    assert set(server.times) == {1000.0}


def test_raw_responses_expose_status_headers_and_rate_limit_headers() -> None:
    headers = {"RateLimit-Limit": "75", "RateLimit-Remaining": "74", "RateLimit-Reset": "1", "x-request-id": "r1"}
    server = Server(httpx.Response(200, json={"data": [], "links": {"self": "x"}}, headers=headers))
    raw = make(server).with_raw_response.profiles.get_profiles()
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["RateLimit-Remaining"] == "74"
    assert raw.request_id == "r1"
    assert raw.rate_limit == RateLimitInfo(limit=75, remaining=74, reset=1.0)
    assert raw.parsed.data == []


# -- request(): any path, same machinery -------------------------------------------------------


def test_raw_request_uses_the_same_auth_revision_and_operation_bucket() -> None:
    server = Server(200)
    body = make(server).request("get", f"/api/profiles/{PROFILE_ID}", params={"fields[profile]": "email"})
    assert body["data"]["id"] == PROFILE_ID
    request = server.last
    assert (request.method, request.url.path, request.url.query) == (
        "GET",
        f"/api/profiles/{PROFILE_ID}",
        b"fields%5Bprofile%5D=email",
    )
    assert request.headers["Authorization"] == f"Klaviyo-API-Key {API_KEY}"
    assert request.headers["revision"] == "2026-07-15"
    assert request.extensions[OPERATION_EXTENSION] is OPERATIONS["get_profile"]  # matched by method and path


def test_raw_request_posts_json_returns_none_for_no_content_and_raises_typed_errors() -> None:
    server = Server(204, httpx.Response(404, json=error_body(404, "not_found", "No such thing.")))
    kv = make(server)
    assert kv.request("POST", "/api/some-new-endpoint", json={"a": 1}) is None
    assert body_of(server.requests[0]) == {"a": 1}
    assert server.requests[0].headers["Content-Type"] == "application/vnd.api+json"
    assert OPERATION_EXTENSION not in server.requests[0].extensions
    with pytest.raises(NotFoundError, match="No such thing"):
        kv.request("GET", "/api/some-new-endpoint/1")


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "fragment"),
    [
        ("GET", "https://evil.example/api/profiles", {}, "path must be a path on base_url starting with '/'"),
        ("GET", "//evil.example/api/profiles", {}, "path must be a path on base_url"),
        ("GET", "api/profiles", {}, "path must be a path on base_url"),
        ("GET", "/api/profiles/..", {}, "path must not contain '.' or '..' segments"),
        ("DELETE", "/api/lists/.", {}, "path must not contain '.' or '..' segments"),
        ("GET", "/api/profiles/../lists?x=1", {}, "path must not contain '.' or '..' segments"),
        ("TRACE", "/api/profiles", {}, "method must be one of DELETE, GET, PATCH, POST, PUT"),
        ("POST", "/api/images", {"json": {}, "files": {"f": b"x"}}, "pass json= or data=/files=, not both"),
    ],
)
def test_raw_request_refuses_what_could_misdirect_the_key(
    method: str, path: str, kwargs: dict[str, Any], fragment: str
) -> None:
    server = Server()
    with pytest.raises(ConfigurationError) as caught:
        make(server).request(method, path, **kwargs)
    assert fragment in str(caught.value)
    assert server.requests == []


# -- owning the connection pool ------------------------------------------------------------------


def test_the_context_manager_closes_the_pool_but_not_a_callers_http_client() -> None:
    server = Server(200)
    with Klaviyo(api_key=API_KEY, transport=server.transport()) as kv:
        kv.profiles.get_profile(PROFILE_ID)
    assert kv._http.is_closed

    own = httpx.Client(transport=server.transport(), headers={"X-Mine": "1"})
    with Klaviyo(api_key=API_KEY, http_client=own) as kv:
        kv.profiles.get_profile(PROFILE_ID)
    assert server.last.headers["Authorization"] == f"Klaviyo-API-Key {API_KEY}"
    assert not own.is_closed
    own.close()


# -- secrets ------------------------------------------------------------------------------------


ERROR_PATHS: list[Any] = [400, 401, 403, 404, 409, 422, 429, 500, httpx.ConnectError("refused"), "garbled"]


@pytest.mark.parametrize("step", ERROR_PATHS)
def test_the_key_never_appears_in_errors_pickles_or_logs(step: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    answer = httpx.Response(200, content=f"oops {API_KEY}".encode()) if step == "garbled" else step
    if isinstance(step, int):
        # A server that echoes the credential back must not get it into our messages either.
        answer = httpx.Response(step, json=error_body(step, "echo", f"You sent Klaviyo-API-Key {API_KEY}"))
    server = Server(answer)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - every error type is checked below
        make(server, retry=NO_JITTER, rate_limits=False).profiles.get_profile(PROFILE_ID)
    error = caught.value
    assert API_KEY not in str(error)
    assert API_KEY not in repr(error)
    assert API_KEY.encode() not in pickle.dumps(error)
    assert API_KEY not in caplog.text
    assert API_KEY not in "".join(getattr(error, "__notes__", []))
