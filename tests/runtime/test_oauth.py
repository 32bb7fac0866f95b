"""OAuth bearer tokens that refresh themselves: before expiry, once on a 401, one refresh for many callers."""

from __future__ import annotations

import asyncio
import base64
import pickle
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import parse_qs

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
from tests.runtime.client_harness import PROFILE, PROFILE_ID, error_body

T = TypeVar("T")

CLIENT_ID = "app-client-id"
CLIENT_SECRET = "app-client-secret-0123456789"
REFRESH = "refresh-token-0123456789"
OLD_ACCESS = "access-token-old-0123456789"
NEW_ACCESS = "access-token-new-0123456789"
NOW = 1_800_000_000.0
TOKEN_URL = "https://a.klaviyo.com/oauth/token"
BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
SECRETS = (CLIENT_SECRET, REFRESH, OLD_ACCESS, NEW_ACCESS, "rotated-refresh-0123456789")


class TokenServer:
    """The token endpoint and the API behind one transport, recording every request."""

    def __init__(self, *, token_answers: list[httpx.Response] | None = None, api: list[int] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.seen: list[tuple[str, str | None]] = []
        self.token_answers = token_answers or [self.grant()]
        self.api = api or [200]
        self.lock = threading.Lock()
        self.hold: threading.Event | None = None

    @staticmethod
    def grant(access: str = NEW_ACCESS, expires_in: int = 3600, **extra: Any) -> httpx.Response:
        return httpx.Response(
            200, json={"access_token": access, "token_type": "Bearer", "expires_in": expires_in, **extra}
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.lock:
            self.requests.append(request)
            # The auth flow re-sends the same Request object, so record what it carried at the time.
            self.seen.append((request.url.path, request.headers.get("Authorization")))
        if request.url.path == "/oauth/token":
            if self.hold is not None:
                self.hold.wait(5)
            return self.token_answers.pop(0) if len(self.token_answers) > 1 else self.token_answers[0]
        with self.lock:
            status = self.api.pop(0) if len(self.api) > 1 else self.api[0]
        if status == 200:
            if request.url.path.startswith("/client/"):
                return httpx.Response(200, json={"data": [], "links": {"self": "x"}})
            return httpx.Response(200, json=PROFILE)
        return httpx.Response(status, json=error_body(status))

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        return self.handle(request)

    @property
    def refreshes(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == "/oauth/token"]

    @property
    def calls(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/oauth/token"]


def oauth(**overrides: Any) -> tuple[OAuth, list[OAuthToken]]:
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


def assert_refresh_request(request: httpx.Request, refresh_token: str = REFRESH) -> None:
    assert (request.method, str(request.url)) == ("POST", TOKEN_URL)
    assert request.headers["Authorization"] == BASIC
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {"grant_type": ["refresh_token"], "refresh_token": [refresh_token]}


def test_without_an_access_token_the_first_call_refreshes_then_sends_the_bearer() -> None:
    server = TokenServer()
    auth, saved = oauth()
    profile = client(server, auth).profiles.get_profile(PROFILE_ID)
    assert profile.data.id == PROFILE_ID
    assert [r.url.path for r in server.requests] == ["/oauth/token", f"/api/profiles/{PROFILE_ID}"]
    assert_refresh_request(server.requests[0])
    assert server.requests[1].headers["Authorization"] == f"Bearer {NEW_ACCESS}"
    assert saved == [OAuthToken(access_token=NEW_ACCESS, refresh_token=REFRESH, expires_at=NOW + 3600)]
    assert auth.token == saved[0]


def test_a_rotated_refresh_token_replaces_the_old_one_and_is_used_next_time() -> None:
    rotated = "rotated-refresh-0123456789"
    server = TokenServer(token_answers=[TokenServer.grant(expires_in=30, refresh_token=rotated), TokenServer.grant()])
    auth, saved = oauth()
    kv = client(server, auth)
    kv.profiles.get_profile(PROFILE_ID)
    assert saved[0].refresh_token == rotated
    kv.profiles.get_profile(PROFILE_ID)  # expires in 30 s < the 60 s leeway: refresh again
    assert len(server.refreshes) == 2
    assert_refresh_request(server.refreshes[1], refresh_token=rotated)


def test_a_token_far_from_expiry_is_used_as_is() -> None:
    server = TokenServer()
    auth, saved = oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    client(server, auth).profiles.get_profile(PROFILE_ID)
    assert server.refreshes == []
    assert server.calls[0].headers["Authorization"] == f"Bearer {OLD_ACCESS}"
    assert saved == []


def test_a_token_within_the_leeway_is_refreshed_before_the_call() -> None:
    now = [NOW]
    server = TokenServer()
    auth, _ = oauth(access_token=OLD_ACCESS, expires_at=NOW + 100, leeway=60.0, clock=lambda: now[0])
    kv = client(server, auth)
    kv.profiles.get_profile(PROFILE_ID)
    assert server.refreshes == []
    now[0] = NOW + 40.0  # 60 s before expiry
    kv.profiles.get_profile(PROFILE_ID)
    assert [r.url.path for r in server.requests[1:]] == ["/oauth/token", f"/api/profiles/{PROFILE_ID}"]
    assert server.requests[-1].headers["Authorization"] == f"Bearer {NEW_ACCESS}"
    assert auth.token.expires_at == NOW + 40.0 + 3600


def test_a_401_refreshes_exactly_once_and_resends() -> None:
    server = TokenServer(api=[401, 200])
    auth, saved = oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    client(server, auth).profiles.get_profile(PROFILE_ID)
    assert server.seen == [
        (f"/api/profiles/{PROFILE_ID}", f"Bearer {OLD_ACCESS}"),
        ("/oauth/token", BASIC),
        (f"/api/profiles/{PROFILE_ID}", f"Bearer {NEW_ACCESS}"),
    ]
    assert len(saved) == 1


def test_a_second_401_raises_without_another_refresh() -> None:
    server = TokenServer(api=[401])
    auth, _ = oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    with pytest.raises(AuthenticationError) as caught:
        client(server, auth).profiles.get_profile(PROFILE_ID)
    assert type(caught.value) is AuthenticationError
    assert len(server.refreshes) == 1
    assert len(server.calls) == 2


def test_a_refused_refresh_raises_and_the_call_is_never_sent() -> None:
    refused = httpx.Response(400, json={"error": "invalid_grant", "error_description": "Refresh token revoked"})
    server = TokenServer(token_answers=[refused])
    auth, saved = oauth()
    with pytest.raises(TokenRefreshError) as caught:
        client(server, auth).profiles.get_profile(PROFILE_ID)
    assert caught.value.status_code == 400
    assert "invalid_grant" in caught.value.body_text
    assert isinstance(caught.value, AuthenticationError)
    assert server.calls == []
    assert saved == []


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>login</html>"),
        httpx.Response(200, json={"token_type": "Bearer"}),
        httpx.Response(200, json={"access_token": "", "expires_in": 10}),
        httpx.Response(200, json={"access_token": "x" * 12, "expires_in": "soon"}),
    ],
)
def test_a_garbled_token_answer_is_a_decode_error_not_a_crash(answer: httpx.Response) -> None:
    server = TokenServer(token_answers=[answer])
    with pytest.raises(ResponseDecodeError):
        client(server, oauth()[0]).profiles.get_profile(PROFILE_ID)
    assert server.calls == []


def test_client_endpoints_get_no_bearer_and_trigger_no_refresh() -> None:
    server = TokenServer()
    auth, _ = oauth()
    kv = Klaviyo(oauth=auth, company_id="AbC123", transport=httpx.MockTransport(server.handle))
    kv.client.get_client_geofences()
    assert server.refreshes == []
    assert "Authorization" not in server.calls[0].headers


def test_threads_share_one_refresh() -> None:
    server = TokenServer()
    server.hold = threading.Event()
    auth, saved = oauth(access_token=OLD_ACCESS, expires_at=NOW - 1)
    kv = client(server, auth)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            kv.profiles.get_profile(PROFILE_ID)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    # Every thread is either holding the refresh lock or queued on it by now; let the refresh finish.
    threading.Timer(0.05, server.hold.set).start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(server.refreshes) == 1
    assert len(saved) == 1
    assert [r.headers["Authorization"] for r in server.calls] == [f"Bearer {NEW_ACCESS}"] * 8


# -- async twins ------------------------------------------------------------------------------


def test_async_first_call_refreshes_then_sends_the_bearer() -> None:
    server = TokenServer()
    auth, saved = oauth()
    run(aclient(server, auth).profiles.get_profile(PROFILE_ID))
    assert [r.url.path for r in server.requests] == ["/oauth/token", f"/api/profiles/{PROFILE_ID}"]
    assert_refresh_request(server.requests[0])
    assert server.requests[1].headers["Authorization"] == f"Bearer {NEW_ACCESS}"
    assert len(saved) == 1


def test_async_401_refreshes_once_and_a_second_401_raises() -> None:
    server = TokenServer(api=[401, 200])
    auth, _ = oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)
    run(aclient(server, auth).profiles.get_profile(PROFILE_ID))
    assert [r.url.path for r in server.requests] == [
        f"/api/profiles/{PROFILE_ID}",
        "/oauth/token",
        f"/api/profiles/{PROFILE_ID}",
    ]
    server = TokenServer(api=[401])
    with pytest.raises(AuthenticationError):
        run(aclient(server, oauth(access_token=OLD_ACCESS, expires_at=NOW + 3600)[0]).profiles.get_profile(PROFILE_ID))
    assert (len(server.refreshes), len(server.calls)) == (1, 2)


def test_async_refused_refresh_raises() -> None:
    server = TokenServer(token_answers=[httpx.Response(401, json={"error": "invalid_client"})])
    with pytest.raises(TokenRefreshError):
        run(aclient(server, oauth()[0]).profiles.get_profile(PROFILE_ID))
    assert server.calls == []


def test_async_tasks_share_one_refresh() -> None:
    server = TokenServer()
    auth, saved = oauth(access_token=OLD_ACCESS, expires_at=NOW - 1)

    async def slow_token(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            await asyncio.sleep(0)  # let every other task reach the lock
        return server.handle(request)

    kv = AsyncKlaviyo(oauth=auth, transport=httpx.MockTransport(slow_token), retry=False, rate_limits=False)

    async def main() -> None:
        await asyncio.gather(*(kv.profiles.get_profile(PROFILE_ID) for _ in range(10)))

    run(main())
    assert len(server.refreshes) == 1
    assert len(saved) == 1
    assert [r.headers["Authorization"] for r in server.calls] == [f"Bearer {NEW_ACCESS}"] * 10


# -- secrets ------------------------------------------------------------------------------------


def test_tokens_and_the_client_secret_stay_out_of_reprs_errors_and_pickles() -> None:
    refused = httpx.Response(400, json={"error": "invalid_grant", "error_description": f"bad {REFRESH}"})
    server = TokenServer(token_answers=[refused])
    auth, _ = oauth(access_token=OLD_ACCESS, expires_at=NOW - 1)
    kv = client(server, auth)
    with pytest.raises(TokenRefreshError) as caught:
        kv.profiles.get_profile(PROFILE_ID)
    texts = [repr(auth), repr(auth.token), repr(kv), str(caught.value), repr(caught.value)]
    pickled = pickle.dumps(caught.value)
    for secret in SECRETS:
        assert all(secret not in text for text in texts), secret
        assert secret.encode() not in pickled, secret
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(auth)
