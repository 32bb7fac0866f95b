"""Checks every generated endpoint runs on its arguments before it builds a request.

A path parameter becomes exactly one path segment or is refused: httpx would otherwise drop a
``.`` or ``..`` segment (``get_profile("..")`` would hit ``/api``), an empty id would hit the
collection, and ``None`` would be sent as the text ``None``. A request body must be the model the
operation takes, or a mapping in the API's JSON shape (``klaviyo-api`` users pass dicts), which is
checked whole against the model's ``TypedDict`` (``_shape.py``: the error names the JSON path of the
first bad member) and converted with ``from_dict``; anything else fails here, naming the argument,
rather than as an ``AttributeError`` from deep inside the endpoint. A query or path value the spec
enumerates must be one of its values, and an array query parameter must be given a list: a ``str``
there would be iterated into characters (``fields_profile="email"`` would send
``fields[profile]=e,m,a,i,l``). The annotations say all this to a type checker; these checks say it
to a script run without one.

Both run on every call, so each has a fast path for the common case. This module imports nothing
heavy: building a request must not load httpx.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Final, Literal, TypeVar, overload
from urllib.parse import quote

from ._exceptions import ArgumentTypeError, InvalidArgumentError
from ._unset import UNSET, Unset

__all__ = [
    "ArgumentTypeError",
    "InvalidArgumentError",
    "check_body",
    "enum_value",
    "joined_values",
    "listed_values",
    "path_segment",
]

T = TypeVar("T")
_DOT_SEGMENTS: Final = ("", ".", "..")
_SHOWN: Final = 60  # characters of a refused value's repr kept in the message
_PATH_ALLOWED: Final = "a non-empty str other than '.' and '..', or an int (not a bool)"
_LISTED: Final = 10  # allowed values spelled out in a refusal; the rest are counted
_NOT_A_LIST: Final = (str, bytes, bytearray)  # iterable, but one value rather than a list of them


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except Exception:  # a repr that fails must not hide the real error
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def path_segment(operation: str, name: str, value: object) -> str:
    """``value`` percent-encoded as one path segment (``/``, ``?``, ``#``, ``%`` included), or
    ``InvalidArgumentError`` naming ``name`` and ``operation`` for a value that cannot be one."""
    if type(value) is str and value not in _DOT_SEGMENTS:
        try:
            return quote(value, safe="")
        except UnicodeEncodeError:  # a lone surrogate: no UTF-8 bytes to send
            pass
    return _slow_path_segment(operation, name, value)


def _slow_path_segment(operation: str, name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidArgumentError(f"{operation}: path parameter {name!r} must be {_PATH_ALLOWED}; got {_shown(value)}")
    text = str(value)
    if text in _DOT_SEGMENTS:
        raise InvalidArgumentError(f"{operation}: path parameter {name!r} must be {_PATH_ALLOWED}; got {_shown(value)}")
    try:
        return quote(text, safe="")
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            f"{operation}: path parameter {name!r} must be text that UTF-8 can encode "
            f"(no lone surrogates); got {_shown(value)}"
        ) from None


def _type_name(value: object) -> str:
    return "None" if value is None else type(value).__name__


def _class_names(cls: type[Any] | tuple[type[Any], ...]) -> str:
    classes = cls if isinstance(cls, tuple) else (cls,)
    return " or ".join(c.__name__ for c in classes)


@overload
def check_body(operation: str, value: object, cls: type[T], *, optional: Literal[False] = False) -> T: ...
@overload
def check_body(operation: str, value: object, cls: type[T], *, optional: Literal[True]) -> T | Unset: ...
@overload
def check_body(operation: str, value: object, cls: tuple[type[Any], ...], *, optional: bool = False) -> Any: ...
def check_body(operation: str, value: object, cls: Any, *, optional: bool = False) -> Any:
    """``value`` as the body ``operation`` sends: an instance of ``cls`` (``UNSET`` too when the body is
    ``optional``), or a mapping in ``cls``'s JSON shape, checked whole and converted to a ``cls``.

    The one place that decides what a body may be. A mapping of the wrong shape is an
    ``ArgumentTypeError`` (a member of the wrong JSON type) or an ``InvalidArgumentError`` (a missing
    member, a value not allowed) naming the member's path; anything else is an ``ArgumentTypeError``
    naming the operation and both types.
    """
    if type(value) is cls or isinstance(value, cls) or (optional and isinstance(value, Unset)):
        return value
    plain = False
    if not isinstance(cls, tuple):
        from ._shape import body_shape  # only a body given as a dict (or a wrong one) loads the shapes

        check = body_shape(cls)
        plain = check is not None
        if check is not None and isinstance(value, Mapping):
            return _from_mapping(operation, value, cls, check)
    wanted = _class_names(cls) + (" or a dict of its JSON shape" if plain else "")
    hint = ""
    if isinstance(value, dict) and not isinstance(cls, tuple):
        hint = f"; build one with {wanted}(...) or {wanted}.from_dict(...)"
    raise ArgumentTypeError(
        f"{operation}: body must be a {wanted}{' or UNSET' if optional else ''}, got {_type_name(value)}{hint}"
    )


def _from_mapping(operation: str, value: Mapping[str, Any], cls: Any, check: Callable[[Any], None]) -> Any:
    from ._shape import BodyMismatch

    try:
        check(value)
    except BodyMismatch as mismatch:
        where = mismatch.where("body")
        if mismatch.missing:
            raise InvalidArgumentError(f"{operation}: {where}: required member is missing") from None
        error = ArgumentTypeError if mismatch.wrong_type else InvalidArgumentError
        raise error(f"{operation}: {where}: expected {mismatch.expected}, got {_shown(mismatch.got)}") from None
    except RecursionError:  # a dict that contains itself, or JSON nested thousands deep
        raise InvalidArgumentError(
            f"{operation}: body nests too deep to be JSON (does a dict or list contain itself?)"
        ) from None
    try:
        return cls.from_dict(value)
    except (KeyError, TypeError, ValueError) as exc:  # the check above should have said it first
        raise InvalidArgumentError(f"{operation}: body is not a {cls.__name__}: {exc}") from exc


# -- enumerated and array query values --------------------------------------------------------------


def enum_value(operation: str, name: str, value: object, allowed: frozenset[str]) -> object:
    """``value`` if it is one of the spec's ``allowed`` values for parameter ``name`` (``UNSET`` and
    ``None`` pass: they are not sent); anything else is an ``InvalidArgumentError`` listing them."""
    if type(value) is str and value in allowed:
        return value
    if value is None or isinstance(value, Unset):
        return value
    raise _not_allowed(operation, name, value, allowed)


def joined_values(operation: str, name: str, value: object, allowed: frozenset[str] | None) -> str | Unset:
    """The value of an array query parameter sent as one comma-joined string (``explode: false``):
    ``["email", "first_name"]`` -> ``"email,first_name"``; ``UNSET`` (not sent) for an empty list.

    Refused as ``listed_values`` refuses. ``allowed`` is ``None`` when the items are not enumerated."""
    if type(value) is list and value and allowed is not None:
        try:
            if allowed.issuperset(value):  # the common case: one C-level membership test per item
                return ",".join(value)
        except TypeError:  # an unhashable item: the slow path names it
            pass
    items = listed_values(operation, name, value, allowed)
    return items if isinstance(items, Unset) else ",".join(str(item) for item in items)


def listed_values(operation: str, name: str, value: object, allowed: frozenset[str] | None) -> list[Any] | Unset:
    """The items of an array parameter as a list (``UNSET`` for ``UNSET``, ``None`` or no items).

    A ``str`` or ``bytes`` is one value, not a list of them: refused with ``ArgumentTypeError`` (so is
    anything not iterable); an item outside ``allowed`` is an ``InvalidArgumentError`` naming its index.
    """
    if value is None or isinstance(value, Unset):
        return UNSET
    if isinstance(value, _NOT_A_LIST):
        raise ArgumentTypeError(
            f"{operation}: {name} takes a list, like {_example(value, allowed)}; "
            f"got the {type(value).__name__} {_shown(value)}"
        )
    if not isinstance(value, Iterable):
        raise ArgumentTypeError(
            f"{operation}: {name} takes a list, like {_example(None, allowed)}; got {_type_name(value)}"
        )
    items = list(value)
    if allowed is not None:
        for index, item in enumerate(items):
            if type(item) is not str or item not in allowed:
                raise _not_allowed(operation, f"{name}[{index}]", item, allowed)
    return items or UNSET


def _example(value: str | bytes | bytearray | None, allowed: frozenset[str] | None) -> str:
    """A list to show in the refusal of a single string: its comma-separated parts when they are
    all allowed (``"email,first_name"`` -> ``['email', 'first_name']``), else an allowed value."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",")]
        if all(parts) and (allowed is None or allowed.issuperset(parts)):
            return repr(parts)
    return repr([min(allowed)]) if allowed else "['...']"


def _not_allowed(operation: str, name: str, value: object, allowed: Collection[str]) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"{operation}: {name} must be one of {_listing(allowed)}; got {_shown(value)}{_suggestion(value, allowed)}"
    )


def _listing(allowed: Collection[str]) -> str:
    ordered = sorted(allowed)
    shown = ", ".join(repr(v) for v in ordered[:_LISTED])
    hidden = len(ordered) - _LISTED
    return shown if hidden <= 0 else f"{shown} (and {hidden} more)"


def _suggestion(value: object, allowed: Collection[str]) -> str:
    """`` (did you mean 'email'?)`` for a near miss; only computed when refusing."""
    if not isinstance(value, str):
        return ""
    import difflib  # only a refusal pays for it

    close = difflib.get_close_matches(value, allowed, n=3)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
