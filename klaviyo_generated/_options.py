# Copied from overrides/runtime/_options.py by `python -m generator sync`; edit that file, not this one.
"""Options beyond the client's settings: ``extra_headers=``/``extra_query=`` on one call, and what
``with_options(...)`` derives from a client.

Extras are for what the spec does not list (a header a proxy wants, a query parameter Klaviyo added
after the pinned revision). They are *added* to the request the method built, never substituted
for it: a name the request already carries is refused rather than silently replaced, because each
of them has its own argument (``revision=``, ``page_cursor=``, ``filter=``, the body) and two ways to
set one value is one way too many. Credentials and the body's framing are never extras.

A derived client (``with_options``) is the same account unless ``api_key=``/``oauth=`` names another:
Klaviyo counts rate limits per account, so the limiter is shared exactly when the account is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import httpx

from ._auth import ApiKeyAuth, ConfigurationError
from ._exceptions import ArgumentTypeError, InvalidArgumentError
from ._operation import OperationSpec
from ._ratelimit import Limiter, RateLimiter, RateLimits, coerce_limiter
from ._retry import RetryPolicy
from ._settings import (
    HEADER_VALUE,
    Settings,
    check_company_id,
    check_headers,
    check_revision,
    check_timeout,
    choose_auth,
    retry_policy,
)

if TYPE_CHECKING:
    from ._oauth import OAuth

__all__ = ["add_extras", "derive_limiter", "derive_settings"]

# Headers an extra may not set, and why: the client writes each of them from a setting or the body.
_OWN_HEADERS: Final = {
    "authorization": "credentials come from api_key= or oauth= (kv.with_options(api_key=...) for another account)",
    "revision": "pass revision= to the method, or kv.with_options(revision=...)",
    "content-type": "the client sets it for the body the operation declares",
    "content-length": "httpx computes it from the body",
    "host": "the host is base_url's",
}
# Pattern sources, compiled (and cached by `re`) on first use: the cold start needs none of them.
_TOKEN: Final = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"  # RFC 9110 field-name
CURSOR: Final = "page[cursor]"


def _items(extra: object, name: str, where: str) -> list[tuple[object, object]]:
    if not isinstance(extra, Mapping):
        raise ArgumentTypeError(f"{where}: {name} must be a dict of str to str, got {type(extra).__name__}")
    return list(extra.items())


def _text(value: object, name: str, where: str) -> str:
    # No coercion: str(True) is "True" where an API would want "true", and str(0.1 + 0.2) surprises.
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{where}: {name} must be a str (convert numbers yourself, e.g. '10'), got {value!r}")
    return value


def add_extras(
    kwargs: dict[str, Any],
    operation: OperationSpec | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, str] | None,
) -> None:
    """Add the caller's extra headers and query parameters to a built request's arguments, checked.

    They go after what the method set (the query string keeps the method's parameters first), and
    override the client's ``default_headers`` and its ``Accept``/``User-Agent`` like any per-request
    header. A wrong one raises ``InvalidArgumentError`` (``ArgumentTypeError`` for a wrong type) naming
    the operation; nothing is sent.
    """
    where = operation.name if operation is not None else f"request({kwargs.get('method')} {kwargs.get('url')})"
    if extra_headers is not None:
        headers = dict(kwargs.get("headers") or {})
        present = {name.lower() for name in headers}
        for name, value in _items(extra_headers, "extra_headers", where):
            if not isinstance(name, str) or not re.fullmatch(_TOKEN, name):
                raise InvalidArgumentError(f"{where}: extra_headers names must be header names, got {name!r}")
            reason = _OWN_HEADERS.get(name.lower())
            if reason is not None:
                raise InvalidArgumentError(f"{where}: extra_headers cannot set {name!r}: {reason}")
            if name.lower() in present:
                raise InvalidArgumentError(
                    f"{where}: extra_headers cannot set {name!r}: the request already carries it"
                )
            text = _text(value, f"extra_headers[{name!r}]", where)
            if not re.fullmatch(HEADER_VALUE, text):
                raise InvalidArgumentError(f"{where}: extra_headers[{name!r}] must not contain line breaks")
            headers[name] = text
            present.add(name.lower())
        kwargs["headers"] = headers
    if extra_query is not None:
        params = dict(kwargs.get("params") or {})
        for key, value in _items(extra_query, "extra_query", where):
            if not isinstance(key, str) or not key:
                raise InvalidArgumentError(f"{where}: extra_query keys must be non-empty str, got {key!r}")
            if key in params or (key == CURSOR and operation is not None and operation.paginated):
                raise InvalidArgumentError(
                    f"{where}: extra_query cannot set {key!r}: the method sets it from its own arguments; pass it there"
                )
            params[key] = _text(value, f"extra_query[{key!r}]", where)
        kwargs["params"] = params


def _same_account(new: httpx.Auth, old: httpx.Auth) -> bool:
    if new is old:
        return True
    return isinstance(new, ApiKeyAuth) and isinstance(old, ApiKeyAuth) and new.same_key(old)


def derive_settings(
    settings: Settings,
    *,
    api_key: str | None,
    oauth: OAuth | None,
    company_id: str | None,
    revision: str | None,
    timeout: float | httpx.Timeout | None,
    retry: RetryPolicy | bool | None,
    max_retries: int | None,
    headers: Mapping[str, str] | None,
) -> tuple[Settings, bool]:
    """``settings`` with what the caller passed (``None`` keeps a setting), and whether the account is the same.

    Each value goes through the constructor's own check. ``headers`` are merged over the client's
    ``default_headers`` (a name given again replaces its value). Another account does not inherit
    ``company_id``: the old one is the other account's public key.
    """
    same = True
    auth = settings.auth
    if api_key is not None or oauth is not None:
        auth = choose_auth(api_key, oauth, None)
        same = _same_account(auth, settings.auth)
    if company_id is not None:
        chosen: str | None = check_company_id(company_id)
    else:
        chosen = settings.company_id if same else None
    changes: dict[str, Any] = {"auth": auth, "company_id": chosen}
    if revision is not None:
        changes["revision"] = check_revision(revision)
    if timeout is not None:
        changes["timeout"] = check_timeout(timeout)
    if retry is not None or max_retries is not None:
        changes["retry"] = retry_policy(retry, max_retries, settings.retry)
    if headers is not None:
        changes["headers"] = {**settings.headers, **check_headers(headers, name="headers")}
    return attrs.evolve(settings, **changes), same


def derive_limiter(
    limiter: Limiter,
    rate_limits: Limiter | RateLimits | bool | None,
    *,
    same_account: bool,
    clock: Any,
) -> Limiter:
    """The limiter of a derived client: ``rate_limits`` if given; else the parent's for the same account;
    else a new, empty in-process one with the parent's configuration.

    A ``RedisRateLimiter`` (or any other shared ``Limiter``) is one account's by its key prefix, and
    the package cannot name the other account's: the caller must pass ``rate_limits=``.
    """
    if rate_limits is not None:
        return coerce_limiter(rate_limits, clock=clock)
    if same_account:
        return limiter
    if isinstance(limiter, RateLimiter):
        return limiter.sibling()
    raise ConfigurationError(
        f"this client's rate limiter ({type(limiter).__name__}) is one account's; for another account pass "
        "rate_limits= too, e.g. rate_limits=RedisRateLimiter(key_prefix='klaviyo:<other account>', ...)"
    )
