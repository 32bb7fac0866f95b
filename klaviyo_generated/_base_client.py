# Copied from overrides/runtime/_base_client.py by `python -m generator sync`; edit that file, not this one.
"""The machinery behind ``Klaviyo`` and ``AsyncKlaviyo``: one ``httpx`` client and the layers under it.

A call goes::

    generated method -> _call(endpoint.OPERATION, endpoint._get_kwargs(...))
      -> httpx.Client (auth, revision, timeout; the request carries the operation's ``OperationSpec``)
      -> RetryTransport -> RateLimitTransport -> LogTransport (one line and the hooks per attempt)
      -> the I/O transport (httpx's, the caller's, or a fake)
      <- non-2xx: typed error (status_error); 2xx: OPERATION.parse(response) -> model

Everything this path knows about an operation is the operation's own data: no table is looked up
by name, and jobs, filters and workflows sit on top of it (they import this, never the reverse).

Retrying sits outside rate limiting so that every retry also waits for a slot. The generated
``Klaviyo`` class (``_client.py``) adds one namespace per spec tag on top of this.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

import httpx

from . import _aio as asyncio  # asyncio itself loads on first use (see _aio.py)
from ._auth import ConfigurationError
from ._error_text import request_id_of
from ._exceptions import (
    APIConnectionError,
    ResponseDecodeError,
    connection_error,
    status_error,
)
from ._observe import Hook, check_hook, configure_from_env
from ._operation import OPERATION_EXTENSION, OperationSpec
from ._options import add_extras, derive_limiter, derive_settings
from ._ratelimit import Limiter, RateLimits, coerce_limiter
from ._request_body import encode_body
from ._response import APIResponse, raw_mode
from ._retry import RetryPolicy
from ._settings import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    Settings,
    check_base_url,
    check_company_id,
    check_headers,
    check_revision,
    check_timeout,
    choose_auth,
    retry_policy,
)
from ._transports import (
    AsyncLogTransport,
    AsyncRateLimitTransport,
    AsyncRetryTransport,
    DeferredAsyncTransport,
    DeferredTransport,
    LogTransport,
    RateLimitTransport,
    RetryTransport,
)
from ._transports.retry import ATTEMPTS_EXTENSION, DECODE_ERROR_EXTENSION, RETRY_EXTENSION
from ._unset import UNSET, Unset

if TYPE_CHECKING:
    from ._binding import Operation  # built by endpoint modules, which the cold start does not load
    from ._oauth import OAuth  # loaded by OAuth users only: not on the cold start

__all__ = ["AsyncAPIClient", "SyncAPIClient"]

_METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"})
_JSONAPI = "application/vnd.api+json"
_USER_AGENT = f"klaviyo-generated (python {sys.version_info[0]}.{sys.version_info[1]})"


T = TypeVar("T")
TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)


Routes = tuple[tuple[str, re.Pattern[str], OperationSpec], ...]


def route_table(operations: Iterable[OperationSpec]) -> Routes:
    """Each operation's method and path template as a pattern, to recognise a raw ``request()``'s path."""
    routes = []
    for op in operations:
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(op.path))
        routes.append((op.method, re.compile(pattern + "/?"), op))
    return tuple(routes)


def operation_for(routes: Routes, method: str, path: str) -> OperationSpec | None:
    """The spec operation a raw ``request()`` hits, so it shares that operation's rate-limit bucket."""
    return next((op for m, rx, op in routes if m == method and rx.fullmatch(path)), None)


def _attempts(source: object) -> int:
    value = getattr(source, ATTEMPTS_EXTENSION, None)
    if value is None and isinstance(source, httpx.Response):
        value = source.extensions.get(ATTEMPTS_EXTENSION)
    return value if isinstance(value, int) and value >= 1 else 1


def _undecodable(response: httpx.Response) -> None:
    """Fail a 2xx whose body could not be undone from its declared Content-Encoding."""
    reason = response.extensions.get(DECODE_ERROR_EXTENSION)
    if reason is not None:
        raise ResponseDecodeError(response, attempts=_attempts(response), reason=str(reason))


def _decode(response: httpx.Response) -> Any:
    _undecodable(response)
    if not response.content.strip():
        return None
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as error:  # RecursionError: JSON nested thousands deep
        raise ResponseDecodeError(response, attempts=_attempts(response)) from error


class _BaseClient:
    """What the sync and async clients share: settings, request building, result handling.

    The generated facade (``Klaviyo``) supplies what the spec says: the pinned revision and the
    operations a raw ``request()`` is matched against (the core imports nothing generated).
    """

    pinned_revision: ClassVar[str | None] = None
    operations: ClassVar[Mapping[str, OperationSpec]] = {}
    _routes: ClassVar[Routes | None] = None

    settings: Settings
    rate_limiter: Limiter
    _pool: _Pool[Any]
    _owner: bool  # whether this client built its pool (and closes it), or borrowed it through with_options()
    _sleep: Any  # each client declares its own kind (awaited or not)
    _clock: Callable[[], float]
    _http: httpx.Client | httpx.AsyncClient

    def __init__(
        self,
        *,
        api_key: str | None,
        oauth: OAuth | None,
        company_id: str | None,
        base_url: str | httpx.URL,
        allow_http: bool,
        revision: str | None,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy | bool | None,
        max_retries: int | None,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        configure_from_env()
        company_id = check_company_id(company_id)
        self.settings = Settings(
            auth=choose_auth(api_key, oauth, company_id),
            company_id=company_id,
            base_url=check_base_url(base_url, allow_http=allow_http),
            revision=check_revision(self._revision_or_pinned(revision)),
            timeout=check_timeout(timeout),
            retry=retry_policy(retry, max_retries, RetryPolicy()),
            headers=check_headers(default_headers),
        )

    def with_options(
        self,
        *,
        api_key: str | None = None,
        oauth: OAuth | None = None,
        company_id: str | None = None,
        revision: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | bool | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        rate_limits: Limiter | RateLimits | bool | None = None,
    ) -> Self:
        """A client like this one with some settings changed; ``None`` (the default) keeps a setting.

        It sends through this client's connection pool (or ``http_client``/``transport``), with its
        ``sleep`` and ``clock``, and for the same account through its rate limiter too: building one
        costs no connection and no SSL context, so derive freely (per request, per tenant).

        Args:
            api_key: another account's private key (or the same key: still the same account).
            oauth: an ``OAuth`` instead (not with ``api_key``).
            company_id: the public key for the ``/client/`` endpoints; another account does not inherit
                this client's, which is the first account's.
            revision: the API revision to send.
            timeout: seconds or an ``httpx.Timeout``.
            retry: a ``RetryPolicy``, or ``False`` for a single attempt.
            max_retries: retries after the first attempt (adjusts ``retry``, or this client's policy).
            headers: merged over this client's ``default_headers`` (a name given again takes the new value).
            rate_limits: the limiter, as the constructor's ``rate_limits=``. Default: this client's limiter
                for the same account; for another account a new, empty one with this one's ``RateLimits``
                (Klaviyo counts limits per account). A ``RedisRateLimiter`` is one account's by its
                prefix, so another account must pass its own here.

        Closing: this client owns the pool. Closing a derived client closes only that client; once
        this one is closed, calls on its derived clients raise ``ConfigurationError`` instead of
        reopening connections nobody would close. A subclass whose ``__init__`` adds state of its own
        should override this method: the derived client is built without calling ``__init__``.
        """
        settings, same_account = derive_settings(
            self.settings,
            api_key=api_key,
            oauth=oauth,
            company_id=company_id,
            revision=revision,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            headers=headers,
        )
        limiter = derive_limiter(self.rate_limiter, rate_limits, same_account=same_account, clock=self._clock)
        # Not through __init__: that would check and build everything again, and cannot take a pool.
        derived = object.__new__(type(self))
        derived.settings = settings
        derived._assemble(self._pool, limiter, self._sleep, self._clock, owner=False)
        return derived

    def _assemble(
        self, pool: _Pool[Any], limiter: Limiter, sleep: Any, clock: Callable[[], float], *, owner: bool
    ) -> None:
        raise NotImplementedError

    def _closed_error(self) -> ConfigurationError:
        if self._owner or self._http.is_closed:
            return ConfigurationError(f"this {type(self).__name__} is closed; build a new client to call again")
        return ConfigurationError(
            f"this {type(self).__name__} came from with_options() on a client that is now closed, and with it "
            "the connection pool they share; derive from an open client"
        )

    def _revision_or_pinned(self, revision: str | None) -> str:
        if revision is not None:
            return revision
        if self.pinned_revision is None:
            raise ConfigurationError(f"{type(self).__name__} needs revision= (the API revision to send)")
        return self.pinned_revision

    @classmethod
    def _route_table(cls) -> Routes:
        if cls.__dict__.get("_routes") is None:
            cls._routes = route_table(cls.operations.values())
        return cls._routes  # type: ignore[return-value]  # set just above

    def _client_options(self) -> dict[str, Any]:
        s = self.settings
        # The spec declares JSON:API's media type for every answer; a server negotiating strictly
        # by it answers 406 to "application/json".
        headers = {"Accept": _JSONAPI, "User-Agent": _USER_AGENT, "revision": s.revision, **s.headers}
        return {"base_url": s.base_url, "auth": s.auth, "headers": headers, "timeout": s.timeout}

    @property
    def base_url(self) -> httpx.URL:
        return self.settings.base_url

    @property
    def revision(self) -> str:
        return self.settings.revision

    def __repr__(self) -> str:
        s = self.settings
        return f"{type(self).__name__}(base_url={str(s.base_url)!r}, revision={s.revision!r}, auth={s.auth!r})"

    def _company_id_for(self, company_id: str | None, operation: str) -> str:
        chosen = company_id if company_id is not None else self.settings.company_id
        if chosen is None:
            raise ConfigurationError(
                f"{operation} needs company_id (the account's public key): pass it here or as company_id= to the client"
            )
        return chosen

    def _company_id_or_unset(self, company_id: str | None) -> str | Unset:
        """For /client/ operations where company_id is optional: the given one, the client's, or none."""
        chosen = company_id if company_id is not None else self.settings.company_id
        return UNSET if chosen is None else chosen

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        kwargs: dict[str, Any],
        operation: OperationSpec | None,
        *,
        timeout: float | httpx.Timeout | None,
        retry: RetryPolicy | bool | None,
        max_retries: int | None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        extensions: dict[str, Any] = {}
        if operation is not None:
            extensions[OPERATION_EXTENSION] = operation
        if retry is not None or max_retries is not None:
            extensions[RETRY_EXTENSION] = retry_policy(retry, max_retries, self.settings.retry)
        if kwargs.get("json") is not None:
            # Measuring the payload against the operation's limits meant encoding it: send those bytes.
            kwargs["content"] = encode_body(operation, kwargs.pop("json"))
        if extra_headers is not None or extra_query is not None:
            add_extras(kwargs, operation, extra_headers, extra_query)
        headers = kwargs.get("headers") or {}
        if "revision" in headers:
            check_revision(headers["revision"])
        if timeout is not None:
            kwargs["timeout"] = check_timeout(timeout)
        if not kwargs.get("params"):
            # httpx re-parses the whole URL to merge even an empty dict: ~30 us a call, for nothing.
            kwargs.pop("params", None)
        return http.build_request(**kwargs, extensions=extensions)

    def _raw_kwargs(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        data: Mapping[str, Any] | None,
        files: Any,
        headers: Mapping[str, str] | None,
    ) -> tuple[dict[str, Any], OperationSpec | None]:
        """The request arguments of a raw call, and the spec operation its method and path match."""
        method = method.upper() if isinstance(method, str) else method
        if method not in _METHODS:
            raise ConfigurationError(f"method must be one of {', '.join(sorted(_METHODS))}, got {method!r}")
        if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
            # A full URL could point anywhere; the credential must only ever go to base_url.
            raise ConfigurationError(
                f"path must be a path on base_url starting with '/', e.g. '/api/profiles', got {path!r}"
            )
        if any(segment in (".", "..") for segment in path.split("?", 1)[0].split("/")):
            # httpx would resolve them away: f"/api/profiles/{id}" with id ".." would call /api.
            raise ConfigurationError(
                f"path must not contain '.' or '..' segments (quote ids with urllib.parse.quote(id, safe='')),"
                f" got {path!r}"
            )
        if json is not None and (data is not None or files is not None):
            raise ConfigurationError("pass json= or data=/files=, not both")
        operation = operation_for(self._route_table(), method, path.split("?", 1)[0])
        kwargs: dict[str, Any] = {"method": method, "url": path, "headers": dict(headers or {})}
        if json is not None and not any(name.lower() == "content-type" for name in kwargs["headers"]):
            # Klaviyo documents JSON:API's media type for every JSON body.
            kwargs["headers"]["Content-Type"] = _JSONAPI
        for name, value in (("params", params), ("json", json), ("data", data), ("files", files)):
            if value is not None:
                kwargs[name] = value
        return kwargs, operation

    @staticmethod
    def _check_status(response: httpx.Response) -> httpx.Response:
        if not response.is_success:
            raise status_error(response, attempts=_attempts(response))
        return response

    @staticmethod
    def _parsed(operation: Operation[Any], response: httpx.Response, raw: bool) -> Any:
        """A 2xx answer parsed by the operation's own parser (an ``APIResponse`` of it in raw mode)."""
        # Here, not at the top: `Klaviyo(...)` does not need it, and the model just parsed has loaded it.
        from ._lazy import LazyModel, decode_first_level

        _undecodable(response)
        try:
            parsed = operation.parse(response)
            if isinstance(parsed, LazyModel):
                # The document's own members (data, links, included) are checked now, so a body
                # of the wrong shape fails the call; deeper members decode when read.
                decode_first_level(parsed)
                parsed._request_id = request_id_of(response.headers)
        except Exception as error:
            # Whatever an answer we cannot read raises (a RecursionError from JSON nested
            # thousands deep, an OverflowError from a date in year 10**9, an undocumented 2xx, ...),
            # the caller gets one typed error with the status and the raw body, never a bare exception.
            raise ResponseDecodeError(response, attempts=_attempts(response)) from error
        return APIResponse(parsed, response) if raw else parsed

    @staticmethod
    def _decoded(response: httpx.Response, raw: bool) -> Any:
        """A raw ``request()``'s 2xx answer: its JSON, or ``None`` when empty."""
        parsed = _decode(response)
        return APIResponse(parsed, response) if raw else parsed


def _connection_error(error: httpx.HTTPError | httpx.StreamError) -> APIConnectionError:
    return connection_error(error, attempts=_attempts(error))


class _Pool(Generic[TransportT]):
    """The I/O transport (the connection pool) of a client, shared with the clients ``with_options`` derives.

    The client that built it owns it: its ``close()`` closes the transport and marks the pool closed.
    """

    __slots__ = ("closed", "transport")

    transport: TransportT
    closed: bool

    def __init__(self, transport: TransportT) -> None:
        self.transport = transport
        self.closed = False


class _Borrowed(httpx.BaseTransport):
    """A derived client's way to its parent's pool: sends through it, never closes it."""

    def __init__(self, pool: _Pool[httpx.BaseTransport]) -> None:
        self._transport = pool.transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transport.handle_request(request)


class _AsyncBorrowed(httpx.AsyncBaseTransport):
    def __init__(self, pool: _Pool[httpx.AsyncBaseTransport]) -> None:
        self._transport = pool.transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transport.handle_async_request(request)


class _ClientTransport(httpx.BaseTransport):
    """Sends through a caller's ``httpx.Client`` (its transport, proxies, TLS and hooks); never closes it."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._client.send(request)


class _AsyncClientTransport(httpx.AsyncBaseTransport):
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request)


def _inner(transport: Any, http_client: Any, client_type: type, wrap: Callable[[Any], Any], default: Any) -> Any:
    if transport is not None and http_client is not None:
        raise ConfigurationError("pass either transport= or http_client=, not both")
    if http_client is not None:
        if not isinstance(http_client, client_type):
            raise ConfigurationError(f"http_client must be an {client_type.__module__}.{client_type.__name__}")
        return wrap(http_client)
    return transport if transport is not None else default()


def _hooks(on_request: object, on_response: object, *, asynchronous: bool) -> dict[str, Hook | None]:
    return {
        "on_request": check_hook(on_request, "on_request", asynchronous=asynchronous),
        "on_response": check_hook(on_response, "on_response", asynchronous=asynchronous),
    }


class SyncAPIClient(_BaseClient):
    """The synchronous client; see ``Klaviyo`` for the arguments."""

    _pool: _Pool[httpx.BaseTransport]
    _sleep: Callable[[float], object]
    _http: httpx.Client

    def __init__(
        self,
        api_key: str | None = None,
        *,
        oauth: OAuth | None = None,
        company_id: str | None = None,
        base_url: str | httpx.URL = DEFAULT_BASE_URL,
        allow_http: bool = False,
        revision: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | bool | None = None,
        max_retries: int | None = None,
        rate_limits: Limiter | RateLimits | bool | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        default_headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_request: Hook | None = None,
        on_response: Hook | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            oauth=oauth,
            company_id=company_id,
            base_url=base_url,
            allow_http=allow_http,
            revision=revision,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        inner = _inner(transport, http_client, httpx.Client, _ClientTransport, DeferredTransport)
        inner = LogTransport(inner, clock=clock, **_hooks(on_request, on_response, asynchronous=False))
        self._assemble(_Pool(inner), coerce_limiter(rate_limits, clock=clock), sleep, clock, owner=True)

    def _assemble(
        self,
        pool: _Pool[httpx.BaseTransport],
        limiter: Limiter,
        sleep: Callable[[float], object],
        clock: Callable[[], float],
        *,
        owner: bool,
    ) -> None:
        """Build the stack over ``pool``'s transport (retry -> rate limit -> log -> I/O) and the httpx client."""
        self._pool, self._owner, self.rate_limiter, self._sleep, self._clock = pool, owner, limiter, sleep, clock
        inner = pool.transport if owner else _Borrowed(pool)
        limited = RateLimitTransport(inner, limits=limiter, sleep=sleep)
        stack = RetryTransport(limited, policy=self.settings.retry, sleep=sleep, clock=clock)
        self._http = httpx.Client(transport=stack, **self._client_options())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (a caller's ``http_client`` stays open: it is the caller's).

        A client from ``with_options()`` closes only itself: the pool is its parent's.
        """
        if self._owner:
            self._pool.closed = True
        self._http.close()

    def _send(self, request: httpx.Request) -> httpx.Response:
        if self._pool.closed or self._http.is_closed:
            raise self._closed_error()
        try:
            response = self._http.send(request)
        except (httpx.HTTPError, httpx.StreamError) as error:  # StreamError: a stream used twice, say
            raise _connection_error(error) from error
        return self._check_status(response)

    def _call(
        self,
        operation: Operation[T],
        kwargs: dict[str, Any],
        *,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | bool | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> T:
        """Send ``operation``'s request (``kwargs`` from its builder) and parse the answer with its parser.

        Returns what the parser returns; inside ``to_raw_response`` an ``APIResponse`` of it.
        """
        raw = raw_mode.get()
        request = self._build_request(
            self._http,
            kwargs,
            operation.spec,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
        return self._parsed(operation, self._send(request), raw)  # type: ignore[no-any-return]

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | bool | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Any:
        """Call any path on ``base_url`` with the client's auth, revision, timeouts, retries and errors.

        For endpoints the generated methods do not cover. Returns the decoded JSON body (``None``
        when empty); non-2xx raises the typed errors. A path that matches a spec operation shares
        that operation's rate-limit bucket. ``extra_headers``/``extra_query`` are added as on every
        generated method (see ``_options.add_extras``).
        """
        kwargs, operation = self._raw_kwargs(
            method, path, params=params, json=json, data=data, files=files, headers=headers
        )
        raw = raw_mode.get()
        request = self._build_request(
            self._http,
            kwargs,
            operation,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
        return self._decoded(self._send(request), raw)


class AsyncAPIClient(_BaseClient):
    """The asyncio client; see ``AsyncKlaviyo`` for the arguments."""

    _pool: _Pool[httpx.AsyncBaseTransport]
    _sleep: Callable[[float], Awaitable[object]]
    _http: httpx.AsyncClient

    def __init__(
        self,
        api_key: str | None = None,
        *,
        oauth: OAuth | None = None,
        company_id: str | None = None,
        base_url: str | httpx.URL = DEFAULT_BASE_URL,
        allow_http: bool = False,
        revision: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | bool | None = None,
        max_retries: int | None = None,
        rate_limits: Limiter | RateLimits | bool | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        default_headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_request: Hook | None = None,
        on_response: Hook | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            oauth=oauth,
            company_id=company_id,
            base_url=base_url,
            allow_http=allow_http,
            revision=revision,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        inner = _inner(transport, http_client, httpx.AsyncClient, _AsyncClientTransport, DeferredAsyncTransport)
        inner = AsyncLogTransport(inner, clock=clock, **_hooks(on_request, on_response, asynchronous=True))
        self._assemble(_Pool(inner), coerce_limiter(rate_limits, clock=clock), sleep, clock, owner=True)

    def _assemble(
        self,
        pool: _Pool[httpx.AsyncBaseTransport],
        limiter: Limiter,
        sleep: Callable[[float], Awaitable[object]],
        clock: Callable[[], float],
        *,
        owner: bool,
    ) -> None:
        """Build the stack over ``pool``'s transport (retry -> rate limit -> log -> I/O) and the httpx client."""
        self._pool, self._owner, self.rate_limiter, self._sleep, self._clock = pool, owner, limiter, sleep, clock
        inner = pool.transport if owner else _AsyncBorrowed(pool)
        limited = AsyncRateLimitTransport(inner, limits=limiter, sleep=sleep)
        stack = AsyncRetryTransport(limited, policy=self.settings.retry, sleep=sleep, clock=clock)
        self._http = httpx.AsyncClient(transport=stack, **self._client_options())

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool (a caller's ``http_client`` stays open: it is the caller's).

        A client from ``with_options()`` closes only itself: the pool is its parent's.
        """
        if self._owner:
            self._pool.closed = True
        await self._http.aclose()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        if self._pool.closed or self._http.is_closed:
            raise self._closed_error()
        try:
            response = await self._http.send(request)
        except (httpx.HTTPError, httpx.StreamError) as error:  # StreamError: a stream used twice, say
            raise _connection_error(error) from error
        return self._check_status(response)

    async def _call(
        self,
        operation: Operation[T],
        kwargs: dict[str, Any],
        *,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | bool | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> T:
        """Send ``operation``'s request (``kwargs`` from its builder) and parse the answer with its parser.

        Returns what the parser returns; inside ``to_raw_response`` an ``APIResponse`` of it.
        """
        raw = raw_mode.get()
        request = self._build_request(
            self._http,
            kwargs,
            operation.spec,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
        return self._parsed(operation, await self._send(request), raw)  # type: ignore[no-any-return]

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | bool | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Any:
        """The async twin of ``Klaviyo.request``."""
        kwargs, operation = self._raw_kwargs(
            method, path, params=params, json=json, data=data, files=files, headers=headers
        )
        raw = raw_mode.get()
        request = self._build_request(
            self._http,
            kwargs,
            operation,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
        return self._decoded(await self._send(request), raw)
