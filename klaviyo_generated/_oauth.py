# Copied from overrides/runtime/_oauth.py by `python -m generator sync`; edit that file, not this one.
"""OAuth 2.0 bearer tokens with automatic refresh, as an ``httpx.Auth`` flow.

An integration that a Klaviyo account installed holds a refresh token; access tokens are short
lived. ``OAuth`` keeps the current token, refreshes it shortly before it expires, refreshes once
when a call comes back 401 (revoked or expired early), and hands every new token to a callback so
the caller can persist it.

Why not authlib or httpx-auth: authlib's refreshing lives in its own ``httpx.Client`` subclasses
(it would replace the client that carries our retry and rate-limit layers), does not refresh on a
401, and brings ``cryptography`` and ``joserfc`` along for a form POST; httpx-auth has no flow that
starts from a stored refresh token (its refresh is part of browser-based authorization-code
flows). The refresh itself is one form POST (RFC 6749 section 6), made here as a request the
auth flow yields, so it travels through the same client, transport and test doubles as every call.

Concurrency: one refresh at a time per ``OAuth`` object. Threads share a ``threading.Lock``; asyncio
tasks share an ``asyncio.Lock``, one per event loop (an ``asyncio.Lock`` belongs to the loop that first
waits on it, and one ``OAuth`` may outlive many ``asyncio.run`` calls). A caller that waited for the
lock finds the token already new and does not refresh again.
"""

from __future__ import annotations

import json
import re
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING

import attrs
import httpx

from ._auth import ConfigurationError, is_public_path
from ._exceptions import ResponseDecodeError, TokenRefreshError

if TYPE_CHECKING:
    import asyncio  # loaded by the async path only: a sync client never needs it (see _aio.py)

__all__ = ["OAuth", "OAuthToken", "TokenRefreshError"]

DEFAULT_TOKEN_PATH = "/oauth/token"

# A token value in a token endpoint's answer, JSON (``"access_token": "…"``) or form (``access_token=…``).
_TOKEN_VALUE = re.compile(r'(?i)(\b(?:access|refresh|id)_token"?\s*[:=]\s*"?)([^"&,;\s}]+)')


@attrs.frozen(kw_only=True)
class OAuthToken:
    """A token set. ``expires_at`` is in seconds since the epoch (``None``: unknown, never refreshed early)."""

    access_token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    expires_at: float | None = None
    scope: str | None = None

    def expires_within(self, seconds: float, *, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at - seconds


def _required(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"OAuth {name} must be a non-empty str")
    return value


class OAuth(httpx.Auth):
    """Bearer authentication that refreshes itself.

    Args:
        client_id: the OAuth app's id (sent with HTTP Basic to the token endpoint).
        client_secret: the OAuth app's secret.
        refresh_token: the long-lived token from the authorization-code exchange.
        access_token: the current access token, if one is at hand; without it the first call refreshes.
        expires_at: when ``access_token`` expires, in epoch seconds.
        scope: the scopes the token was granted (space-separated, as the token endpoint says them).
        on_token_refresh: called with every new ``OAuthToken``, under the refresh lock, before the
            call that needed it is sent. Persist the token here; an exception fails that call.
        token_url: the token endpoint; default ``/oauth/token`` on the client's base URL.
        leeway: refresh this many seconds before ``expires_at``.
        clock: epoch seconds (tests pass a fake).
    """

    requires_response_body = True

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        access_token: str | None = None,
        expires_at: float | None = None,
        scope: str | None = None,
        on_token_refresh: Callable[[OAuthToken], object] | None = None,
        token_url: str | None = None,
        leeway: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client_auth = httpx.BasicAuth(
            _required("client_id", client_id), _required("client_secret", client_secret)
        )
        token = access_token if access_token is not None else ""
        # No access token yet: treat it as expired so the first call refreshes.
        self._token = OAuthToken(
            access_token=token,
            refresh_token=_required("refresh_token", refresh_token),
            expires_at=expires_at if access_token is not None else 0.0,
            scope=scope,
        )
        self._on_token_refresh = on_token_refresh
        self._token_url = token_url
        self._leeway = leeway
        self._clock = clock
        self._lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]
        self._async_locks = weakref.WeakKeyDictionary()
        self._async_locks_guard = threading.Lock()
        self.refreshes = 0

    @property
    def token(self) -> OAuthToken:
        return self._token

    def __repr__(self) -> str:
        return f"OAuth(token={self._token!r})"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("OAuth holds secrets and cannot be pickled; persist OAuth.token's fields instead")

    # -- the flows ---------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if is_public_path(request.url.path):
            yield request
            return
        with self._lock:
            if self._stale():
                self._accept((yield self._refresh_request(request)))
            used = self._token
        response = yield self._authorize(request, used)
        if response.status_code == 401:
            with self._lock:
                if self._token is used:  # nobody refreshed while we were away
                    self._accept((yield self._refresh_request(request)))
                used = self._token
            yield self._authorize(request, used)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if is_public_path(request.url.path):
            yield request
            return
        lock = self._loop_lock()
        async with lock:
            if self._stale():
                self._accept((yield self._refresh_request(request)))
            used = self._token
        response = yield self._authorize(request, used)
        if response.status_code == 401:
            async with lock:
                if self._token is used:
                    self._accept((yield self._refresh_request(request)))
                used = self._token
            yield self._authorize(request, used)

    # -- helpers -----------------------------------------------------------------------------

    def _loop_lock(self) -> asyncio.Lock:
        import asyncio  # inside a running loop, so already loaded

        loop = asyncio.get_running_loop()
        with self._async_locks_guard:
            lock = self._async_locks.get(loop)
            if lock is None:
                lock = self._async_locks[loop] = asyncio.Lock()
        return lock

    def _stale(self) -> bool:
        return not self._token.access_token or self._token.expires_within(self._leeway, now=self._clock())

    @staticmethod
    def _authorize(request: httpx.Request, token: OAuthToken) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        return request

    def _refresh_request(self, request: httpx.Request) -> httpx.Request:
        url = self._token_url or str(request.url.copy_with(path=DEFAULT_TOKEN_PATH, query=None, fragment=None))
        refresh = httpx.Request(
            "POST",
            url,
            data={"grant_type": "refresh_token", "refresh_token": self._token.refresh_token},
            headers={"Accept": "application/json"},
            extensions={"timeout": request.extensions.get("timeout", {})},
        )
        return next(self._client_auth.auth_flow(refresh))

    def _accept(self, response: httpx.Response) -> None:
        if not response.is_success:
            raise TokenRefreshError(_without_tokens(response))
        try:
            data = json.loads(response.content)
            access = data["access_token"]
            expires_in = data.get("expires_in")
            if not isinstance(access, str) or not access:
                raise ValueError("access_token is not a non-empty string")
            expires_at = self._clock() + float(expires_in) if expires_in is not None else None
        except (ValueError, TypeError, KeyError, RecursionError) as error:  # RecursionError: JSON nested thousands deep
            raise ResponseDecodeError(_without_tokens(response)) from error
        refresh = data.get("refresh_token")
        scope = data.get("scope")
        self._token = OAuthToken(
            access_token=access,
            # Servers that do not rotate refresh tokens leave the field out: keep the one we have.
            refresh_token=refresh if isinstance(refresh, str) and refresh else self._token.refresh_token,
            expires_at=expires_at,
            scope=scope if isinstance(scope, str) else None,
        )
        self.refreshes += 1
        if self._on_token_refresh is not None:
            self._on_token_refresh(self._token)


def _without_tokens(response: httpx.Response) -> httpx.Response:
    """``response`` with the token values in its body masked, for an error to keep and print.

    An error's message quotes the body and is scrubbed of the credentials the *request* carried; a
    token answer that fails to parse (say, a bad ``expires_in``) holds new tokens the request never
    had, so they are masked here.
    """
    text = response.text
    masked = _TOKEN_VALUE.sub(lambda m: m[1] + ("***" if m[2] != "null" else m[2]), text)
    if masked == text:
        return response
    return httpx.Response(
        response.status_code,
        # The copy's content is decoded already, so no transfer or content encoding applies.
        headers=[
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-encoding", "transfer-encoding", "content-length")
        ],
        content=masked.encode(response.encoding or "utf-8", errors="replace"),
        request=response.request,
        extensions=response.extensions,
    )
