# Copied from overrides/runtime/_exceptions.py by `python -m generator sync`; edit that file, not this one.
"""Typed errors for failed Klaviyo API calls.

Every error raised on purpose derives from :class:`KlaviyoError`::

    KlaviyoError
    ├── APIError                      .request .attempts .status_code .request_id
    │   ├── APIConnectionError        the request never got a whole HTTP answer (httpx error as __cause__)
    │   │   └── APITimeoutError
    │   ├── APIStatusError            non-2xx: .errors .body_text .response
    │   │   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
    │   │   ├── NotFoundError 404, ConflictError 409 (.duplicate_profile_id), UnprocessableEntityError 422,
    │   │   ├── RateLimitError 429 (.retry_after), InternalServerError 5xx
    │   └── ResponseDecodeError       2xx whose body is not the documented JSON (or its encoding)
    ├── RateLimitWaitExceededError    not sent: the wait for a slot exceeds what the call may wait
    └── FieldDecodeError              (in _lazy) a nested member read later is not the documented shape
        └── MissingFieldError         (in _lazy) a required member the API left out, when it is read

:func:`status_error` picks the class for a response and never raises, whatever the body.

Secrets: messages (``str``, ``repr``, ``args``) are built only from the status, the parsed error
fields, the request id and a body excerpt, with the request's credentials scrubbed out; they never
include headers. Pickling replaces the request and response with redacted copies (see
:meth:`APIError.__reduce__`) and scrubs every text in the error items, nested ``meta`` and unknown
members included, so a pickled error carries no API key or token.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from attrs import evolve, field, fields, frozen

from ._base_error import KlaviyoError
from ._retry_after import requested_wait

# httpx is only needed at runtime when a request or response is copied for pickling; by then it is
# loaded. Importing this module alone does not pull in the HTTP stack (see klaviyo_generated/__init__).
if TYPE_CHECKING:
    import httpx

# Klaviyo's spec documents no request-id header; these are the conventional names, tried in order.
REQUEST_ID_HEADERS = ("x-request-id", "x-klaviyo-request-id")

_EXCERPT = 200  # longest piece of server-provided text put into a message
_SENSITIVE_HEADER = re.compile(r"auth|cookie|token|secret|passw|api[-_]?key|session", re.IGNORECASE)
_AUTH_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
# A Klaviyo private key echoed anywhere in text we did not write ourselves.
_PRIVATE_KEY = re.compile(r"\bpk_[A-Za-z0-9]{8,}")
_URL_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
_WHITESPACE = re.compile(r"[\s\x00-\x1f\x7f]+")
_STATUS = re.compile(r"[0-9]{3}")  # an HTTP status sent as a string
# Real error members nest two or three levels; a hostile body may nest hundreds, more than pickle
# (about 500 on Python 3.11) or a recursive scrub can walk. Deeper members are kept as JSON text.
_MAX_NESTING = 32


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The request id a response carries, from the first of ``REQUEST_ID_HEADERS`` present."""
    return next((v for h in REQUEST_ID_HEADERS if (v := headers.get(h))), None)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Copy ``headers`` with credential-bearing values masked.

    Authorization-, cookie-, token-, secret- and api-key-like headers are masked; an auth scheme is
    kept so the copy still says which kind of credential was sent (``Klaviyo-API-Key ***``).
    """
    return {name: _mask(value) if _SENSITIVE_HEADER.search(name) else value for name, value in headers.items()}


def _mask(value: str) -> str:
    scheme, space, credential = value.partition(" ")
    if space and credential.strip() and _AUTH_SCHEME.fullmatch(scheme):
        return f"{scheme} ***"
    return "***"


def _secrets_of(request: httpx.Request | None) -> tuple[str, ...]:
    """The credential values the request carries, longest first so no fragment of one survives."""
    if request is None:
        return ()
    found = set()
    for name, value in request.headers.multi_items():
        if _SENSITIVE_HEADER.search(name):
            found.add(value.strip())
            found.add(value.partition(" ")[2].strip())
    # An OAuth token request carries its refresh token (or client secret) in a form body.
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        try:
            fields = parse_qsl(request.content.decode("utf-8", "replace"))
        except RuntimeError:  # httpx.RequestNotRead: a streamed body we cannot look into
            fields = []
        found.update(value.strip() for name, value in fields if _SENSITIVE_HEADER.search(name))
    # Very short values would mangle unrelated text and are no secret worth the name.
    return tuple(sorted((s for s in found if len(s) >= 4), key=len, reverse=True))


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return _PRIVATE_KEY.sub("pk_***", text)


def _clean(text: str, secrets: tuple[str, ...], limit: int = _EXCERPT) -> str:
    """Server text made fit for a one-line message: scrubbed *before* truncation, so no key is cut in half."""
    text = _WHITESPACE.sub(" ", _scrub(text, secrets)).strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


# The type each member of an error item has when it is what Klaviyo documents ("status" aside).
_DOCUMENTED_TYPE: dict[str, type] = {
    "id": str,
    "code": str,
    "title": str,
    "detail": str,
    "source": dict,
    "links": dict,
    "meta": dict,
}


@frozen
class ErrorObject:
    """One item of a JSON:API ``errors`` array, with every member Klaviyo sent.

    The spec documents ``id``, ``code``, ``title``, ``detail`` and ``source`` and requires the first
    four, but Klaviyo also sends ``status``, ``links`` and ``meta`` (a 409 from ``create_profile``
    names the existing profile in ``meta.duplicate_profile_id``), and an item may lack a "required"
    member. So every typed member is optional: a member that is absent, or not of its documented
    type, reads ``None`` (``{}`` for the objects), and in the second case its raw value is kept in
    ``extra`` under its own name, with every member the spec does not name. Nothing is dropped (a
    member nested more than 32 levels deep is kept in ``extra`` as its JSON text). ``status`` is
    Klaviyo's int (a numeric string is read as one).
    """

    id: str | None = None
    code: str | None = None
    title: str | None = None
    detail: str | None = None
    status: int | None = None
    # Mappings are left out of the hash (they are unhashable); equality still compares them.
    source: Mapping[str, Any] = field(factory=dict, hash=False)
    links: Mapping[str, Any] = field(factory=dict, hash=False)
    meta: Mapping[str, Any] = field(factory=dict, hash=False)
    extra: Mapping[str, Any] = field(factory=dict, hash=False)

    @property
    def source_pointer(self) -> str | None:
        """``source.pointer``: the JSON pointer to the part of the request body at fault."""
        pointer = self.source.get("pointer")
        return pointer if isinstance(pointer, str) else None

    @property
    def source_parameter(self) -> str | None:
        """``source.parameter``: the query parameter at fault."""
        parameter = self.source.get("parameter")
        return parameter if isinstance(parameter, str) else None

    @classmethod
    def from_json(cls, item: object) -> ErrorObject | None:
        """The item as an ErrorObject; ``None`` only when it is not a JSON object (it has no members)."""
        if not isinstance(item, dict):
            return None
        typed: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, value in item.items():
            if _too_deep(value):  # kept as its JSON text, which pickling and scrubbing need not walk
                extra[name] = json.dumps(value)
            elif isinstance(value, _DOCUMENTED_TYPE.get(name, ())):
                typed[name] = value
            elif name == "status" and (status := _status_of(value)) is not None:
                typed[name] = status
            else:
                extra[name] = value
        return cls(**typed, extra=extra)


def _too_deep(value: object) -> bool:
    """Whether ``value`` nests objects or arrays more than ``_MAX_NESTING`` deep (walked without recursion)."""
    pending = [(value, 0)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, dict | list):
            if depth == _MAX_NESTING:
                return True
            children = current.values() if isinstance(current, dict) else current
            pending.extend((child, depth + 1) for child in children)
    return False


def _status_of(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _STATUS.fullmatch(value.strip()):
        return int(value)
    return None


def _parse_errors(text: str) -> tuple[ErrorObject, ...]:
    """Every JSON object in the body's ``errors`` array; other items (numbers, strings, null) are
    skipped, as they carry no member to keep (``body_text`` still holds them)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return ()
    items = document.get("errors") if isinstance(document, dict) else None
    if not isinstance(items, list):
        return ()
    return tuple(error for error in map(ErrorObject.from_json, items) if error is not None)


def _body_text(response: httpx.Response) -> str | None:
    """The decoded body, or None if it was streamed and never read (it cannot be read here)."""
    try:
        content = response.content
    except RuntimeError:  # httpx.ResponseNotRead
        return None
    try:
        return response.text
    except Exception:  # a hostile charset (rot13, hex, ...) breaks httpx's decoder in assorted ways
        return content.decode("utf-8", errors="replace")


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a response built without a request
        return None


def _rebuild(cls: type[APIError], args: tuple[object, ...], state: dict[str, Any]) -> APIError:
    """Unpickle without calling ``__init__``, whose signature differs from class to class."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class APIError(KlaviyoError):
    """A call to the API failed; ``request`` is the request that was sent, when known.

    ``status_code`` and ``request_id`` are those of the last answer, or ``None`` when no answer
    arrived (a connection error) or it carried no request id.
    """

    status_code: int | None = None
    request_id: str | None = None

    def __init__(self, message: str, *, request: httpx.Request | None = None, attempts: int = 1) -> None:
        self.request = request
        self._message = _scrub(message, _secrets_of(request))
        self._attempts = 0
        self.attempts = attempts  # the setter renders the message

    @property
    def attempts(self) -> int:
        """How many attempts were made before this error; the retry layer raises it after retries."""
        return self._attempts

    @attempts.setter
    def attempts(self, value: int) -> None:
        if value < 1:
            raise ValueError(f"attempts must be at least 1, not {value}")
        self._attempts = value
        # args is what str(), repr() and tracebacks show, so it must follow the attempt count.
        self.args = (self._render(),)

    def _render(self) -> str:
        return _clean(self._message, _secrets_of(self.request), limit=400) + self._attempts_suffix()

    def _attempts_suffix(self) -> str:
        return f" after {self._attempts} attempts" if self._attempts > 1 else ""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the request and response replaced by redacted copies.

        The copies keep method, URL, status, headers (credentials masked by :func:`redact_headers`)
        and the response body; the request body is dropped, since a token request carries a refresh
        token or client secret there. Credentials echoed in any text are scrubbed as in messages.
        """
        secrets = _secrets_of(self.request)
        redact = _Redactor(secrets)
        state = {name: redact(value) for name, value in vars(self).items()}
        return (_rebuild, (type(self), tuple(redact(arg) for arg in self.args), state))


class _Redactor:
    """Copies the parts of an error's state that can carry credentials, for pickling."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        self.secrets = secrets
        # One copy per original, so error.response.request stays the same object as error.request.
        self.copies: dict[int, Any] = {}

    def __call__(self, value: object) -> object:
        import httpx

        if isinstance(value, httpx.Request):
            return self.request(value)
        if isinstance(value, httpx.Response):
            return self.response(value)
        return self.text(value)

    def text(self, value: object) -> object:
        """``value`` with every string in it scrubbed, nested ones too (error items nest at most
        ``_MAX_NESTING`` deep, so this recursion is bounded); other values as they are."""
        if isinstance(value, str):
            return _scrub(value, self.secrets)
        if isinstance(value, tuple | list):  # errors, __notes__ from add_note(), JSON arrays in meta
            return type(value)(self.text(item) for item in value)
        if isinstance(value, dict):  # an error item's source, links, meta and extra members
            return {self.text(key): self.text(item) for key, item in value.items()}
        if isinstance(value, ErrorObject):  # the server may echo what it was sent, in any member
            scrubbed: dict[str, Any] = {f.name: self.text(getattr(value, f.name)) for f in fields(ErrorObject)}
            return evolve(value, **scrubbed)
        return value

    def request(self, request: httpx.Request) -> httpx.Request:
        import httpx

        if id(request) not in self.copies:
            self.copies[id(request)] = httpx.Request(
                request.method, request.url, headers=redact_headers(request.headers)
            )
        copy: httpx.Request = self.copies[id(request)]
        return copy

    def response(self, response: httpx.Response) -> httpx.Response:
        import httpx

        if id(response) not in self.copies:
            text = _body_text(response) or ""
            scrubbed = _scrub(text, self.secrets)
            original = _request_of(response)
            self.copies[id(response)] = httpx.Response(
                response.status_code,
                # The copy's content is decoded already, so no transfer or content encoding applies.
                headers={
                    name: value
                    for name, value in redact_headers(response.headers).items()
                    if name not in ("content-encoding", "transfer-encoding", "content-length")
                },
                content=response.content if text and scrubbed == text else scrubbed.encode(),
                request=None if original is None else self.request(original),
            )
        copy: httpx.Response = self.copies[id(response)]
        return copy


class APIConnectionError(APIError):
    """No HTTP answer arrived (DNS, refused connection, TLS, broken stream); the httpx error is the __cause__."""

    _what = "Connection error"

    def __init__(
        self,
        message: str | None = None,
        *,
        request: httpx.Request | None = None,
        cause: BaseException | None = None,
        attempts: int = 1,
    ) -> None:
        if request is None and cause is not None:
            try:
                request = getattr(cause, "request", None)  # httpx.RequestError knows its request
            except RuntimeError:
                request = None
        if message is None:
            where = f" ({request.method} {_origin(request.url)}{request.url.path})" if request is not None else ""
            # A proxy URL in the cause's text may carry user:password.
            why = f": {type(cause).__name__}: {_URL_USERINFO.sub('***@', str(cause))}" if cause is not None else ""
            message = f"{self._what}{where}{why}"
        super().__init__(message, request=request, attempts=attempts)
        if cause is not None:
            self.__cause__ = cause


def _origin(url: httpx.URL) -> str:
    """``scheme://host:port`` (the port always, so "refused" says where); never userinfo or query."""
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}" + (f":{port}" if port else "")


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""

    _what = "Request timed out"


class APIStatusError(APIError):
    """The API answered with a non-2xx status.

    ``errors`` holds every object of the JSON:API ``errors`` array (possibly none), each an
    :class:`ErrorObject` with all its members; ``body_text`` is always the full raw body, however
    malformed. ``request_id`` comes from the
    first of ``x-request-id`` and ``x-klaviyo-request-id`` present (the spec documents neither).
    """

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        self.response = response
        self.status_code = response.status_code
        text = _body_text(response)
        self._body_read = text is not None
        self.body_text = text or ""
        self.errors = _parse_errors(self.body_text)
        self.request_id = request_id_of(response.headers)
        super().__init__("", request=_request_of(response), attempts=attempts)

    def _render(self) -> str:
        secrets = _secrets_of(self.request)
        line = f"HTTP {self.status_code}"
        # The first item with something to say (an item may lack code, title and detail).
        first = next((error for error in self.errors if error.code or error.title or error.detail), None)
        if first is not None:
            code = _clean(first.code or "", secrets, 100)
            text = _clean(first.detail or first.title or "", secrets)
            line += f" {code}" if code else ""
            line += f": {text}" if text else ""
            if first.source_pointer:
                line += f" (source: {_clean(first.source_pointer, secrets)})"
            elif first.source_parameter:
                line += f" (parameter: {_clean(first.source_parameter, secrets)})"
            line += f" (+{len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        else:
            reason = _clean(self.response.reason_phrase, secrets, 100)
            excerpt = _clean(self.body_text, secrets)
            line += f" {reason}" if reason else ""
            line += f": {excerpt}" if excerpt else " (empty body)" if self._body_read else " (body not read)"
        line += self._attempts_suffix()
        if self.request_id:
            line += f" [request-id {_clean(self.request_id, secrets, 100)}]"
        return line


class BadRequestError(APIStatusError):
    """HTTP 400: the request is malformed or invalid (see ``errors`` for which part)."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key or token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credentials lack a scope this operation needs."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such resource (or route)."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the resource's current state (e.g. a duplicate)."""

    @property
    def duplicate_profile_id(self) -> str | None:
        """The existing profile a ``duplicate_profile`` answer names (``meta.duplicate_profile_id`` of
        the first error item that has one), else ``None``: Klaviyo's documented way to find it."""
        for error in self.errors:
            found = error.meta.get("duplicate_profile_id")
            if isinstance(found, str) and found:
                return found
        return None


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """HTTP 429: throttled. ``retry_after`` is the server's requested wait in seconds, when it gave one."""

    def __init__(self, response: httpx.Response, *, attempts: int = 1, now: datetime | None = None) -> None:
        clock = now.timestamp if now is not None else time.time
        # Retry-After, else RateLimit-Reset: the same reading the retry and rate-limit layers use.
        self.retry_after = requested_wait(response.status_code, response.headers, now=clock)
        super().__init__(response, attempts=attempts)


class InternalServerError(APIStatusError):
    """Any HTTP 5xx."""


class ResponseDecodeError(APIError):
    """A 2xx response whose body is not the JSON the API documents (or not in the encoding its
    headers declare); the raw body is kept in ``body_text``."""

    def __init__(self, response: httpx.Response, *, attempts: int = 1, reason: str | None = None) -> None:
        self.response = response
        self.status_code = response.status_code
        self.request_id = request_id_of(response.headers)
        self.body_text = _body_text(response) or ""
        excerpt = self.body_text or "(empty body)"
        what = reason or "is not the documented JSON"
        message = f"HTTP {self.status_code} response body {what}: {excerpt}"
        super().__init__(message, request=_request_of(response), attempts=attempts)

    def _render(self) -> str:
        line = super()._render()
        if self.request_id:
            line += f" [request-id {_clean(self.request_id, _secrets_of(self.request), 100)}]"
        return line


class RateLimitWaitExceededError(KlaviyoError):
    """A call would have had to wait longer than it may for a free slot; it was not sent.

    The bound is ``RateLimits.max_wait``, or less when the call's ``RetryPolicy.total_timeout``
    has less time left. ``wait`` (also ``retry_after``) is the delay the call would have needed,
    so the caller can schedule it for later; ``attempts`` counts the requests this call did send
    before (0 when it was refused before its first). The message holds only the operation name and
    numbers.
    """

    def __init__(self, operation: str, wait: float, max_wait: float, *, attempts: int = 0) -> None:
        self.operation = operation
        self.wait = wait
        self.max_wait = max_wait
        self._attempts = 0
        self.attempts = attempts

    @property
    def retry_after(self) -> float:
        """The wait, under the name ``RateLimitError`` uses for the server's."""
        return self.wait

    @property
    def attempts(self) -> int:
        """Requests this call sent before it was refused a slot (0: none)."""
        return self._attempts

    @attempts.setter
    def attempts(self, value: int) -> None:
        self._attempts = value
        sent = f" ({value} request{'' if value == 1 else 's'} sent before)" if value else " (not sent)"
        self.args = (
            f"rate limit: {self.operation} would have to wait {self.wait:.3f}s for a free slot, "
            f"more than the {self.max_wait:g}s it may wait{sent}",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_wait, (self.operation, self.wait, self.max_wait, self._attempts))


def _rebuild_wait(operation: str, wait: float, max_wait: float, attempts: int) -> RateLimitWaitExceededError:
    return RateLimitWaitExceededError(operation, wait, max_wait, attempts=attempts)


# The name before errors took the ``Error`` suffix; kept so existing ``except`` clauses still work.
RateLimitWaitExceeded = RateLimitWaitExceededError


_CLASS_OF_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
}


def status_error(response: httpx.Response, *, attempts: int = 1, now: datetime | None = None) -> APIStatusError:
    """The typed error for a non-2xx ``response``; never raises, whatever its body.

    ``now`` is the clock ``Retry-After`` dates are measured against (default: the current time).
    The body should have been read; if it was not, the error carries no body (and says so).
    """
    status = response.status_code
    if status == 429:
        return RateLimitError(response, attempts=attempts, now=now)
    cls = _CLASS_OF_STATUS.get(status, InternalServerError if 500 <= status <= 599 else APIStatusError)
    return cls(response, attempts=attempts)


__all__ = [
    "REQUEST_ID_HEADERS",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ErrorObject",
    "InternalServerError",
    "KlaviyoError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimitWaitExceeded",
    "RateLimitWaitExceededError",
    "ResponseDecodeError",
    "UnprocessableEntityError",
    "redact_headers",
    "request_id_of",
    "status_error",
]
