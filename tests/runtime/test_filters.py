"""The filter builder: exact renderings, and x-klaviyo-filters checks that fail before anything is sent."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from klaviyo_generated import Klaviyo
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.filters import (
    Filter,
    FilterError,
    and_,
    any_,
    check_filter,
    contains,
    contains_all,
    contains_any,
    ends_with,
    equals,
    greater_or_equal,
    greater_than,
    has,
    less_or_equal,
    less_than,
    not_,
    or_,
    starts_with,
)
from tests.endpoints import endpoint
from tests.runtime.client_harness import API_KEY, PROFILES_PAGE


@functools.cache
def filters_table() -> dict[str, Mapping[str, Any]]:
    """Every operation's ``x-klaviyo-filters``, from the generated operations (those with any)."""
    operations = (endpoint(name).OPERATION for name in OPERATIONS)
    return {op.name: op.filters for op in operations if op.filters}


PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("built", "rendered"),
    [
        (equals("email", "ada@example.com"), 'equals(email,"ada@example.com")'),
        (equals("name", 'say "hi"'), r'equals(name,"say \"hi\"")'),
        (equals("path", "C:\\temp\\"), r'equals(path,"C:\\temp\\")'),
        (equals("path", '\\"'), r'equals(path,"\\\"")'),
        (equals("archived", True), "equals(archived,true)"),
        (equals("archived", False), "equals(archived,false)"),
        (equals("ended", None), "equals(ended,null)"),
        (equals("count", 3), "equals(count,3)"),
        (equals("value", 2.5), "equals(value,2.5)"),
        (greater_than("created", datetime(2026, 1, 2, 3, 4, 5)), "greater-than(created,2026-01-02T03:04:05Z)"),
        (
            less_than("created", datetime(2026, 1, 2, 3, 4, 5, tzinfo=PLUS_TWO)),
            "less-than(created,2026-01-02T01:04:05Z)",
        ),
        (
            greater_or_equal("created", datetime(2026, 1, 2, 3, 4, 5, 123000, tzinfo=UTC)),
            "greater-or-equal(created,2026-01-02T03:04:05.123000Z)",
        ),
        (less_or_equal("day", date(2026, 1, 2)), "less-or-equal(day,2026-01-02)"),
        (any_("id", ["a", "b"]), 'any(id,["a","b"])'),
        (equals("id", ("a",)), 'equals(id,["a"])'),
        (contains("content", "sale"), 'contains(content,"sale")'),
        (contains_any("tags", ["x", "y"]), 'contains-any(tags,["x","y"])'),
        (contains_all("tags", ["x", 1, True, None]), 'contains-all(tags,["x",1,true,null])'),
        (starts_with("name", "VIP"), 'starts-with(name,"VIP")'),
        (ends_with("email", "@example.com"), 'ends-with(email,"@example.com")'),
        (has("profile"), "has(profile)"),
        (
            and_(equals("a", 1), or_(equals("b", "x"), not_(equals("c", False)))),
            'and(equals(a,1),or(equals(b,"x"),not(equals(c,false))))',
        ),
    ],
)
def test_renderings(built: Filter, rendered: str) -> None:
    assert str(built) == rendered


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (
            lambda: any_("id", "a"),  # type: ignore[arg-type]
            "any(id, ...) takes a list of values, got str",
        ),
        (lambda: contains_any("id", []), "needs at least one value"),
        (lambda: equals("", "x"), "field must be a field name"),
        (lambda: equals("a,b", "x"), "field must be a field name"),
        (lambda: equals("x", float("nan")), "finite numbers"),
        (
            lambda: equals("x", object()),  # type: ignore[arg-type]
            "cannot put a object into a filter",
        ),
        (and_, "and() takes at least 1 Filter(s)"),
        (
            lambda: and_("equals(a,1)"),  # type: ignore[arg-type]
            "and() takes at least 1 Filter(s)",
        ),
    ],
)
def test_values_the_language_cannot_hold_are_refused_when_built(make: Any, fragment: str) -> None:
    with pytest.raises(FilterError) as caught:
        make()
    assert fragment in str(caught.value)


def test_the_spec_filter_table_is_carried_into_the_package() -> None:
    assert len(filters_table()) == 56
    assert filters_table()["get_profiles"]["email"] == {
        "operators": {"list": ["any", "equals"], "single": ["equals"]},
        "value": {"type": "string"},
    }
    assert filters_table()["get_events"]["profile"] == {"operators": {"none": ["has"]}, "value": {}}


def test_a_fitting_filter_renders_and_a_plain_string_passes_unchanged() -> None:
    built = and_(any_("email", ["a@b.c", "d@e.f"]), greater_than("created", datetime(2026, 1, 1, tzinfo=UTC)))
    assert check_filter("get_profiles", built, filters_table()) == (
        'and(any(email,["a@b.c","d@e.f"]),greater-than(created,2026-01-01T00:00:00Z))'
    )
    assert check_filter("get_profiles", "anything(goes)", filters_table()) == "anything(goes)"
    assert check_filter("get_events", has("profile"), filters_table()) == "has(profile)"


@pytest.mark.parametrize(
    ("operation", "built", "fragment"),
    [
        (
            "get_profiles",
            equals("first_name", "Ada"),
            "get_profiles cannot filter on 'first_name'; allowed fields: _kx",
        ),
        (
            "get_profiles",
            contains("email", "x"),
            "get_profiles: contains on 'email' with a single value is not allowed; "
            "allowed: any, equals (list value); equals (single value)",
        ),
        ("get_profiles", less_than("created", 5), "'created' takes date-time values, got 5"),
        ("get_campaigns", equals("archived", "yes"), "'archived' takes boolean values, got 'yes'"),
        ("get_profiles", has("email"), "has on 'email' with a none value is not allowed"),
        ("create_list", equals("name", "x"), "create_list takes no filter"),
    ],
)
def test_a_filter_the_endpoint_does_not_allow_names_what_is_allowed(
    operation: str, built: Filter, fragment: str
) -> None:
    with pytest.raises(FilterError) as caught:
        check_filter(operation, built, filters_table())
    assert fragment in str(caught.value)


def test_an_enum_value_outside_the_spec_is_refused() -> None:
    with pytest.raises(FilterError, match=r"'status' takes \['queued', 'processing', 'complete'\] values, got 'done'"):
        check_filter("get_bulk_import_profiles_jobs", equals("status", "done"), filters_table())


def test_through_the_client_a_filter_is_sent_rendered_and_a_bad_one_is_never_sent() -> None:
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=PROFILES_PAGE)

    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(handle))
    kv.profiles.get_profiles(filter=equals("email", 'o"brien@example.com'), sort="-created")
    assert requests[0].url.params["filter"] == r'equals(email,"o\"brien@example.com")'
    assert requests[0].url.params["sort"] == "-created"
    with pytest.raises(FilterError, match="cannot filter on 'nickname'"):
        kv.profiles.get_profiles(filter=equals("nickname", "x"))
    with pytest.raises(FilterError, match="cannot filter on 'nickname'"):
        kv.profiles.iter_profiles(filter=equals("nickname", "x"))  # at the call, before any page
    assert len(requests) == 1
