"""docs/migration.md stays true: each row of its table maps a klaviyo-api call to ours, and both send the
same request; the bodies it shows for "unset is not null" are the bodies each client sends.

Our side always runs (against ``httpx.MockTransport``). The klaviyo-api side runs where klaviyo-api
25.0.0 is installed (``nox -s bench`` installs it; it is never a dependency): its urllib3 pool is
replaced by one that records the request and answers 404, so nothing leaves the process.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from klaviyo_generated import Klaviyo, NotFoundError
from klaviyo_generated.filters import equals
from klaviyo_generated.models import (
    ProfilePartialUpdateQuery,
    ProfilePartialUpdateQueryResourceObject,
    ProfilePartialUpdateQueryResourceObjectAttributes,
)

PAGE = Path(__file__).resolve().parents[2] / "docs" / "migration.md"
TEXT = PAGE.read_text(encoding="utf-8")
# | `klaviyo.Ns.op(...)` | `kv.ns.op(...)` | `METHOD /path` | notes |
_ROW = re.compile(
    r"^\| `(klaviyo\.(\w+)\.(\w+)\(.*?\))` \| `(kv\.(\w+)\.(\w+)\(.*?\))` \| `(\w+) (\S+)` \|(.*?)\|$", re.M
)
ROWS = _ROW.findall(TEXT)
ID = "01HABCDEF"
NOT_FOUND = {"errors": [{"id": "e1", "status": 404, "code": "not_found", "title": "Not found", "detail": "nope"}]}

PROFILE = {"type": "profile", "attributes": {"email": "ada@example.com"}}
UNSUBSCRIBED = {
    "type": "profile",
    "attributes": {"email": "ada@example.com", "subscriptions": {"email": {"marketing": {"consent": "UNSUBSCRIBED"}}}},
}
LIST = {"list": {"data": {"type": "list", "id": "LIST_ID"}}}
SUBSCRIBE = {
    "data": {
        "type": "profile-subscription-bulk-create-job",
        "attributes": {
            "profiles": {
                "data": [
                    {
                        "type": "profile",
                        "attributes": {
                            "email": "ada@example.com",
                            "subscriptions": {"email": {"marketing": {"consent": "SUBSCRIBED"}}},
                        },
                    }
                ]
            }
        },
        "relationships": LIST,
    }
}
UNSUBSCRIBE = {
    "data": {
        "type": "profile-subscription-bulk-delete-job",
        "attributes": {"profiles": {"data": [UNSUBSCRIBED]}},
        "relationships": LIST,
    }
}
EVENT = {
    "data": {
        "type": "event",
        "attributes": {
            "properties": {"order_id": "o-1"},
            "metric": {"data": {"type": "metric", "attributes": {"name": "Placed Order"}}},
            "profile": {"data": PROFILE},
        },
    }
}
AGGREGATE = {
    "data": {
        "type": "metric-aggregate",
        "attributes": {
            "metric_id": "M1",
            "measurements": ["count"],
            "interval": "day",
            "filter": ["greater-or-equal(datetime,2026-01-01T00:00:00)", "less-than(datetime,2026-02-01T00:00:00)"],
            "timezone": "UTC",
        },
    }
}
ITEM = {
    "data": {
        "type": "catalog-item",
        "attributes": {"external_id": "sku-1", "title": "Mug", "description": "A mug", "url": "https://example.com/m"},
    }
}
# The body of each row, by our operation name: one dict, given to both clients.
BODIES: dict[str, dict[str, Any]] = {
    "create_profile": {"data": PROFILE},
    "update_profile": {"data": {"type": "profile", "id": ID, "attributes": {"first_name": "Ada"}}},
    "create_or_update_profile": {"data": PROFILE},
    "bulk_subscribe_profiles": SUBSCRIBE,
    "bulk_unsubscribe_profiles": UNSUBSCRIBE,
    "submit_bulk_import_profiles": {
        "data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": [PROFILE]}}}
    },
    "create_list": {"data": {"type": "list", "attributes": {"name": "VIP"}}},
    "add_profiles_to_list": {"data": [{"type": "profile", "id": "P1"}]},
    "remove_profiles_from_list": {"data": [{"type": "profile", "id": "P1"}]},
    "create_event": EVENT,
    "query_metric_aggregates": AGGREGATE,
    "submit_send_campaign": {"data": {"type": "campaign-send-job", "id": "CAMPAIGN_ID"}},
    "create_catalog_item": ITEM,
    "create_template": {
        "data": {"type": "template", "attributes": {"name": "T", "editor_type": "CODE", "html": "<p/>"}}
    },
}


def _ours(call: str, operation: str) -> httpx.Request:
    """The request our call of the row sends (answered 404, so the call raises NotFoundError)."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(404, json=NOT_FOUND)

    with (
        Klaviyo(api_key="pk_migration_test", transport=httpx.MockTransport(answer), retry=False) as kv,
        pytest.raises(NotFoundError),
    ):
        exec(call, {"kv": kv, "ID": ID, "body": BODIES.get(operation), "equals": equals})
    assert len(sent) == 1
    return sent[0]


def _shape(method: str, url: str, body: bytes | str | None) -> tuple[str, str, list[tuple[str, str]], Any]:
    parts = urlsplit(url)
    return method, parts.path, sorted(parse_qsl(parts.query)), json.loads(body) if body else None


def test_the_table_maps_the_common_operations() -> None:
    assert len(ROWS) >= 20
    ours = [row[5] for row in ROWS]
    assert len(set(ours)) == len(ours)
    assert set(BODIES) <= set(ours)  # no body without its row


@pytest.mark.parametrize("row", ROWS, ids=[row[5] for row in ROWS])
def test_our_call_sends_the_request_the_row_names(row: tuple[str, ...]) -> None:
    _, _, _, call, _namespace, operation, method, path, _ = row
    request = _ours(call, operation)
    assert (request.method, request.url.path) == (method, path.replace("{id}", ID))
    assert request.headers["revision"] == "2026-07-15"
    if operation in BODIES:
        assert json.loads(request.content) == BODIES[operation]


@pytest.mark.parametrize("row", ROWS, ids=[row[5] for row in ROWS])
def test_the_methods_the_notes_name_exist(row: tuple[str, ...]) -> None:
    namespace, notes = row[4], row[8]
    kv = Klaviyo(api_key="pk_migration_test")
    for name in re.findall(r"`((?:a?iter|submit)_\w+)", notes):
        assert callable(getattr(getattr(kv, namespace), name)), name
    for name in re.findall(r"`kv\.workflows\.(\w+)", notes):
        assert callable(getattr(kv.workflows, name)), name


def test_their_blocks_are_python_and_call_klaviyo_api() -> None:
    blocks = re.findall(r"^```py\n(.*?)^```", TEXT, re.S | re.M)
    assert len(blocks) >= 5
    for block in blocks:
        ast.parse(block)
        assert "klaviyo" in block


# -- against klaviyo-api itself ---------------------------------------------------------------------


def _sdk(module: str) -> Any:
    """A module of klaviyo-api (or its urllib3), imported by name: the package's type checks run without it."""
    return importlib.import_module(module)


class _Pool:
    """Stands in for klaviyo-api's urllib3 PoolManager: records each request, answers ``status``."""

    def __init__(self, status: int = 404, headers: dict[str, str] | None = None) -> None:
        self.sent: list[tuple[str, str, Any]] = []
        self.status, self.headers = status, headers or {}

    def request(self, method: str, url: str, body: Any = None, **_: Any) -> Any:
        urllib3 = _sdk("urllib3")

        self.sent.append((method, url, body))
        payload = json.dumps(NOT_FOUND).encode()
        return urllib3.HTTPResponse(body=payload, status=self.status, headers=self.headers, preload_content=False)


def _theirs(pool: _Pool, **settings: Any) -> Any:
    klaviyo_api = pytest.importorskip("klaviyo_api")
    from importlib.metadata import version

    assert version("klaviyo-api") == "25.0.0", "the page describes klaviyo-api 25.0.0"
    client = klaviyo_api.KlaviyoAPI("pk_migration_test", **settings)
    client.api_client.rest_client.pool_manager = pool
    return client


@pytest.mark.parametrize("row", ROWS, ids=[row[5] for row in ROWS])
def test_their_call_and_ours_send_the_same_request(row: tuple[str, ...]) -> None:
    their_call, _, _, our_call, _, operation, _, _, _ = row
    pool = _Pool()
    klaviyo = _theirs(pool, max_retries=1)
    NotFoundException = _sdk("openapi_client.exceptions").NotFoundException

    with pytest.raises(NotFoundException):
        exec(their_call, {"klaviyo": klaviyo, "ID": ID, "body": BODIES.get(operation)})
    [(method, url, body)] = pool.sent
    ours = _ours(our_call, operation)
    their_method, their_path, their_query, their_body = _shape(method, url, body)
    our_method, our_path, our_query, our_body = _shape(ours.method, str(ours.url), ours.content)
    assert (their_method, their_path) == (our_method, our_path)
    # We send the documented default page size; klaviyo-api leaves it to the server.
    with Klaviyo(api_key="pk_migration_test") as kv:
        default = inspect.signature(getattr(getattr(kv, row[4]), operation)).parameters.get("page_size")
    if default is not None and not any(key == "page[size]" for key, _ in their_query):
        assert ("page[size]", str(default.default)) in our_query
        our_query.remove(("page[size]", str(default.default)))
    assert their_query == our_query
    # klaviyo-api writes out the spec's defaults of a few body members; we send the body as given.
    if operation in DEFAULTS_ADDED_BY_KLAVIYO_API:
        their_body["data"]["attributes"] = {
            key: value
            for key, value in their_body["data"]["attributes"].items()
            if key not in DEFAULTS_ADDED_BY_KLAVIYO_API[operation]
        }
    assert their_body == our_body


# What klaviyo-api adds to the rows' bodies (the spec's defaults, which the page lists).
DEFAULTS_ADDED_BY_KLAVIYO_API: dict[str, dict[str, Any]] = {
    "bulk_subscribe_profiles": {"historical_import": False},
    "create_event": {"backfill": False},
    "query_metric_aggregates": {"page_size": 500},
    "create_catalog_item": {"integration_type": "$custom", "catalog_type": "$default", "published": True},
}


def test_the_page_lists_the_defaults_klaviyo_api_adds() -> None:
    for members in DEFAULTS_ADDED_BY_KLAVIYO_API.values():
        for key, value in members.items():
            assert f"`{key}: {json.dumps(value)}`" in TEXT


def _json_blocks() -> list[Any]:
    return [json.loads(block) for block in re.findall(r"^```json\n(.*?)^```", TEXT, re.S | re.M)]


def test_klaviyo_api_sends_null_for_every_unset_attribute_of_a_from_dict_model() -> None:
    pool = _Pool(status=404)
    klaviyo = _theirs(pool, max_retries=1)
    NotFoundException = _sdk("openapi_client.exceptions").NotFoundException
    models = _sdk("openapi_client.models")
    TheirQuery, TheirObject = models.ProfilePartialUpdateQuery, models.ProfilePartialUpdateQueryResourceObject
    TheirAttributes = models.ProfileCreateQueryResourceObjectAttributes  # what its update model holds

    body = {"data": {"type": "profile", "id": "01H", "attributes": {"first_name": "Ada"}}}
    built = TheirQuery(data=TheirObject(type="profile", id="01H", attributes=TheirAttributes(first_name="Ada")))
    for given in (body, built, TheirQuery.from_dict(body)):
        with pytest.raises(NotFoundException):
            klaviyo.Profiles.update_profile("01H", given)
    (_, _, as_dict), (_, _, as_built), (_, _, as_model) = pool.sent
    their_nulls, ours = _json_blocks()
    assert json.loads(as_dict) == json.loads(as_built) == body == ours  # a dict, or keyword arguments: as given
    assert json.loads(as_model) == their_nulls  # the page shows the exact body
    nulls = {key for key, value in their_nulls["data"]["attributes"].items() if value is None}
    assert nulls == {"email", "phone_number", "external_id", "last_name", "organization", "locale", "title"} | {
        "image",
        "properties",
    }


def test_we_send_only_the_fields_given_and_none_as_null() -> None:
    body = {"data": {"type": "profile", "id": "01H", "attributes": {"first_name": "Ada"}}}
    _, ours = _json_blocks()
    for given in (body, ProfilePartialUpdateQuery.from_dict(body)):
        request = _send_update(given)
        assert request.content == json.dumps(ours, separators=(",", ":")).encode()
    cleared = {"data": {"type": "profile", "id": "01H", "attributes": {"last_name": None}}}
    model = ProfilePartialUpdateQuery(
        data=ProfilePartialUpdateQueryResourceObject(
            type_="profile", id="01H", attributes=ProfilePartialUpdateQueryResourceObjectAttributes(last_name=None)
        )
    )
    for given in (cleared, model):
        assert _send_update(given).content == b'{"data":{"type":"profile","id":"01H","attributes":{"last_name":null}}}'


def _send_update(body: Any) -> httpx.Request:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(404, json=NOT_FOUND)

    with (
        Klaviyo(api_key="pk_migration_test", transport=httpx.MockTransport(answer), retry=False) as kv,
        pytest.raises(NotFoundError),
    ):
        kv.profiles.update_profile("01H", body=body)
    return sent[0]


def test_klaviyo_api_max_retries_counts_attempts_and_429_is_a_bare_api_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = _Pool(status=429)
    klaviyo = _theirs(pool, max_retries=3)
    retry = _sdk("klaviyo_api.custom_retry")
    ApiException = _sdk("openapi_client.exceptions").ApiException

    waits: list[float] = []
    monkeypatch.setattr(retry, "time", SimpleNamespace(sleep=waits.append, time=lambda: 0.0))
    monkeypatch.setattr(retry.random, "random", lambda: 0.5)  # no jitter
    with pytest.raises(ApiException) as caught:
        klaviyo.Profiles.get_profiles()
    assert type(caught.value) is ApiException
    assert caught.value.status == 429
    assert len(pool.sent) == 3
    assert waits == [0.5, 0.75]
    assert Klaviyo(api_key="pk_migration_test", max_retries=2).settings.retry.max_attempts == 3


def test_the_names_paragraph_counts_what_klaviyo_api_has() -> None:
    pytest.importorskip("klaviyo_api")
    from importlib.metadata import distribution

    # Its README lists each operation under a link to its API reference; aliases follow "Method alias".
    readme = distribution("klaviyo-api").read_text("METADATA") or ""
    theirs = []
    for section in re.split(r"^#### \[", readme, flags=re.M)[1:]:
        call = re.search(r"^klaviyo\.(\w+)\.(\w+)\(", section.split("##### Method alias")[0], re.M)
        if call:
            theirs.append((call.group(1).lower().replace("client", "client_side"), call.group(2)))
    ours = {(spec.tag, name) for name, spec in Klaviyo.operations.items()}
    same = [pair for pair in theirs if pair in ours]
    renamed = {("campaigns", "clone_campaign"): ("campaigns", "create_campaign_clone")}
    absent_here = [pair for pair in theirs if pair not in ours and pair not in renamed]
    absent_there = ours - set(theirs) - set(renamed.values())
    assert (len(theirs), len(same), len(absent_here), len(absent_there), len(ours)) == (423, 333, 89, 11, 345)
    assert all(renamed[pair] in ours for pair in renamed)
    assert {tag for tag, _ in absent_there} == {"client_side"}
    for number in ("423 operations", "333 have the same name", "the other 89", "11 of our 345"):
        assert number in " ".join(TEXT.split())


def test_klaviyo_api_returns_dicts_once_a_fields_argument_is_given() -> None:
    page = {"data": [], "links": {"self": "https://a.klaviyo.com/api/profiles"}}

    class Answer(_Pool):
        def request(self, method: str, url: str, body: Any = None, **_: Any) -> Any:
            urllib3 = _sdk("urllib3")

            self.sent.append((method, url, body))
            return urllib3.HTTPResponse(body=json.dumps(page).encode(), status=200, preload_content=False)

    pool = Answer()
    klaviyo = _theirs(pool, max_retries=1)
    assert (
        type(klaviyo.Profiles.get_profiles()).__name__
        == "GetProfileResponsePluralConversationsCollectionCompoundDocument"
    )
    assert klaviyo.Profiles.get_profiles(fields_profile=["email"]) == page
    assert pool.sent[0][2] is None


def test_klaviyo_api_waits_out_retry_after_in_seconds_and_fails_on_a_date(monkeypatch: pytest.MonkeyPatch) -> None:
    retry = pytest.importorskip("klaviyo_api.custom_retry")
    ApiException = _sdk("openapi_client.exceptions").ApiException

    now = [1000.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    monkeypatch.setattr(retry, "time", SimpleNamespace(sleep=sleep, time=lambda: now[0]))
    monkeypatch.setattr(retry.random, "random", lambda: 0.5)
    pool = _Pool(status=429, headers={"Retry-After": "10"})
    with pytest.raises(ApiException, match=r"\(429\)"):
        _theirs(pool, max_retries=2).Profiles.get_profiles()
    assert len(pool.sent) == 2
    assert sum(waits[:-1]) < 10 <= sum(waits)  # backing off, not calling, until the 10 s have passed
    dated = _Pool(status=429, headers={"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"})
    with pytest.raises(ValueError, match="invalid literal for int"):
        _theirs(dated, max_retries=2).Profiles.get_profiles()
