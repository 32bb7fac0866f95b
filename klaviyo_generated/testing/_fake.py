# Copied from overrides/runtime/testing/_fake.py by `python -m generator sync`; edit that file, not this one.
"""``FakeKlaviyo``: an in-memory Klaviyo for tests and demos, like stripe-mock or moto (see its
class docstring); ``VirtualClock``: time that passes only when told to."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

import httpx

from .._exceptions import ConfigurationError, InputError
from . import _filters, _job_routes, _routes, _webhooks
from ._faults import Fault, _Rules
from ._http import json_response
from ._oauth_routes import OAuthServer
from ._store import PROFILE_KEYS, FakeError, Resource, Store

if TYPE_CHECKING:
    from .._oauth_flow import AuthorizationRequest

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
    """An in-memory Klaviyo that the real client talks to through an httpx transport.

    Hand ``fake.transport()`` (``fake.async_transport()`` for ``AsyncKlaviyo``) to the client; nothing
    leaves the process::

        from klaviyo_generated import Klaviyo
        from klaviyo_generated.testing import FakeKlaviyo

        fake = FakeKlaviyo()
        kv = Klaviyo(api_key="pk_test_fake", transport=fake.transport())

    Any ``pk_...`` key is accepted, and any ``Bearer`` token until an OAuth app is registered
    (``add_oauth_app``); then it is also an OAuth authorization server (``approve`` gives the consent,
    ``/oauth/token`` and ``/oauth/revoke`` answer) and takes only the live tokens it issued. It keeps
    profiles, lists and memberships, segments, events and metrics, campaigns and their messages,
    templates, images and consent, and answers in Klaviyo's JSON:API shapes: pages with
    ``links.next``, ``include=``, ``filter=`` (refused with Klaviyo's 400 when the endpoint's
    ``x-klaviyo-filters`` does not allow it), ``additional-fields[profile]``, errors with
    ``source``. A route it does not implement answers 501 naming the route. ``requests`` lists
    every request it received.

    Seed data with ``add_profile``, ``add_list`` and ``add_segment``; read profiles back with
    ``find_profile``.

    Args:
        base_url: The origin its links name (the client's own ``base_url``).
        clock: Seconds now; jobs move through queued, processing and complete on it. Pass a
            ``VirtualClock`` here and ``clock=clock, sleep=clock.sleep`` to the client, and polling a
            job takes no real time.
        spec: The OpenAPI spec (default ``$KLAVIYO_OPENAPI_SPEC``, none if unset). Given one, every
            request is validated against it first and an invalid one gets Klaviyo's 400. Needs
            openapi-core (``klaviyo-generated[testing]``).
        faults: Rules that make chosen calls fail (``Fault``): rate limits, statuses, network errors.
        validate_responses: Also check every answer (errors included) against ``spec``; an answer the
            spec does not allow raises ``AssertionError`` naming the route. For the fake's own tests,
            and for yours if you extend it.
    """

    def __init__(
        self,
        *,
        base_url: str = "https://a.klaviyo.com",
        clock: Callable[[], float] | None = None,
        spec: str | Path | None = None,
        faults: Sequence[Fault] = (),
        validate_responses: bool = False,
    ) -> None:
        started = time.monotonic()
        self.clock = clock if clock is not None else (lambda: time.monotonic() - started)
        self._own_clock = clock is not None  # webhooks are stamped with it, else with the wall clock
        self.store = Store(base_url, self.clock)
        self.requests: list[httpx.Request] = []
        self._faults = _Rules(faults)
        configured = spec if spec is not None else os.environ.get("KLAVIYO_OPENAPI_SPEC")
        if validate_responses and not configured:
            raise ConfigurationError("validate_responses=True needs spec= or $KLAVIYO_OPENAPI_SPEC")
        self._validator = _validator(Path(configured)) if configured else None
        self._answers = _answer_validator(Path(configured)) if configured and validate_responses else None
        self.oauth = OAuthServer(self.clock)
        # Tried in order; the first route whose method and path match answers.
        self._routes = (*_routes.routes(), *_job_routes.routes(), *_webhooks.routes())

    # -- seeding ---------------------------------------------------------------------------------

    def add_profile(
        self,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        external_id: str | None = None,
        id: str | None = None,
        subscribed: Sequence[Literal["email", "sms"]] = (),
        **attributes: Any,
    ) -> Resource:
        """Store a profile, as if created earlier, and return it (a JSON:API resource: ``type``,
        ``id``, ``attributes``). It needs an ``email``, ``phone_number`` or ``external_id``;
        ``attributes`` are any other profile attributes (``first_name``, ``properties``, ...).
        ``subscribed`` lists the channels it has marketing consent for. ``id`` picks its id (a new
        one by default); an identifier another profile has is refused with ``InputError``."""
        given = {"email": email, "phone_number": phone_number, "external_id": external_id, **attributes}
        if not any(given[k] for k in PROFILE_KEYS):
            raise InputError("a profile needs an email, phone_number or external_id")
        with self.store.lock:
            for key in PROFILE_KEYS:
                if given[key] and self.store.find("profile", **{key: given[key]}) is not None:
                    raise InputError(f"another profile already has {key}={given[key]!r}")
            now = self.store.now()
            stored = {"created": now, "updated": now, **{k: v for k, v in given.items() if v is not None}}
            profile = self.store.add("profile", stored, ident=id)
            for channel in subscribed:
                self.store.set_consent(profile["id"], channel, "SUBSCRIBED")
        return profile

    def add_list(self, name: str, *, members: Sequence[str] = (), id: str | None = None) -> Resource:
        """Store a list named ``name`` whose members are the profiles with the ids ``members``
        (stored already: ``InputError`` otherwise), and return it. ``id`` picks its id."""
        with self.store.lock:
            missing = [m for m in members if m not in self.store.resources["profile"]]
            if missing:
                raise InputError(f"no profile has the id {missing[0]!r}; add it with add_profile first")
            created = _routes.new_list(self.store, name, id)
            now = self.store.now()
            for member in dict.fromkeys(members):
                self.store.members[created["id"]].append(member)
                self.store.joined[(created["id"], member)] = now
        return created

    def add_segment(self, name: str, *, active: bool = True) -> Resource:
        """Store a segment named ``name`` (segments are read-only through the API) and return it."""
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

    def find_profile(
        self, *, email: str | None = None, phone_number: str | None = None, external_id: str | None = None
    ) -> Resource | None:
        """The stored profile with this ``email``, ``phone_number`` or ``external_id`` (give one), or ``None``."""
        keys = {"email": email, "phone_number": phone_number, "external_id": external_id}
        given = {k: v for k, v in keys.items() if v}
        if len(given) != 1:
            raise InputError("give exactly one of email, phone_number, external_id")
        return self.store.find("profile", **given)

    def add_oauth_app(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_uris: Sequence[str],
        scopes: Sequence[str] | None = None,
    ) -> None:
        """Register an OAuth app: ``POST /oauth/token`` and ``/oauth/revoke`` then take its HTTP Basic
        credentials, and ``approve`` its authorization URLs. ``scopes`` limits what it may ask for.
        From then on, the API routes take only the bearer tokens this fake issued, live and not revoked."""
        self.oauth.add_app(client_id, client_secret, redirect_uris, scopes)

    def approve(self, authorization: str | AuthorizationRequest) -> str:
        """The user clicks "Allow" on the consent page of ``authorization`` (a URL, or the
        ``AuthorizationRequest`` from ``authorization_url``): returns the URL Klaviyo redirects to,
        ``redirect_uri?code=...&state=...``. A URL the app's registration does not allow raises ``InputError``."""
        return self.oauth.approve(authorization if isinstance(authorization, str) else authorization.url)

    # -- system webhooks -----------------------------------------------------------------------------

    def deliver_webhook(
        self,
        target: str | Callable[[bytes, dict[str, str]], Any] | None = None,
        *,
        topic: str,
        secret: str | bytes | None = None,
        webhook: str | None = None,
        events: Sequence[Resource | str] = (),
        payloads: Sequence[Mapping[str, Any]] = (),
        webhook_id: str | None = None,
        account_id: str = "FAKE01",
        sent_at: datetime | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> _webhooks.SentWebhook:
        """Send a system webhook delivery, signed with ``secret`` exactly as Klaviyo signs one.

        ``target`` is a callable, called with the raw body (bytes) and the headers (a dict), or an
        http(s) URL the delivery is POSTed to (through ``transport`` if given). The items are the stored
        ``events`` (resources or ids; each payload is its Get Event answer with its metric and profile
        included) and then ``payloads`` as given, all under ``topic``. ``sent_at`` is the
        ``Klaviyo-Timestamp``: by default the fake's clock when it was given one (``EPOCH`` + seconds, as
        its stored times), else the current time, so a receiver checking against the real clock accepts
        it. Returns what was sent and the callable's result or the ``httpx.Response``.

        ``webhook`` names a webhook made with ``kv.webhooks.create_webhook`` on this fake: its
        ``endpoint_url`` is the default ``target``, its ``secret_key`` the ``secret`` and its id the
        ``webhook_id`` (default otherwise ``01FAKEWEBHOOK00000000000000``).
        """
        if webhook is not None:
            endpoint, secret_key = _webhooks.stored(self.store, webhook)
            target = endpoint if target is None else target
            secret = secret_key if secret is None else secret
            webhook_id = webhook if webhook_id is None else webhook_id
        if target is None or secret is None:
            raise InputError("give target= and secret=, or webhook= (a stored webhook's id)")
        if sent_at is None:
            sent_at = _webhooks.fake_now(self.store) if self._own_clock else datetime.now(UTC)
        return _webhooks.deliver(
            self.store,
            target,
            secret=secret,
            topic=topic,
            events=events,
            payloads=payloads,
            webhook_id=webhook_id if webhook_id is not None else "01FAKEWEBHOOK00000000000000",
            account_id=account_id,
            sent_at=sent_at,
            transport=transport,
        )

    def now(self) -> datetime:
        """The fake's time (``EPOCH`` plus its clock's seconds): pass it as ``now=`` to ``unwrap_webhook``
        when the fake runs on a ``VirtualClock``."""
        return _webhooks.fake_now(self.store)

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
        wanted = request.url.params.get("additional-fields[profile]", "")
        fields = self.store.profile_fields.set(frozenset(f for f in wanted.split(",") if f))
        try:
            response = self._answer(request)
        finally:
            self.store.profile_fields.reset(fields)
            self.store.origin.reset(token)
        if self._answers is not None and not _is_oauth(request):
            self._answers(request, response)
        return fault.after(request, response) if fault is not None else response

    def _answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        # Routes match the still-encoded path, so an id with a '/' (sent as %2F) stays one parameter.
        raw = request.url.raw_path.decode("ascii").split("?", 1)[0]
        if _is_oauth(request):  # the authorization server: not in the API spec, and its own error shape
            return self.oauth.answer(request)
        try:
            self._authenticate(request)
            if self._validator is not None:
                self._validator(request)
            for found in self._routes:
                match = found.pattern.match(raw)
                if found.method == request.method and match:
                    _filters.check(request, found.name, found.filters)
                    params = {k: unquote(v) for k, v in match.groupdict().items()}
                    return found.handler(self.store, request, params, _json_body(request))
            raise FakeError(501, "not_implemented_by_fake", f"FakeKlaviyo does not implement {request.method} {path}.")
        except FakeError as error:
            return json_response(error.status, error.document())

    def _authenticate(self, request: httpx.Request) -> None:
        if request.url.path.startswith("/client/"):
            if not request.url.params.get("company_id"):
                raise FakeError(400, "invalid", "company_id is required.", "company_id")
            return
        credential = request.headers.get("Authorization", "")
        if not credential.startswith(("Klaviyo-API-Key pk_", "Bearer ")):
            raise FakeError(401, "not_authenticated", "Missing or invalid private key.")
        if credential.startswith("Bearer ") and not self.oauth.bearer_ok(credential.removeprefix("Bearer ")):
            raise FakeError(401, "not_authenticated", "The access token is invalid, expired or revoked.")

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


def _is_oauth(request: httpx.Request) -> bool:
    return request.url.path.startswith("/oauth/")


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


def _answer_validator(path: Path) -> Callable[[httpx.Request, httpx.Response], None]:
    from ._validation import response_validator

    return response_validator(path)
