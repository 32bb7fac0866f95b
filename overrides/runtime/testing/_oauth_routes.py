"""The fake's OAuth authorization server: registered apps, the user's consent, ``/oauth/token`` and
``/oauth/revoke`` as Klaviyo documents them (HTTP Basic client credentials, form bodies, PKCE S256,
rotating refresh tokens), errors in RFC 6749's shape (``{"error": ..., "error_description": ...}``).

A leaf: the fake hands it requests whose path starts with ``/oauth/`` and asks it about bearer tokens.
Tokens, codes and refresh tokens are counted (``fake-access-1``, ...) so tests can name them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import attrs
import httpx

from .._exceptions import InputError
from ._store import FakeError

__all__ = ["ACCESS_TOKEN_LIFETIME", "OAuthServer"]

ACCESS_TOKEN_LIFETIME = 3600.0  # seconds; Klaviyo's access tokens last an hour
CODE_LIFETIME = 600.0  # RFC 6749 section 4.1.2 recommends at most ten minutes


@attrs.define
class _App:
    client_secret: str
    redirect_uris: tuple[str, ...]
    scopes: frozenset[str] | None


@attrs.define
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    issued: float
    used: bool = False
    grant: _Grant | None = None


@attrs.define
class _Grant:
    client_id: str
    scope: str
    refresh_token: str
    access_tokens: dict[str, float] = attrs.field(factory=dict)  # token -> expiry on the fake's clock
    revoked: bool = False


class OAuthServer:
    """Apps registered with ``add_app``; consent given with ``approve``; tokens checked with ``bearer_ok``."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._count = itertools.count(1)
        self.apps: dict[str, _App] = {}
        self._codes: dict[str, _Code] = {}
        self._grants: dict[str, _Grant] = {}  # by refresh token
        self._access: dict[str, _Grant] = {}  # by access token

    # -- set-up and consent --------------------------------------------------------------------

    def add_app(
        self, client_id: str, client_secret: str, redirect_uris: Sequence[str], scopes: Sequence[str] | None
    ) -> None:
        for name, value in (("client_id", client_id), ("client_secret", client_secret)):
            if not isinstance(value, str) or not value:
                raise InputError(f"{name} must be a non-empty str")
        if isinstance(redirect_uris, str) or not redirect_uris:
            raise InputError("redirect_uris must be a non-empty list of URLs, e.g. ['https://app.example.com/cb']")
        self.apps[client_id] = _App(client_secret, tuple(redirect_uris), frozenset(scopes) if scopes else None)

    def approve(self, url: str) -> str:
        """The redirect URL (``redirect_uri?code=...&state=...``) the user's consent to ``url`` leads to."""
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        client_id = query.get("client_id", "")
        app = self.apps.get(client_id)
        # Like Klaviyo's consent page, these show an error to the user and redirect nowhere.
        if app is None:
            raise InputError(f"no OAuth app has the client_id {client_id!r}; register it with add_oauth_app")
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in app.redirect_uris:
            raise InputError(f"redirect_uri {redirect_uri!r} is not one of the app's {list(app.redirect_uris)}")
        for name, wanted in (("response_type", "code"), ("code_challenge_method", "S256")):
            if query.get(name) != wanted:
                raise InputError(f"{name} must be {wanted!r}, got {query.get(name)!r}")
        if not query.get("code_challenge") or not query.get("scope"):
            raise InputError("the authorization URL needs a code_challenge and a scope")
        scope = query["scope"]
        extra = set(scope.split(" ")) - app.scopes if app.scopes is not None else set()
        if extra:
            raise InputError(f"scopes {sorted(extra)} are not among the app's scopes {sorted(app.scopes or ())}")
        with self._lock:
            code = f"fake-code-{next(self._count)}"
            self._codes[code] = _Code(client_id, redirect_uri, query["code_challenge"], scope, self._clock())
        answer = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(answer)}"

    # -- what the API routes ask -----------------------------------------------------------------

    def bearer_ok(self, token: str) -> bool:
        """Whether ``token`` may call the API: issued here, live and not revoked. Tokens this server never
        issued pass while no app is registered, as any bearer token did before apps existed."""
        with self._lock:
            grant = self._access.get(token)
            if grant is None:
                return not self.apps
            return not grant.revoked and self._clock() < grant.access_tokens[token]

    # -- the endpoints -----------------------------------------------------------------------------

    def answer(self, request: httpx.Request) -> httpx.Response:
        try:
            if request.method != "POST":
                raise FakeError(405, "invalid_request", f"{request.url.path} takes POST.")
            form = dict(parse_qsl(request.content.decode("utf-8", "replace"), keep_blank_values=True))
            client_id = self._client(request)
            with self._lock:
                if request.url.path == "/oauth/token":
                    return _json(200, self._token(client_id, form))
                if request.url.path == "/oauth/revoke":
                    self._revoke(client_id, form)
                    return httpx.Response(200)
            raise FakeError(404, "invalid_request", f"FakeKlaviyo has no {request.url.path}.")
        except FakeError as refused:  # in RFC 6749's shape here, not JSON:API's
            return _json(refused.status, {"error": refused.code, "error_description": refused.detail})

    def _client(self, request: httpx.Request) -> str:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        try:
            client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id, secret = "", ""
        app = self.apps.get(client_id)
        if scheme != "Basic" or app is None or not hmac.compare_digest(app.client_secret, secret):
            raise FakeError(401, "invalid_client", "Client authentication failed.")
        return client_id

    def _token(self, client_id: str, form: dict[str, str]) -> dict[str, Any]:
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange(client_id, form)
        if grant_type == "refresh_token":
            grant = self._grants.get(form.get("refresh_token", ""))
            if grant is None or grant.revoked or grant.client_id != client_id:
                raise FakeError(400, "invalid_grant", "The refresh token is invalid, expired or revoked.")
            del self._grants[grant.refresh_token]
            return self._issue(grant)  # rotated: the old refresh token is spent
        raise FakeError(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported.")

    def _exchange(self, client_id: str, form: dict[str, str]) -> dict[str, Any]:
        code = self._codes.get(form.get("code", ""))
        if code is None or code.client_id != client_id or self._clock() >= code.issued + CODE_LIFETIME:
            raise FakeError(400, "invalid_grant", "The authorization code is invalid or expired.")
        if code.used:
            # RFC 6749 section 4.1.2: a code used twice revokes what it was first exchanged for.
            if code.grant is not None:
                code.grant.revoked = True
            raise FakeError(400, "invalid_grant", "The authorization code was already used.")
        code.used = True
        if form.get("redirect_uri") != code.redirect_uri:
            raise FakeError(400, "invalid_grant", "redirect_uri does not match the authorization request.")
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if not verifier or not hmac.compare_digest(challenge, code.challenge):
            raise FakeError(400, "invalid_grant", "Invalid code verifier.")
        code.grant = _Grant(client_id, code.scope, refresh_token="")
        return self._issue(code.grant)

    def _issue(self, grant: _Grant) -> dict[str, Any]:
        number = next(self._count)
        access, grant.refresh_token = f"fake-access-{number}", f"fake-refresh-{number}"
        grant.access_tokens[access] = self._clock() + ACCESS_TOKEN_LIFETIME
        self._access[access] = grant
        self._grants[grant.refresh_token] = grant
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(ACCESS_TOKEN_LIFETIME),
            "refresh_token": grant.refresh_token,
            "scope": grant.scope,
        }

    def _revoke(self, client_id: str, form: dict[str, str]) -> None:
        token = form.get("token", "")
        grant = self._grants.get(token) or self._access.get(token)
        if grant is not None and grant.client_id == client_id:
            grant.revoked = True  # the whole grant: its refresh token and every access token
        # RFC 7009 section 2.2: an unknown or already revoked token is answered 200 all the same.


def _json(status: int, document: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(document).encode(),
        headers={"Content-Type": "application/json", "Cache-Control": "no-store"},
    )
