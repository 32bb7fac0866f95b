"""Client settings: everything ``Klaviyo(...)`` and ``AsyncKlaviyo(...)`` accept, checked once.

Every check happens at construction, so a wrong setting is an error where it was written, not a
401 or a hang later. Messages name the argument and what it accepts, and never echo a secret.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs
import httpx

from ._auth import ApiKeyAuth, ConfigurationError, PublicKeyOnlyAuth, check_api_key
from ._retry import RetryPolicy, coerce_policy

if TYPE_CHECKING:
    from ._oauth import OAuth

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "HEADER_VALUE",
    "Settings",
    "check_base_url",
    "check_revision",
    "check_timeout",
    "choose_auth",
    "retry_policy",
]

DEFAULT_BASE_URL: Final = "https://a.klaviyo.com"
# Klaviyo answers most calls within seconds; a minute covers large reports and bulk submissions.
# Connecting is quick or not happening at all, so it fails sooner.
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)

# "2026-07-15", and the pre-release forms "2026-07-15.pre" / "2026-07-15.beta".
_REVISION = re.compile(r"\d{4}-\d{2}-\d{2}(\.[a-z]+)?")
# Compiled (and cached by `re`) by the first default_headers= check.
HEADER_VALUE = r"[\t\x20-\x7e\x80-\xff]*"  # no line breaks or other control characters


def choose_auth(api_key: str | None, oauth: OAuth | None, company_id: str | None) -> httpx.Auth:
    """The credential the client sends: an explicit key or OAuth, else ``KLAVIYO_API_KEY``, else public-only."""
    if api_key is not None and oauth is not None:
        raise ConfigurationError("pass either api_key= or oauth=, not both")
    if oauth is not None:
        from ._oauth import OAuth  # here: a client with an API key (the cold start) never loads it

        if not isinstance(oauth, OAuth):
            raise ConfigurationError(f"oauth must be a klaviyo_generated.OAuth, got {type(oauth).__name__}")
        return oauth
    source = "api_key"
    if api_key is None:
        api_key, source = os.environ.get("KLAVIYO_API_KEY") or None, "the KLAVIYO_API_KEY environment variable"
    if api_key is not None:
        return ApiKeyAuth(check_api_key(api_key, source))
    if company_id is not None:
        return PublicKeyOnlyAuth()
    raise ConfigurationError(
        "no credentials: pass api_key='pk_...' or set the KLAVIYO_API_KEY environment variable; "
        "for an OAuth app pass oauth=OAuth(...); for the /client/ endpoints alone, company_id= is enough"
    )


def check_company_id(company_id: object) -> str | None:
    if company_id is None:
        return None
    if not isinstance(company_id, str) or not re.fullmatch(r"[A-Za-z0-9]+", company_id):
        raise ConfigurationError("company_id must be the account's public key: letters and digits, e.g. 'AbC123'")
    return company_id


def check_base_url(base_url: object, *, allow_http: bool) -> httpx.URL:
    if not isinstance(base_url, str | httpx.URL):
        raise ConfigurationError(f"base_url must be a str, got {type(base_url).__name__}")
    try:
        url = httpx.URL(str(base_url))
    except httpx.InvalidURL as error:
        raise ConfigurationError(f"base_url is not a URL: {error}") from None
    if url.scheme == "http" and not allow_http:
        raise ConfigurationError(
            "base_url uses plain http://, which would send the API key unencrypted; "
            "use https://, or pass allow_http=True for a local test server"
        )
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"base_url must be an absolute https:// URL, got {str(base_url)!r}")
    if url.query or url.fragment or url.userinfo:
        raise ConfigurationError("base_url must not carry a query, fragment or user:password")
    return url.copy_with(path=url.path.rstrip("/") or "/")


def check_revision(revision: object) -> str:
    if not isinstance(revision, str) or not _REVISION.fullmatch(revision):
        raise ConfigurationError(f"revision must look like '2026-07-15' (optionally '.pre'), got {revision!r}")
    return revision


def check_timeout(timeout: object, *, name: str = "timeout") -> httpx.Timeout:
    """A finite, positive timeout for every phase; ``None`` anywhere would allow a call to hang forever."""
    values: tuple[float | None, ...]
    if isinstance(timeout, httpx.Timeout):
        values = (timeout.connect, timeout.read, timeout.write, timeout.pool)
        if any(v is None for v in values):
            raise ConfigurationError(f"{name} must bound every phase (connect, read, write, pool); None means no limit")
        result = timeout
    elif isinstance(timeout, int | float) and not isinstance(timeout, bool):
        values = (float(timeout),)
        result = httpx.Timeout(float(timeout))
    else:
        raise ConfigurationError(f"{name} must be seconds (a number) or an httpx.Timeout, got {timeout!r}")
    if not all(v is not None and math.isfinite(v) and v > 0 for v in values):
        raise ConfigurationError(f"{name} must be finite and greater than 0, got {timeout!r}")
    return result


def retry_policy(retry: object, max_retries: object, default: RetryPolicy) -> RetryPolicy:
    """The policy meant by ``retry=`` and ``max_retries=`` together (``max_retries`` adjusts the count)."""
    try:
        policy = coerce_policy(retry, default)
    except TypeError as error:
        raise ConfigurationError(str(error)) from None
    if max_retries is None:
        return policy
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an int >= 0, got {max_retries!r}")
    return attrs.evolve(policy, max_attempts=max_retries + 1)


def check_headers(headers: Mapping[str, str] | None, *, name: str = "default_headers") -> dict[str, str]:
    checked = {}
    for header, value in (headers or {}).items():
        if not isinstance(header, str) or not isinstance(value, str) or not re.fullmatch(HEADER_VALUE, value):
            raise ConfigurationError(f"{name}[{header!r}] must be a str without line breaks")
        if header.lower() == "authorization":
            raise ConfigurationError("set credentials with api_key= or oauth=, not an Authorization header")
        checked[header] = value
    return checked


@attrs.frozen(kw_only=True)
class Settings:
    """The checked settings of one client."""

    auth: httpx.Auth
    company_id: str | None
    base_url: httpx.URL
    revision: str
    timeout: httpx.Timeout
    retry: RetryPolicy
    headers: dict[str, str]
