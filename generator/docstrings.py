"""The docstrings of the resource methods (``kv.<tag>.<operation>``), written from the spec operation.

Users call the resource methods, so ``help()`` and IDE hover show those, not the endpoint modules:
each base method carries the operation's whole documentation in Google style (what griffe,
mkdocstrings and IDEs read), and its helpers (``iter_*``, ``submit_*``, ``attach_*``) say what
they add and name the method that has the rest, so a text appears once per method, not four times.

Klaviyo's descriptions are Markdown with ``<br>`` for line breaks and end in a fixed block
(``*Rate limits*:``, ``**Scopes:**``, an ``[OpenAPI Spec](...)`` link). That block is taken out of the
description: burst/steady/daily come from ``x-klaviyo-ratelimit`` and scopes from
``x-klaviyo-scopes`` (each omitted where a revision lacks the extension); the rate-limit prose that is
not a plain tier (``include=list`` costs more) is kept under *Rate limits*. Everything here is a pure
function of the spec and the openapi-python-client endpoint; ``literal`` makes the Python source.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Callable
from typing import Any

from .jobs import families
from .patches._walk import JSON, iter_operations

WIDTH = 120  # the project's line length (pyproject.toml, generator/format.py)
METHOD_INDENT = 8  # a method's docstring inside its class
_TEXT = WIDTH - METHOD_INDENT
_ENTRY = "    "  # a section entry, and again for its continuation lines
_TIER = re.compile(r"(Burst|Steady|Daily)\s*:\s*`?([^`\s]+)`?\s*", re.IGNORECASE)
_OPENAPI_LINK = re.compile(r"\[OpenAPI Spec\]\([^)]*\)")
_SCOPES_BLOCK = re.compile(r"\*\*Scopes:?\*\*:?[ \t]*(?:\n[ \t]*`[^`\n]*`[ \t]*)*")
_BLOCK_START = re.compile(r"(?:[-*+]\s|\d+[.)]\s|>|\|)")
_LIST_ITEM = re.compile(r"(?:[-*+]|\d+[.)])\s+")
# Characters Python source cannot hold in a string, or that str.splitlines() (Jinja's indent) breaks at.
_LINE_BREAKING = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

PER_CALL = (
    ("timeout", "Seconds (or an `httpx.Timeout`) for this call; None keeps the client's."),
    ("retry", "This call's `RetryPolicy`; False never retries; None keeps the client's."),
    ("max_retries", "At most this many retries for this call; None keeps the client's."),
    (
        "extra_headers",
        "Headers the spec does not list, added to this call (str values; not Authorization, revision or Content-Type).",
    ),
    ("extra_query", "Query parameters the spec does not list, added after the method's own (str values)."),
)
RAISES = (
    (
        "APIStatusError",
        "An error answer (after any retries), as its status's subclass: BadRequestError (400), "
        "AuthenticationError (401), PermissionDeniedError (403), NotFoundError (404), ConflictError (409), "
        "UnprocessableEntityError (422), RateLimitError (429), InternalServerError (5xx).",
    ),
    ("APIConnectionError", "No whole answer arrived (APITimeoutError: the timeout ran out)."),
    ("ResponseDecodeError", "A success answer whose body is not the documented JSON."),
    ("InvalidArgumentError", "An argument that cannot be sent; nothing was sent."),
)


# -- text ------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Unix newlines; no control, surrogate or line-separator characters (Python source cannot hold them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = "".join(" " if c in _LINE_BREAKING else c for c in text)
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Cs"))


def paragraphs(markdown: str) -> list[list[str]]:
    """Klaviyo's Markdown as paragraphs of lines: ``<br>`` and block starts (lists, quotes) break a line,
    a blank line or ``<br><br>`` a paragraph; other newlines are soft (the text is rewrapped)."""
    text = re.sub(r"<br\s*/?>", "\x00\n", _clean(markdown), flags=re.IGNORECASE)
    found: list[list[str]] = []
    current: list[str] = []
    hard = True
    for raw in text.split("\n"):
        line = " ".join(raw.replace("\x00", " ").split())
        if not line:
            if current:
                found.append(current)
            current, hard = [], True
            continue
        if current and not hard and not _BLOCK_START.match(line):
            current[-1] += " " + line
        else:
            current.append(line)
        hard = raw.endswith("\x00")
    if current:
        found.append(current)
    return found


def _wrap(line: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    """One line wrapped at ``width`` (long words such as URLs are never broken)."""
    quote = re.match(r">\s?", line)
    item = _LIST_ITEM.match(line)
    follow = indent + (quote.group() if quote else " " * item.end() if item else "") if hanging is None else hanging
    wrapper = textwrap.TextWrapper(
        width=width, initial_indent=indent, subsequent_indent=follow, break_long_words=False, break_on_hyphens=False
    )
    return wrapper.wrap(line) or [indent.rstrip()]


def _opening(text: str) -> list[str]:
    """The first paragraph, its first line shorter by the opening triple quotes that precede it."""
    lines = _wrap(text, _TEXT, '"""', "")
    return [lines[0][3:], *lines[1:]]


def _prose(blocks: list[list[str]], width: int = _TEXT, indent: str = "") -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        for line in block:
            lines += _wrap(line, width, indent)
    return lines


def _entry(name: str, text: str, width: int = _TEXT) -> list[str]:
    """``name: text`` under a section, continuation lines indented once more (Google style)."""
    lines: list[str] = []
    for index, block in enumerate(paragraphs(text) or [[""]]):
        for line_index, line in enumerate(block):
            first = index == 0 and line_index == 0
            head = f"{_ENTRY}{name}: " if first else _ENTRY * 2
            lines += _wrap(line, width, head, _ENTRY * 2)
    return [line.rstrip() for line in lines]


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"{title}:", *lines] if lines else []


def literal(text: str, indent: int = METHOD_INDENT) -> str:
    """``text`` as a docstring literal whose continuation lines start at ``indent`` (the first line is
    placed by the template). Backslashes and triple quotes are escaped, so the string equals ``text``."""
    body = _clean(text).rstrip("\n").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    lines = body.split("\n")
    if len(lines) == 1 and indent + len(body) + 6 <= WIDTH:
        return f'"""{body}"""'
    pad = " " * indent
    rest = [f"{pad}{line}" if line.strip() else "" for line in lines[1:]]
    return "\n".join([f'"""{lines[0]}', *rest, f'{pad}"""'])


# -- the spec --------------------------------------------------------------------------------------


def _untrusted(value: Any) -> str:
    """A spec string as openapi-python-client holds it (an ``UntrustedString``), as plain text."""
    return str(value.get_untrusted_value()) if hasattr(value, "get_untrusted_value") else str(value)


def _code(value: Any) -> str:
    """A type annotation as openapi-python-client gives it (``PythonCode``), as plain text."""
    return str(value.as_unembedded_code()) if hasattr(value, "as_unembedded_code") else str(value)


def split_description(description: str) -> tuple[list[list[str]], list[list[str]]]:
    """(the description's paragraphs, the paragraphs of its ``*Rate limits*`` part), scopes and the
    OpenAPI Spec link taken out of both."""
    text = _SCOPES_BLOCK.sub("", _OPENAPI_LINK.sub("", description))
    before, marker, after = text.partition("*Rate limits*")
    return paragraphs(before), paragraphs(after.lstrip(" :")) if marker else []


def _tiers(declared: Any) -> str:
    """``{"burst": "75/s", "steady": "750/m"}`` -> ``75/s burst, 750/m steady``."""
    if not isinstance(declared, dict):
        return ""
    return ", ".join(f"{value} {window}" for window, value in declared.items())


def rate_limits(operation: JSON) -> list[list[str]]:
    """The operation's tiers (``x-klaviyo-ratelimit``, else the description's first tiers), then the
    description's other rate-limit prose, each special case on one line."""
    declared = _tiers(operation.get("x-klaviyo-ratelimit"))
    found: list[list[str]] = [[f"{declared}."]] if declared else []
    for block in split_description(str(operation.get("description") or ""))[1]:
        heading = [line for line in block if not _TIER.fullmatch(line)]
        tiers = ", ".join(f"{m[2]} {m[1].lower()}" for line in block if (m := _TIER.fullmatch(line)))
        if not tiers:
            found.append(block)
        elif heading:
            found.append([*heading[:-1], f"{heading[-1].rstrip(': ')}: {tiers}."])
        elif not found:
            found.append([f"{tiers}."])
    return found


def _parameters(spec: JSON, path: str, operation: JSON) -> dict[str, JSON]:
    """The operation's parameters (the path's own ones included, ``$ref`` resolved) by spec name."""
    found: dict[str, JSON] = {}
    shared = spec.get("components", {}).get("parameters", {})
    for declared in [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]:
        parameter = declared
        if isinstance(declared, dict) and "$ref" in declared:
            parameter = shared.get(str(declared["$ref"]).rsplit("/", 1)[-1])
        if isinstance(parameter, dict) and "name" in parameter:
            found[str(parameter["name"])] = parameter
    return found


def filter_text(parameter: JSON, declared: Any) -> str:
    """The ``filter`` argument: its guide link, and the fields and operators ``x-klaviyo-filters`` allows
    (without the extension, the description's own list is kept)."""
    description = str(parameter.get("description") or "")
    if not isinstance(declared, dict) or not declared:
        return f"Filter text, or a `klaviyo_generated.filters` Filter. {description}".strip()
    guide = description.split("<br>", maxsplit=1)[0]
    allowed = []
    for field, spec in declared.items():
        operators = spec.get("operators", {}) if isinstance(spec, dict) else {}
        names = dict.fromkeys(o for kind in operators.values() if isinstance(kind, list) for o in kind)
        allowed.append(f"`{field}` {', '.join(names)}")
    return (
        "Filter text, or a `klaviyo_generated.filters` Filter (checked before sending). "
        f"{guide}<br>Allowed: {'; '.join(allowed)}."
    )


def _body_text(operation: JSON, spec: JSON, annotation: str, typed_dict: str | None) -> str:
    """The request body: the spec's description of it, else what the method takes."""
    body = operation.get("requestBody") or {}
    description = str(body.get("description") or "")
    for content in (body.get("content") or {}).values():
        reference = str((content.get("schema") or {}).get("$ref", ""))
        schema = spec.get("components", {}).get("schemas", {}).get(reference.rsplit("/", 1)[-1], {})
        description = description or str(schema.get("description") or "")
    takes = f"`{annotation}`" + (f", or a dict of its shape (`{typed_dict}`)" if typed_dict else "")
    return f"{description.rstrip('.')}: {takes}." if description else f"The request body: {takes}."


# -- one operation ---------------------------------------------------------------------------------


class Docstrings:
    """The template global ``docstrings``: the text of each resource method, looked up by endpoint.

    ``body_param`` is the render step's ``body -> TypedDict name or None``.
    """

    def __init__(self, spec: JSON, body_param: Callable[[Any], str | None]) -> None:
        self._spec = spec
        self._body_param = body_param
        self._operations = {(method, path): operation for path, method, operation in iter_operations(spec)}
        labels = {key: f"{key[0]} {key[1]}" for key in self._operations}
        with_status, accepted = families(spec, labels)
        self._limits = {
            family["submit"]: family
            for family in [*with_status, *accepted]
            if family["max_items"] is not None or family["max_bytes"] is not None
        }

    def _find(self, endpoint: Any) -> tuple[str, JSON]:
        path = _untrusted(endpoint.path)
        return path, self._operations[(str(endpoint.method), path)]

    def job_limits(self, endpoint: Any) -> str:
        """``10000 items and 5 MB per request``, or "" for an operation without documented limits."""
        family = self._limits.get(f"{endpoint.method} {_untrusted(endpoint.path)}")
        if family is None:
            return ""
        parts = []
        if family["max_items"] is not None:
            parts.append(f"{family['max_items']} items")
        if family["max_bytes"] is not None:
            megabytes = family["max_bytes"] / (1024 * 1024)
            parts.append(f"{megabytes:g} MB")
        return f"{' and '.join(parts)} per request"

    def method_text(self, endpoint: Any, *, returns: str, public: bool = False) -> str:
        """The whole documentation of the base method ``kv.<tag>.<name>``."""
        path, operation = self._find(endpoint)
        description, _ = split_description(str(operation.get("description") or ""))
        summary = " ".join(str(operation.get("summary") or endpoint.name).split())
        lines = [*_opening(summary), ""]
        notes = []
        if operation.get("deprecated"):
            notes.append("Deprecated: the API marks this operation as deprecated.")
        pre_release = operation.get("x-klaviyo-pre-release")
        if pre_release not in (None, "None", False, ""):
            notes.append(f"Pre-release ({pre_release}): it may change without a new API revision.")
        for block in [[note] for note in notes] + description:
            lines += [*_prose([block]), ""]
        lines += [f"HTTP: `{str(endpoint.method).upper()} {path}`", ""]
        for title, body in (
            ("Args", self._arguments(endpoint, path, operation, public=public)),
            ("Rate limits", _prose(rate_limits(operation), _TEXT, _ENTRY)),
            ("Scopes", [f"{_ENTRY}`{scope}`" for scope in operation.get("x-klaviyo-scopes") or []]),
            ("Returns", _entry(returns, self._returns_text(operation, returns))),
            ("Raises", self._raises(endpoint, operation, public=public)),
        ):
            if body:
                lines += [*_section(title, body), ""]
        return "\n".join(lines).rstrip() + "\n"

    def _arguments(self, endpoint: Any, path: str, operation: JSON, *, public: bool) -> list[str]:
        parameters = _parameters(self._spec, path, operation)
        lines: list[str] = []
        for prop in endpoint.path_parameters:
            name = _untrusted(prop.name)
            text = str(parameters.get(name, {}).get("description") or "")
            lines += _entry(str(prop.python_name), text or f"The `{{{name}}}` in the path.")
        for body in endpoint.bodies[:1]:
            annotation = _code(body.prop.get_type_string(no_optional=True))
            lines += _entry("body", _body_text(operation, self._spec, annotation, self._body_param(body)))
        others = [*endpoint.query_parameters, *endpoint.header_parameters, *endpoint.cookie_parameters]
        for prop in others:
            name, python_name = _untrusted(prop.name), str(prop.python_name)
            parameter = parameters.get(name, {})
            text = str(parameter.get("description") or "")
            if python_name == "filter":
                text = filter_text(parameter, operation.get("x-klaviyo-filters"))
            elif python_name == "company_id" and public:
                text = f"{text} None takes the client's `company_id`.".strip()
            lines += _entry(python_name, text or f"The `{name}` {parameter.get('in', 'query')} parameter.")
        for name, text in PER_CALL:
            lines += _entry(name, text)
        return lines

    def _returns_text(self, operation: JSON, returns: str) -> str:
        success = [
            (str(code), str((answer or {}).get("description") or "").strip().rstrip("."))
            for code, answer in (operation.get("responses") or {}).items()
            if str(code).startswith("2")
        ]
        if returns == "Accepted":
            return "Klaviyo accepted the job (202); this job type has nothing to poll."
        if returns == "None":
            return f"The answer ({', '.join(code for code, _ in success) or '2xx'}) has no body."
        said = ", ".join(f"{code} {text}".strip() for code, text in success) or "2xx"
        return f"The parsed answer ({said})."

    def _raises(self, endpoint: Any, operation: JSON, *, public: bool) -> list[str]:
        lines: list[str] = []
        for name, text in RAISES:
            lines += _entry(f"klaviyo_generated.{name}", text)
        names = {str(p.python_name) for p in endpoint.query_parameters}
        if "filter" in names:
            lines += _entry("klaviyo_generated.FilterError", "A Filter on a field or operator the API does not allow.")
        if public and any(str(p.python_name) == "company_id" and p.required for p in endpoint.query_parameters):
            lines += _entry("klaviyo_generated.ConfigurationError", "No `company_id` here or on the client.")
        limits = self.job_limits(endpoint)
        if limits:
            lines += _entry(
                "klaviyo_generated.JobLimitError",
                f"The body is over the documented limits ({limits}); nothing was sent.",
            )
        lines += _entry(
            "klaviyo_generated.RateLimitWaitExceededError",
            "The rate limiter would wait too long; nothing was sent.",
        )
        return lines

    # -- the helpers: what each adds, and the base method for the rest -----------------------------

    def method(self, endpoint: Any, *, returns: str, public: bool = False) -> str:
        return literal(self.method_text(endpoint, returns=returns, public=public))

    def iterator(self, endpoint: Any, *, tag: str, awaiting: bool) -> str:
        base = f"kv.{tag}.{endpoint.name}"
        loop = "`async for` over it" if awaiting else "Iterate over it"
        return _helper(
            [
                f"Every item of `{base}`, page after page.",
                f"{loop} for the items; `.pages()` gives whole pages. Each page is one `{base}` call: its "
                "arguments, rate limits, scopes and errors apply.",
            ],
            [
                *_entry("page_cursor", "Resume from a saved `next_cursor`; None starts at the first page."),
                *_entry("max_items", "Stop after this many items; None reads them all."),
            ],
        )

    def submit(self, endpoint: Any, *, tag: str, awaiting: bool) -> str:
        wait = "await job.wait()" if awaiting else "job.wait()"
        limits = self.job_limits(endpoint)
        checked = f" The body is checked against the documented limits ({limits}) first." if limits else ""
        return _helper(
            [
                f"Submit `{endpoint.name}` and return its job: `{wait}` polls it to the end.",
                f"Arguments, rate limits, scopes and errors as in `kv.{tag}.{endpoint.name}`.{checked}",
            ]
        )

    def submit_in_chunks(self, endpoint: Any, *, tag: str, awaiting: bool) -> str:
        base = f"kv.{tag}.{endpoint.name}"
        wait = "await group.wait()" if awaiting else "group.wait()"
        limits = self.job_limits(endpoint) or "no documented limit"
        arguments = [
            *_entry("body", "The whole input; its list of items is split by count and by bytes."),
            *_entry("chunk_size", f"Items per chunk; None takes the most the limits allow ({limits})."),
        ]
        if awaiting:
            arguments += _entry("concurrency", "How many chunks are submitted at a time.")
        for name in ("revision", "timeout", "retry", "max_retries", "extra_headers", "extra_query"):
            arguments += _entry(name, f"As in `{base}`, for each chunk.")
        raises = _entry(
            "klaviyo_generated.JobLimitError",
            "No list of items to split, an item alone over the byte limit, or a bad "
            + ("`chunk_size` or `concurrency`" if awaiting else "`chunk_size`")
            + "; nothing was sent.",
        )
        return _helper(
            [
                f"`{endpoint.name}` for any number of items: one job per chunk.",
                f"Each chunk is within the documented limits; `{wait}` waits for all of them and raises "
                f"`ChunkFailedError` naming the chunks that failed. Rate limits, scopes and errors as in `{base}`.",
            ],
            arguments,
            raises,
        )

    def attach(self, endpoint: Any, *, tag: str, awaiting: bool) -> str:
        del tag, awaiting  # the same text on both clients
        return _helper([f"The handle of a `{endpoint.name}` job submitted earlier (e.g. before a restart)."])


def _helper(texts: list[str], arguments: list[str] | None = None, raises: list[str] | None = None) -> str:
    """A helper's docstring: a summary, what it does, its own arguments and its own errors."""
    lines = _opening(texts[0])
    for text in texts[1:]:
        lines += ["", *_wrap(text, _TEXT)]
    if arguments:
        lines += ["", *_section("Args", arguments)]
    if raises:
        lines += ["", *_section("Raises", raises)]
    return literal("\n".join(lines))
