# Copied from overrides/runtime/testing/_filters.py by `python -m generator sync`; edit that file, not this one.
"""The fake's ``filter=``: parsed as Klaviyo parses it, refused as Klaviyo refuses it (a field or an
operator outside the endpoint's ``x-klaviyo-filters``: 400, ``source.parameter`` ``filter``), and
applied to the stored resources.

The text becomes the client's own ``Filter`` tree, checked with the client's own ``check_filter``
against the generated ``Operation.filters`` of the operation the route stands for: one reading of the
spec's rules for both sides.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import httpx

from ..filters import Filter, FilterError, check_filter
from ._store import FakeError, Resource

_COMBINATORS = ("and", "or", "not")
_NAME = re.compile(r"[a-z][a-z-]*")
_FIELD = re.compile(r"[\w.$\-]+")
_BARE = re.compile(r"[^,()\[\]\s]+")


def parse(text: str) -> Filter:
    """``text`` as a ``Filter`` (top-level conditions separated by commas are and-ed), or a 400."""
    reader = _Reader(text)
    conditions = [reader.expression()]
    while reader.take(","):
        conditions.append(reader.expression())
    if not reader.at_end():
        reader.fail("unexpected text")
    return conditions[0] if len(conditions) == 1 else Filter("and", children=tuple(conditions))


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def fail(self, why: str) -> None:
        raise FakeError(
            400,
            "invalid",
            f"Invalid filter provided: {why} at position {self.at} of {self.text!r}.",
            "filter",
        )

    def skip(self) -> None:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1

    def at_end(self) -> bool:
        self.skip()
        return self.at >= len(self.text)

    def take(self, token: str) -> bool:
        self.skip()
        if self.text.startswith(token, self.at):
            self.at += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.take(token):
            self.fail(f"expected {token!r}")

    def match(self, pattern: re.Pattern[str], what: str) -> str:
        self.skip()
        found = pattern.match(self.text, self.at)
        if found is None:
            self.fail(f"expected {what}")
            raise AssertionError  # unreachable: fail() raises
        self.at = found.end()
        return found.group()

    def expression(self) -> Filter:
        operator = self.match(_NAME, "an operator such as equals(")
        self.expect("(")
        if operator in _COMBINATORS:
            children = [self.expression()]
            while self.take(","):
                children.append(self.expression())
            self.expect(")")
            if operator == "not" and len(children) != 1:
                self.fail("not() takes one condition")
            return Filter(operator, children=tuple(children))
        field = self.match(_FIELD, "a field name")
        if operator == "has":
            self.expect(")")
            return Filter("has", field, has_value=False)
        self.expect(",")
        value = self.value()
        self.expect(")")
        return Filter(operator, field, tuple(value) if isinstance(value, list) else value)

    def value(self) -> Any:
        self.skip()
        if self.take("["):
            items = [self.value()]
            while self.take(","):
                items.append(self.value())
            self.expect("]")
            return items
        if self.at < len(self.text) and self.text[self.at] in "'\"":
            return self.string()
        return _bare(self.match(_BARE, "a value"), self)

    def string(self) -> str:
        quote, self.at = self.text[self.at], self.at + 1
        out = []
        while self.at < len(self.text) and self.text[self.at] != quote:
            if self.text[self.at] == "\\" and self.at + 1 < len(self.text):
                self.at += 1
            out.append(self.text[self.at])
            self.at += 1
        if self.at >= len(self.text):
            self.fail("unterminated string")
        self.at += 1
        return "".join(out)


def _bare(token: str, reader: _Reader) -> Any:
    """An unquoted value: ``true``, ``false``, ``null``, a number, or a date or datetime."""
    named = {"true": True, "false": False, "null": None}
    if token in named:
        return named[token]
    with contextlib.suppress(ValueError):
        return int(token)
    with contextlib.suppress(ValueError):
        return float(token)
    with contextlib.suppress(ValueError):
        return _aware(datetime.fromisoformat(token)) if "T" in token else date.fromisoformat(token)
    reader.fail(f"{token!r} is not a value (quote strings)")
    raise AssertionError  # unreachable: fail() raises


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# -- refusing what the endpoint does not allow ----------------------------------------------------------


def check(request: httpx.Request, operation: str, fields: Mapping[str, Mapping[str, Any]]) -> None:
    """A 400 for a ``filter=`` the route (``operation``, whose ``x-klaviyo-filters`` are ``fields``)
    does not take, as Klaviyo answers it."""
    text = request.url.params.get("filter")
    if text is None:
        return
    try:
        check_filter(operation, parse(text), {operation: fields} if fields else {})
    except FilterError as error:
        raise FakeError(400, "invalid", f"Invalid filter provided: {error}", "filter") from None


# -- applying it --------------------------------------------------------------------------------------


def filtered(request: httpx.Request, items: Iterable[Resource]) -> list[Resource]:
    """``items`` that match the request's ``filter=`` (all of them without one)."""
    text = request.url.params.get("filter")
    items = list(items)
    if not text:
        return items
    condition = parse(text)
    return [r for r in items if matches(condition, r)]


def matches(condition: Filter, resource: Resource) -> bool:
    if condition.children:
        found = [matches(c, resource) for c in condition.children]
        return {"and": all(found), "or": any(found), "not": not found[0]}[condition.operator]
    actual = _field(resource, condition.field or "")
    if condition.operator == "has":
        return actual not in (None, [], {})
    wanted = condition.value
    if condition.operator in ("equals", "any") and isinstance(wanted, tuple):
        return actual in wanted or (isinstance(actual, list) and tuple(actual) == wanted)
    if condition.operator == "equals":
        return bool(_comparable(actual) == _comparable(wanted))
    test = _TESTS.get(condition.operator)
    return actual is not None and test is not None and test(actual, wanted)


def _field(resource: Resource, field: str) -> Any:
    if field == "id":
        return resource["id"]
    value: Any = resource["attributes"]
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None and field.endswith("_id"):  # profile_id, metric_id: the relationship's id
        related = resource["relationships"].get(field.removesuffix("_id"))
        return related.get("id") if isinstance(related, dict) else None
    if value is None and field in resource["relationships"]:
        return resource["relationships"][field]
    return value


def _comparable(value: Any) -> Any:
    """Datetimes compare as instants whether written with ``Z`` or ``+00:00``; other values as given."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return _aware(datetime.fromisoformat(value))
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """``compare`` on comparable values; values of different kinds (a date and a number) never match."""

    def test(actual: Any, wanted: Any) -> bool:
        try:
            return compare(_comparable(actual), _comparable(wanted))
        except TypeError:
            return False

    return test


def _within(actual: Any, wanted: Any) -> bool:
    return wanted in actual if isinstance(actual, list) else str(wanted) in str(actual)


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "greater-than": _ordered(lambda a, b: a > b),
    "greater-or-equal": _ordered(lambda a, b: a >= b),
    "less-than": _ordered(lambda a, b: a < b),
    "less-or-equal": _ordered(lambda a, b: a <= b),
    "contains": _within,
    "contains-any": lambda a, b: any(_within(a, v) for v in b),
    "contains-all": lambda a, b: all(_within(a, v) for v in b),
    "starts-with": lambda a, b: str(a).startswith(str(b)),
    "ends-with": lambda a, b: str(a).endswith(str(b)),
}
