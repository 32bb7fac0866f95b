"""One log line per HTTP attempt on ``klaviyo_generated.http``: exact text, redaction, and ``KLAVIYO_LOG``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from klaviyo_generated import APIConnectionError, OAuth, RequestEvent
from klaviyo_generated import _observe as observe
from tests.runtime.client_harness import API_KEY
from tests.runtime.observe_harness import HTTP_LOGGER, Wire, http_lines, ok, refused

INFO = logging.INFO
GET_PROFILE = "GET /api/profiles/{id} operation=get_profile"


@pytest.fixture
def http_info(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger=HTTP_LOGGER)
    return caplog


def test_a_successful_call_logs_one_line(http_info: pytest.LogCaptureFixture) -> None:
    wire = Wire(ok("req-1"))
    wire.client().profiles.get_profile("01HPROFILE")
    assert http_lines(http_info.records) == [
        (INFO, f"{GET_PROFILE} status=200 attempt=1 elapsed_ms=42 request_id=req-1"),
    ]
    (record,) = [r for r in http_info.records if r.name == HTTP_LOGGER]
    assert record.__dict__["klaviyo_request"] == RequestEvent(
        method="GET",
        path="/api/profiles/{id}",
        operation="get_profile",
        attempt=1,
        status=200,
        elapsed_ms=pytest.approx(42.0),  # type: ignore[arg-type]
        request_id="req-1",
    )


def test_a_429_then_a_200_logs_two_attempts_each_timed_without_the_pause(http_info: pytest.LogCaptureFixture) -> None:
    wire = Wire(refused(429, "req-a", retry_after="2"), ok("req-b"))
    wire.client().profiles.get_profile("01HPROFILE")
    assert wire.sleeps == [2.0]
    assert http_lines(http_info.records) == [
        (INFO, f"{GET_PROFILE} status=429 attempt=1 elapsed_ms=42 request_id=req-a"),
        (INFO, f"{GET_PROFILE} status=200 attempt=2 elapsed_ms=42 request_id=req-b"),
    ]


def test_an_error_status_that_is_not_retried_is_logged_once_and_raised(http_info: pytest.LogCaptureFixture) -> None:
    wire = Wire(ok("req-404", body={"errors": []}, status=404))
    with pytest.raises(Exception, match="HTTP 404"):
        wire.client().profiles.get_profile("01HPROFILE")
    assert http_lines(http_info.records) == [
        (INFO, f"{GET_PROFILE} status=404 attempt=1 elapsed_ms=42 request_id=req-404"),
    ]


def test_a_connection_error_logs_its_class_and_no_request_id(http_info: pytest.LogCaptureFixture) -> None:
    wire = Wire(httpx.ConnectError("refused"), ok("req-2"))
    wire.client().profiles.get_profile("01HPROFILE")
    assert http_lines(http_info.records) == [
        (INFO, f"{GET_PROFILE} status=ConnectError attempt=1 elapsed_ms=42 request_id=-"),
        (INFO, f"{GET_PROFILE} status=200 attempt=2 elapsed_ms=42 request_id=req-2"),
    ]


def test_a_connection_error_that_ends_the_call_is_logged_then_raised(http_info: pytest.LogCaptureFixture) -> None:
    wire = Wire(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError):
        wire.client(max_retries=0).profiles.get_profile("01HPROFILE")
    assert http_lines(http_info.records) == [
        (INFO, f"{GET_PROFILE} status=ConnectError attempt=1 elapsed_ms=42 request_id=-"),
    ]


def test_async_client_logs_the_same_lines(http_info: pytest.LogCaptureFixture) -> None:
    wire = Wire(refused(503, "req-a", retry_after="1"), httpx.ReadTimeout("slow"), ok("req-c"))

    async def run() -> None:
        async with wire.async_client() as kv:
            await kv.profiles.get_profile("01HPROFILE")

    asyncio.run(run())
    assert http_lines(http_info.records) == [
        (INFO, f"{GET_PROFILE} status=503 attempt=1 elapsed_ms=42 request_id=req-a"),
        (INFO, f"{GET_PROFILE} status=ReadTimeout attempt=2 elapsed_ms=42 request_id=-"),
        (INFO, f"{GET_PROFILE} status=200 attempt=3 elapsed_ms=42 request_id=req-c"),
    ]


def test_a_raw_request_is_logged_with_its_operation_or_without_one(http_info: pytest.LogCaptureFixture) -> None:
    kv = Wire(ok(None, body={"data": []})).client()
    kv.request("GET", "/api/lists")
    kv.request("GET", "/api/not-in-the-spec/x1")
    assert http_lines(http_info.records) == [
        (INFO, "GET /api/lists operation=get_lists status=200 attempt=1 elapsed_ms=42 request_id=-"),
        (INFO, "GET /api/not-in-the-spec/x1 operation=- status=200 attempt=1 elapsed_ms=42 request_id=-"),
    ]


def test_debug_adds_the_query_keys_never_their_values(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=HTTP_LOGGER)
    kv = Wire(ok("r", body={"data": []})).client()
    kv.request("GET", "/api/lists", params={"filter": 'equals(name,"a@b.com")', "page[size]": 5, "a@b.com": 1})
    assert http_lines(caplog.records) == [
        (
            INFO,
            "GET /api/lists operation=get_lists status=200 attempt=1 elapsed_ms=42 request_id=r"
            " query_keys=***,filter,page[size]",
        ),
    ]


def test_a_request_id_header_is_cleaned_and_shortened(http_info: pytest.LogCaptureFixture) -> None:
    hostile = "id\n" + "x" * 200 + " pk_abcdefghijklmnop"
    Wire(ok(hostile)).client().profiles.get_profile("01HPROFILE")
    (_, line) = http_lines(http_info.records)[0]
    assert line.endswith("request_id=id " + "x" * 94 + "...")


SECRETS = (API_KEY, "a@b.com", "+15551234567", "oauth-access-token-xyz", "refresh-token-abc", "01HSECRETID")


def test_no_key_token_email_or_phone_in_any_line_or_event(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="klaviyo_generated")
    events: list[RequestEvent] = []
    wire = Wire(refused(503, "r0", retry_after="1"), ok("r1", body={"data": []}))
    kv = wire.client(on_request=events.append, on_response=events.append)
    kv.profiles.get_profiles(filter='equals(email,"a@b.com")')
    wire.steps = [ok("r1")]
    kv.profiles.get_profile("01HSECRETID")
    body: Any = {"data": {"type": "profile", "attributes": {"email": "a@b.com", "phone_number": "+15551234567"}}}
    wire.steps = [ok("r2", body={"data": {"type": "profile", "id": "p", "attributes": {}}}, status=201)]
    kv.profiles.create_profile(body=body)
    wire.steps = [refused(503, "r3", retry_after="1"), ok("r4", body={})]
    kv.request("GET", "/api/custom/a@b.com/+15551234567", params={"email": "a@b.com"})
    oauth = OAuth(
        client_id="app",
        client_secret="secret-123",
        refresh_token="refresh-token-abc",
        access_token="oauth-access-token-xyz",
        expires_at=time.time() + 3600,
    )
    Wire(ok("r5")).client(api_key=None, oauth=oauth, on_response=events.append).profiles.get_profile("01HSECRETID")
    lines = [message for _, message in http_lines(caplog.records)]
    assert lines == [
        "GET /api/profiles operation=get_profiles status=503 attempt=1 elapsed_ms=42 request_id=r0"
        " query_keys=filter,page[size]",
        "GET /api/profiles operation=get_profiles status=200 attempt=2 elapsed_ms=42 request_id=r1"
        " query_keys=filter,page[size]",
        f"{GET_PROFILE} status=200 attempt=1 elapsed_ms=42 request_id=r1",
        "POST /api/profiles operation=create_profile status=201 attempt=1 elapsed_ms=42 request_id=r2",
        "GET /api/custom/***/*** operation=- status=503 attempt=1 elapsed_ms=42 request_id=r3 query_keys=email",
        "GET /api/custom/***/*** operation=- status=200 attempt=2 elapsed_ms=42 request_id=r4 query_keys=email",
        f"{GET_PROFILE} status=200 attempt=1 elapsed_ms=42 request_id=r5",
    ]
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Retrying")]
    assert retries == [
        "Retrying GET /api/profiles in 1.000s after HTTP 503 (attempt 1/3 failed)",
        "Retrying GET /api/custom/***/*** in 1.000s after HTTP 503 (attempt 1/3 failed)",
    ]
    everything = caplog.text + "".join(repr(event) for event in events)
    assert [secret for secret in SECRETS if secret in everything] == []
    assert len(events) == 6 * 2 + 1  # six attempts seen by both hooks, the OAuth one by on_response


def test_nothing_is_built_when_the_logger_is_off_and_there_are_no_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> RequestEvent:
        raise AssertionError("an event was built with logging off")

    monkeypatch.setattr("klaviyo_generated._transports.log.started", refuse)
    logging.getLogger(HTTP_LOGGER).setLevel(logging.WARNING)
    try:
        Wire(ok()).client().profiles.get_profile("01HPROFILE")
    finally:
        logging.getLogger(HTTP_LOGGER).setLevel(logging.NOTSET)


# --- KLAVIYO_LOG --------------------------------------------------------------------------------------


@pytest.fixture
def package_logger() -> Iterator[logging.Logger]:
    """The package logger, restored afterwards: KLAVIYO_LOG changes its level and handlers."""
    logger = logging.getLogger("klaviyo_generated")
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


def _env_handlers(logger: logging.Logger) -> list[logging.Handler]:
    return [h for h in logger.handlers if type(h).__name__ == "_EnvHandler"]


@pytest.mark.parametrize(("value", "level"), [("info", logging.INFO), ("DEBUG", logging.DEBUG), (" debug ", 10)])
def test_klaviyo_log_attaches_one_stderr_handler_at_its_level(
    value: str,
    level: int,
    package_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KLAVIYO_LOG", value)
    wire = Wire(ok("req-1"))
    wire.client()
    kv = wire.client()  # a second client attaches no second handler
    assert (package_logger.level, len(_env_handlers(package_logger))) == (level, 1)
    kv.profiles.get_profile("01HPROFILE")
    err = capsys.readouterr().err.splitlines()
    http = [line for line in err if " klaviyo_generated.http: " in line]
    assert [line.split(" ", 2)[2] for line in http] == [
        f"INFO klaviyo_generated.http: {GET_PROFILE} status=200 attempt=1 elapsed_ms=42 request_id=req-1"
    ]
    debug = [line for line in err if " DEBUG klaviyo_generated: Rate limit: get_profile sent without delay" in line]
    assert len(debug) == (1 if level == logging.DEBUG else 0)


@pytest.mark.parametrize("value", [None, "", "off", "OFF"])
def test_klaviyo_log_off_or_unset_configures_nothing(
    value: str | None, package_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv("KLAVIYO_LOG", raising=False)
    else:
        monkeypatch.setenv("KLAVIYO_LOG", value)
    before = (package_logger.level, list(package_logger.handlers))
    Wire().client()
    assert (package_logger.level, list(package_logger.handlers)) == before


def test_klaviyo_log_with_another_value_warns_and_configures_nothing(
    package_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLAVIYO_LOG", "verbose")
    before = (package_logger.level, list(package_logger.handlers))
    with pytest.warns(RuntimeWarning) as warned:
        Wire().client()
    assert [str(w.message) for w in warned] == [
        "KLAVIYO_LOG='verbose' is not one of info, debug, off: logging is left as it is"
    ]
    assert warned[0].filename == __file__.replace("test_logging.py", "observe_harness.py")  # the line that built it
    assert (package_logger.level, list(package_logger.handlers)) == before


def test_klaviyo_log_is_read_by_the_async_client_too(
    package_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLAVIYO_LOG", "info")
    Wire().async_client()
    assert (package_logger.level, len(_env_handlers(package_logger))) == (logging.INFO, 1)


def test_configure_from_env_reports_the_level_it_set(package_logger: logging.Logger) -> None:
    assert observe.configure_from_env({}) is None
    assert observe.configure_from_env({"KLAVIYO_LOG": "debug"}) == logging.DEBUG
    assert observe.configure_from_env({"KLAVIYO_LOG": "info"}) == logging.INFO  # the latest value wins
    assert (package_logger.level, len(_env_handlers(package_logger))) == (logging.INFO, 1)
