# Copied from overrides/runtime/_exceptions.py by `python -m generator sync`; edit that file, not this one.
"""Every error this package raises, in one module.

Every error raised on purpose derives from :class:`KlaviyoError`; the README's error tree is this::

    KlaviyoError
    ├── ConfigurationError            bad settings or a call it cannot make; nothing was sent (a ValueError)
    │   ├── FilterError               a filter field, operator or value the endpoint does not take
    │   ├── JobLimitError             a job's input over its documented item or byte limit
    │   └── InputError                a workflow argument (also an InvalidArgumentError)
    ├── InvalidArgumentError          an argument can't be sent: a path id '', '.', '..', None, a value outside
    │   │                             the spec's enum (the allowed ones listed); nothing was sent (a ValueError)
    │   ├── ArgumentTypeError         a body neither the model nor a dict of its shape, a str where a list is
    │   │                             expected (fields_profile="email") (also a TypeError)
    │   └── InputError                (the same class as above)
    ├── RateLimitWaitExceededError    not sent: the wait for a slot exceeds max_wait or the call's budget
    ├── APIError                      .request .attempts .status_code .request_id
    │   ├── APIConnectionError        no whole HTTP answer; names scheme://host:port (httpx error as __cause__)
    │   │   └── APITimeoutError       connect, read, write or pool timeout
    │   ├── APIStatusError            any non-2xx: .errors .body_text .response
    │   │   ├── BadRequestError       400
    │   │   ├── AuthenticationError   401
    │   │   │   └── TokenRefreshError the OAuth token endpoint refused the refresh (invalid_grant)
    │   │   ├── OAuthError            the OAuth token or revoke endpoint refused a code exchange or a
    │   │   │                         revocation (.error, .error_description: RFC 6749's fields)
    │   │   ├── PermissionDeniedError 403
    │   │   ├── NotFoundError         404
    │   │   ├── ConflictError         409 (.duplicate_profile_id)
    │   │   ├── UnprocessableEntityError  422
    │   │   ├── RateLimitError        429 (.retry_after)
    │   │   └── InternalServerError   5xx
    │   └── ResponseDecodeError       a 2xx body that is not the documented JSON or encoding (raw text kept)
    ├── FieldDecodeError              a nested member, read later, is not the documented shape (.raw) (a ValueError)
    │   └── MissingFieldError         a required member the API left out, when it is read (an AttributeError)
    ├── PaginationError               a next link that cannot be followed safely (other origin, repeated cursor)
    ├── JobFailedError                a job was cancelled or finished with failed items (.job, .errors,
    │                                 .failed_items)
    ├── JobTimeoutError               wait() ran out of time; the job keeps running (.job, .waited)
    ├── ChunkFailedError              some chunks of a chunked submission failed (.failed, .outcomes)
    ├── UnknownToolError              klaviyo_generated.tools has no tool of that name (.name, .suggestions)
    │                                 (also a LookupError)
    ├── WebhookVerificationError      a webhook request that is not a genuine, fresh Klaviyo delivery (.reason)
    ├── UnexpectedStatus              (errors module) an endpoint function got an undocumented status
    └── UndecodableResponse           (errors module) an endpoint function could not decode a 2xx body

:func:`status_error` picks the class for a response and never raises, whatever the body.

This module is core: it imports no generated or extension module (the job and chunk types the
job errors carry are named in annotations only), so every layer can raise its errors from here;
models import it too (through ``_lazy``), so it keeps its own imports light.

Pickling: every error survives a ``pickle`` round trip (``KlaviyoError.__reduce__`` restores the
instance state without calling ``__init__``, whose signature differs from class to class).

Secrets: messages (``str``, ``repr``, ``args``) are built only from the status, the parsed error
fields, the request id and a body excerpt, with the request's credentials scrubbed out; they never
include headers. Pickling replaces the request and response with redacted copies (see
:meth:`APIError.__reduce__`) and scrubs every text in the error items, nested ``meta`` and unknown
members included, so a pickled error carries no API key or token (see ``_error_text``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from ._error_text import (
    REQUEST_ID_HEADERS,
    Redactor,
    body_text,
    clean,
    origin,
    redact_headers,
    request_id_of,
    request_of,
    scrub,
    secrets_of,
    status_of,
    too_deep,
    without_userinfo,
)

if TYPE_CHECKING:
    import httpx


_EXCERPT = 200  # longest repr of a decoded value put into a message


def _rebuild(cls: type[KlaviyoError], args: tuple[object, ...], state: dict[str, Any]) -> KlaviyoError:
    """Unpickle without calling ``__init__``, whose signature differs from class to class."""
    error = cls.__new__(cls)
    error.args = args
    for name, value in state.items():
        setattr(error, name, value)  # setattr, not __dict__: AttributeError keeps ``name`` in a slot
    return error


class KlaviyoError(Exception):
    """Base class of every error this package raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, dict(vars(self))))


# --- Nothing was sent: the settings or the arguments of a call cannot be used ---------------------


class ConfigurationError(KlaviyoError, ValueError):
    """The client was set up or called with values it cannot use; nothing was sent."""


class InvalidArgumentError(KlaviyoError, ValueError):
    """An argument of a call cannot be sent as given; the message names it and the operation. Nothing was sent."""


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of a call is of a type the operation does not take (e.g. a dict for a model body)."""


class InputError(ConfigurationError, InvalidArgumentError):
    """A workflow argument is missing or malformed; the message names it. Nothing was sent.

    An ``InvalidArgumentError`` too, so one ``except`` catches it and the endpoints' argument checks."""


class FilterError(ConfigurationError):
    """A filter the endpoint does not accept, or a value the filter language cannot express."""


class JobLimitError(ConfigurationError):
    """A job's input is over a limit the API documents; nothing was sent."""


# --- The API answered with an error, or not at all ------------------------------------------------


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
            if too_deep(value):  # kept as its JSON text, which pickling and scrubbing need not walk
                extra[name] = json.dumps(value)
            elif isinstance(value, _DOCUMENTED_TYPE.get(name, ())):
                typed[name] = value
            elif name == "status" and (status := status_of(value)) is not None:
                typed[name] = status
            else:
                extra[name] = value
        return cls(**typed, extra=extra)


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


class APIError(KlaviyoError):
    """A call to the API failed; ``request`` is the request that was sent, when known.

    ``status_code`` and ``request_id`` are those of the last answer, or ``None`` when no answer
    arrived (a connection error) or it carried no request id.
    """

    status_code: int | None = None
    request_id: str | None = None

    def __init__(self, message: str, *, request: httpx.Request | None = None, attempts: int = 1) -> None:
        self.request = request
        self._message = scrub(message, secrets_of(request))
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
        return clean(self._message, secrets_of(self.request), limit=400) + self._attempts_suffix()

    def _attempts_suffix(self) -> str:
        return f" after {self._attempts} attempts" if self._attempts > 1 else ""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the request and response replaced by redacted copies.

        The copies keep method, URL, status, headers (credentials masked by :func:`redact_headers`)
        and the response body; the request body is dropped, since a token request carries a refresh
        token or client secret there. Credentials echoed in any text are scrubbed as in messages.
        """
        secrets = secrets_of(self.request)
        redact = Redactor(secrets)
        state = {name: redact(value) for name, value in vars(self).items()}
        return (_rebuild, (type(self), tuple(redact(arg) for arg in self.args), state))


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
            where = f" ({request.method} {origin(request.url)}{request.url.path})" if request is not None else ""
            why = f": {type(cause).__name__}: {without_userinfo(str(cause))}" if cause is not None else ""
            message = f"{self._what}{where}{why}"
        super().__init__(message, request=request, attempts=attempts)
        if cause is not None:
            self.__cause__ = cause


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
        text = body_text(response)
        self._body_read = text is not None
        self.body_text = text or ""
        self.errors = _parse_errors(self.body_text)
        self.request_id = request_id_of(response.headers)
        super().__init__("", request=request_of(response), attempts=attempts)

    def _render(self) -> str:
        secrets = secrets_of(self.request)
        line = f"HTTP {self.status_code}"
        # The first item with something to say (an item may lack code, title and detail).
        first = next((error for error in self.errors if error.code or error.title or error.detail), None)
        if first is not None:
            code = clean(first.code or "", secrets, 100)
            text = clean(first.detail or first.title or "", secrets)
            line += f" {code}" if code else ""
            line += f": {text}" if text else ""
            if first.source_pointer:
                line += f" (source: {clean(first.source_pointer, secrets)})"
            elif first.source_parameter:
                line += f" (parameter: {clean(first.source_parameter, secrets)})"
            line += f" (+{len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        else:
            reason = clean(self.response.reason_phrase, secrets, 100)
            excerpt = clean(self.body_text, secrets)
            line += f" {reason}" if reason else ""
            line += f": {excerpt}" if excerpt else " (empty body)" if self._body_read else " (body not read)"
        line += self._attempts_suffix()
        if self.request_id:
            line += f" [request-id {clean(self.request_id, secrets, 100)}]"
        return line


class BadRequestError(APIStatusError):
    """HTTP 400: the request is malformed or invalid (see ``errors`` for which part)."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key or token is missing, wrong or expired."""


class TokenRefreshError(AuthenticationError):
    """The token endpoint refused the refresh (e.g. ``invalid_grant``: the refresh token was revoked)."""


class OAuthError(APIStatusError):
    """The OAuth token or revoke endpoint refused a code exchange or a revocation, whatever the status.

    ``error`` and ``error_description`` are RFC 6749's fields of the answer (section 5.2:
    ``invalid_grant`` for a used, expired or unknown code or a wrong PKCE verifier, ``invalid_client``
    for a wrong client id or secret, ...), ``None`` when the body does not carry them. The message
    quotes them with the request's client secret, code, verifier and tokens scrubbed out.
    """

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        fields = _oauth_fields(body_text(response) or "")
        self.error: str | None = fields.get("error")
        self.error_description: str | None = fields.get("error_description")
        super().__init__(response, attempts=attempts)

    def _render(self) -> str:
        if self.error is None:
            return super()._render()
        secrets = secrets_of(self.request)
        line = f"HTTP {self.status_code} {clean(self.error, secrets, 100)}"
        if self.error_description:
            line += f": {clean(self.error_description, secrets)}"
        line += self._attempts_suffix()
        if self.request_id:
            line += f" [request-id {clean(self.request_id, secrets, 100)}]"
        return line


def _oauth_fields(text: str) -> dict[str, str]:
    """The string ``error`` and ``error_description`` of an RFC 6749 error body (JSON), if any."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {
        name: value for name in ("error", "error_description") if isinstance(value := document.get(name), str) and value
    }


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
        # Loaded with the first 429: every model imports this module (via _lazy), and the date parser
        # Retry-After needs (email.utils) would add to the import of each.
        from ._retry_after import requested_wait

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
        self.body_text = body_text(response) or ""
        excerpt = self.body_text or "(empty body)"
        what = reason or "is not the documented JSON"
        message = f"HTTP {self.status_code} response body {what}: {excerpt}"
        super().__init__(message, request=request_of(response), attempts=attempts)

    def _render(self) -> str:
        line = super()._render()
        if self.request_id:
            line += f" [request-id {clean(self.request_id, secrets_of(self.request), 100)}]"
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


# The name before errors took the ``Error`` suffix; kept so existing ``except`` clauses still work.
RateLimitWaitExceeded = RateLimitWaitExceededError


# --- A response member read later is not what the API documents (see ``_lazy``) -------------------


class FieldDecodeError(KlaviyoError, ValueError):
    """A member of a response could not be read as the API documents it; ``raw`` keeps its value.

    Raised on first access to the field, because nested members are decoded lazily. It is a
    ``ValueError`` so that a union trying its variants treats it as "this variant does not fit".
    """

    def __init__(self, model: str, member: str, raw: object) -> None:
        text = repr(raw)
        excerpt = text if len(text) <= _EXCERPT else text[:_EXCERPT] + "..."
        super().__init__(f"{model}.{member} is not the documented shape: {excerpt}")
        self.model = model
        self.member = member
        self.raw = raw


class MissingFieldError(FieldDecodeError, AttributeError):
    """A required member the API left out of this answer, raised when it is read.

    The rest of the model decodes as usual. An ``AttributeError`` too, so ``hasattr(model, name)`` is
    False and ``getattr(model, name, default)`` gives the default; ``raw`` is ``UNSET``.
    """

    def __init__(self, model: str, member: str, name: str) -> None:
        from ._unset import UNSET

        KlaviyoError.__init__(self, f"{model}.{member} is missing: the API left out this required member")
        self.model = model
        self.member = member
        self.raw = UNSET
        self.name = name

    def __reduce__(self) -> tuple[Any, ...]:
        # ``name`` is kept in AttributeError's own slot, not in the instance dict.
        return (_rebuild, (type(self), self.args, {**vars(self), "name": self.name}))


# --- Extensions: pagination, jobs, chunked submissions --------------------------------------------


class PaginationError(KlaviyoError):
    """The server's paging links could not be followed safely (foreign origin, repeated cursor, no cursor)."""


class JobFailedError(KlaviyoError):
    """The job was cancelled, or finished with failed items. ``job`` is the handle; ``errors`` holds the
    per-item import errors where the job type has them (every page); ``failed_items`` names the items
    that failed where the caller knows them (e.g. the emails ``kv.workflows.add_to_list`` imported)."""

    def __init__(self, job: Any, errors: tuple[Any, ...] = (), failed_items: Sequence[str] = ()) -> None:
        progress = job.progress
        why = "was cancelled" if progress.status == "cancelled" else f"finished with {progress.failed} failed item(s)"
        named = list(failed_items)
        if named:
            why += ": " + "; ".join(named[:10]) + (f"; and {len(named) - 10} more" if len(named) > 10 else "")
        super().__init__(f"{job.operation.name} job {job.id} {why}")
        self.job: Any = job  # the Job or AsyncJob (Any: this core module names no extension's class)
        self.errors = errors
        self.failed_items = tuple(named)


class JobTimeoutError(KlaviyoError):
    """``wait()`` ran out of time; the job is still running (``job.wait()`` again, or attach later)."""

    def __init__(self, job: Any, waited: float) -> None:
        super().__init__(
            f"{job.operation.name} job {job.id} still {job.progress.status!r} after {waited:.1f}s; it keeps running"
        )
        self.job: Any = job  # the Job or AsyncJob
        self.status = job.progress.status
        self.waited = waited


class ChunkFailedError(KlaviyoError):
    """Some chunks failed; ``failed`` names them, ``outcomes`` holds every chunk's result or error."""

    def __init__(self, operation: str, outcomes: Sequence[Any]) -> None:
        # ChunkOutcome items (Any: this core module names no extension's class)
        self.outcomes: tuple[Any, ...] = tuple(outcomes)
        self.failed: tuple[Any, ...] = tuple(o for o in outcomes if o.error is not None)
        described = "; ".join(
            f"chunk {o.index} (items {o.items.start}-{o.items.stop - 1}): {o.error}" for o in self.failed
        )
        super().__init__(f"{operation}: {len(self.failed)} of {len(outcomes)} chunk(s) failed: {described}")


class UnknownToolError(KlaviyoError, LookupError):
    """``klaviyo_generated.tools.get_tool`` was given a name the catalog lacks; ``suggestions`` holds the close ones.

    A ``LookupError`` (not a ``KeyError``, whose ``str`` is the quoted key rather than this message)."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no tool named {name!r}{hint}")


# --- Receiving webhooks (``klaviyo_generated.webhooks``) ------------------------------------------


class WebhookVerificationError(KlaviyoError):
    """A webhook request that is not a genuine, fresh, well-formed Klaviyo delivery: do not process it.

    ``reason`` says which check failed: ``missing_header``, ``duplicate_header``, ``malformed_header``,
    ``bad_signature``, ``stale_timestamp``, ``future_timestamp``, ``malformed_body`` or
    ``webhook_id_mismatch``; ``header`` names the header concerned, if any. The message says what was
    wrong and what was expected; it never holds the secret or a signature, computed or received.
    """

    def __init__(self, reason: str, message: str, *, header: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.header = header


# --- Raised by the generated endpoint modules (re-exported by ``errors``) -------------------------


class UnexpectedStatus(KlaviyoError):
    """An endpoint got a status its operation does not document (the clients raise ``APIStatusError``s instead)."""

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content
        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class UndecodableResponse(KlaviyoError):
    """A success response whose body is not the JSON the API documents for it; the raw body is kept.

    The clients raise it as the ``__cause__`` of a ``ResponseDecodeError``."""

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content
        preview = content[:200].decode(errors="replace")
        super().__init__(f"HTTP {status_code} response body could not be decoded as documented: {preview!r}")


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


def connection_error(
    error: BaseException, *, request: httpx.Request | None = None, attempts: int = 1
) -> APIConnectionError:
    """The typed error for an httpx failure that brought no answer: ``APITimeoutError`` for a timeout."""
    import httpx  # loaded already: only httpx raises what this is given

    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    return cls(request=request, cause=error, attempts=attempts)


__all__ = [
    "REQUEST_ID_HEADERS",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ArgumentTypeError",
    "AuthenticationError",
    "BadRequestError",
    "ChunkFailedError",
    "ConfigurationError",
    "ConflictError",
    "ErrorObject",
    "FieldDecodeError",
    "FilterError",
    "InputError",
    "InternalServerError",
    "InvalidArgumentError",
    "JobFailedError",
    "JobLimitError",
    "JobTimeoutError",
    "KlaviyoError",
    "MissingFieldError",
    "NotFoundError",
    "OAuthError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimitWaitExceeded",
    "RateLimitWaitExceededError",
    "ResponseDecodeError",
    "TokenRefreshError",
    "UndecodableResponse",
    "UnexpectedStatus",
    "UnknownToolError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
    "connection_error",
    "redact_headers",
    "request_id_of",
    "status_error",
]
