"""The ``SHAPE`` each ``params`` module holds says what its ``TypedDict`` says, and a dict body is checked
from those shapes alone: nothing resolves annotations at run time (``typing.get_type_hints``)."""

from __future__ import annotations

import importlib
import typing
from types import NoneType, UnionType
from typing import Any, ForwardRef, Literal, NotRequired, Required, Union, get_args, get_origin

import httpx
import pytest

from klaviyo_generated import ArgumentTypeError, Klaviyo, params
from klaviyo_generated.params._formats import StringFormat
from tests.runtime.client_harness import API_KEY

_SIMPLE = {str: "str", int: "int", float: "float", bool: "bool", NoneType: "None", None: "None", Any: "Any"}


def _term(hint: Any) -> Any:  # noqa: PLR0911 - one return per kind of annotation
    """The shape term an annotation of ``params/`` stands for, read by reflection (the independent reading)."""
    if get_origin(hint) in (NotRequired, Required):
        return _term(get_args(hint)[0])
    if hint in _SIMPLE:
        return _SIMPLE[hint]
    origin, args = get_origin(hint), get_args(hint)
    if isinstance(hint, str | ForwardRef):
        return ("ref", hint if isinstance(hint, str) else hint.__forward_arg__)
    if origin is Literal:
        return ("literal", args)
    if origin is list:
        return ("list", _term(args[0]))
    if origin is dict:
        return ("dict", _term(args[1]))
    if origin in (Union, UnionType):
        return ("union", tuple(_term(arg) for arg in args))
    if hasattr(hint, "__metadata__"):
        return next(str(m) for m in hint.__metadata__ if isinstance(m, StringFormat))
    if hasattr(hint, "__required_keys__"):
        return ("ref", hint.__name__)
    raise AssertionError(f"unknown annotation {hint!r}")


def _shape_by_reflection(value: Any) -> Any:
    if hasattr(value, "__required_keys__"):
        hints = typing.get_type_hints(value, include_extras=True)
        return ("object", tuple((key, key in value.__required_keys__, _term(hint)) for key, hint in hints.items()))
    return _term(value)


def _aliases_expanded(shape: Any) -> Any:
    """``shape`` with references to alias types (``dict[str, ...]``) replaced by what they stand for, as
    reflection sees them; references to ``TypedDict``s stay."""
    if not isinstance(shape, tuple):
        return shape
    kind, argument = shape
    if kind == "ref":
        target = params.shape_of(argument)
        return shape if target[0] == "object" else _aliases_expanded(target)
    if kind in ("list", "dict"):
        return (kind, _aliases_expanded(argument))
    if kind == "union":
        return (kind, tuple(_aliases_expanded(option) for option in argument))
    if kind == "object":
        return (kind, tuple((key, required, _aliases_expanded(term)) for key, required, term in argument))
    return shape


def test_every_shape_says_what_its_typed_dict_says() -> None:
    names = sorted(params.MODULE_OF)
    assert len(names) > 1000
    for name in names:
        module = importlib.import_module(params.MODULE_OF[name], "klaviyo_generated.params")
        # Compared as text: ("literal", (0,)) == ("literal", (False,)), which must not pass.
        assert repr(_aliases_expanded(module.SHAPE)) == repr(_shape_by_reflection(getattr(module, name))), name
        assert params.shape_of(name) is module.SHAPE


def test_a_dict_body_is_checked_without_reading_annotations(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the body check resolved annotations at run time")

    monkeypatch.setattr(typing, "get_type_hints", refuse)
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(record), rate_limits=False, retry=False)
    body = {"data": {"type": "profile", "attributes": {"email": "a@example.com", "location": {"city": 7}}}}
    with pytest.raises(ArgumentTypeError) as caught:
        kv.profiles.create_profile(body=body)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "create_profile: body.data.attributes.location.city: expected a string or null (None), got 7"
    )
    assert sent == []
