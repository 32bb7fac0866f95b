"""Klaviyo's ``filter`` query language as composable Python.

    from datetime import UTC, datetime

    from klaviyo_generated.filters import and_, equals, greater_than

    when = datetime(2026, 1, 1, tzinfo=UTC)
    kv.profiles.get_profiles(filter=and_(equals("email", "ada@example.com"), greater_than("created", when)))

renders ``and(equals(email,"ada@example.com"),greater-than(created,2026-01-01T00:00:00Z))``. Strings
are double-quoted with ``"`` and ``\\`` escaped; datetimes become UTC ISO 8601 (a naive datetime is
taken as UTC); booleans ``true``/``false``; ``None`` ``null``; lists ``["a","b"]``.

Each endpoint's ``x-klaviyo-filters`` (the fields it filters on, the operators each allows, the
value type) is part of its generated ``Operation`` (``Operation.filters``); a ``Filter`` passed to
such an endpoint is checked against it (``render_filter``) before anything is sent. A plain string
is passed through unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, TypeAlias, overload

import attrs

from ._exceptions import FilterError
from ._unset import Unset

if TYPE_CHECKING:
    from ._binding import Operation

__all__ = [
    "Filter",
    "FilterError",
    "and_",
    "any_",
    "contains",
    "contains_all",
    "contains_any",
    "ends_with",
    "equals",
    "greater_or_equal",
    "greater_than",
    "has",
    "less_or_equal",
    "less_than",
    "not_",
    "or_",
    "render_filter",
    "starts_with",
]

Scalar: TypeAlias = str | bool | int | float | datetime | date | None
Value: TypeAlias = Scalar | list[Scalar] | tuple[Scalar, ...]

_LIST_ONLY: Final = frozenset({"any", "contains-any", "contains-all"})


def _scalar(value: Scalar) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise FilterError(f"filter values must be finite numbers, got {value!r}")
        return repr(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise FilterError(f"cannot put a {type(value).__name__} into a filter; use str, number, bool, datetime or None")


def _render_value(value: Value) -> str:
    if isinstance(value, list | tuple):
        return "[" + ",".join(_scalar(v) for v in value) + "]"
    return _scalar(value)


@attrs.frozen
class Filter:
    """One condition (``operator(field,value)``) or a combination (``and``/``or``/``not``)."""

    operator: str
    field: str | None = None
    value: Value = None
    has_value: bool = True
    children: tuple[Filter, ...] = ()

    def __str__(self) -> str:
        if self.children:
            return f"{self.operator}(" + ",".join(str(c) for c in self.children) + ")"
        if not self.has_value:
            return f"{self.operator}({self.field})"
        return f"{self.operator}({self.field},{_render_value(self.value)})"

    def conditions(self) -> Iterable[Filter]:
        """Every leaf condition, depth first."""
        if self.children:
            for child in self.children:
                yield from child.conditions()
        else:
            yield self


def _condition(operator: str, field: str, value: Value) -> Filter:
    if not isinstance(field, str) or not field or any(c in field for c in '(),"[] '):
        raise FilterError(f"{operator}: field must be a field name such as 'email' or 'profile.id', got {field!r}")
    is_list = isinstance(value, list | tuple)
    if operator in _LIST_ONLY and not is_list:
        raise FilterError(f"{operator}({field}, ...) takes a list of values, got {type(value).__name__}")
    if is_list and not value:
        raise FilterError(f"{operator}({field}, ...) needs at least one value; an empty list matches nothing")
    _render_value(value)  # fail now, not when rendered, on values the language cannot hold
    return Filter(operator, field, tuple(value) if isinstance(value, list | tuple) else value)


def equals(field: str, value: Value) -> Filter:
    return _condition("equals", field, value)


def any_(field: str, values: list[Scalar] | tuple[Scalar, ...]) -> Filter:
    return _condition("any", field, values)


def greater_than(field: str, value: Scalar) -> Filter:
    return _condition("greater-than", field, value)


def greater_or_equal(field: str, value: Scalar) -> Filter:
    return _condition("greater-or-equal", field, value)


def less_than(field: str, value: Scalar) -> Filter:
    return _condition("less-than", field, value)


def less_or_equal(field: str, value: Scalar) -> Filter:
    return _condition("less-or-equal", field, value)


def contains(field: str, value: Scalar) -> Filter:
    return _condition("contains", field, value)


def contains_any(field: str, values: list[Scalar] | tuple[Scalar, ...]) -> Filter:
    return _condition("contains-any", field, values)


def contains_all(field: str, values: list[Scalar] | tuple[Scalar, ...]) -> Filter:
    return _condition("contains-all", field, values)


def starts_with(field: str, value: str) -> Filter:
    return _condition("starts-with", field, value)


def ends_with(field: str, value: str) -> Filter:
    return _condition("ends-with", field, value)


def has(field: str) -> Filter:
    """``has(field)``: the resource has the relationship or value at all."""
    _condition("has", field, None)
    return Filter("has", field, has_value=False)


def _combine(operator: str, filters: tuple[Filter, ...], minimum: int) -> Filter:
    if len(filters) < minimum or not all(isinstance(f, Filter) for f in filters):
        raise FilterError(f"{operator}() takes at least {minimum} Filter(s), got {filters!r}")
    return Filter(operator, children=filters)


def and_(*filters: Filter) -> Filter:
    return _combine("and", filters, 1)


def or_(*filters: Filter) -> Filter:
    return _combine("or", filters, 1)


def not_(condition: Filter) -> Filter:
    return _combine("not", (condition,), 1)


# -- checking against an endpoint's x-klaviyo-filters --------------------------------------------


_CHECKS: Final[dict[str, Callable[[object], bool]]] = {
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def _type_ok(value: object, spec: Mapping[str, object]) -> bool:
    if value is None:
        return True  # Klaviyo uses null comparisons (e.g. "no value") on any field
    if spec.get("type") == "string":
        if spec.get("format") == "date-time":
            return isinstance(value, datetime | date | str)
        enum = spec.get("enum")
        return isinstance(value, str) and (not isinstance(enum, list) or value in enum)
    check = _CHECKS.get(str(spec.get("type")))
    return check is None or check(value)


def check_filter(operation: str, value: object, table: Mapping[str, Mapping[str, Mapping[str, object]]]) -> str:
    """``value`` rendered for ``operation``; a ``FilterError`` listing what is allowed if it does not fit."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Filter):
        raise FilterError(f"filter must be a str or a klaviyo_generated.filters.Filter, got {type(value).__name__}")
    fields = table.get(operation)
    if fields is None:
        raise FilterError(f"{operation} takes no filter")
    for condition in value.conditions():
        spec = fields.get(condition.field or "")
        if spec is None:
            allowed = ", ".join(sorted(fields))
            raise FilterError(f"{operation} cannot filter on {condition.field!r}; allowed fields: {allowed}")
        operators: Mapping[str, list[str]] = spec["operators"]  # type: ignore[assignment]
        kind = "none" if not condition.has_value else "list" if isinstance(condition.value, tuple) else "single"
        if condition.operator not in operators.get(kind, []):
            described = "; ".join(f"{', '.join(ops)} ({k} value)" for k, ops in sorted(operators.items()))
            raise FilterError(
                f"{operation}: {condition.operator} on {condition.field!r} with a {kind} value is not allowed; "
                f"allowed: {described}"
            )
        value_spec: Mapping[str, object] = spec.get("value") or {}  # type: ignore[assignment]
        values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
        bad = [v for v in values if not _type_ok(v, value_spec)]
        if condition.has_value and bad:
            expected = value_spec.get("enum") or value_spec.get("format") or value_spec.get("type")
            raise FilterError(f"{operation}: {condition.field!r} takes {expected} values, got {bad[0]!r}")
    return str(value)


@overload
def render_filter(operation: Operation[Any], value: str | Filter) -> str: ...
@overload
def render_filter(operation: Operation[Any], value: str | Filter | Unset) -> str | Unset: ...
def render_filter(operation: Operation[Any], value: str | Filter | Unset) -> str | Unset:
    """A ``Filter`` checked against ``operation``'s ``x-klaviyo-filters`` and rendered; anything else as is."""
    if isinstance(value, Filter):
        table = {operation.name: operation.filters} if operation.filters else {}
        return check_filter(operation.name, value, table)
    return value
