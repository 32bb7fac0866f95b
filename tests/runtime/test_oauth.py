"""OAuth bearer tokens that refresh themselves: before expiry, once on a 401, one refresh for many callers.

Every test drives the public client (``Klaviyo`` / ``AsyncKlaviyo``) over ``httpx.MockTransport`` and
asserts the exact requests that reached the transport, in order, with the credential each carried.
Expiry runs on a fake clock; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import base64
import pickle
import threading
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

import attrs
import httpx
import pytest

from klaviyo_generated import (
    AsyncKlaviyo,
    AuthenticationError,
    Klaviyo,
    OAuth,
    OAuthToken,
    ResponseDecodeError,
    TokenRefreshError,
)

T = TypeVar("T")

CLIENT_ID = "app-client-id"
CLIENT_SECRET = "app-client-secret-0123456789"
REFRESH = "refresh-token-0123456789"
ROTATED = "rotated-refresh-0123456789"
OLD_ACCESS = "access-token-old-0123456789"
NEW_ACCESS = "access-token-new-0123456789"
NEWER_ACCESS = "access-token-newer-0123456789"
SECRETS = (CLIENT_SECRET, REFRESH, ROTATED, OLD_ACCESS, NEW_ACCESS, NEWER_ACCESS)

NOW = 1_800_000_000.0
TOKEN_URL = "https://a.klaviyo.com/oauth/token"
BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
FORM = "application/x-www-form-urlencoded"

PROFILE_ID = "01ABC"
PROFILE_URL = f"https://a.klaviyo.com/api/profiles/{PROFILE_ID}"
PROFILE = {"data": {"type": "profile", "id": PROFILE_ID, "attributes": {}, "links": {"self": PROFILE_URL}}}
LISTS_URL = "https://a.klaviyo.com/api/lists?page%5Bsize%5D=10"
LISTS_PAGE = {"data": [], "links": {"self": LISTS_URL}}
COMPANY_ID = "AbC123"
GEOFENCES_URL = f"https://a.klaviyo.com/client/geofences?company_id={COMPANY_ID}&page%5Bsize%5D=20"
UNAUTHORIZED = {
    "errors": [
        {"id": "e1", "status": 401, "code": "not_authenticated", "title": "Unauthorized", "detail": "Token expired."}
    ]
}


@attrs.frozen
class Sent:
    """What one request carried when it reached the transport (the auth flow re-sends the same object)."""

    method: str
    url: str
    authorization: str | None
    content_type: str | None = None
    body: bytes = b""


def refresh_sent(refresh_token: str = REFRESH) -> Sent:
    return Sent("POST", TOKEN_URL, BASIC, FORM, f"grant_type=refresh_token&refresh_token={refresh_token}".encode())


def api_sent(access_token: str | None, url: str = PROFILE_URL) -> Sent:
    return Sent("GET", url, None if access_token is None else f"Bearer {access_token}")


def grant(access: str = NEW_ACCESS, expires_in: int = 3600, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"access_token": access, "token_type": "Bearer", "expires_in": expires_in, **extra})


class TokenServer:
    """The token endpoint and the API behind one transport, recording every request.

    ``tokens`` and ``api`` are answered in order; the last one repeats. ``before_token`` runs in the
    token endpoint before it answers (the concurrency tests hold the refresh there).
    """

    def __init__(
        self, *, tokens: list[httpx.Response] | None = None, api: list[int | httpx.Response] | None = None
    ) -> None:
        self.tokens = tokens or [grant()]
        self.api: list[int | httpx.Response] = api or [200]
        self.sent: list[Sent] = []
        self.lock = threading.Lock()
        self.before_token: Callable[[], object] = lambda: None

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with self.lock:
            self.sent.append(
                Sent(
                    request.method,
                    str(request.url),
                    request.headers.get("Authorization"),
                    request.headers.get("Content-Type"),
                    body,
                )
            )
        if request.url.path == "/oauth/token":
            self.before_token()
            with self.lock:
                return self.tokens.pop(0) if len(self.tokens) > 1 else self.tokens[0]
        if request.url.path.startswith("/client/"):
            return httpx.Response(200, json={"data": [], "links": {"self": GEOFENCES_URL}})
        with self.lock:
            answer = self.api.pop(0) if len(self.api) > 1 else self.api[0]
        if isinstance(answer, httpx.Response):
            return answer
        if answer != 200:
            return httpx.Response(answer, json=UNAUTHORIZED)
        return httpx.Response(200, json=LISTS_PAGE if str(request.url) == LISTS_URL else PROFILE)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        return self.handle(request)

    @property
    def refreshes(self) -> list[Sent]:
        return [s for s in self.sent if s.url == TOKEN_URL]

    @property
    def calls(self) -> list[Sent]:
        return [s for s in self.sent if s.url != TOKEN_URL]


class FakeClock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_oauth(**overrides: Any) -> tuple[OAuth, list[OAuthToken]]:
    """An ``OAuth`` on a clock stopped at ``NOW``, and the list its ``on_token_refresh`` appends to."""
    saved: list[OAuthToken] = []
    kwargs: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH,
        "on_token_refresh": saved.append,
        "clock": lambda: NOW,
    }
    kwargs.update(overrides)
    return OAuth(**kwargs), saved


def client(server: TokenServer, auth: OAuth) -> Klaviyo:
    return Klaviyo(oauth=auth, transport=httpx.MockTransport(server.handle), retry=False, rate_limits=False)


def aclient(server: TokenServer, auth: OAuth) -> AsyncKlaviyo:
    return AsyncKlaviyo(oauth=auth, transport=httpx.MockTransport(server.ahandle), retry=False, rate_limits=False)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def aget_profile(server: TokenServer, auth: OAuth) -> Any:
    async def go() -> Any:
        async with aclient(server, auth) as kv:
            return await kv.profiles.get_profile(PROFILE_ID)

    return run(go())


def expect_raised(expected: type[BaseException], call: Callable[[], object]) -> Any:
    """Run ``call``; it must raise exactly ``expected`` (not a subclass), which is returned."""
    with pytest.raises(expected) as caught:
        call()
    assert type(caught.value) is expected
    return caught.value


# -- the first refresh --------------------------------------------------------------------------


def test_without_an_access_token_the_first_call_refreshes_then_sends_the_bearer() -> None:
    server = TokenServer()
    auth, saved = make_oauth()
    with client(server, auth) as kv:
        profile = kv.profiles.get_profile(PROFILE_ID)
    assert profile.data.id == PROFILE_ID
    assert server.sent == [refresh_sent(), api_sent(NEW_ACCESS)]
    token = OAuthToken(access_token=NEW_ACCESS, refresh_token=REFRESH, expires_at=NOW + 3600)
    assert saved == [token]
    assert auth.token == token
    assert auth.refreshes == 1


def test_the_refresh_goes_through_the_full_client_stack_with_only_its_own_headers() -> None:
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        requests.append(request)
        return grant() if request.url.path == "/oauth/token" else httpx.Response(200, json=PROFILE)

    auth, _ = make_oauth()
    # Default retry and rate limits: the token request passes both layers untouched.
    with Klaviyo(oauth=auth, transport=httpx.MockTransport(handle), timeout=12.5) as kv:
        kv.profiles.get_profile(PROFILE_ID)
    refresh, call = requests
    assert dict(refresh.headers) == {
        "host": "a.klaviyo.com",
        "accept": "application/json",
        "content-length": "63",
        "content-type": FORM,
        "authorization": BASIC,
    }
    assert (
        refresh.extensions["timeout"]
        == call.extensions["timeout"]
        == dict.fromkeys(("connect", "read", "write", "pool"), 12.5)
    )


def test_a_rotated_refresh_token_replaces_the_old_one_and_a_missing_one_keeps_it() -> None:
    server = TokenServer(
        tokens=[grant(expires_in=30, refresh_token=ROTATED, scope="profiles:read"), grant(NEWER_ACCESS)]
    )
    auth, saved = make_oauth()
    with client(server, auth) as kv:
        kv.profiles.get_profile(PROFILE_ID)
        kv.profiles.get_profile(PROFILE_ID)  # expires in 30 s, inside the 60 s leeway: refresh again
    assert server.sent == [
        refresh_sent(),
        api_sent(NEW_ACCESS),
        refresh_sent(ROTATED),
        api_sent(NEWER_ACCESS),
    ]
    assert saved == [
        OAuthToken(access_token=NEW_ACCESS, refresh_token=ROTATED, expires_at=NOW + 30, scope="profiles:read"),
        OAuthToken(access_token=NEWER_ACCESS, refresh_token=ROTATED, expires_at=NOW + 3600),
    ]


# -- expiry -------------------------------------------------------------------------------------


@pytest.mark.parametrize("expires_at", [NOW + 3600, None], ids=["far-from-expiry", "expiry-unknown"])
def test_a_valid_token_is_used_as_is(expires_at: float | None) -> None:
    server = TokenServer()
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=expires_at)
    with client(server, auth) as kv:
        kv.profiles.get_profile(PROFILE_ID)
        kv.lists.get_lists()
    assert server.sent == [api_sent(OLD_ACCESS), api_sent(OLD_ACCESS, LISTS_URL)]
    assert saved == []
    assert auth.refreshes == 0


def test_a_token_within_the_leeway_is_refreshed_before_the_call() -> None:
    clock = FakeClock()
    server = TokenServer()
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=NOW + 100, leeway=60.0, clock=clock)
    with client(server, auth) as kv:
        clock.now = NOW + 39.5  # 60.5 s before expiry: still outside the leeway
        kv.profiles.get_profile(PROFILE_ID)
        assert server.sent == [api_sent(OLD_ACCESS)]
        clock.now = NOW + 40.0  # exactly 60 s before expiry
        kv.profiles.get_profile(PROFILE_ID)
    assert server.sent == [api_sent(OLD_ACCESS), refresh_sent(), api_sent(NEW_ACCESS)]
    assert saved == [OAuthToken(access_token=NEW_ACCESS, refresh_token=REFRESH, expires_at=NOW + 40.0 + 3600)]


# -- 401 ----------------------------------------------------------------------------------------


def test_a_401_refreshes_exactly_once_and_resends() -> None:
    server = TokenServer(api=[401, 200])
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    with client(server, auth) as kv:
        profile = kv.profiles.get_profile(PROFILE_ID)
    assert profile.data.id == PROFILE_ID
    assert server.sent == [api_sent(OLD_ACCESS), refresh_sent(), api_sent(NEW_ACCESS)]
    assert saved == [OAuthToken(access_token=NEW_ACCESS, refresh_token=REFRESH, expires_at=NOW + 3600)]


def check_second_401(error: AuthenticationError) -> None:
    assert error.status_code == 401
    assert error.attempts == 1  # counted by the retry layer, per request; the auth layer's resend is in history
    assert str(error) == "HTTP 401 not_authenticated: Token expired."
    assert [(r.status_code, str(r.url)) for r in error.response.history] == [(401, PROFILE_URL), (200, TOKEN_URL)]
    assert error.response.request.headers["Authorization"] == f"Bearer {NEW_ACCESS}"


def test_a_second_401_raises_authentication_error_without_another_refresh() -> None:
    server = TokenServer(api=[401])
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    with client(server, auth) as kv:
        error = expect_raised(AuthenticationError, lambda: kv.profiles.get_profile(PROFILE_ID))
    check_second_401(error)
    assert server.sent == [api_sent(OLD_ACCESS), refresh_sent(), api_sent(NEW_ACCESS)]
    assert len(saved) == 1


# -- a failed refresh ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, '{"error":"invalid_grant"}'), (401, '{"error":"invalid_client"}')],
)
def test_a_refused_refresh_raises_token_refresh_error_and_the_call_is_never_sent(status: int, body: str) -> None:
    refused = httpx.Response(status, content=body.encode(), headers={"Content-Type": "application/json"})
    server = TokenServer(tokens=[refused])
    auth, saved = make_oauth()
    with client(server, auth) as kv:
        error = expect_raised(TokenRefreshError, lambda: kv.profiles.get_profile(PROFILE_ID))
    assert isinstance(error, AuthenticationError)
    assert (error.status_code, error.body_text) == (status, body)
    assert str(error) == f"HTTP {status} {refused.reason_phrase}: {body}"
    assert server.sent == [refresh_sent()]
    assert saved == []
    assert auth.token == OAuthToken(access_token="", refresh_token=REFRESH, expires_at=0.0)


# Bodies, not responses: a response is consumed by the test that sends it.
GARBLED = [
    pytest.param(b"<html>login</html>", id="html"),
    pytest.param(b'["access_token"]', id="json-list"),
    pytest.param(b'{"token_type":"Bearer"}', id="no-access-token"),
    pytest.param(b'{"access_token":"","expires_in":10}', id="empty-access-token"),
    pytest.param(b'{"access_token":"x-0123456789","expires_in":"soon"}', id="bad-expires-in"),
    pytest.param(b"[" * 10_000 + b"]" * 10_000, id="nested-10000-deep"),  # json.loads: RecursionError
]


@pytest.mark.parametrize("body", GARBLED)
def test_a_garbled_token_answer_is_a_decode_error_and_the_call_is_never_sent(body: bytes) -> None:
    server = TokenServer(tokens=[httpx.Response(200, content=body)])
    auth, saved = make_oauth()
    with client(server, auth) as kv:
        error = expect_raised(ResponseDecodeError, lambda: kv.profiles.get_profile(PROFILE_ID))
    assert (error.status_code, error.body_text) == (200, body.decode().replace("x-0123456789", "***"))
    assert server.sent == [refresh_sent()]
    assert saved == []
    assert auth.refreshes == 0


# -- /client/ endpoints -------------------------------------------------------------------------


def test_client_endpoints_get_no_authorization_and_trigger_no_refresh() -> None:
    server = TokenServer()
    auth, saved = make_oauth()  # no access token: any other call would refresh first
    with client(server, auth) as kv:
        geofences = kv.client_side.get_client_geofences(company_id=COMPANY_ID)
    assert geofences.data == []
    assert server.sent == [api_sent(None, GEOFENCES_URL)]
    assert (saved, auth.refreshes) == ([], 0)


# -- many callers, one refresh ------------------------------------------------------------------


class CountingLock:
    """A ``threading.Lock`` that counts the threads that have asked for it (holding or waiting)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.arrived = 0
        self.changed = threading.Condition()

    def __enter__(self) -> bool:
        with self.changed:
            self.arrived += 1
            self.changed.notify_all()
        return self._lock.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._lock.release()

    def wait_for(self, count: int) -> bool:
        with self.changed:
            # The timeout only ends a broken run; a passing run never waits for it.
            return self.changed.wait_for(lambda: self.arrived >= count, timeout=10)


def test_threads_share_one_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    threads_count = 8
    server = TokenServer()
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=NOW - 1)
    lock = CountingLock()
    monkeypatch.setattr(auth, "_lock", lock)
    overlapped: list[bool] = []
    # The refresh does not answer until every thread holds or waits for the refresh lock.
    server.before_token = lambda: overlapped.append(lock.wait_for(threads_count))
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    with client(server, auth) as kv:

        def worker() -> None:
            start.wait()
            try:
                kv.profiles.get_profile(PROFILE_ID)
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert overlapped == [True]
    assert server.refreshes == [refresh_sent()]
    assert server.calls == [api_sent(NEW_ACCESS)] * threads_count
    assert len(saved) == 1


# -- async twins --------------------------------------------------------------------------------


def test_async_first_call_refreshes_then_sends_the_bearer() -> None:
    server = TokenServer()
    auth, saved = make_oauth()
    profile = aget_profile(server, auth)
    assert profile.data.id == PROFILE_ID
    assert server.sent == [refresh_sent(), api_sent(NEW_ACCESS)]
    assert saved == [OAuthToken(access_token=NEW_ACCESS, refresh_token=REFRESH, expires_at=NOW + 3600)]


def test_async_rotated_refresh_token_replaces_the_old_one() -> None:
    server = TokenServer(tokens=[grant(expires_in=30, refresh_token=ROTATED), grant(NEWER_ACCESS)])
    auth, saved = make_oauth()

    async def go() -> None:
        async with aclient(server, auth) as kv:
            await kv.profiles.get_profile(PROFILE_ID)
            await kv.profiles.get_profile(PROFILE_ID)

    run(go())
    assert server.sent == [refresh_sent(), api_sent(NEW_ACCESS), refresh_sent(ROTATED), api_sent(NEWER_ACCESS)]
    assert [t.refresh_token for t in saved] == [ROTATED, ROTATED]


def test_async_401_refreshes_exactly_once_and_resends() -> None:
    server = TokenServer(api=[401, 200])
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    assert aget_profile(server, auth).data.id == PROFILE_ID
    assert server.sent == [api_sent(OLD_ACCESS), refresh_sent(), api_sent(NEW_ACCESS)]
    assert len(saved) == 1


def test_async_second_401_raises_authentication_error_without_another_refresh() -> None:
    server = TokenServer(api=[401])
    auth, _ = make_oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    error = expect_raised(AuthenticationError, lambda: aget_profile(server, auth))
    check_second_401(error)
    assert server.sent == [api_sent(OLD_ACCESS), refresh_sent(), api_sent(NEW_ACCESS)]


def test_async_refused_refresh_raises_token_refresh_error_and_the_call_is_never_sent() -> None:
    server = TokenServer(tokens=[httpx.Response(400, json={"error": "invalid_grant"})])
    auth, saved = make_oauth()
    error = expect_raised(TokenRefreshError, lambda: aget_profile(server, auth))
    assert (error.status_code, error.body_text) == (400, '{"error":"invalid_grant"}')
    assert server.sent == [refresh_sent()]
    assert saved == []


@pytest.mark.parametrize("body", GARBLED)
def test_async_garbled_token_answer_is_a_decode_error(body: bytes) -> None:
    server = TokenServer(tokens=[httpx.Response(200, content=body)])
    auth, saved = make_oauth()
    error = expect_raised(ResponseDecodeError, lambda: aget_profile(server, auth))
    assert error.status_code == 200
    assert server.sent == [refresh_sent()]
    assert saved == []


def test_async_client_endpoints_get_no_authorization_and_trigger_no_refresh() -> None:
    server = TokenServer()
    auth, _ = make_oauth()

    async def go() -> None:
        async with aclient(server, auth) as kv:
            await kv.client_side.get_client_geofences(company_id=COMPANY_ID)

    run(go())
    assert server.sent == [api_sent(None, GEOFENCES_URL)]
    assert auth.refreshes == 0


def concurrent_burst(server: TokenServer, auth: OAuth, tasks: int) -> None:
    async def go() -> None:
        async with aclient(server, auth) as kv:
            await asyncio.gather(*(kv.profiles.get_profile(PROFILE_ID) for _ in range(tasks)))

    run(go())


def slow_token_endpoint(server: TokenServer) -> None:
    """Make the token endpoint yield to the event loop before answering, so every task reaches the lock."""
    inner = server.ahandle

    async def ahandle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            for _ in range(20):
                await asyncio.sleep(0)
        return await inner(request)

    server.ahandle = ahandle  # type: ignore[method-assign]


def test_async_tasks_share_one_refresh() -> None:
    server = TokenServer()
    slow_token_endpoint(server)
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=NOW - 1)
    concurrent_burst(server, auth, 10)
    assert server.refreshes == [refresh_sent()]
    assert server.calls == [api_sent(NEW_ACCESS)] * 10
    assert len(saved) == 1


def test_one_oauth_serves_successive_event_loops() -> None:
    # An asyncio.Lock belongs to the loop that first waited on it; a second asyncio.run must not reuse it.
    clock = FakeClock()
    server = TokenServer(tokens=[grant(), grant(NEWER_ACCESS)])
    slow_token_endpoint(server)
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=NOW - 1, clock=clock)
    concurrent_burst(server, auth, 3)
    clock.now = NOW + 3600  # the new token has expired: the next loop refreshes under contention too
    concurrent_burst(server, auth, 3)
    assert server.sent == [
        refresh_sent(),
        *[api_sent(NEW_ACCESS)] * 3,
        refresh_sent(),
        *[api_sent(NEWER_ACCESS)] * 3,
    ]
    assert [t.access_token for t in saved] == [NEW_ACCESS, NEWER_ACCESS]


# -- secrets ------------------------------------------------------------------------------------


def assert_no_secrets(*texts: str | bytes) -> None:
    for text in texts:
        for secret in SECRETS:
            if isinstance(text, str):
                assert secret not in text, (secret, text)
            else:
                assert secret.encode() not in text, (secret, text)


def error_texts(error: BaseException) -> tuple[str | bytes, ...]:
    return str(error), repr(error), pickle.dumps(error)


def test_reprs_hold_no_secrets_and_oauth_cannot_be_pickled() -> None:
    server = TokenServer(tokens=[grant(refresh_token=ROTATED)])
    auth, saved = make_oauth(access_token=OLD_ACCESS, expires_at=NOW - 1)
    with client(server, auth) as kv:
        kv.profiles.get_profile(PROFILE_ID)
        assert repr(auth) == f"OAuth(token=OAuthToken(expires_at={NOW + 3600!r}, scope=None))"
        assert repr(kv) == (f"Klaviyo(base_url='https://a.klaviyo.com/', revision={kv.revision!r}, auth={auth!r})")
        assert_no_secrets(repr(auth), repr(auth.token), repr(saved), repr(kv), str(kv))
    async_kv = aclient(server, auth)
    assert_no_secrets(repr(async_kv))
    run(async_kv.close())
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(auth)


def test_a_refused_refresh_error_holds_no_secrets() -> None:
    echo = f'{{"error":"invalid_grant","error_description":"refresh token {REFRESH} was revoked"}}'
    server = TokenServer(tokens=[httpx.Response(400, content=echo.encode())])
    auth, _ = make_oauth(access_token=OLD_ACCESS, expires_at=NOW - 1)
    with client(server, auth) as kv:
        error = expect_raised(TokenRefreshError, lambda: kv.profiles.get_profile(PROFILE_ID))
    scrubbed = '{"error":"invalid_grant","error_description":"refresh token *** was revoked"}'
    assert str(error) == f"HTTP 400 Bad Request: {scrubbed}"
    assert_no_secrets(*error_texts(error))


def test_a_garbled_token_answer_error_holds_no_new_tokens() -> None:
    # Parseable tokens, unusable expires_in: the error quotes the body, which must not carry them.
    garbled = httpx.Response(200, json={"access_token": NEW_ACCESS, "refresh_token": ROTATED, "expires_in": "soon"})
    server = TokenServer(tokens=[garbled])
    auth, _ = make_oauth()
    with client(server, auth) as kv:
        error = expect_raised(ResponseDecodeError, lambda: kv.profiles.get_profile(PROFILE_ID))
    masked = '{"access_token":"***","refresh_token":"***","expires_in":"soon"}'
    assert error.body_text == masked
    assert str(error) == f"HTTP 200 response body is not the documented JSON: {masked}"
    assert_no_secrets(*error_texts(error))
    assert auth.token == OAuthToken(access_token="", refresh_token=REFRESH, expires_at=0.0)


def test_a_form_encoded_token_answer_error_holds_no_new_tokens() -> None:
    garbled = httpx.Response(200, text=f"access_token={NEW_ACCESS}&refresh_token={ROTATED}&expires_in=3600")
    server = TokenServer(tokens=[garbled])
    auth, _ = make_oauth()
    error = expect_raised(ResponseDecodeError, lambda: aget_profile(server, auth))
    assert error.body_text == "access_token=***&refresh_token=***&expires_in=3600"
    assert_no_secrets(*error_texts(error))


def test_a_second_401_error_holds_no_secrets() -> None:
    detail = f"Bearer {NEW_ACCESS} is not valid."
    echo = {"errors": [{"id": "e1", "code": "not_authenticated", "title": "Unauthorized", "detail": detail}]}
    server = TokenServer(api=[401, httpx.Response(401, json=echo)])
    auth, _ = make_oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    with client(server, auth) as kv:
        error = expect_raised(AuthenticationError, lambda: kv.profiles.get_profile(PROFILE_ID))
    assert str(error) == "HTTP 401 not_authenticated: *** is not valid."
    assert_no_secrets(*error_texts(error))
