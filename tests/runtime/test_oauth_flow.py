"""The start of an OAuth app: the authorization URL with PKCE, the code exchange, revocation.

The requests are asserted exactly over ``httpx.MockTransport``; the flow runs end to end against
``FakeKlaviyo``'s authorization server (``add_oauth_app``, ``approve``, ``/oauth/token``,
``/oauth/revoke``), with expiry on a ``VirtualClock``. Nothing sleeps and nothing leaves the process.
"""

from __future__ import annotations

import asyncio
import base64
import json
import pickle
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from klaviyo_generated import (
    APIConnectionError,
    APITimeoutError,
    AsyncKlaviyo,
    AuthenticationError,
    AuthorizationRequest,
    ConfigurationError,
    InputError,
    Klaviyo,
    OAuth,
    OAuthError,
    OAuthToken,
    ResponseDecodeError,
    TokenRefreshError,
    aexchange_code,
    arevoke,
    authorization_url,
    exchange_code,
    revoke,
)
from klaviyo_generated._oauth_flow import code_challenge
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock

CLIENT_ID = "app-client-id"
CLIENT_SECRET = "app-client-secret-0123456789"
REDIRECT = "https://app.example.com/klaviyo/callback?tenant=7"
BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
FORM = "application/x-www-form-urlencoded"
TOKEN_URL = "https://a.klaviyo.com/oauth/token"
REVOKE_URL = "https://a.klaviyo.com/oauth/revoke"
# RFC 7636 Appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
CODE = "one-time-code-0123456789"
ACCESS = "access-token-0123456789"
REFRESH = "refresh-token-0123456789"
NOW = 1_800_000_000.0
TOKEN_ANSWER = {
    "access_token": ACCESS,
    "token_type": "Bearer",
    "expires_in": 3600,
    "refresh_token": REFRESH,
    "scope": "accounts:read profiles:read",
}
SECRETS = (CLIENT_SECRET, CODE, RFC_VERIFIER, ACCESS, REFRESH)


class Recorder:
    """A token endpoint that answers ``answer`` (or raises it) and records what reached it."""

    def __init__(self, answer: httpx.Response | Exception) -> None:
        self.answer = answer
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    async def handle(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self(request)


def json_answer(status: int, document: object) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(document).encode(), headers={"Content-Type": "application/json"})


def exchange(transport: httpx.BaseTransport, **overrides: Any) -> OAuth:
    arguments: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code": CODE,
        "code_verifier": RFC_VERIFIER,
        "redirect_uri": REDIRECT,
        "transport": transport,
        "clock": lambda: NOW,
    }
    return exchange_code(**{**arguments, **overrides})


def assert_no_secrets(error: BaseException) -> None:
    texts = (str(error), repr(error), *map(str, error.args))
    for secret in SECRETS:
        assert not any(secret in text for text in texts), secret
    pickled = pickle.dumps(error)
    for secret in SECRETS:
        assert secret.encode() not in pickled, secret


# -- the authorization URL ------------------------------------------------------------------------


def test_the_pkce_challenge_is_rfc_7636_appendix_b() -> None:
    assert code_challenge(RFC_VERIFIER) == RFC_CHALLENGE


def test_the_authorization_url_carries_every_parameter_encoded() -> None:
    start = authorization_url(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT,
        scopes=["accounts:read", "profiles:read"],
        state="state-123",
        code_verifier=RFC_VERIFIER,
    )
    assert start == AuthorizationRequest(
        url=(
            "https://www.klaviyo.com/oauth/authorize?response_type=code&client_id=app-client-id"
            "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fklaviyo%2Fcallback%3Ftenant%3D7"
            "&scope=accounts%3Aread%20profiles%3Aread&state=state-123&code_challenge_method=S256"
            f"&code_challenge={RFC_CHALLENGE}"
        ),
        code_verifier=RFC_VERIFIER,
        state="state-123",
    )
    assert RFC_VERIFIER not in repr(start)


def test_a_generated_verifier_and_state_are_fresh_and_of_the_allowed_alphabet() -> None:
    first = authorization_url(client_id=CLIENT_ID, redirect_uri=REDIRECT, scopes=("accounts:read",))
    second = authorization_url(client_id=CLIENT_ID, redirect_uri=REDIRECT, scopes=("accounts:read",))
    assert first.code_verifier != second.code_verifier
    assert first.state != second.state
    for start in (first, second):
        assert len(start.code_verifier) == 86
        assert len(start.state) == 43
        assert set(start.code_verifier) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        query = dict(parse_qsl(urlsplit(start.url).query))
        assert (query["state"], query["code_challenge"]) == (start.state, code_challenge(start.code_verifier))


def test_http_redirects_are_allowed_on_loopback_only() -> None:
    for uri in ("http://localhost:5000/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb"):
        authorization_url(client_id=CLIENT_ID, redirect_uri=uri, scopes=["accounts:read"])
    with pytest.raises(ConfigurationError) as caught:
        authorization_url(client_id=CLIENT_ID, redirect_uri="http://app.example.com/cb", scopes=["accounts:read"])
    assert str(caught.value) == "redirect_uri must use https; plain http only on localhost, 127.0.0.1 or ::1"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"scopes": "accounts:read profiles:read"},
            "scopes must be a list or tuple of scope names, such as ['accounts:read', 'profiles:read'], not a str",
        ),
        (
            {"scopes": {"accounts:read": True}},
            "scopes must be a list or tuple of scope names, such as ['accounts:read', 'profiles:read'], not dict",
        ),
        (
            {"scopes": None},
            "scopes must be a list or tuple of scope names, such as ['accounts:read', 'profiles:read'], not NoneType",
        ),
        ({"scopes": []}, "scopes is empty: name at least one scope, such as ['accounts:read']"),
        (
            {"scopes": ["accounts:read", ""]},
            "each scope must be a non-empty str without spaces, quotes or backslashes, got ''",
        ),
        ({"scopes": ["a b"]}, "each scope must be a non-empty str without spaces, quotes or backslashes, got 'a b'"),
        ({"client_id": ""}, "client_id must be a non-empty str without surrounding whitespace"),
        ({"client_id": None}, "client_id must be a non-empty str, got NoneType"),
        ({"redirect_uri": None}, "redirect_uri must be a str, got NoneType"),
        (
            {"redirect_uri": "/callback"},
            "redirect_uri must be an absolute https URL, e.g. 'https://app.example.com/callback'",
        ),
        (
            {"redirect_uri": "https://app.example.com/cb#x"},
            "redirect_uri must not contain a fragment ('#...'), RFC 6749 section 3.1.2",
        ),
        ({"state": ""}, "state must be a str of 1 to 512 printable ASCII characters"),
        (
            {"code_verifier": "short"},
            "code_verifier must be a str of 43 to 128 characters from A-Z a-z 0-9 - . _ ~ "
            "(RFC 7636), the AuthorizationRequest.code_verifier kept from authorization_url()",
        ),
        (
            {"authorize_url": "http://www.klaviyo.com/oauth/authorize"},
            "authorize_url must use https (http only on localhost, 127.0.0.1 or ::1)",
        ),
    ],
)
def test_bad_authorization_arguments_are_refused_saying_what_is_allowed(
    arguments: dict[str, Any], message: str
) -> None:
    given: dict[str, Any] = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "scopes": ["accounts:read"]}
    with pytest.raises(ConfigurationError) as caught:
        authorization_url(**{**given, **arguments})
    assert str(caught.value) == message


# -- the exact requests -----------------------------------------------------------------------------


def test_the_code_exchange_sends_one_exact_request_and_persists_the_first_token() -> None:
    endpoint = Recorder(json_answer(200, TOKEN_ANSWER))
    saved: list[OAuthToken] = []
    oauth = exchange(httpx.MockTransport(endpoint), on_token_refresh=saved.append)
    [sent] = endpoint.sent
    assert (sent.method, str(sent.url)) == ("POST", TOKEN_URL)
    assert (sent.headers["Authorization"], sent.headers["Content-Type"], sent.headers["Accept"]) == (
        BASIC,
        FORM,
        "application/json",
    )
    assert parse_qsl(sent.content.decode(), keep_blank_values=True) == [
        ("grant_type", "authorization_code"),
        ("code", CODE),
        ("code_verifier", RFC_VERIFIER),
        ("redirect_uri", REDIRECT),
    ]
    expected = OAuthToken(
        access_token=ACCESS, refresh_token=REFRESH, expires_at=NOW + 3600, scope="accounts:read profiles:read"
    )
    assert oauth.token == expected
    assert saved == [expected]
    assert oauth.refreshes == 0


def test_the_async_code_exchange_sends_the_same_request() -> None:
    endpoint = Recorder(json_answer(200, TOKEN_ANSWER))
    saved: list[OAuthToken] = []
    oauth = asyncio.run(
        aexchange_code(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            code=CODE,
            code_verifier=RFC_VERIFIER,
            redirect_uri=REDIRECT,
            on_token_refresh=saved.append,
            transport=httpx.MockTransport(endpoint.handle),
            clock=lambda: NOW,
        )
    )
    [sent] = endpoint.sent
    assert (sent.method, str(sent.url), sent.headers["Authorization"]) == ("POST", TOKEN_URL, BASIC)
    assert (
        sent.content
        == (
            f"grant_type=authorization_code&code={CODE}&code_verifier={RFC_VERIFIER}"
            "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fklaviyo%2Fcallback%3Ftenant%3D7"
        ).encode()
    )
    assert saved == [oauth.token]
    assert oauth.token.access_token == ACCESS


def test_revoke_sends_the_refresh_token_with_client_credentials() -> None:
    endpoint = Recorder(httpx.Response(200))
    revoke(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token=REFRESH, transport=httpx.MockTransport(endpoint))
    [sent] = endpoint.sent
    assert (sent.method, str(sent.url), sent.headers["Authorization"], sent.headers["Content-Type"]) == (
        "POST",
        REVOKE_URL,
        BASIC,
        FORM,
    )
    assert sent.content == f"token={REFRESH}&token_type_hint=refresh_token".encode()
    with pytest.raises(ConfigurationError) as caught:
        revoke(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token=REFRESH, token_type_hint="id_token")  # type: ignore[arg-type]
    assert str(caught.value) == "token_type_hint must be 'refresh_token' or 'access_token', not 'id_token'"


def test_a_wrong_transport_type_is_refused_before_sending() -> None:
    with pytest.raises(ConfigurationError) as caught:
        exchange(httpx.AsyncHTTPTransport())  # type: ignore[arg-type]
    assert str(caught.value) == "transport must be an httpx.BaseTransport, got AsyncHTTPTransport"


# -- failures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            400,
            {"error": "invalid_grant", "error_description": f"Code {CODE} was already used."},
            "HTTP 400 invalid_grant: Code *** was already used.",
        ),
        (401, {"error": "invalid_client"}, "HTTP 401 invalid_client"),
        (503, {"message": "down"}, 'HTTP 503 Service Unavailable: {"message": "down"}'),
    ],
)
def test_a_refused_exchange_is_an_oauth_error_naming_rfc_6749_fields_and_no_secret(
    status: int, body: dict[str, str], message: str
) -> None:
    endpoint = Recorder(json_answer(status, body))
    saved: list[OAuthToken] = []
    with pytest.raises(OAuthError) as caught:
        exchange(httpx.MockTransport(endpoint), on_token_refresh=saved.append)
    error = caught.value
    assert type(error) is OAuthError
    assert str(error) == message
    assert (error.status_code, error.error, error.error_description) == (
        status,
        body.get("error"),
        body.get("error_description"),
    )
    assert len(endpoint.sent) == 1  # never retried: the code may be spent
    assert saved == []
    assert_no_secrets(error)


@pytest.mark.parametrize(
    ("failure", "kind", "message"),
    [
        (
            httpx.ConnectError("refused"),
            APIConnectionError,
            "Connection error (POST https://a.klaviyo.com:443/oauth/token): ConnectError: refused",
        ),
        (
            httpx.ReadTimeout("slow"),
            APITimeoutError,
            "Request timed out (POST https://a.klaviyo.com:443/oauth/token): ReadTimeout: slow",
        ),
    ],
)
def test_network_failures_are_typed_and_not_retried(
    failure: Exception, kind: type[APIConnectionError], message: str
) -> None:
    endpoint = Recorder(failure)
    with pytest.raises(kind) as caught:
        exchange(httpx.MockTransport(endpoint))
    assert type(caught.value) is kind
    assert str(caught.value) == message
    assert len(endpoint.sent) == 1
    assert_no_secrets(caught.value)
    with pytest.raises(kind):
        asyncio.run(
            arevoke(
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                token=REFRESH,
                transport=httpx.MockTransport(endpoint.handle),
            )
        )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html>Bad gateway</html>", "is not JSON"),
        (b'["a"]', "is not a JSON object"),
        (
            json.dumps({"refresh_token": REFRESH, "expires_in": 3600}).encode(),
            "has no access_token (a non-empty string)",
        ),
        (
            json.dumps({"access_token": ACCESS, "expires_in": 3600}).encode(),
            "has no refresh_token (a non-empty string)",
        ),
        (
            json.dumps({"access_token": ACCESS, "refresh_token": REFRESH, "expires_in": "soon"}).encode(),
            "has an expires_in that is not a number",
        ),
    ],
)
def test_a_token_answer_of_the_wrong_shape_is_a_decode_error_with_tokens_masked(content: bytes, reason: str) -> None:
    endpoint = Recorder(httpx.Response(200, content=content, headers={"Content-Type": "application/json"}))
    saved: list[OAuthToken] = []
    with pytest.raises(ResponseDecodeError) as caught:
        exchange(httpx.MockTransport(endpoint), on_token_refresh=saved.append)
    masked = content.decode().replace(ACCESS, "***").replace(REFRESH, "***")
    assert str(caught.value) == f"HTTP 200 response body {reason}: {masked}"
    assert saved == []
    assert_no_secrets(caught.value)


def test_a_token_answer_nested_thousands_deep_is_a_decode_error() -> None:
    endpoint = Recorder(httpx.Response(200, content=b"[" * 10_000 + b"]" * 10_000))
    with pytest.raises(ResponseDecodeError) as caught:
        exchange(httpx.MockTransport(endpoint))
    assert str(caught.value).startswith("HTTP 200 response body is not JSON: [[[")
    assert isinstance(caught.value.__context__, RecursionError)


def test_a_body_its_content_encoding_cannot_undo_is_a_connection_error() -> None:
    # httpx raises DecodingError while reading the answer: no response to decode, nothing usable arrived.
    endpoint = Recorder(httpx.Response(200, stream=httpx.ByteStream(b"not gzip"), headers={"Content-Encoding": "gzip"}))
    with pytest.raises(APIConnectionError) as caught:
        exchange(httpx.MockTransport(endpoint))
    assert type(caught.value) is APIConnectionError
    assert str(caught.value).startswith(
        "Connection error (POST https://a.klaviyo.com:443/oauth/token): DecodingError: Error -3 while decompressing"
    )
    assert len(endpoint.sent) == 1
    assert_no_secrets(caught.value)


# -- against FakeKlaviyo ----------------------------------------------------------------------------------


def registered(clock: VirtualClock | None = None) -> FakeKlaviyo:
    fake = FakeKlaviyo(clock=clock)
    fake.add_oauth_app(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT])
    return fake


def consent(fake: FakeKlaviyo) -> tuple[AuthorizationRequest, dict[str, str]]:
    start = authorization_url(client_id=CLIENT_ID, redirect_uri=REDIRECT, scopes=["accounts:read", "profiles:read"])
    redirected = fake.approve(start)
    assert redirected.startswith(REDIRECT + "&code=")
    return start, dict(parse_qsl(urlsplit(redirected).query))


def fake_exchange(fake: FakeKlaviyo, start: AuthorizationRequest, code: str, **overrides: Any) -> OAuth:
    arguments: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code": code,
        "code_verifier": start.code_verifier,
        "redirect_uri": REDIRECT,
        "transport": fake.transport(),
    }
    return exchange_code(**{**arguments, **overrides})


def expect_oauth_error(call: Callable[[], object]) -> OAuthError:
    with pytest.raises(OAuthError) as caught:
        call()
    return caught.value


def test_the_fake_approves_and_exchanges_once() -> None:
    fake = registered()
    start, query = consent(fake)
    assert query == {"tenant": "7", "code": query["code"], "state": start.state}
    oauth = fake_exchange(fake, start, query["code"])
    assert oauth.token.access_token.startswith("fake-access-")
    assert oauth.token.scope == "accounts:read profiles:read"
    replay = expect_oauth_error(lambda: fake_exchange(fake, start, query["code"]))
    assert str(replay) == "HTTP 400 invalid_grant: The authorization code was already used."
    # The replay revoked what the code was first exchanged for (RFC 6749 section 4.1.2).
    with Klaviyo(oauth=oauth, transport=fake.transport()) as kv, pytest.raises(TokenRefreshError):
        kv.profiles.get_profiles()


def test_the_fake_refuses_a_wrong_verifier_secret_or_redirect() -> None:
    fake = registered()
    start, query = consent(fake)
    other = authorization_url(client_id=CLIENT_ID, redirect_uri=REDIRECT, scopes=["accounts:read"])
    wrong = expect_oauth_error(lambda: fake_exchange(fake, start, query["code"], code_verifier=other.code_verifier))
    assert (str(wrong), wrong.error) == ("HTTP 400 invalid_grant: Invalid code verifier.", "invalid_grant")
    start, query = consent(fake)
    secret = expect_oauth_error(lambda: fake_exchange(fake, start, query["code"], client_secret="not-the-secret"))
    assert (str(secret), secret.status_code) == ("HTTP 401 invalid_client: Client authentication failed.", 401)
    elsewhere = expect_oauth_error(
        lambda: fake_exchange(fake, start, query["code"], redirect_uri="https://app.example.com/other")
    )
    assert str(elsewhere) == "HTTP 400 invalid_grant: redirect_uri does not match the authorization request."
    for error in (wrong, secret, elsewhere):
        assert start.code_verifier not in str(error)
        assert query["code"] not in str(error)


def test_the_fake_shows_an_error_instead_of_redirecting_for_an_unregistered_redirect() -> None:
    fake = registered()
    start = authorization_url(client_id=CLIENT_ID, redirect_uri="https://evil.example.com/cb", scopes=["a:read"])
    with pytest.raises(InputError) as caught:
        fake.approve(start)
    assert str(caught.value) == f"redirect_uri 'https://evil.example.com/cb' is not one of the app's {[REDIRECT]}"


def test_end_to_end_consent_exchange_call_expiry_refresh_call_revoke() -> None:
    clock = VirtualClock(NOW)
    fake = registered(clock)
    start, query = consent(fake)
    saved: list[OAuthToken] = []
    oauth = fake_exchange(fake, start, query["code"], on_token_refresh=saved.append, clock=clock)
    assert saved == [oauth.token]
    assert oauth.token.expires_at == NOW + 3600
    with Klaviyo(oauth=oauth, transport=fake.transport(), clock=clock, sleep=clock.sleep) as kv:
        kv.profiles.get_profiles()
        first = oauth.token
        clock.sleep(3600 - 30)  # within the 60 s leeway: the next call refreshes first
        kv.profiles.get_profiles()
        assert oauth.refreshes == 1
        assert saved == [first, oauth.token]
        assert oauth.token.refresh_token != first.refresh_token  # the fake rotates refresh tokens
        paths = [(r.method, r.url.path, r.headers["Authorization"].split(" ")[0]) for r in fake.requests]
        assert paths == [
            ("POST", "/oauth/token", "Basic"),
            ("GET", "/api/profiles", "Bearer"),
            ("POST", "/oauth/token", "Basic"),
            ("GET", "/api/profiles", "Bearer"),
        ]
        assert fake.requests[-1].headers["Authorization"] == f"Bearer {oauth.token.access_token}"
        revoke(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            token=oauth.token.refresh_token,
            transport=fake.transport(),
        )
        revoked = oauth.token.access_token
        with pytest.raises(TokenRefreshError) as caught:
            kv.profiles.get_profiles()
    assert isinstance(caught.value, AuthenticationError)
    answer = fake.handle(
        httpx.Request("GET", "https://a.klaviyo.com/api/profiles", headers={"Authorization": f"Bearer {revoked}"})
    )
    assert (answer.status_code, answer.json()["errors"][0]["detail"]) == (
        401,
        "The access token is invalid, expired or revoked.",
    )
    assert str(caught.value) == (
        'HTTP 400 Bad Request: {"error": "invalid_grant", '
        '"error_description": "The refresh token is invalid, expired or revoked."}'
    )
    # The revoked access token got the API's 401, then the refresh was refused.
    assert [(r.url.path, r.headers["Authorization"].split(" ")[0]) for r in fake.requests[4:7]] == [
        ("/oauth/revoke", "Basic"),
        ("/api/profiles", "Bearer"),
        ("/oauth/token", "Basic"),
    ]


def test_end_to_end_async() -> None:
    fake = registered()
    start, query = consent(fake)

    async def main() -> OAuth:
        oauth = await aexchange_code(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            code=query["code"],
            code_verifier=start.code_verifier,
            redirect_uri=REDIRECT,
            transport=fake.async_transport(),
        )
        async with AsyncKlaviyo(oauth=oauth, transport=fake.async_transport()) as kv:
            await kv.profiles.get_profiles()
            await arevoke(
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                token=oauth.token.access_token,
                token_type_hint="access_token",
                transport=fake.async_transport(),
            )
            with pytest.raises(TokenRefreshError):
                await kv.profiles.get_profiles()
        return oauth

    asyncio.run(main())
    assert [r.url.path for r in fake.requests] == [
        "/oauth/token",
        "/api/profiles",
        "/oauth/revoke",
        "/api/profiles",
        "/oauth/token",
    ]


def test_unknown_bearer_tokens_still_pass_until_an_app_is_registered() -> None:
    fake = FakeKlaviyo()
    oauth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH, access_token=ACCESS)
    with Klaviyo(oauth=oauth, transport=fake.transport()) as kv:
        kv.profiles.get_profiles()
        fake.add_oauth_app(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT])
        with pytest.raises(TokenRefreshError):
            kv.profiles.get_profiles()
    assert [(r.url.path, r.headers["Authorization"]) for r in fake.requests] == [
        ("/api/profiles", f"Bearer {ACCESS}"),
        ("/api/profiles", f"Bearer {ACCESS}"),
        ("/oauth/token", BASIC),
    ]
