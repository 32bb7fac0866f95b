# Copied from overrides/runtime/tools/_call.py by `python -m generator sync`; edit that file, not this one.
"""Running one catalog tool on a client: arguments checked, the call made, its answer made fit for an agent.

``call_tool(kv, tool, arguments)`` is what an agent host (the MCP server, or your own loop over an LLM
tool API) runs for a tool call. It never raises for what the agent did or what Klaviyo answered: every
``KlaviyoError`` comes back as a ``ToolResult`` with ``ok=False`` and the error as JSON, so the model can
read it and correct itself. Only a defect (an exception that is not a ``KlaviyoError``) propagates.

- *Arguments*: names first, by hand (an unknown name would otherwise reach the method as a ``TypeError``):
  unknown and missing ones are named with the allowed ones. Then, when ``jsonschema`` is installed (the
  ``mcp`` extra brings it), the values against the tool's schema, every problem at once with its path.
  Without it the resource's own checks still refuse a bad value before anything is sent.
- *Answers*: models as their ``to_dict()``; a paginated tool's answer carries ``next_cursor`` (the
  ``page[cursor]`` of ``links.next``); an answer over ``max_chars`` loses trailing ``data`` items, never
  its JSON shape, and says how many and how to get them.
- *Dry run*: the request is built by a twin client whose transport keeps it and refuses to send it, so
  it is the exact request (the same builders, checks and headers) minus ``Authorization``; the twin
  holds a placeholder key, so the real one is not even in the captured request.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import parse_qs, urlsplit

import attrs

from .._base_error import KlaviyoError
from .._error_text import scrub
from .._exceptions import APIError, APIStatusError

if TYPE_CHECKING:
    import httpx

    from .._client import Klaviyo

__all__ = ["DEFAULT_MAX_CHARS", "ToolLike", "ToolResult", "call_tool", "error_document", "failure", "result_of"]

DEFAULT_MAX_CHARS: Final = 20_000
# A dry run's twin client sends this key (it never leaves the process: its transport refuses to send).
_PLACEHOLDER_KEY: Final = "pk_dryrun0000000000000000000000000"
_HIDDEN_HEADERS: Final = frozenset({"authorization", "cookie", "proxy-authorization"})


class ToolLike(Protocol):
    """What ``call_tool`` reads of a tool (``klaviyo_generated.tools.Tool`` has it all)."""

    @property
    def name(self) -> str: ...
    @property
    def namespace(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def input_schema(self) -> Mapping[str, Any]: ...
    @property
    def paginated(self) -> bool: ...


@attrs.frozen
class ToolResult:
    """A tool call's outcome. ``content`` is JSON data (the answer, the dry-run request, or ``{"error":
    {...}}``); ``text`` is it as compact JSON, what a model reads."""

    ok: bool
    content: Any
    text: str
    next_cursor: str | None = None
    truncated: bool = False


def call_tool(
    kv: Klaviyo,
    tool: ToolLike,
    arguments: Mapping[str, Any] | None,
    *,
    dry_run: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ToolResult:
    """Run ``tool`` on ``kv`` with ``arguments`` (the JSON object a model sent); see the module docstring."""
    if arguments is not None and not isinstance(arguments, Mapping):
        kind = type(arguments).__name__
        message = f"{tool.name}: arguments must be a JSON object (a mapping of names to values), not {kind}"
        return failure({"error": {"type": "InvalidArguments", "message": message + ". Nothing was sent."}})
    arguments = dict(arguments or {})
    problem = check_arguments(tool, arguments)
    if problem is not None:
        return failure(problem)
    try:
        if dry_run:
            return result_of(_dry_run(kv, tool, arguments), max_chars)
        result = getattr(getattr(kv, tool.namespace), tool.method)(**arguments)
    except KlaviyoError as error:
        return failure(error_document(error))
    content = jsonable(result)
    cursor = None
    if tool.paginated and isinstance(content, dict):
        cursor = next_cursor(content)
        content = {**content, "next_cursor": cursor}
    return result_of(content, max_chars, cursor)


# -- arguments ----------------------------------------------------------------------------------------


def check_arguments(tool: ToolLike, arguments: Mapping[str, Any]) -> dict[str, Any] | None:
    """The error document for arguments ``tool`` cannot take, or ``None`` when they pass."""
    schema = tool.input_schema
    allowed = list(schema.get("properties", {}))
    required = [name for name in schema.get("required", ()) if name in allowed or not allowed]
    unknown = [name for name in arguments if name not in allowed]
    missing = [name for name in required if name not in arguments]
    problems = [] if unknown or missing else _schema_problems(tool, arguments)
    if not (unknown or missing or problems):
        return None
    parts = []
    if unknown:
        parts.append(f"unknown argument(s) {', '.join(map(repr, unknown))}")
    if missing:
        parts.append(f"missing required argument(s) {', '.join(map(repr, missing))}")
    parts.extend(problems)
    message = f"{tool.name}: " + "; ".join(parts) + f". Allowed: {', '.join(allowed) or '(none)'}"
    if required:
        message += f"; required: {', '.join(required)}"
    error: dict[str, Any] = {"type": "InvalidArguments", "message": message + ". Nothing was sent."}
    error.update({"unknown": unknown, "missing": missing, "problems": problems, "allowed": allowed})
    return {"error": error}


_VALIDATORS: dict[str, tuple[Mapping[str, Any], Any]] = {}


def _schema_problems(tool: ToolLike, arguments: Mapping[str, Any]) -> list[str]:
    try:
        from jsonschema import Draft202012Validator
    except ImportError:  # a plain install: the resource's own checks refuse bad values before sending
        return []
    cached = _VALIDATORS.get(tool.name)
    if cached is None or cached[0] is not tool.input_schema:
        cached = (tool.input_schema, Draft202012Validator(tool.input_schema))
        _VALIDATORS[tool.name] = cached
    errors = sorted(cached[1].iter_errors(dict(arguments)), key=lambda e: list(map(str, e.absolute_path)))
    # A message quotes the value at fault: mask anything shaped like a key an agent put there.
    return [scrub(f"{'.'.join(map(str, e.absolute_path)) or '(arguments)'}: {e.message}", ()) for e in errors[:10]]


# -- answers ------------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """``value`` as JSON data: models by ``to_dict()``, jobs and receipts by what identifies them."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    return jsonable(_plain(value))


def _plain(value: Any) -> Any:
    """One step from an object towards JSON data (``str(value)`` for what has no better form)."""
    # Imported here: the catalog re-exports call_tool, and importing it should not load httpx (these do).
    from .._jobs import Job
    from .._response import Accepted

    if hasattr(value, "to_dict"):
        plain = value.to_dict()
    elif isinstance(value, enum.Enum):
        plain = value.value
    elif isinstance(value, datetime | date):
        plain = value.isoformat()
    elif isinstance(value, Job):
        plain = {"job_id": value.id, "operation": value.operation.name, "status": value.progress.status}
    elif isinstance(value, Accepted):
        plain = {"accepted": True, "operation": value.operation, "status_code": value.status_code}
    elif attrs.has(type(value)):
        plain = attrs.asdict(value, recurse=False)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    else:
        plain = str(value)
    return plain


def next_cursor(document: Mapping[str, Any]) -> str | None:
    """The ``page[cursor]`` of the document's ``links.next`` (``None`` on the last page)."""
    links = document.get("links")
    link = links.get("next") if isinstance(links, Mapping) else None
    if not isinstance(link, str) or not link:
        return None
    values = parse_qs(urlsplit(link).query).get("page[cursor]")
    return values[0] if values else None


def _dumps(content: Any) -> str:
    return json.dumps(content, separators=(",", ":"), ensure_ascii=False, default=str)


def result_of(content: Any, max_chars: int = DEFAULT_MAX_CHARS, cursor: str | None = None) -> ToolResult:
    """A successful result holding ``content``, cut to ``max_chars`` when longer."""
    text = _dumps(content)
    if len(text) <= max_chars:
        return ToolResult(ok=True, content=content, text=text, next_cursor=cursor)
    content = _truncated(content, max_chars, len(text), cursor)
    return ToolResult(ok=True, content=content, text=_dumps(content), next_cursor=cursor, truncated=True)


def _truncated(content: Any, max_chars: int, size: int, cursor: str | None) -> Any:
    """``content`` cut to ``max_chars`` at an item boundary of its ``data`` list, with a note saying so."""
    items = content.get("data") if isinstance(content, dict) else content
    if not isinstance(items, list):
        return {"note": _note(size, max_chars, None, 0, cursor)}

    def cut(kept: int) -> Any:
        note = _note(size, max_chars, len(items), len(items) - kept, cursor)
        if isinstance(content, dict):
            # `included` belongs to the dropped items too; kept only when everything fits.
            return {**content, "data": items[:kept], "note": note}
        return {"data": items[:kept], "note": note}

    low, high = 0, len(items)  # the largest `kept` that fits: `cut(0)` is assumed to, else it is the answer
    while low < high:
        middle = (low + high + 1) // 2
        if len(_dumps(cut(middle))) <= max_chars:
            low = middle
        else:
            high = middle - 1
    result = cut(low)
    if len(_dumps(result)) > max_chars and isinstance(result, dict) and "included" in result:
        result = {key: value for key, value in result.items() if key != "included"}
    return result


def _note(size: int, max_chars: int, total: int | None, dropped: int, cursor: str | None) -> str:
    how = "ask for less: sparse fieldsets (the fields_* arguments), fewer include= relationships"
    if total is None:
        return f"The answer ({size} characters) is over the {max_chars}-character limit and was left out; {how}."
    text = (
        f"Truncated: the answer ({size} characters) is over the {max_chars}-character limit, so the last "
        f"{dropped} of its {total} data items were dropped. To get them, {how}, or a smaller page_size "
        f"(at most {total - dropped})."
    )
    if cursor is not None:
        text += " next_cursor continues after the whole page, dropped items included."
    return text


# -- errors -------------------------------------------------------------------------------------------


def error_document(error: BaseException) -> dict[str, Any]:
    """``{"error": {...}}``: the error's type and message, and for an API answer its status, request id and
    each of Klaviyo's errors (code, title, detail, source). Any key-shaped text is masked."""
    described: dict[str, Any] = {"type": type(error).__name__, "message": scrub(str(error), ())}
    if isinstance(error, APIStatusError):
        described["status"] = error.status_code
        described["request_id"] = error.request_id
        described["errors"] = [
            {"code": item.code, "title": item.title, "detail": item.detail, "source": dict(item.source)}
            for item in error.errors
        ]
        if not error.errors:
            described["body"] = scrub(error.body_text[:2000], ())
    if isinstance(error, APIError):
        described["attempts"] = error.attempts
    return {"error": jsonable(described)}


def failure(document: dict[str, Any]) -> ToolResult:
    """A failed result holding the error ``document`` (``{"error": {...}}``)."""
    return ToolResult(ok=False, content=document, text=_dumps(document))


# -- dry run ------------------------------------------------------------------------------------------


class _Captured(Exception):
    def __init__(self, request: httpx.Request) -> None:
        super().__init__(request.method, str(request.url))
        self.request = request


def _capture() -> httpx.BaseTransport:
    """A transport that hands every request back as ``_Captured`` instead of sending it."""
    import httpx

    class Capture(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.read()
            raise _Captured(request)

    return Capture()


def _dry_run(kv: Klaviyo, tool: ToolLike, arguments: Mapping[str, Any]) -> dict[str, Any]:
    from .._client import Klaviyo

    s = kv.settings
    twin = Klaviyo(
        api_key=_PLACEHOLDER_KEY,
        company_id=s.company_id,
        base_url=s.base_url,
        allow_http=True,  # already checked when kv was made
        revision=s.revision,
        default_headers=s.headers,
        retry=False,
        rate_limits=False,
        transport=_capture(),
    )
    with twin:
        try:
            getattr(getattr(twin, tool.namespace), tool.method)(**arguments)
        except _Captured as captured:
            return _described(captured.request, tool)
    # A workflow that needs no request for these arguments (none do today) ends here.
    return {"dry_run": True, "request": None, "note": "this call sends no request"}


def _described(request: httpx.Request, tool: ToolLike) -> dict[str, Any]:
    body: Any = None
    if request.content:
        try:
            body = json.loads(request.content)
        except ValueError:
            body = f"<{len(request.content)} bytes of {request.headers.get('content-type', 'data')}>"
    described = {
        "dry_run": True,
        "method": request.method,
        "url": str(request.url),
        "path": request.url.path,
        "query": dict(request.url.params.multi_items()),
        "headers": {k: v for k, v in request.headers.items() if k.lower() not in _HIDDEN_HEADERS},
        "body": body,
    }
    if tool.namespace == "workflows":
        described["note"] = "the first request of this workflow; what it sends next depends on the answers"
    return described
