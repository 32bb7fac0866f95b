"""What the client tells about each HTTP attempt: one log line, and the ``on_request``/``on_response`` hooks.

The transport layer in ``_transports/log.py`` calls this once before and once after every attempt;
everything it says is built here, from one ``RequestEvent``, so the log line and the hooks cannot
disagree.

Decisions:

* **Hooks, not an OpenTelemetry integration.** Two plain callables on the client cost no
  dependency and serve every backend (OpenTelemetry, statsd, Prometheus, a test's list); the docs
  show the ten lines that turn them into OpenTelemetry spans. A built-in span per call would tie
  the package to one API's versions and conventions and still leave statsd users without a hook.
* **Per attempt, not per call.** A 429 then a 200 is two round trips with two latencies and two
  request ids; a metric per call would hide the first. ``attempt`` says which one it was.
* **Nothing personal, nothing secret.** The path is the operation's template
  (``/api/profiles/{id}``), which also keeps a metric's label set small; a path no operation
  matches (a raw ``request()``) has each segment holding an ``@`` or a ``+``-prefixed number
  masked, and any private key removed. The query is never logged (filter values carry emails):
  at debug level its parameter names alone are added. Headers and bodies are never read.
* **A hook that raises does not fail the call**: the call may be a POST the server has already
  applied, and an exception would invite the caller to send it again. The error is logged at
  WARNING with its traceback (shown even without any logging set up) and the call goes on.
* **``KLAVIYO_LOG``** (``info`` or ``debug``; ``off`` or unset for nothing) attaches one stderr
  handler to the ``klaviyo_generated`` logger when a client is built, as ``OPENAI_LOG`` does, and
  never touches the root logger. Another value is a ``RuntimeWarning``, not an error: a typo in
  a logging switch should not stop a service from starting.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Final

import attrs
import httpx

from ._auth import ConfigurationError
from ._error_text import clean, request_id_of
from ._operation import OPERATION_EXTENSION, OperationSpec

__all__ = [
    "ENV_VAR",
    "HTTP_LOGGER",
    "Hook",
    "RequestEvent",
    "check_hook",
    "configure_from_env",
    "log_path",
]

ENV_VAR: Final = "KLAVIYO_LOG"
# A child of the package logger: KLAVIYO_LOG's handler (on the package logger) shows it, and a
# user can quiet these lines alone without losing the retry and rate-limit messages.
HTTP_LOGGER: Final = "klaviyo_generated.http"
_LOG = logging.getLogger(HTTP_LOGGER)
_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}
_OFF: Final = frozenset({"", "off"})
_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# A path segment that may be a person: an email address, or a phone number in E.164 (+15551234567).
# Compiled (and cached by `re`) on first use: the cold start does not need it.
_PERSONAL: Final = r"[^/]*@[^/]*|\+[0-9][0-9 ()./-]*"


@attrs.frozen(kw_only=True)
class RequestEvent:
    """One HTTP attempt, as ``on_request`` (before it is sent) and ``on_response`` (after) receive it.

    Attributes:
        method: ``GET``, ``POST``, ...
        path: the operation's path template, e.g. ``/api/profiles/{id}`` (never the query); for a
            path no operation matches, the path with emails and phone numbers masked as ``***``.
        operation: the operation's name, e.g. ``get_profiles``; ``None`` for such a path.
        attempt: 1 for the first attempt, 2 for the first retry, ...
        status: the HTTP status; ``None`` before the answer and when the attempt raised.
        elapsed_ms: milliseconds from sending to the response's headers (rate-limit waits and
            retry pauses are not counted: they are logged on their own); ``None`` before.
        request_id: the response's request id header, when it has one.
        error: the exception the attempt raised (a connection error, a timeout), else ``None``.
    """

    method: str
    path: str
    operation: str | None
    attempt: int
    status: int | None = None
    elapsed_ms: float | None = None
    request_id: str | None = None
    error: Exception | None = None


Hook = Callable[[RequestEvent], object]


def check_hook(hook: object, name: str, *, asynchronous: bool) -> Hook | None:
    """``hook`` if it is a callable the client can call, else ``ConfigurationError`` saying why."""
    if hook is None:
        return None
    if not callable(hook):
        raise ConfigurationError(f"{name} must be a callable taking a RequestEvent, got {type(hook).__name__}")
    if not asynchronous and inspect.iscoroutinefunction(hook):
        raise ConfigurationError(
            f"{name} is an async function: Klaviyo calls hooks synchronously (AsyncKlaviyo awaits)"
        )
    return hook


def redacted_path(request: httpx.Request, operation: OperationSpec | None) -> str:
    if operation is not None:
        return operation.path
    return clean(re.sub(_PERSONAL, "***", request.url.path), ())


def log_path(request: httpx.Request) -> str:
    """The path a log line shows for ``request`` (see ``redacted_path``)."""
    return redacted_path(request, _operation(request))


def _operation(request: httpx.Request) -> OperationSpec | None:
    operation = request.extensions.get(OPERATION_EXTENSION)
    return operation if isinstance(operation, OperationSpec) else None


def started(request: httpx.Request, attempt: int) -> RequestEvent:
    operation = _operation(request)
    name = operation.name if operation is not None else None
    return RequestEvent(method=request.method, path=redacted_path(request, operation), operation=name, attempt=attempt)


def finished(
    request: httpx.Request,
    event: RequestEvent,
    elapsed: float,
    response: httpx.Response | None,
    error: Exception | None,
) -> RequestEvent:
    """``event`` completed with what the attempt came back with; logs its line when INFO is enabled."""
    request_id = request_id_of(response.headers) if response is not None else None
    done = attrs.evolve(
        event,
        status=response.status_code if response is not None else None,
        elapsed_ms=elapsed * 1000,
        request_id=clean(request_id, (), 100) if request_id else None,
        error=error,
    )
    if _LOG.isEnabledFor(logging.INFO):
        _log(request, done)
    return done


def _log(request: httpx.Request, event: RequestEvent) -> None:
    status = event.status if event.error is None else type(event.error).__name__
    line = "%s %s operation=%s status=%s attempt=%d elapsed_ms=%d request_id=%s"
    args: list[object] = [
        event.method,
        event.path,
        event.operation or "-",
        status,
        event.attempt,
        round(event.elapsed_ms or 0.0),
        event.request_id or "-",
    ]
    if request.url.query and _LOG.isEnabledFor(logging.DEBUG):
        # The parameters' names only, never their values: a filter carries emails.
        line += " query_keys=%s"
        args.append(",".join(sorted({re.sub(_PERSONAL, "***", key) for key, _ in request.url.params.multi_items()})))
    _LOG.info(line, *args, extra={"klaviyo_request": event})


def wants(hooks: bool) -> bool:
    """Whether an attempt needs watching at all (kept cheap: the common case is no, in one lookup)."""
    return hooks or _LOG.isEnabledFor(logging.INFO)


def call_hook(hook: Hook, event: RequestEvent, name: str) -> None:
    try:
        result = hook(event)
    except Exception:
        _hook_failed(name)
        return
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()  # no "never awaited" warning on top of ours
        _LOG.warning("%s returned an awaitable: Klaviyo calls hooks synchronously (AsyncKlaviyo awaits them)", name)


async def acall_hook(hook: Hook, event: RequestEvent, name: str) -> None:
    try:
        result = hook(event)
        if inspect.isawaitable(result):
            await result
    except Exception:
        _hook_failed(name)


def _hook_failed(name: str) -> None:
    _LOG.warning("%s hook raised; the call goes on", name, exc_info=True)


def configure_from_env(environ: Mapping[str, str] = os.environ) -> int | None:
    """Apply ``KLAVIYO_LOG``: the level it set, or ``None`` when it set none."""
    value = environ.get(ENV_VAR, "").strip().lower()
    if value in _OFF:
        return None
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{ENV_VAR}={value[:20]!r} is not one of info, debug, off: logging is left as it is",
            RuntimeWarning,
            stacklevel=4,  # here, _BaseClient.__init__, the client's __init__, the caller
        )
        return None
    package = logging.getLogger("klaviyo_generated")
    if not any(isinstance(h, _EnvHandler) for h in package.handlers):
        handler = _EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        package.addHandler(handler)
    package.setLevel(level)
    return level


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``KLAVIYO_LOG`` attached: a class of its own so it is attached once, and found again."""
