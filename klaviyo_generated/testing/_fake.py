# Copied from overrides/runtime/testing/_fake.py by `python -m generator sync`; edit that file, not this one.
"""``FakeKlaviyo``: an in-memory Klaviyo for tests and demos, like stripe-mock or moto.

    fake = FakeKlaviyo()
    kv = Klaviyo(api_key="pk_test_fake", transport=fake.transport())

It keeps profiles, lists and memberships, segments (seeded, read-only), events and metrics,
campaigns with their messages, templates, images, and profile bulk-import and campaign-send jobs
that move through their statuses on the fake's clock. Lists page with ``page[cursor]`` and
``links.next``; ``include=`` fills ``included``; ``filter=`` understands ``equals``, ``any`` and the
comparisons (``greater-than`` ... ``ends-with``) on
attributes and ``id``. Given the spec (``spec=`` or ``$KLAVIYO_OPENAPI_SPEC``, needs the optional
openapi-core), every request is validated first and an invalid one gets Klaviyo's 400. ``faults=``
injects failures by rule (see ``Fault``). ``serve()`` runs it as an HTTP server on 127.0.0.1.
What is not implemented answers 501 with a JSON:API error naming the route.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode

import httpx

from . import _job_routes  # noqa: F401 - importing it registers the job and campaign routes
from ._faults import Fault, _Rules
from ._routes import PROFILE_KEYS, ROUTES, json_response
from ._store import FakeError, Resource, Store

__all__ = ["FakeKlaviyo", "VirtualClock"]

_CONDITION = re.compile(
    r"^(equals|any|greater-than|greater-or-equal|less-than|less-or-equal|contains|starts-with|ends-with)\(([\w.\-]+),(.+)\)$"
)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "greater-than": lambda a, b: a > b,
    "greater-or-equal": lambda a, b: a >= b,
    "less-than": lambda a, b: a < b,
    "less-or-equal": lambda a, b: a <= b,
    "contains": lambda a, b: str(b) in str(a),
    "starts-with": lambda a, b: str(a).startswith(str(b)),
    "ends-with": lambda a, b: str(a).endswith(str(b)),
}


class VirtualClock:
    """Seconds that pass only when told to: pass ``clock=`` to the fake and ``sleep=clock.sleep`` to the client."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


class FakeKlaviyo:
    def __init__(
        self,
        *,
        base_url: str = "https://a.klaviyo.com",
        clock: Callable[[], float] | None = None,
        spec: str | Path | None = None,
        faults: Sequence[Fault] = (),
    ) -> None:
        started = time.monotonic()
        self.clock = clock if clock is not None else (lambda: time.monotonic() - started)
        self.store = Store(base_url, self.clock)
        self.requests: list[httpx.Request] = []
        self._faults = _Rules(faults)
        configured = spec if spec is not None else os.environ.get("KLAVIYO_OPENAPI_SPEC")
        self._validator = _validator(Path(configured)) if configured else None

    # -- seeding ---------------------------------------------------------------------------------

    def add_segment(self, name: str, *, active: bool = True) -> Resource:
        now = self.store.now()
        attributes = {
            "name": name,
            "is_active": active,
            "is_processing": False,
            "is_starred": False,
            "created": now,
            "updated": now,
        }
        return self.store.add("segment", attributes)

    # -- transports --------------------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def async_transport(self) -> httpx.MockTransport:
        async def handle(request: httpx.Request) -> httpx.Response:
            await request.aread()
            return self.handle(request)

        return httpx.MockTransport(handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        fault = self._faults.pick(request)
        if fault is not None and (early := fault.before(request)) is not None:
            return early
        token = self.store.origin.set(f"{request.url.scheme}://{request.url.netloc.decode('ascii')}")
        try:
            response = self._answer(request)
        finally:
            self.store.origin.reset(token)
        return fault.after(request, response) if fault is not None else response

    def _answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        # Routes match the still-encoded path, so an id with a '/' (sent as %2F) stays one parameter.
        raw = request.url.raw_path.decode("ascii").split("?", 1)[0]
        try:
            self._authenticate(request)
            if self._validator is not None:
                self._validator(request)
            for method, pattern, handler in ROUTES:
                match = pattern.match(raw)
                if method == request.method and match:
                    params = {k: unquote(v) for k, v in match.groupdict().items()}
                    return handler(self, request, params, _json_body(request))
            raise FakeError(501, "not_implemented_by_fake", f"FakeKlaviyo does not implement {request.method} {path}.")
        except FakeError as error:
            return json_response(error.status, error.document())

    @staticmethod
    def _authenticate(request: httpx.Request) -> None:
        if request.url.path.startswith("/client/"):
            if not request.url.params.get("company_id"):
                raise FakeError(400, "invalid", "company_id is required.", "company_id")
            return
        credential = request.headers.get("Authorization", "")
        if not credential.startswith(("Klaviyo-API-Key pk_", "Bearer ")):
            raise FakeError(401, "not_authenticated", "Missing or invalid private key.")

    # -- helpers the routes use ------------------------------------------------------------------------

    def upsert_profile(self, attributes: dict[str, Any]) -> tuple[Resource, bool]:
        with self.store.lock:
            for key in ("id", *PROFILE_KEYS):
                value = attributes.get(key)
                existing = value and (
                    self.store.resources["profile"].get(value)
                    if key == "id"
                    else self.store.find("profile", **{key: value})
                )
                if existing:
                    existing["attributes"].update({k: v for k, v in attributes.items() if k != "id" and v is not None})
                    existing["attributes"]["updated"] = self.store.now()
                    return existing, False
            if not any(attributes.get(k) for k in PROFILE_KEYS):
                raise FakeError(
                    400, "invalid", "A profile needs an email, phone_number or external_id.", "/data/attributes"
                )
            now = self.store.now()
            given = {k: v for k, v in attributes.items() if k != "id" and v is not None}
            return self.store.add("profile", {"created": now, "updated": now, **given}), True

    def filtered(self, request: httpx.Request, items: Iterable[Resource]) -> list[Resource]:
        text = request.url.params.get("filter")
        items = list(items)
        if not text:
            return items
        for condition in _split(text):
            match = _CONDITION.match(condition.strip())
            if match is None:
                raise FakeError(400, "invalid", f"FakeKlaviyo does not understand the filter {condition!r}.", "filter")
            operator, field, raw = match.groups()
            wanted = _values(raw)
            if operator in _COMPARE:
                test, bound = _COMPARE[operator], _comparable(wanted[0])
                items = [
                    r for r in items if (v := r["attributes"].get(field)) is not None and test(_comparable(v), bound)
                ]
                continue
            if operator == "equals" and len(wanted) != 1:
                wanted = [wanted]
            items = [r for r in items if (r["id"] if field == "id" else r["attributes"].get(field)) in wanted]
        return items

    def included(self, request: httpx.Request, resources: Iterable[Resource]) -> list[Resource]:
        names = [n for n in request.url.params.get("include", "").split(",") if n]
        found: dict[tuple[str, str], Resource] = {}
        for resource in resources:
            for name in names:
                targets = resource["relationships"].get(name) or []
                for target in targets if isinstance(targets, list) else [targets]:
                    with contextlib.suppress(FakeError):
                        found[(target["type"], target["id"])] = self.store.get(target["type"], target["id"])
        return list(found.values())

    def page(
        self, request: httpx.Request, items: Sequence[Resource], *, render: Callable[[Resource], Resource] | None = None
    ) -> httpx.Response:
        size = int(request.url.params.get("page[size]", "20"))
        if not 1 <= size <= 1000:
            raise FakeError(400, "invalid", "page[size] must be between 1 and 1000.", "page[size]")
        cursor = request.url.params.get("page[cursor]", "o0")
        if not re.fullmatch(r"o\d+", cursor):
            raise FakeError(400, "invalid", "page[cursor] is not a cursor this list gave out.", "page[cursor]")
        start = int(cursor[1:])
        chunk = list(items[start : start + size])
        links = {"self": self.store.url(request.url.path)}
        if start + size < len(items):
            params = {k: v for k, v in request.url.params.multi_items() if k != "page[cursor]"}
            links["next"] = (
                self.store.url(request.url.path) + "?" + urlencode({**params, "page[cursor]": f"o{start + size}"})
            )
        document: dict[str, Any] = {"data": [(render or self.store.render)(r) for r in chunk], "links": links}
        extra = self.included(request, chunk)
        if extra:
            document["included"] = [self.store.render(r) for r in extra]
        return json_response(200, document)

    # -- as an HTTP server ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def serve(self, port: int = 0) -> Iterator[str]:
        """Serve on http://127.0.0.1:<port> (a free port by default) until the block ends; yields the base URL."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = f"http://127.0.0.1:{server.server_address[1]}{self.path}"
                request = httpx.Request(self.command, url, headers=dict(self.headers.items()), content=body)
                try:
                    response = fake.handle(request)
                    content = response.read()
                except httpx.TransportError:
                    self.close_connection = True  # an injected network fault: drop the connection
                    return
                self.send_response(response.status_code)
                for name, value in response.headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                # One request per connection, so that leaving serve() really stops answering.
                self.send_header("Connection", "close")
                self.close_connection = True
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        thread = threading.Thread(target=server.serve_forever, name="FakeKlaviyo", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _json_body(request: httpx.Request) -> Any:
    if not request.content or "json" not in request.headers.get("content-type", ""):
        return None
    try:
        return json.loads(request.content)
    except ValueError:
        raise FakeError(400, "invalid", "The request body is not JSON.") from None


def _split(text: str) -> list[str]:
    if text.startswith("and(") and text.endswith(")"):
        text = text[4:-1]
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current] if current else parts


def _comparable(value: Any) -> Any:
    """Datetimes compare as instants whether written with ``Z`` or ``+00:00``; other values as given."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value)
    return value


def _values(raw: str) -> list[Any]:
    raw = raw.strip()
    text = raw.replace("'", '"')
    try:
        value = json.loads(text)
    except ValueError:
        value = raw
    return value if isinstance(value, list) else [value]


def _validator(path: Path) -> Callable[[httpx.Request], None]:
    from ._validation import request_validator

    return request_validator(path)
