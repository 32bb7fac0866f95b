# Copied from overrides/runtime/_shape.py by `python -m generator sync`; edit that file, not this one.
"""A request body given as a plain dict, checked member by member against its ``TypedDict``.

``body=`` takes the model or a dict in the API's JSON shape (what ``klaviyo-api`` users pass). The
dict becomes the model through ``from_dict``, but ``from_dict`` is lazy (``_lazy.py``): it checks the
first level only, copies strings and numbers without looking at them, and leaves nested members to
fail on first read. A body must be refused before anything is sent, naming the member that is wrong,
so the whole dict is walked here first, against the ``<Model>Param`` ``TypedDict`` of ``params/``:
the same description a type checker reads, so what mypy accepts and what a call accepts agree. The
walk reads it as data, each ``params`` module's ``SHAPE`` (terms listed in ``generator/params.py``),
never by resolving annotations at run time.

What the walk enforces: required members present; every member of its JSON type (``bool`` is not a
number, ``int`` is a number, numbers finite); ``Literal`` values (enums, consts) among the documented
ones; date-times and dates parse as the models parse them; lists are lists, objects are mappings.
Members no ``TypedDict`` declares are kept (the models keep them as additional properties, and a
member newer than the pinned revision must stay sendable) but must be JSON data. A mismatch is a
``BodyMismatch`` carrying the path from the inside out; ``_arguments.check_body`` words the error.

Each shape compiles once into a tree of small check functions (cached); none of this is imported
unless a call is given a dict, and then only the ``params`` modules of that body's shapes.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from typing import Any, Final

from . import params
from .params._formats import Shape

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
    """A ``TypedDict``'s shape: its members compiled on the first check (so recursive shapes compile)."""

    def __init__(self, members: tuple[tuple[str, bool, Shape], ...]) -> None:
        self.shapes = members
        self.required = frozenset(key for key, required, _ in members if required)
        self.in_order = tuple(key for key, required, _ in members if required)  # as documented
        self.members: dict[str, Check] | None = None

    def _compile(self) -> dict[str, Check]:
        self.members = {key: _compile(shape)[0] for key, _, shape in self.shapes}
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


_COMPILED: dict[str, tuple[Check, str]] = {}
_SIMPLE: Final[dict[Shape, tuple[Check, str]]] = {
    "str": (_of_type(str, "a string"), "a string"),
    "int": (_of_type(int, "an integer"), "an integer"),
    "float": (_number, "a number"),
    "bool": (_boolean, "a boolean"),
    "None": (_null, "null (None)"),
    "Any": (_json_data, "JSON data"),
    "date-time": (_formatted("date-time"), _FORMAT_NAMES["date-time"]),
    "date": (_formatted("date"), _FORMAT_NAMES["date"]),
}


def _compile(shape: Shape) -> tuple[Check, str]:
    """The check of one shape term of ``params/`` and how its expected value reads in an error."""
    simple = _SIMPLE.get(shape)
    if simple is not None:
        return simple
    key = repr(shape)  # not the shape itself: ("literal", (0,)) == ("literal", (False,)), but must not share a check
    known = _COMPILED.get(key)
    if known is not None:
        return known
    if not isinstance(shape, tuple) or len(shape) != 2:
        raise TypeError(f"params/ has a shape the body check does not know: {shape!r}")
    kind, argument = shape
    compiled: tuple[Check, str]
    if kind == "ref":  # another TypedDict: its module is loaded now, its members on the first check
        compiled = _compile(params.shape_of(argument))
    elif kind == "literal":
        expected = "one of " + ", ".join(map(repr, argument)) if len(argument) > 1 else repr(argument[0])
        compiled = _literal(argument, expected), expected
    elif kind == "list":
        compiled = _list(_compile(argument)[0]), "a list"
    elif kind == "dict":
        compiled = _mapping(_compile(argument)[0]), "an object (a dict)"
    elif kind == "union":
        options = [_compile(option) for option in argument]
        compiled = _union(options), " or ".join(d for _, d in options)
    elif kind == "object":
        compiled = _Object(argument), "an object (a dict)"
    else:
        raise TypeError(f"params/ has a shape the body check does not know: {shape!r}")
    _COMPILED[key] = compiled
    return compiled


def body_shape(model: type) -> Check | None:
    """The check of a dict given for a ``model`` body; ``None`` when the body has no plain-dict form."""
    name = model.__name__ + "Param"
    return _compile(("ref", name))[0] if name in params.MODULE_OF else None
