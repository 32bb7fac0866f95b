# Copied from overrides/runtime/_error_text.py by `python -m generator sync`; edit that file, not this one.
"""What an error reads from a request and response, and how it words that without leaking credentials.

The error classes (``_exceptions``) build their messages and pickles from these pieces: the request
id a response carries, its body as text (however it is encoded, or whether it was read at all), and
server text cleaned for a one-line message. Everything server- or caller-provided passes through
:func:`scrub` first, which removes the request's own credentials and any Klaviyo private key, so no
message, ``repr`` or pickle of an error carries an API key or token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import attrs

# httpx is only needed at runtime when a request or response is copied for pickling; by then it is
# loaded. Importing this module alone does not pull in the HTTP stack (see klaviyo_generated/__init__).
if TYPE_CHECKING:
    import httpx

__all__ = [
    "REQUEST_ID_HEADERS",
    "Redactor",
    "body_text",
    "clean",
    "origin",
    "redact_headers",
    "request_id_of",
    "request_of",
    "scrub",
    "secrets_of",
    "status_of",
    "too_deep",
    "without_userinfo",
]

# Klaviyo's spec documents no request-id header; these are the conventional names, tried in order.
REQUEST_ID_HEADERS = ("x-request-id", "x-klaviyo-request-id")

EXCERPT = 200  # longest piece of server-provided text put into a message
# Pattern sources, compiled (and cached by `re`) on first use: the cold start needs none of them.
_SENSITIVE_HEADER = r"(?i)auth|cookie|token|secret|passw|api[-_]?key|session"
# A code exchange's single-use code and PKCE verifier: credentials whose names say nothing of it.
_ONE_TIME_FIELDS = frozenset({"code", "code_verifier"})
_AUTH_SCHEME = r"[A-Za-z][A-Za-z0-9._-]*"
# A Klaviyo private key echoed anywhere in text we did not write ourselves.
_PRIVATE_KEY = r"\bpk_[A-Za-z0-9]{8,}"
_WHITESPACE = r"[\s\x00-\x1f\x7f]+"
_URL_USERINFO = r"(?<=://)[^/@\s]+@"
_STATUS = r"[0-9]{3}"  # an HTTP status sent as a string
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
    return {name: _mask(value) if re.search(_SENSITIVE_HEADER, name) else value for name, value in headers.items()}


def _mask(value: str) -> str:
    scheme, space, credential = value.partition(" ")
    if space and credential.strip() and re.fullmatch(_AUTH_SCHEME, scheme):
        return f"{scheme} ***"
    return "***"


def secrets_of(request: httpx.Request | None) -> tuple[str, ...]:
    """The credential values the request carries, longest first so no fragment of one survives."""
    if request is None:
        return ()
    found = set()
    for name, value in request.headers.multi_items():
        if re.search(_SENSITIVE_HEADER, name):
            found.add(value.strip())
            found.add(value.partition(" ")[2].strip())
    # An OAuth token request carries its refresh token (or client secret) in a form body.
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        try:
            fields = parse_qsl(request.content.decode("utf-8", "replace"))
        except RuntimeError:  # httpx.RequestNotRead: a streamed body we cannot look into
            fields = []
        found.update(
            value.strip() for name, value in fields if re.search(_SENSITIVE_HEADER, name) or name in _ONE_TIME_FIELDS
        )
    # Very short values would mangle unrelated text and are no secret worth the name.
    return tuple(sorted((s for s in found if len(s) >= 4), key=len, reverse=True))


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return re.sub(_PRIVATE_KEY, "pk_***", text)


def clean(text: str, secrets: tuple[str, ...], limit: int = EXCERPT) -> str:
    """Server text made fit for a one-line message: scrubbed *before* truncation, so no key is cut in half."""
    text = re.sub(_WHITESPACE, " ", scrub(text, secrets)).strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def too_deep(value: object) -> bool:
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


def status_of(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(_STATUS, value.strip()):
        return int(value)
    return None


def without_userinfo(text: str) -> str:
    """``text`` with the ``user:password@`` of any URL in it masked (a proxy URL may carry one)."""
    return re.sub(_URL_USERINFO, "***@", text)


def body_text(response: httpx.Response) -> str | None:
    """The decoded body, or None if it was streamed and never read (it cannot be read here)."""
    try:
        content = response.content
    except RuntimeError:  # httpx.ResponseNotRead
        return None
    try:
        return response.text
    except Exception:  # a hostile charset (rot13, hex, ...) breaks httpx's decoder in assorted ways
        return content.decode("utf-8", errors="replace")


def request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a response built without a request
        return None


def origin(url: httpx.URL) -> str:
    """``scheme://host:port`` (the port always, so "refused" says where); never userinfo or query."""
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}" + (f":{port}" if port else "")


class Redactor:
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
        ``_MAX_NESTING`` deep, see ``too_deep``, so this recursion is bounded); other values as they are."""
        if isinstance(value, str):
            return scrub(value, self.secrets)
        if isinstance(value, tuple | list):  # errors, __notes__ from add_note(), JSON arrays in meta
            return type(value)(self.text(item) for item in value)
        if isinstance(value, dict):  # an error item's source, links, meta and extra members
            return {self.text(key): self.text(item) for key, item in value.items()}
        if attrs.has(type(value)):  # an ErrorObject: the server may echo what it was sent, in any member
            item: Any = value
            scrubbed = {f.name: self.text(getattr(item, f.name)) for f in attrs.fields(type(item))}
            return attrs.evolve(item, **scrubbed)
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
            text = body_text(response) or ""
            scrubbed = scrub(text, self.secrets)
            original = request_of(response)
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
