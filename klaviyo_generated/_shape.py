# Copied from overrides/runtime/_shape.py by `python -m generator sync`; edit that file, not this one.
"""A request body given as a plain dict, checked member by member against its ``TypedDict``.

``body=`` takes the model or a dict in the API's JSON shape (what ``klaviyo-api`` users pass). The
dict becomes the model through ``from_dict``, but ``from_dict`` is lazy (``_lazy.py``): it checks the
first level only, copies strings and numbers without looking at them, and leaves nested members to
fail on first read. A body must be refused before anything is sent, naming the member that is wrong,
so the whole dict is walked here first, against the ``<Model>Param`` ``TypedDict`` of ``params/``:
the same description a type checker reads, so what mypy accepts and what a call accepts agree.

What the walk enforces: required members present; every member of its JSON type (``bool`` is not a
number, ``int`` is a number, numbers finite); ``Literal`` values (enums, consts) among the documented
ones; date-times and dates parse as the models parse them; lists are lists, objects are mappings.
Members no ``TypedDict`` declares are kept (the models keep them as additional properties, and a
member newer than the pinned revision must stay sendable) but must be JSON data. A mismatch is a
``BodyMismatch`` carrying the path from the inside out; ``_arguments.check_body`` words the error.

Each ``TypedDict`` compiles once into a tree of small check functions (cached); none of this is
imported unless a call is given a dict.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from types import NoneType, UnionType
from typing import Any, Final, ForwardRef, Literal, NotRequired, Required, Union, get_args, get_origin, get_type_hints

from . import params
from .params._formats import StringFormat

__all__ = ["BodyMismatch", "Check", "body_shape"]

Check = Callable[[Any], None]

_PARSERS: Final[dict[str, Callable[[str], object]]] = {
    "date-time": datetime.datetime.fromisoformat,  # what the models' decoders use
    "date": datetime.date.fromisoformat,
}
_FORMAT_NAMES: Final = {"date-time": "an ISO 8601 date-time string", "date": "an ISO 8601 date string"}


class BodyMismatch(Exception):
    """``expected`` is what the member at ``path`` (segments, innermost first) should have been.

    Internal: ``check_body`` turns it into the public ``ArgumentTypeError``/``InvalidArgumentError``.
    """

    def __init__(self, expected: str, got: object, *, wrong_type: bool, missing: bool = False) -> None:
        super().__init__(expected)
        self.expected, self.got, self.wrong_type, self.missing = expected, got, wrong_type, missing
        self.path: list[str] = []

    def where(self, root: str) -> str:
        """The member's JSON path under ``root``: ``body.data.attributes.profiles.data[3].email``."""
        return root + "".join(reversed(self.path))


def _segment(key: object) -> str:
    return f".{key}" if isinstance(key, str) and key.isidentifier() else f"[{key!r}]"


def _json_data(value: object) -> None:
    """Any JSON value: what ``Any`` members and undeclared members must be."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BodyMismatch("a finite number", value, wrong_type=False)
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _at(_json_data, item, f"[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise BodyMismatch("an object with string keys", value, wrong_type=True)
            _at(_json_data, item, _segment(key))
        return
    raise BodyMismatch("JSON data (str, int, float, bool, None, list or dict)", value, wrong_type=True)


def _at(check: Check, value: object, segment: str) -> None:
    try:
        check(value)
    except BodyMismatch as mismatch:
        mismatch.path.append(segment)
        raise


def _of_type(kind: type | tuple[type, ...], expected: str) -> Check:
    def check(value: object) -> None:
        if not isinstance(value, kind) or isinstance(value, bool):
            raise BodyMismatch(expected, value, wrong_type=True)

    return check


def _boolean(value: object) -> None:
    if not isinstance(value, bool):
        raise BodyMismatch("a boolean", value, wrong_type=True)


def _number(value: object) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise BodyMismatch("a number", value, wrong_type=True)
    if not math.isfinite(value):
        raise BodyMismatch("a finite number", value, wrong_type=False)


def _null(value: object) -> None:
    if value is not None:
        raise BodyMismatch("null (None)", value, wrong_type=True)


def _formatted(fmt: str) -> Check:
    parse, expected = _PARSERS[fmt], _FORMAT_NAMES[fmt]

    def check(value: object) -> None:
        if not isinstance(value, str):
            raise BodyMismatch(expected, value, wrong_type=True)
        try:
            parse(value)
        except ValueError:
            raise BodyMismatch(expected, value, wrong_type=False) from None

    return check


def _kind(value: object) -> type:
    """The JSON kind of ``value``: ``True`` is not ``1`` here, a ``StrEnum`` member is a ``str``."""
    for kind in (bool, str, int, float):
        if isinstance(value, kind):
            return kind
    return type(value)


def _literal(values: tuple[Any, ...], expected: str) -> Check:
    allowed = {(_kind(v), v) for v in values}

    def check(value: object) -> None:
        try:
            fits = (_kind(value), value) in allowed
        except TypeError:  # unhashable: a list or dict is no literal
            fits = False
        if not fits:
            raise BodyMismatch(expected, value, wrong_type=False)

    return check


def _list(item: Check) -> Check:
    def check(value: object) -> None:
        if not isinstance(value, list):
            raise BodyMismatch("a list", value, wrong_type=True)
        for index, entry in enumerate(value):
            _at(item, entry, f"[{index}]")

    return check


def _mapping(item: Check) -> Check:
    def check(value: object) -> None:
        if not isinstance(value, Mapping):
            raise BodyMismatch("an object (a dict)", value, wrong_type=True)
        for key, entry in value.items():
            if not isinstance(key, str):
                raise BodyMismatch("an object with string keys", value, wrong_type=True)
            _at(item, entry, _segment(key))

    return check


def _union(options: list[tuple[Check, str]]) -> Check:
    expected = " or ".join(description for _, description in options)

    def check(value: object) -> None:
        failures = []
        for option, _ in options:
            try:
                option(value)
            except BodyMismatch as mismatch:
                failures.append(mismatch)
            else:
                return
        # The one option whose kind fitted (failing deeper down, or on the value) says the most.
        fitted = [f for f in failures if f.path or not f.wrong_type]
        if len(fitted) == 1:
            raise fitted[0]
        raise BodyMismatch(expected, value, wrong_type=all(f.wrong_type for f in failures))

    return check


class _Object:
    """A ``TypedDict``: its members compiled on the first check (so recursive shapes compile)."""

    def __init__(self, shape: Any) -> None:
        self.shape = shape
        self.required: frozenset[str] = shape.__required_keys__
        self.in_order = tuple(key for key in shape.__annotations__ if key in self.required)  # as documented
        self.members: dict[str, Check] | None = None

    def _compile(self) -> dict[str, Check]:
        hints = get_type_hints(self.shape, include_extras=True)
        self.members = {key: _compile(_strip_required(hint))[0] for key, hint in hints.items()}
        return self.members

    def __call__(self, value: object) -> None:
        if not isinstance(value, Mapping):
            raise BodyMismatch("an object (a dict)", value, wrong_type=True)
        members = self.members or self._compile()
        if not value.keys() >= self.required:
            missing = BodyMismatch("a required member", None, wrong_type=False, missing=True)
            missing.path.append(_segment(next(key for key in self.in_order if key not in value)))
            raise missing
        for key, member in value.items():
            check = members.get(key)
            if check is None:
                if not isinstance(key, str):
                    raise BodyMismatch("an object with string keys", value, wrong_type=True)
                check = _json_data  # kept, as the model keeps it: it must still be JSON
            _at(check, member, _segment(key))


def _strip_required(hint: Any) -> Any:
    return get_args(hint)[0] if get_origin(hint) in (NotRequired, Required) else hint


_COMPILED: dict[Any, tuple[Check, str]] = {}
_SIMPLE: Final[dict[Any, tuple[Check, str]]] = {
    str: (_of_type(str, "a string"), "a string"),
    int: (_of_type(int, "an integer"), "an integer"),
    float: (_number, "a number"),
    bool: (_boolean, "a boolean"),
    NoneType: (_null, "null (None)"),
    None: (_null, "null (None)"),
    Any: (_json_data, "JSON data"),
}


def _compile(hint: Any) -> tuple[Check, str]:
    """The check of one annotation of ``params/`` and how its expected value reads in an error."""
    simple = _SIMPLE.get(hint)
    if simple is not None:
        return simple
    known = _COMPILED.get(hint)
    if known is not None:
        return known
    origin, args = get_origin(hint), get_args(hint)
    compiled: tuple[Check, str]
    if isinstance(hint, (str, ForwardRef)):  # a TypedDict named inside dict[...], left unevaluated
        compiled = _compile(getattr(params, hint if isinstance(hint, str) else hint.__forward_arg__))
    elif origin is Literal:
        expected = "one of " + ", ".join(map(repr, args)) if len(args) > 1 else repr(args[0])
        compiled = _literal(args, expected), expected
    elif origin is list:
        compiled = _list(_compile(args[0])[0]), "a list"
    elif origin is dict:
        compiled = _mapping(_compile(args[1])[0]), "an object (a dict)"
    elif origin in (Union, UnionType):
        options = [_compile(arg) for arg in args]
        compiled = _union(options), " or ".join(d for _, d in options)
    elif hasattr(hint, "__metadata__"):  # Annotated[str, StringFormat(...)]
        fmt = next(m for m in hint.__metadata__ if isinstance(m, StringFormat))
        compiled = _formatted(fmt), _FORMAT_NAMES[fmt]
    elif hasattr(hint, "__required_keys__"):  # a TypedDict
        compiled = _Object(hint), "an object (a dict)"
    else:
        raise TypeError(f"params/ has an annotation the body check does not know: {hint!r}")
    _COMPILED[hint] = compiled
    return compiled


def body_shape(model: type) -> Check | None:
    """The check of a dict given for a ``model`` body; ``None`` when the body has no plain-dict form."""
    shape = getattr(params, model.__name__ + "Param", None)
    return None if shape is None else _compile(shape)[0]
