"""Checks every generated endpoint runs on its arguments before it builds a request.

A path parameter becomes exactly one path segment or is refused: httpx would otherwise drop a
``.`` or ``..`` segment (``get_profile("..")`` would hit ``/api``), an empty id would hit the
collection, and ``None`` would be sent as the text ``None``. A request body must be the model the
operation takes, or a mapping in the API's JSON shape (``klaviyo-api`` users pass dicts), which is
checked whole against the model's ``TypedDict`` (``_shape.py``: the error names the JSON path of the
first bad member) and converted with ``from_dict``; anything else fails here, naming the argument,
rather than as an ``AttributeError`` from deep inside the endpoint.

Both run on every call, so each has a fast path for the common case. This module imports nothing
heavy: building a request must not load httpx.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, TypeVar, overload
from urllib.parse import quote

from ._base_error import KlaviyoError
from .types import Unset

__all__ = ["ArgumentTypeError", "InvalidArgumentError", "check_body", "path_segment"]

T = TypeVar("T")
_DOT_SEGMENTS: Final = ("", ".", "..")
_SHOWN: Final = 60  # characters of a refused value's repr kept in the message
_PATH_ALLOWED: Final = "a non-empty str other than '.' and '..', or an int (not a bool)"


class InvalidArgumentError(KlaviyoError, ValueError):
    """An argument of a call cannot be sent as given; the message names it and the operation. Nothing was sent."""


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of a call is of a type the operation does not take (e.g. a dict for a model body)."""


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
    try:
        return cls.from_dict(value)
    except (KeyError, TypeError, ValueError) as exc:  # the check above should have said it first
        raise InvalidArgumentError(f"{operation}: body is not a {cls.__name__}: {exc}") from exc
