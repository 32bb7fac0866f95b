"""Whatever the server answers, only the package's errors come out of a call.

Hypothesis draws a whole answer: any status (100-599 but 101), a mix of headers that lie
(``Content-Encoding`` the body does not have, bogus charsets, a wrong ``Content-Length``,
``Retry-After`` huge, negative, garbage or a date) and a body (random bytes, invalid UTF-8, JSON
nested 10,000 deep, JSON of the wrong shape, the real document with members removed or mutated).
Four calls (``get_profile``, ``request``, ``create_list``, async ``get_profile``) must each return
or raise a ``KlaviyoError``; an ``APIError`` raised about an answer must name that answer's status
and request id. A ``KeyError``, ``UnicodeDecodeError``, ``RecursionError`` or bare ``httpx`` error
escaping is the defect this guards against: callers catch ``KlaviyoError`` and nothing else.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import Callable
from typing import Any, Literal

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klaviyo_generated import (
    APIError,
    APIStatusError,
    AsyncKlaviyo,
    Klaviyo,
    KlaviyoError,
    ResponseDecodeError,
    RetryPolicy,
)
from klaviyo_generated.models import ListCreateQuery
from tests.contract.test_fuzz_decoders import mutated
from tests.runtime.client_harness import API_KEY, NEW_LIST, PROFILE, PROFILE_ID, Clock, error_body

Call = Literal["get_profile", "request", "create_list", "async_get_profile"]
Answer = tuple[int, dict[str, str], bytes]  # status, headers, body

NEW_LIST_BODY = {"data": {"type": "list", "attributes": {"name": "VIP"}}}
_UNSET = object()

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
DOCUMENTS = st.one_of(mutated(PROFILE), mutated(NEW_LIST), mutated(error_body(500)), JSON_VALUES)
JSON_BYTES = DOCUMENTS.map(lambda value: json.dumps(value).encode())

BODIES = st.one_of(
    st.sampled_from([json.dumps(PROFILE).encode(), json.dumps(NEW_LIST).encode()]),
    JSON_BYTES,
    # Encoded for real, so a truthful Content-Encoding is reached too.
    JSON_BYTES.map(gzip.compress),
    JSON_BYTES.map(zlib.compress),
    st.binary(max_size=64),
    st.sampled_from(
        [
            b"",
            b"[" * 10_000 + b"]" * 10_000,
            b'{"data":' * 10_000 + b"null" + b"}" * 10_000,
            b'{"data": "\xff\xfe\xc3\x28"}',  # invalid UTF-8 inside valid JSON punctuation
            b"\xef\xbb\xbf" + json.dumps(PROFILE).encode(),  # a BOM
            b"<html>Bad Gateway</html>",
            json.dumps(PROFILE).encode()[:40],  # truncated
        ]
    ),
)

ODD_RETRY_AFTER = [
    *("0", "2", "45", "3600", "1.5", "1e308", "nan", "inf", "-3", "soon", ""),
    *("Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 99 Foo 2020 99:99:99 GMT"),
]
_SECONDS = st.integers(-5, 10**20).map(str)
_ODD_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": st.sampled_from(
            [
                "application/vnd.api+json",
                "application/json",
                "application/json; charset=rot13",
                "application/json; charset=no-such-charset",
                "application/json; charset=utf-16",
                "text/html; charset=utf-8",
                "garbage",
            ]
        ),
        "Content-Encoding": st.sampled_from(["gzip", "deflate", "br", "identity", "garbage", "gzip, deflate", "zstd"]),
        "Content-Length": st.sampled_from(["0", "5", "999999", "-1", "abc"]),
        "Retry-After": st.one_of(_SECONDS, st.sampled_from(ODD_RETRY_AFTER)),
        "RateLimit-Limit": st.one_of(_SECONDS, st.sampled_from(["", "x", "10, 20;w=60"])),
        "RateLimit-Remaining": st.one_of(_SECONDS, st.sampled_from(["", "-x"])),
        "RateLimit-Reset": st.one_of(_SECONDS, st.sampled_from(["", "3600", "never", "1e400"])),
        "X-Request-Id": st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20),
    },
)
HEADERS = st.one_of(st.just({"Content-Type": "application/vnd.api+json", "X-Request-Id": "r1"}), _ODD_HEADERS)
STATUSES = st.one_of(
    st.sampled_from([200, 201, 202, 204, 400, 404, 429, 500, 503]),
    st.integers(100, 599).filter(lambda status: status != 101),  # 101 would switch protocols
)
_JSON = {"Content-Type": "application/vnd.api+json", "X-Request-Id": "r1"}
_GZIP_JSON = {**_JSON, "Content-Encoding": "gzip"}
_PROFILE, _NEW_LIST = json.dumps(PROFILE).encode(), json.dumps(NEW_LIST).encode()
# Honest answers are drawn half the time, so that the success path is reached as well as the errors.
ANSWERS = st.one_of(
    st.sampled_from(
        [
            (200, _JSON, _PROFILE),
            (201, _JSON, _NEW_LIST),
            (200, _GZIP_JSON, gzip.compress(_PROFILE)),
            (201, _GZIP_JSON, gzip.compress(_NEW_LIST)),
        ]
    ),
    st.tuples(STATUSES, HEADERS, BODIES),
)
RETRIES = st.sampled_from([False, RetryPolicy(jitter=0.0)])


def _respond(answer: Answer) -> Callable[[httpx.Request], httpx.Response]:
    status, headers, body = answer

    def handle(request: httpx.Request) -> httpx.Response:
        # A stream, not content=: httpx decodes content= (Content-Encoding included) inside the
        # handler, where no real server's bytes are ever decoded; a stream is read by the client.
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    return handle


class _Sleeps:
    """No real sleeping: each wait moves a fake clock instead, so retries cost nothing."""

    def __init__(self) -> None:
        self.clock = Clock()

    def sleep(self, seconds: float) -> None:
        self.clock.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def make_call(call: Call, answer: Answer, retry: RetryPolicy | bool) -> None:
    sleeps = _Sleeps()
    kwargs: dict[str, Any] = {"api_key": API_KEY, "rate_limits": False, "retry": retry, "clock": sleeps.clock}
    if call == "async_get_profile":

        async def main() -> None:
            transport = httpx.MockTransport(_respond(answer))
            async with AsyncKlaviyo(transport=transport, sleep=sleeps.asleep, **kwargs) as kv:
                await kv.profiles.get_profile(PROFILE_ID)

        asyncio.run(main())
        return
    with Klaviyo(transport=httpx.MockTransport(_respond(answer)), sleep=sleeps.sleep, **kwargs) as kv:
        if call == "get_profile":
            kv.profiles.get_profile(PROFILE_ID)
        elif call == "request":
            kv.request("GET", "/api/profiles")
        else:
            kv.lists.create_list(body=ListCreateQuery.from_dict(NEW_LIST_BODY))


def check_error(error: KlaviyoError, answer: Answer) -> str:
    """An API error carries the answer's status and request id; returns the kind of outcome.

    The mock transport always answers, so every ``APIError`` here is about an answer: a body that
    cannot be read (a false ``Content-Encoding``) is a decode or status error, never a connection error.
    """
    if not isinstance(error, APIError):
        return type(error).__name__
    status, headers, _ = answer
    assert error.attempts >= 1
    status_code = getattr(error, "status_code", None)
    assert status_code == status, f"{type(error).__name__} (status_code {status_code}) for a {status}: {error}"
    sent = headers.get("X-Request-Id")
    assert getattr(error, "request_id", _UNSET) == sent, f"{type(error).__name__} lost the request id {sent!r}"
    return "decode" if isinstance(error, ResponseDecodeError) else "status" if isinstance(error, APIStatusError) else ""


@pytest.mark.parametrize("call", ["get_profile", "request", "create_list", "async_get_profile"])
def test_nothing_but_a_klaviyo_error_escapes(call: Call) -> None:
    outcomes: set[str] = set()

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(answer=ANSWERS, retry=RETRIES)
    def property_(answer: Answer, retry: RetryPolicy | bool) -> None:
        try:
            make_call(call, answer, retry)
            outcomes.add("returned")
        except KlaviyoError as error:
            outcomes.add(check_error(error, answer))

    property_()
    # Guards the generator: answers that decode, that are refused as undecodable, and error statuses.
    assert outcomes >= {"returned", "decode", "status"}
