"""Private-key and public-key authentication, as ``httpx.Auth`` flows.

Klaviyo has two kinds of endpoint. The server-side API takes ``Authorization: Klaviyo-API-Key
pk_…`` (or an OAuth bearer token, see ``_oauth``). The ``/client/`` endpoints are called from
browsers and apps with the account's public key as the ``company_id`` query parameter and must not
carry a private credential: a private key sent there would be a key sent where it is not needed.
"""

from __future__ import annotations

import re
from collections.abc import Generator

import httpx

from ._exceptions import ConfigurationError
from ._operation import operation_name

__all__ = ["ApiKeyAuth", "ConfigurationError", "PublicKeyOnlyAuth", "check_api_key", "is_public_path"]

_PRIVATE_KEY = re.compile(r"pk_[A-Za-z0-9_-]+")


def is_public_path(path: str) -> bool:
    """Whether ``path`` is one of the ``/client/`` endpoints, which take ``company_id`` and no credential."""
    return path.startswith("/client/")


def check_api_key(key: object, source: str = "api_key") -> str:
    """``key`` if it is shaped like a private API key; otherwise a ``ConfigurationError`` saying why.

    ``source`` names where the key came from (``api_key`` or the ``KLAVIYO_API_KEY`` variable). The
    message never repeats the value: a wrong key is often a right key pasted in the wrong place.
    """
    if not isinstance(key, str):
        raise ConfigurationError(f"{source} must be a str, got {type(key).__name__}")
    if not key:
        raise ConfigurationError(f"{source} is empty: pass Klaviyo(api_key='pk_...') or set KLAVIYO_API_KEY")
    # Whole Authorization header values pasted from curl examples or another client's settings.
    scheme = key.strip().split(" ", 1)[0].lower() if " " in key.strip() else ""
    if scheme == "klaviyo-api-key":
        raise ConfigurationError(
            f"{source} starts with 'Klaviyo-API-Key ': drop that prefix and pass the key alone ('pk_...'); "
            "the client writes the 'Authorization: Klaviyo-API-Key' header itself"
        )
    if scheme == "bearer":
        raise ConfigurationError(
            f"{source} holds an OAuth bearer token ('Bearer ...'), but it takes a private API key ('pk_...'); "
            "an OAuth app passes Klaviyo(oauth=OAuth(client_id=..., client_secret=..., refresh_token=..., "
            "access_token=<the token without 'Bearer '>)) (from klaviyo_generated import OAuth), which sends "
            "the token and refreshes it"
        )
    if key != key.strip() or any(c.isspace() or ord(c) < 32 for c in key):
        raise ConfigurationError(f"{source} contains whitespace or control characters (a stray newline from a file?)")
    if not _PRIVATE_KEY.fullmatch(key):
        raise ConfigurationError(
            f"{source} does not look like a private API key (they start with 'pk_' and contain only letters, "
            "digits, '_' and '-'); a six-character public key belongs in company_id= instead"
        )
    return key


class ApiKeyAuth(httpx.Auth):
    """Sends the private key on every server-side call and nothing on ``/client/`` calls."""

    def __init__(self, api_key: str) -> None:
        self._header = f"Klaviyo-API-Key {check_api_key(api_key)}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not is_public_path(request.url.path):
            request.headers["Authorization"] = self._header
        yield request

    def same_key(self, other: ApiKeyAuth) -> bool:
        """Whether ``other`` sends the same key (the same account, for sharing a rate limiter)."""
        return self._header == other._header

    def __repr__(self) -> str:
        return "ApiKeyAuth(api_key='pk_***')"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("ApiKeyAuth holds a secret and cannot be pickled")


class PublicKeyOnlyAuth(httpx.Auth):
    """For a client built with only ``company_id``: ``/client/`` calls go out, others fail before sending."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not is_public_path(request.url.path):
            operation = operation_name(request.extensions) or f"{request.method} {request.url.path}"
            raise ConfigurationError(
                f"{operation} needs a private API key or OAuth, but this client was built with only "
                "company_id (enough for the /client/ endpoints): pass api_key= or oauth="
            )
        yield request

    def __repr__(self) -> str:
        return "PublicKeyOnlyAuth()"
