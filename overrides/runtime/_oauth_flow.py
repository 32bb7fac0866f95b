"""The start of an OAuth app's life: the authorization URL (with PKCE), the code exchange, revocation.

``OAuth`` (``_oauth``) keeps a token fresh once an app has one; this module gets the first one.
``authorization_url`` builds the consent page address Klaviyo documents
(``https://www.klaviyo.com/oauth/authorize``, PKCE S256 required) with a fresh ``code_verifier`` and
``state`` to keep server-side; ``exchange_code``/``aexchange_code`` trade the code the redirect
brought back for a token at ``https://a.klaviyo.com/oauth/token`` (HTTP Basic client credentials,
a form body) and return the refreshing ``OAuth``, whose callback receives that first token to persist;
``revoke``/``arevoke`` end a grant at ``https://a.klaviyo.com/oauth/revoke``.

Why no library: PKCE is a ``secrets`` call, a SHA-256 and base64url (RFC 7636), and each endpoint is
one form POST. authlib's ``AsyncOAuth2Client`` is its own ``httpx.Client`` subclass and brings
``cryptography`` and ``joserfc`` along; its helpers are untyped for mypy strict; httpx-auth and
oauthlib (no httpx at all) fit no better. Done here, the requests go through the transport the
caller hands in (``FakeKlaviyo.transport()`` in tests) and fail with this package's errors.

Retries: none. A code is single-use, so a code exchange whose request was sent may have consumed it
even when the answer was lost: sending it again would earn ``invalid_grant`` (and RFC 6749 lets the
server revoke the tokens the first exchange issued). A network failure raises ``APIConnectionError``
and the user is sent through consent again. Revocation is rare and cheap to repeat by hand.

Secrets: no message names the client secret, the code, the verifier or a token. Errors quote the
answer with the request's credentials scrubbed (``_error_text.secrets_of`` reads the form body), and
an answer whose shape is wrong has its token values masked (``_oauth._without_tokens``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal
from urllib.parse import quote, urlencode

import attrs
import httpx

from ._exceptions import ConfigurationError, OAuthError, ResponseDecodeError, connection_error
from ._oauth import OAuth, OAuthToken, _without_tokens
from ._settings import DEFAULT_TIMEOUT

__all__ = [
    "AUTHORIZE_URL",
    "REVOKE_URL",
    "TOKEN_URL",
    "AuthorizationRequest",
    "aexchange_code",
    "arevoke",
    "authorization_url",
    "code_challenge",
    "exchange_code",
    "revoke",
]

AUTHORIZE_URL: Final = "https://www.klaviyo.com/oauth/authorize"
# Klaviyo refuses token traffic through www.klaviyo.com since 2025-03-31: a.klaviyo.com only.
TOKEN_URL: Final = "https://a.klaviyo.com/oauth/token"
REVOKE_URL: Final = "https://a.klaviyo.com/oauth/revoke"

_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 section 4.1
_SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")  # RFC 6749 section 3.3's scope-token
_STATE = re.compile(r"[\x20-\x7e]{1,512}")  # RFC 6749's VSCHAR; the bound keeps URLs sane
# RFC 8252 section 7.3: a native or development app's loopback redirect may be plain http.
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})

TokenHint = Literal["refresh_token", "access_token"]


@attrs.frozen(kw_only=True)
class AuthorizationRequest:
    """Where to send the user, and what to keep until the redirect comes back.

    Keep ``code_verifier`` and ``state`` server-side (keyed by ``state``), never in the URL or a
    cookie the user can read; compare the redirect's ``state`` with ``state`` before exchanging.
    """

    url: str
    code_verifier: str = attrs.field(repr=False)
    state: str


def code_challenge(code_verifier: str) -> str:
    """RFC 7636's S256 challenge: base64url (unpadded) of the verifier's SHA-256."""
    digest = hashlib.sha256(_verifier(code_verifier).encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def authorization_url(
    *,
    client_id: str,
    redirect_uri: str,
    scopes: Sequence[str],
    state: str | None = None,
    code_verifier: str | None = None,
    authorize_url: str = AUTHORIZE_URL,
) -> AuthorizationRequest:
    """The consent page URL for ``scopes``, with a new PKCE verifier and ``state`` (generated if not given).

    Args:
        client_id: the app's client id.
        redirect_uri: one of the app's registered redirect URLs: https, or http on localhost /
            127.0.0.1 / ::1 for development (Klaviyo's own demo app uses ``http://localhost:5000``).
        scopes: a list or tuple of scope names (``["accounts:read", "profiles:read"]``); a single
            string is refused, since ``"profiles:read lists:read"`` and a typo look the same.
        state: the CSRF value the redirect will carry back; default 32 random bytes, base64url.
        code_verifier: the PKCE verifier (43-128 characters of ``A-Z a-z 0-9 - . _ ~``); default 64
            random bytes, base64url. Pass one only to reproduce a URL.
    """
    verifier = _verifier(code_verifier) if code_verifier is not None else secrets.token_urlsafe(64)
    chosen = _state(state) if state is not None else secrets.token_urlsafe(32)
    query = {
        "response_type": "code",
        "client_id": _text("client_id", client_id),
        "redirect_uri": _redirect_uri(redirect_uri),
        "scope": " ".join(_scopes(scopes)),
        "state": chosen,
        "code_challenge_method": "S256",
        "code_challenge": code_challenge(verifier),
    }
    # quote_via keeps the space of "scope" as %20 (RFC 3986), as Klaviyo's own examples write it.
    url = f"{_url('authorize_url', authorize_url)}?{urlencode(query, quote_via=quote)}"
    return AuthorizationRequest(url=url, code_verifier=verifier, state=chosen)


def exchange_code(
    *,
    client_id: str,
    client_secret: str,
    code: str,
    code_verifier: str,
    redirect_uri: str,
    on_token_refresh: Callable[[OAuthToken], object] | None = None,
    token_url: str = TOKEN_URL,
    transport: httpx.BaseTransport | None = None,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    clock: Callable[[], float] = time.time,
) -> OAuth:
    """Trade the redirect's ``code`` for a token; the ``OAuth`` to pass as ``Klaviyo(oauth=...)``.

    ``on_token_refresh`` is called with the first token before this returns, and with every
    refreshed one later: persist it there. Sent once, never retried (a code is single-use).

    Raises:
        ConfigurationError: an argument is missing or malformed; nothing was sent.
        OAuthError: the endpoint refused (``.error``: ``invalid_grant`` for a used, expired or unknown
            code, a wrong verifier or redirect_uri; ``invalid_client`` for a wrong id or secret).
        APIConnectionError: no answer (``APITimeoutError`` when it timed out).
        ResponseDecodeError: a 2xx answer without a usable token (token values masked).
    """
    if transport is not None and not isinstance(transport, httpx.BaseTransport):
        raise ConfigurationError(f"transport must be an httpx.BaseTransport, got {type(transport).__name__}")
    request = _exchange_request(
        client_id=client_id,
        client_secret=client_secret,
        code=code,
        code_verifier=code_verifier,
        redirect_uri=redirect_uri,
        url=token_url,
    )
    with httpx.Client(transport=transport, timeout=timeout) as client:
        try:
            response = client.send(request)
        except (httpx.HTTPError, httpx.StreamError) as error:  # DecodingError too: a body undone wrong
            raise connection_error(error, request=request) from error
    return _oauth_from(
        response,
        client_id=client_id,
        client_secret=client_secret,
        token_url=token_url,
        on_token_refresh=on_token_refresh,
        clock=clock,
    )


async def aexchange_code(
    *,
    client_id: str,
    client_secret: str,
    code: str,
    code_verifier: str,
    redirect_uri: str,
    on_token_refresh: Callable[[OAuthToken], object] | None = None,
    token_url: str = TOKEN_URL,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    clock: Callable[[], float] = time.time,
) -> OAuth:
    """``exchange_code`` for asyncio (``transport`` is an ``httpx.AsyncBaseTransport``)."""
    if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
        raise ConfigurationError(f"transport must be an httpx.AsyncBaseTransport, got {type(transport).__name__}")
    request = _exchange_request(
        client_id=client_id,
        client_secret=client_secret,
        code=code,
        code_verifier=code_verifier,
        redirect_uri=redirect_uri,
        url=token_url,
    )
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        try:
            response = await client.send(request)
        except (httpx.HTTPError, httpx.StreamError) as error:  # DecodingError too: a body undone wrong
            raise connection_error(error, request=request) from error
    return _oauth_from(
        response,
        client_id=client_id,
        client_secret=client_secret,
        token_url=token_url,
        on_token_refresh=on_token_refresh,
        clock=clock,
    )


def revoke(
    *,
    client_id: str,
    client_secret: str,
    token: str,
    token_type_hint: TokenHint = "refresh_token",
    revoke_url: str = REVOKE_URL,
    transport: httpx.BaseTransport | None = None,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
) -> None:
    """Revoke ``token`` (RFC 7009): revoking the refresh token ends the app's grant for that account.

    Raises ``OAuthError`` when the endpoint refuses (``invalid_client``), ``APIConnectionError`` when
    no answer came; an unknown or already revoked token is no error (RFC 7009 section 2.2).
    """
    if transport is not None and not isinstance(transport, httpx.BaseTransport):
        raise ConfigurationError(f"transport must be an httpx.BaseTransport, got {type(transport).__name__}")
    request = _revoke_request(client_id, client_secret, token, token_type_hint, revoke_url)
    with httpx.Client(transport=transport, timeout=timeout) as client:
        try:
            response = client.send(request)
        except (httpx.HTTPError, httpx.StreamError) as error:  # DecodingError too: a body undone wrong
            raise connection_error(error, request=request) from error
    _check(response)


async def arevoke(
    *,
    client_id: str,
    client_secret: str,
    token: str,
    token_type_hint: TokenHint = "refresh_token",
    revoke_url: str = REVOKE_URL,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
) -> None:
    """``revoke`` for asyncio (``transport`` is an ``httpx.AsyncBaseTransport``)."""
    if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
        raise ConfigurationError(f"transport must be an httpx.AsyncBaseTransport, got {type(transport).__name__}")
    request = _revoke_request(client_id, client_secret, token, token_type_hint, revoke_url)
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        try:
            response = await client.send(request)
        except (httpx.HTTPError, httpx.StreamError) as error:  # DecodingError too: a body undone wrong
            raise connection_error(error, request=request) from error
    _check(response)


# -- requests ------------------------------------------------------------------------------------


def _exchange_request(
    *, client_id: object, client_secret: object, code: object, code_verifier: object, redirect_uri: object, url: object
) -> httpx.Request:
    form = {
        "grant_type": "authorization_code",
        "code": _text("code", code),
        "code_verifier": _verifier(code_verifier),
        "redirect_uri": _redirect_uri(redirect_uri),
    }
    return _form_request(_url("token_url", url), form, client_id, client_secret)


def _revoke_request(
    client_id: object, client_secret: object, token: object, hint: object, url: object
) -> httpx.Request:
    if hint not in ("refresh_token", "access_token"):
        raise ConfigurationError(f"token_type_hint must be 'refresh_token' or 'access_token', not {hint!r}")
    form = {"token": _text("token", token), "token_type_hint": str(hint)}
    return _form_request(_url("revoke_url", url), form, client_id, client_secret)


def _form_request(url: str, form: dict[str, str], client_id: object, client_secret: object) -> httpx.Request:
    basic = httpx.BasicAuth(_text("client_id", client_id), _text("client_secret", client_secret))
    request = httpx.Request("POST", url, data=form, headers={"Accept": "application/json"})
    return next(basic.auth_flow(request))


# -- answers -------------------------------------------------------------------------------------


def _check(response: httpx.Response) -> None:
    if not response.is_success:
        raise OAuthError(response)


def _oauth_from(
    response: httpx.Response,
    *,
    client_id: str,
    client_secret: str,
    token_url: str,
    on_token_refresh: Callable[[OAuthToken], object] | None,
    clock: Callable[[], float],
) -> OAuth:
    _check(response)
    data = _token_answer(response)
    expires_in = data.get("expires_in")
    scope = data.get("scope")
    oauth = OAuth(
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=data["refresh_token"],
        access_token=data["access_token"],
        expires_at=clock() + float(expires_in) if expires_in is not None else None,
        scope=scope if isinstance(scope, str) else None,
        on_token_refresh=on_token_refresh,
        # The default refreshes at /oauth/token of the client's own base URL: a.klaviyo.com in
        # production, the fake's origin in tests. Only a non-default endpoint is pinned.
        token_url=None if token_url == TOKEN_URL else token_url,
        clock=clock,
    )
    if on_token_refresh is not None:
        on_token_refresh(oauth.token)
    return oauth


def _token_answer(response: httpx.Response) -> dict[str, Any]:
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        raise ResponseDecodeError(_without_tokens(response), reason="is not JSON") from None
    if not isinstance(data, dict):
        raise ResponseDecodeError(_without_tokens(response), reason="is not a JSON object")
    for name in ("access_token", "refresh_token"):
        value = data.get(name)
        if not isinstance(value, str) or not value:
            raise ResponseDecodeError(_without_tokens(response), reason=f"has no {name} (a non-empty string)")
    expires_in = data.get("expires_in")
    if expires_in is not None and (isinstance(expires_in, bool) or not isinstance(expires_in, int | float)):
        raise ResponseDecodeError(_without_tokens(response), reason="has an expires_in that is not a number")
    return data


# -- argument checks -----------------------------------------------------------------------------


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a non-empty str, got {type(value).__name__}")
    if not value.strip() or value != value.strip():
        raise ConfigurationError(f"{name} must be a non-empty str without surrounding whitespace")
    return value


def _verifier(value: object) -> str:
    if not isinstance(value, str) or not _VERIFIER.fullmatch(value):
        # Never echo it: the verifier is a credential.
        raise ConfigurationError(
            "code_verifier must be a str of 43 to 128 characters from A-Z a-z 0-9 - . _ ~ (RFC 7636), "
            "the AuthorizationRequest.code_verifier kept from authorization_url()"
        )
    return value


def _state(value: object) -> str:
    if not isinstance(value, str) or not _STATE.fullmatch(value):
        raise ConfigurationError("state must be a str of 1 to 512 printable ASCII characters")
    return value


def _scopes(value: object) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        got = "a str" if isinstance(value, str) else type(value).__name__
        raise ConfigurationError(
            f"scopes must be a list or tuple of scope names, such as ['accounts:read', 'profiles:read'], not {got}"
        )
    if not value:
        raise ConfigurationError("scopes is empty: name at least one scope, such as ['accounts:read']")
    for scope in value:
        if not isinstance(scope, str) or not _SCOPE.fullmatch(scope):
            raise ConfigurationError(
                f"each scope must be a non-empty str without spaces, quotes or backslashes, got {scope!r}"
            )
    return list(dict.fromkeys(value))


def _url(name: str, value: object) -> str:
    if not isinstance(value, str | httpx.URL):
        raise ConfigurationError(f"{name} must be a str, got {type(value).__name__}")
    try:
        url = httpx.URL(str(value))
    except httpx.InvalidURL:
        raise ConfigurationError(f"{name} is not a URL") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise ConfigurationError(f"{name} must be an absolute https URL")
    if url.scheme == "http" and url.host not in _LOOPBACK:
        raise ConfigurationError(f"{name} must use https (http only on localhost, 127.0.0.1 or ::1)")
    return str(url)


def _redirect_uri(value: object) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"redirect_uri must be a str, got {type(value).__name__}")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        raise ConfigurationError("redirect_uri is not a URL") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise ConfigurationError("redirect_uri must be an absolute https URL, e.g. 'https://app.example.com/callback'")
    if url.scheme == "http" and url.host not in _LOOPBACK:
        raise ConfigurationError("redirect_uri must use https; plain http only on localhost, 127.0.0.1 or ::1")
    if url.fragment or "#" in value:
        raise ConfigurationError("redirect_uri must not contain a fragment ('#...'), RFC 6749 section 3.1.2")
    # Sent exactly as given: the server compares it with the registered one character for character.
    return value
