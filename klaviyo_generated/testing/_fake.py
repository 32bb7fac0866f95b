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
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from . import _job_routes, _routes
from ._faults import Fault, _Rules
from ._http import json_response
from ._store import FakeError, Resource, Store

__all__ = ["FakeKlaviyo", "VirtualClock"]


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
        # Tried in order; the first route whose method and path match answers.
        self._routes = (*_routes.routes(), *_job_routes.routes())

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
            for method, pattern, handler in self._routes:
                match = pattern.match(raw)
                if method == request.method and match:
                    params = {k: unquote(v) for k, v in match.groupdict().items()}
                    return handler(self.store, request, params, _json_body(request))
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


def _validator(path: Path) -> Callable[[httpx.Request], None]:
    from ._validation import request_validator

    return request_validator(path)
