"""``Klaviyo(...)`` checks every setting at construction: each mistake is a clear error, nothing is sent."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from klaviyo_generated import AsyncKlaviyo, ConfigurationError, Klaviyo, OAuth, __api_revision__
from tests.runtime.client_harness import API_KEY, PROFILE_ID, Server, client_kwargs


@pytest.fixture(autouse=True)
def _no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLAVIYO_API_KEY", raising=False)


def test_a_missing_key_fails_at_construction_saying_how_to_supply_one() -> None:
    server = Server()
    with pytest.raises(ConfigurationError) as caught:
        Klaviyo(transport=server.transport())
    message = str(caught.value)
    assert "api_key='pk_...'" in message
    assert "KLAVIYO_API_KEY" in message
    assert "oauth=" in message
    assert "company_id=" in message
    assert server.requests == []
    with pytest.raises(ConfigurationError, match="KLAVIYO_API_KEY"):
        AsyncKlaviyo(transport=server.async_transport())


def test_the_key_comes_from_the_environment_when_not_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAVIYO_API_KEY", API_KEY)
    server = Server()
    with Klaviyo(transport=server.transport()) as kv:
        kv.profiles.get_profile(PROFILE_ID)
    assert server.last.headers["Authorization"] == f"Klaviyo-API-Key {API_KEY}"


def test_an_explicit_key_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAVIYO_API_KEY", "pk_from_environment_000000")
    server = Server()
    Klaviyo(**client_kwargs(server)).profiles.get_profile(PROFILE_ID)
    assert server.last.headers["Authorization"] == f"Klaviyo-API-Key {API_KEY}"


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("", "api_key is empty"),
        (" pk_abcdef", "whitespace or control characters"),
        ("pk_abcdef\n", "whitespace or control characters"),
        ("AbC123", "a six-character public key belongs in company_id="),
        ("Klaviyo-API-Key pk_abc", "starts with 'Klaviyo-API-Key ': drop that prefix"),
        ("Bearer eyJhbGciOi", "holds an OAuth bearer token ('Bearer ...')"),
        (12345, "api_key must be a str, got int"),
    ],
)
def test_a_malformed_key_is_refused_without_echoing_it(key: Any, fragment: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Klaviyo(api_key=key, transport=Server().transport())
    assert fragment in str(caught.value)
    if isinstance(key, str) and key.strip():
        assert key.strip() not in str(caught.value)


PREFIXED = (
    "{} starts with 'Klaviyo-API-Key ': drop that prefix and pass the key alone ('pk_...'); "
    "the client writes the 'Authorization: Klaviyo-API-Key' header itself"
)
BEARER = (
    "{} holds an OAuth bearer token ('Bearer ...'), but it takes a private API key ('pk_...'); "
    "an OAuth app passes Klaviyo(oauth=OAuth(client_id=..., client_secret=..., refresh_token=..., "
    "access_token=<the token without 'Bearer '>)) (from klaviyo_generated import OAuth), which sends "
    "the token and refreshes it"
)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("Klaviyo-API-Key pk_0123456789abcdef", PREFIXED),
        ("klaviyo-api-key  pk_0123456789abcdef\n", PREFIXED),
        ("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", BEARER),
        ("bearer abc", BEARER),
    ],
)
@pytest.mark.parametrize("client", [Klaviyo, AsyncKlaviyo])
def test_a_whole_authorization_header_value_says_what_to_pass_instead(
    monkeypatch: pytest.MonkeyPatch, key: str, message: str, client: type[Klaviyo] | type[AsyncKlaviyo]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        client(api_key=key)
    assert str(caught.value) == message.format("api_key")
    monkeypatch.setenv("KLAVIYO_API_KEY", key)
    with pytest.raises(ConfigurationError) as caught:
        client()
    assert str(caught.value) == message.format("the KLAVIYO_API_KEY environment variable")
    assert key.rsplit(maxsplit=1)[-1] not in str(caught.value)


def test_api_key_and_oauth_together_are_refused() -> None:
    oauth = OAuth(client_id="id", client_secret="secret", refresh_token="refresh")
    with pytest.raises(ConfigurationError, match=r"either api_key= or oauth=, not both"):
        Klaviyo(api_key=API_KEY, oauth=oauth, transport=Server().transport())


@pytest.mark.parametrize(
    ("base_url", "fragment"),
    [
        ("http://localhost:8080", "plain http://, which would send the API key unencrypted"),
        ("ftp://a.klaviyo.com", "must be an absolute https:// URL"),
        ("a.klaviyo.com", "must be an absolute https:// URL"),
        ("https://a.klaviyo.com/?x=1", "must not carry a query"),
        ("https://user:pw@a.klaviyo.com", "must not carry a query, fragment or user:password"),
    ],
)
def test_a_base_url_that_could_leak_the_key_is_refused(base_url: str, fragment: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Klaviyo(**client_kwargs(Server(), base_url=base_url))
    assert fragment in str(caught.value)


def test_plain_http_is_allowed_only_when_asked_for_and_paths_join_the_base() -> None:
    server = Server()
    kv = Klaviyo(**client_kwargs(server, base_url="http://localhost:8080/klaviyo/", allow_http=True))
    kv.profiles.get_profile(PROFILE_ID)
    assert str(server.last.url) == f"http://localhost:8080/klaviyo/api/profiles/{PROFILE_ID}"


def test_revision_defaults_to_the_pin_is_set_per_client_and_overridden_per_call() -> None:
    server = Server()
    Klaviyo(**client_kwargs(server)).profiles.get_profile(PROFILE_ID)
    assert server.last.headers["revision"] == __api_revision__ == "2026-07-15"
    kv = Klaviyo(**client_kwargs(server, revision="2026-04-15"))
    kv.profiles.get_profile(PROFILE_ID)
    assert server.last.headers.get_list("revision") == ["2026-04-15"]
    kv.profiles.get_profile(PROFILE_ID, revision="2026-10-15.pre")
    assert server.last.headers.get_list("revision") == ["2026-10-15.pre"]


@pytest.mark.parametrize("revision", ["latest", "2026-7-15", "", "2026-07-15\r\nX: y"])
def test_a_malformed_revision_is_refused_per_client_and_per_call(revision: str) -> None:
    with pytest.raises(ConfigurationError, match="revision must look like '2026-07-15'"):
        Klaviyo(**client_kwargs(Server(), revision=revision))
    server = Server()
    with pytest.raises(ConfigurationError, match="revision must look like '2026-07-15'"):
        Klaviyo(**client_kwargs(server)).profiles.get_profile(PROFILE_ID, revision=revision)
    assert server.requests == []


def test_default_timeouts_bound_every_phase_and_can_be_set_per_client_and_per_call() -> None:
    server = Server()
    kv = Klaviyo(**client_kwargs(server))
    kv.profiles.get_profile(PROFILE_ID)
    assert server.last.extensions["timeout"] == {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}
    kv.profiles.get_profile(PROFILE_ID, timeout=2.5)
    assert server.last.extensions["timeout"] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
    Klaviyo(**client_kwargs(server, timeout=httpx.Timeout(30.0, connect=3.0))).profiles.get_profile(PROFILE_ID)
    assert server.last.extensions["timeout"] == {"connect": 3.0, "read": 30.0, "write": 30.0, "pool": 30.0}


@pytest.mark.parametrize(
    ("timeout", "fragment"),
    [
        (None, "must be seconds (a number) or an httpx.Timeout"),
        (httpx.Timeout(None), "must bound every phase"),
        (httpx.Timeout(10.0, read=None), "must bound every phase"),
        (0, "must be finite and greater than 0"),
        (float("inf"), "must be finite and greater than 0"),
        (True, "must be seconds"),
    ],
)
def test_a_timeout_that_could_hang_forever_is_refused(timeout: Any, fragment: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Klaviyo(**client_kwargs(Server(), timeout=timeout))
    assert fragment in str(caught.value)
    server = Server()
    if timeout is not None:  # per call, None means "the client's timeout"
        with pytest.raises(ConfigurationError):
            Klaviyo(**client_kwargs(server)).profiles.get_profile(PROFILE_ID, timeout=timeout)
        assert server.requests == []


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"max_retries": -1}, "max_retries must be an int >= 0, got -1"),
        ({"max_retries": 2.5}, "max_retries must be an int >= 0"),
        ({"retry": "yes"}, "retry must be a RetryPolicy, True, False or None, got str"),
        ({"company_id": "not a key!"}, "company_id must be the account's public key"),
        ({"default_headers": {"Authorization": "Bearer x"}}, "not an Authorization header"),
        ({"default_headers": {"X-Trace": "a\r\nb"}}, "without line breaks"),
        ({"http_client": httpx.Client()}, "either transport= or http_client=, not both"),
    ],
)
def test_other_bad_settings_name_the_argument(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Klaviyo(**client_kwargs(Server(), **kwargs))
    assert fragment in str(caught.value)


def test_an_async_http_client_is_refused_by_the_sync_client() -> None:
    with pytest.raises(ConfigurationError, match=r"http_client must be an httpx\.Client"):
        Klaviyo(api_key=API_KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]


def test_repr_shows_settings_but_not_the_key() -> None:
    kv = Klaviyo(**client_kwargs(Server()))
    assert repr(kv) == (
        "Klaviyo(base_url='https://a.klaviyo.com/', revision='2026-07-15', auth=ApiKeyAuth(api_key='pk_***'))"
    )


def test_every_public_name_resolves_and_the_package_lists_them() -> None:
    import klaviyo_generated

    missing = [name for name in klaviyo_generated.__all__ if getattr(klaviyo_generated, name, None) is None]
    assert missing == []
    assert {"Klaviyo", "AsyncKlaviyo", "Pager", "PaginationError", "FilterError", "OAuth"} <= set(
        dir(klaviyo_generated)
    )
