"""The response body is read inside the retry loop: a cut body is a failed attempt, a body that
does not match its Content-Encoding or nests JSON thousands deep is a typed error with its status."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from klaviyo_generated import (
    APIConnectionError,
    AsyncKlaviyo,
    InternalServerError,
    Klaviyo,
    ResponseDecodeError,
    RetryPolicy,
)
from klaviyo_generated._transports import RetryTransport
from klaviyo_generated.models import ListCreateQuery
from tests.runtime.client_harness import NEW_LIST, PROFILE, PROFILE_ID, Server, async_client_kwargs, client_kwargs

PROFILE_BYTES = json.dumps(PROFILE).encode()
DEEP = b"[" * 10_000 + b"]" * 10_000
DEEP_DOCUMENT = b'{"data": ' + b'{"a": ' * 10_000 + b"1" + b"}" * 10_000 + b"}"
NEW_LIST_BODY = ListCreateQuery.from_dict({"data": {"type": "list", "attributes": {"name": "VIP"}}})


class CutStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The first ``keep`` bytes of ``content``, then the connection drops (as httpx reports it)."""

    def __init__(self, content: bytes, keep: int = 200) -> None:
        self.content, self.keep = content, keep
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield self.content[: self.keep]
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.content[: self.keep]
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def cut(content: bytes = PROFILE_BYTES, status: int = 200) -> httpx.Response:
    headers = {"Content-Type": "application/vnd.api+json", "Content-Length": str(len(content))}
    return httpx.Response(status, headers=headers, stream=CutStream(content))


class Streamed(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that arrives from the network (not yet read), so the client's own reading applies."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def __iter__(self) -> Iterator[bytes]:
        yield self.content

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.content


def answer(status: int, content: bytes, **headers: str) -> httpx.Response:
    headers = {"Content-Type": "application/vnd.api+json", "X-Request-Id": "req-1", **headers}
    return httpx.Response(
        status, headers={k.replace("_", "-"): v for k, v in headers.items()}, stream=Streamed(content)
    )


def test_a_get_whose_body_is_cut_is_retried_and_counted() -> None:
    first = cut()
    server = Server(first, 200)
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv:
        raw = kv.with_raw_response.profiles.get_profile(PROFILE_ID)
    assert (raw.attempts, len(server.requests)) == (2, 2)
    assert raw.parsed.data.id == PROFILE_ID
    assert server.sleeps == [pytest.approx(0.5, abs=0.25)]
    assert first.stream.closed  # type: ignore[union-attr]


def test_async_a_get_whose_body_is_cut_is_retried_and_counted() -> None:
    server = Server(cut(), 200)

    async def main() -> Any:
        async with AsyncKlaviyo(**async_client_kwargs(server, rate_limits=False)) as kv:
            return await kv.with_raw_response.profiles.get_profile(PROFILE_ID)

    raw = asyncio.run(main())
    assert (raw.attempts, len(server.requests)) == (2, 2)


def test_a_get_cut_on_every_attempt_fails_typed_after_the_policy_s_attempts() -> None:
    server = Server(cut())
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv, pytest.raises(APIConnectionError) as caught:
        kv.profiles.get_profile(PROFILE_ID)
    assert (caught.value.attempts, len(server.requests)) == (3, 3)
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert caught.value.status_code is None


def test_a_post_whose_body_is_cut_is_not_sent_again() -> None:
    # The list may have been created: sending the POST again could create a second one.
    server = Server(cut(json.dumps(NEW_LIST).encode(), 201), 201)
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv, pytest.raises(APIConnectionError) as caught:
        kv.lists.create_list(body=NEW_LIST_BODY)
    assert (caught.value.attempts, len(server.requests)) == (1, 1)


def test_a_streaming_request_is_returned_unread() -> None:
    stream = CutStream(PROFILE_BYTES)
    transport = RetryTransport(httpx.MockTransport(lambda r: httpx.Response(200, stream=stream)), policy=False)
    request = httpx.Request("GET", "https://a.klaviyo.com/api/profiles/x", extensions={"klaviyo_stream": True})
    response = transport.handle_request(request)
    assert not stream.closed  # nothing was read: the caller streams it
    with pytest.raises(httpx.RemoteProtocolError):
        response.read()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_2xx_body_that_lies_about_its_encoding_is_a_decode_error_with_its_status(encoding: str) -> None:
    server = Server(answer(200, PROFILE_BYTES, Content_Encoding=encoding))
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv, pytest.raises(ResponseDecodeError) as caught:
        kv.profiles.get_profile(PROFILE_ID)
    error = caught.value
    assert (error.status_code, error.attempts, error.request_id, len(server.requests)) == (200, 1, "req-1", 1)
    assert error.body_text == PROFILE_BYTES.decode()  # the raw bytes are kept
    assert str(error).startswith(f"HTTP 200 response body does not match its Content-Encoding '{encoding}'")
    assert str(error).endswith("[request-id req-1]")


def test_a_gzip_body_that_is_gzip_is_read() -> None:
    server = Server(answer(200, gzip.compress(PROFILE_BYTES), Content_Encoding="gzip"))
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv:
        assert kv.profiles.get_profile(PROFILE_ID).data.id == PROFILE_ID


def test_a_5xx_body_that_lies_about_its_encoding_keeps_its_status_and_is_retried() -> None:
    body = b'{"errors": [{"id": "e", "code": "boom", "title": "Boom", "detail": "It broke."}]}'
    server = Server(*(answer(500, body, Content_Encoding="gzip") for _ in range(3)))
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv, pytest.raises(InternalServerError) as caught:
        kv.profiles.get_profile(PROFILE_ID)
    error = caught.value
    assert (error.status_code, error.attempts, error.request_id) == (500, 3, "req-1")
    assert error.errors[0].detail == "It broke."  # the raw body is still read as the error document


def test_raw_request_with_a_lying_encoding_is_a_decode_error() -> None:
    server = Server(answer(200, b'{"data": []}', Content_Encoding="gzip"))
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv, pytest.raises(ResponseDecodeError) as caught:
        kv.request("GET", "/api/profiles")
    assert caught.value.status_code == 200


@pytest.mark.parametrize("body", [DEEP, DEEP_DOCUMENT], ids=["array", "document"])
def test_json_nested_ten_thousand_deep_is_a_decode_error(body: bytes) -> None:
    server = Server(answer(200, body))
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv:
        with pytest.raises(ResponseDecodeError) as caught:
            kv.profiles.get_profile(PROFILE_ID)
        assert (caught.value.status_code, caught.value.attempts, caught.value.request_id) == (200, 1, "req-1")
        with pytest.raises(ResponseDecodeError):
            kv.request("GET", "/api/profiles/x")


def test_async_json_nested_ten_thousand_deep_is_a_decode_error() -> None:
    server = Server(answer(200, DEEP))

    async def main() -> None:
        async with AsyncKlaviyo(**async_client_kwargs(server, rate_limits=False)) as kv:
            with pytest.raises(ResponseDecodeError):
                await kv.profiles.get_profile(PROFILE_ID)
            with pytest.raises(ResponseDecodeError):
                await kv.request("GET", "/api/profiles/x")

    asyncio.run(main())


def test_a_connection_error_names_the_host_and_port() -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    server = Server(refused)
    kwargs = client_kwargs(server, base_url="http://127.0.0.1:8099", allow_http=True, retry=RetryPolicy.none())
    with Klaviyo(**kwargs) as kv, pytest.raises(APIConnectionError) as caught:
        kv.profiles.get_profile(PROFILE_ID)
    assert str(caught.value) == (
        f"Connection error (GET http://127.0.0.1:8099/api/profiles/{PROFILE_ID}): ConnectError: [Errno 111] "
        "Connection refused"
    )


def test_a_response_read_in_the_retry_loop_still_says_how_long_it_took() -> None:
    server = Server(answer(200, PROFILE_BYTES))
    with Klaviyo(**client_kwargs(server, rate_limits=False)) as kv:
        raw = kv.with_raw_response.profiles.get_profile(PROFILE_ID)
    assert raw.http_response.elapsed.total_seconds() >= 0
