"""Array and enumerated query values, and enumerated path values, are checked before anything is sent.

A ``str`` where an array parameter takes a list used to be iterated into characters
(``fields_profile="email"`` sent ``fields[profile]=e,m,a,i,l``); a value outside the spec's enum
went to Klaviyo as given. mypy catches both; these tests make sure a script without mypy does too,
for every generated endpoint, and that valid values are sent exactly as before.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from klaviyo_generated import (
    ArgumentTypeError,
    AsyncKlaviyo,
    InvalidArgumentError,
    Klaviyo,
    KlaviyoError,
)
from klaviyo_generated._arguments import enum_value, joined_values, listed_values
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.testing._validation import load
from klaviyo_generated.types import UNSET
from tests.contract.test_every_operation import _body

API_KEY = "pk_" + "a" * 32
UNKNOWN = "zzz"  # no allowed value is close enough to it to be suggested


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"klaviyo_generated.api.{OPERATIONS[name].tag}.{name}")


def _values(hint: Any) -> tuple[tuple[str, ...], bool] | None:
    """(the allowed values, whether the parameter is an array of them), or None if not enumerated."""
    for option in (hint, *typing.get_args(hint)):
        if typing.get_origin(option) is typing.Literal:
            return typing.get_args(option), False
        if typing.get_origin(option) is list:
            item = typing.get_args(option)[0]
            assert typing.get_origin(item) is typing.Literal, "every array parameter of the spec is enumerated"
            return typing.get_args(item), True
    return None


def _hints(name: str) -> dict[str, Any]:
    """The resolved annotations of ``_get_kwargs``'s arguments, but ``body``: its ``TypedDict`` is
    imported for type checkers only, so ``typing.get_type_hints`` cannot resolve it at run time."""
    module = _module(name)
    return {
        parameter.name: eval(parameter.annotation, vars(module))  # the generated annotation strings
        for parameter in inspect.signature(module._get_kwargs).parameters.values()
        if parameter.name != "body"
    }


def _parameters() -> Iterator[tuple[str, str, tuple[str, ...], bool, bool]]:
    """(operation, parameter, allowed values, is an array, is a path parameter) for every one enumerated."""
    for name in sorted(OPERATIONS):
        signature = inspect.signature(_module(name)._get_kwargs)
        hints = _hints(name)
        for parameter in signature.parameters.values():
            found = _values(hints[parameter.name]) if parameter.name in hints else None
            if found is not None:
                path = parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
                yield name, parameter.name, found[0], found[1], path


PARAMETERS = list(_parameters())
ARRAYS = [p for p in PARAMETERS if p[3]]
ENUMS = [p for p in PARAMETERS if not p[3]]


def _ids(rows: list[tuple[str, str, tuple[str, ...], bool, bool]]) -> list[str]:
    return [f"{row[0]}.{row[1]}" for row in rows]


def allowed_text(values: tuple[str, ...]) -> str:
    """The refusal's list: sorted, the first ten spelled out, the rest counted."""
    ordered = sorted(values)
    shown = ", ".join(repr(v) for v in ordered[:10])
    return shown if len(ordered) <= 10 else f"{shown} (and {len(ordered) - 10} more)"


@pytest.fixture(scope="module")
def spec(pinned_spec_path: Path) -> dict[str, Any]:
    return load(pinned_spec_path)[1]


_VALID: dict[str, dict[str, Any]] = {}


def valid_arguments(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Valid values for the path parameters, the body and the required query parameters of ``name``."""
    if name not in _VALID:
        _VALID[name] = _valid_arguments(name, spec)
    return _VALID[name]


def _valid_arguments(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(name)
    arguments: dict[str, Any] = {}
    for parameter in inspect.signature(_module(name)._get_kwargs).parameters.values():
        path = parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if parameter.name == "body":
            arguments["body"] = _body(name, spec)
        elif path or parameter.default is inspect.Parameter.empty:
            found = _values(hints[parameter.name]) if parameter.name in hints else None
            if found is None:
                arguments[parameter.name] = 1 if hints[parameter.name] is int else "x1"
            else:
                first = sorted(found[0])[0]
                arguments[parameter.name] = [first] if found[1] else first
    return arguments


def test_the_tables_cover_every_enumerated_and_array_parameter() -> None:
    assert len(ARRAYS) == 368
    assert len([p for p in ENUMS if not p[4]]) == 39
    assert sorted({p[0] for p in ENUMS if p[4]}) == [
        "get_custom_metric_for_mapped_metric",
        "get_custom_metric_id_for_mapped_metric",
        "get_mapped_metric",
        "get_metric_for_mapped_metric",
        "get_metric_id_for_mapped_metric",
        "update_mapped_metric",
    ]
    assert max(len(p[2]) for p in PARAMETERS) > 100  # some listings are long enough to be cut


# -- every endpoint, straight through _get_kwargs -------------------------------------------------


@pytest.mark.parametrize(("name", "parameter", "allowed", "_a", "_p"), ARRAYS, ids=_ids(ARRAYS))
def test_every_array_parameter_refuses_a_str_bytes_or_a_non_iterable(
    name: str, parameter: str, allowed: tuple[str, ...], _a: bool, _p: bool, spec: dict[str, Any]
) -> None:
    endpoint, arguments = _module(name), valid_arguments(name, spec)
    first = sorted(allowed)[0]
    cases: list[tuple[object, str]] = [
        (first, f"like [{first!r}]; got the str {first!r}"),
        (first.encode(), f"like [{first!r}]; got the bytes {first.encode()!r}"),
        (7, f"like [{first!r}]; got int"),
    ]
    for bad, tail in cases:
        with pytest.raises(ArgumentTypeError) as caught:
            endpoint._get_kwargs(**{**arguments, parameter: bad})
        assert str(caught.value) == f"{name}: {parameter} takes a list, {tail}"
        assert isinstance(caught.value, (InvalidArgumentError, TypeError, KlaviyoError))


@pytest.mark.parametrize(("name", "parameter", "allowed", "_a", "_p"), ARRAYS, ids=_ids(ARRAYS))
def test_every_array_parameter_refuses_an_item_outside_the_enum_naming_its_index(
    name: str, parameter: str, allowed: tuple[str, ...], _a: bool, _p: bool, spec: dict[str, Any]
) -> None:
    endpoint, arguments = _module(name), valid_arguments(name, spec)
    for items, index, shown in (([sorted(allowed)[0], UNKNOWN], 1, repr(UNKNOWN)), ([None], 0, "None")):
        with pytest.raises(InvalidArgumentError) as caught:
            endpoint._get_kwargs(**{**arguments, parameter: items})
        assert not isinstance(caught.value, ArgumentTypeError)
        assert str(caught.value) == f"{name}: {parameter}[{index}] must be one of {allowed_text(allowed)}; got {shown}"


@pytest.mark.parametrize(("name", "parameter", "allowed", "_a", "path"), ENUMS, ids=_ids(ENUMS))
def test_every_enumerated_parameter_refuses_a_value_outside_the_enum(
    name: str, parameter: str, allowed: tuple[str, ...], _a: bool, path: bool, spec: dict[str, Any]
) -> None:
    endpoint, arguments = _module(name), valid_arguments(name, spec)
    # (A list for a path parameter is refused earlier, as not one path segment.)
    for bad in (UNKNOWN, sorted(allowed)[0][:20].upper() + "!", 3, *([] if path else [[sorted(allowed)[0]]])):
        with pytest.raises(InvalidArgumentError) as caught:
            endpoint._get_kwargs(**{**arguments, parameter: bad})
        assert str(caught.value).startswith(f"{name}: {parameter} must be one of {allowed_text(allowed)}; got {bad!r}")


@pytest.mark.parametrize("name", sorted({p[0] for p in PARAMETERS}))
def test_every_allowed_value_is_sent(name: str, spec: dict[str, Any]) -> None:
    endpoint, arguments = _module(name), valid_arguments(name, spec)
    for _, parameter, allowed, array, _ in (p for p in PARAMETERS if p[0] == name):
        given = {**arguments, parameter: list(allowed) if array else allowed[-1]}
        endpoint._get_kwargs(**given)  # refuses nothing the spec allows
        if array:
            for value in allowed:  # each one alone too
                endpoint._get_kwargs(**{**arguments, parameter: [value]})


# -- what is sent for valid values: the same query strings as before the checks ------------------


def _query(module: ModuleType, *args: Any, **kwargs: Any) -> bytes:
    request = httpx.Request("GET", "https://a.klaviyo.com/", params=module._get_kwargs(*args, **kwargs)["params"])
    return request.url.query


def test_valid_values_are_sent_as_before() -> None:
    from klaviyo_generated.api.campaigns import get_campaigns
    from klaviyo_generated.api.metrics import get_mapped_metric
    from klaviyo_generated.api.profiles import get_profiles

    assert _query(
        get_profiles,
        fields_profile=["email", "first_name"],
        additional_fields_profile=("subscriptions", "predictive_analytics"),  # any iterable of values
        include=["push-tokens"],
        sort="-created",
    ) == (
        b"additional-fields%5Bprofile%5D=subscriptions%2Cpredictive_analytics"
        b"&fields%5Bprofile%5D=email%2Cfirst_name&include=push-tokens&page%5Bsize%5D=20&sort=-created"
    )
    assert _query(get_profiles, fields_profile=[], include=None, sort=None) == b"page%5Bsize%5D=20"
    assert _query(get_profiles, fields_profile=(f for f in ["id"])) == b"fields%5Bprofile%5D=id&page%5Bsize%5D=20"
    assert (
        _query(get_mapped_metric, "revenue", include=["metric", "custom-metric"]) == b"include=metric%2Ccustom-metric"
    )
    assert _query(get_campaigns, filter="equals(messages.channel,'email')", fields_campaign=["name"], sort="-name") == (
        b"fields%5Bcampaign%5D=name&filter=equals%28messages.channel%2C%27email%27%29&page%5Bsize%5D=100&sort=-name"
    )


def test_a_long_list_of_allowed_values_is_cut_and_a_near_miss_is_suggested() -> None:
    from klaviyo_generated.api.profiles import get_profiles

    with pytest.raises(InvalidArgumentError) as caught:
        get_profiles._get_kwargs(fields_profile=["email", "frist_name"])  # type: ignore[list-item]
    message = str(caught.value)
    assert message.startswith("get_profiles: fields_profile[1] must be one of 'created', 'email', 'external_id', ")
    assert message.endswith(" (and 95 more); got 'frist_name' (did you mean 'first_name' or 'last_name'?)")
    with pytest.raises(ArgumentTypeError) as refused:
        get_profiles._get_kwargs(fields_profile="email,first_name")  # type: ignore[arg-type]
    assert str(refused.value) == (
        "get_profiles: fields_profile takes a list, like ['email', 'first_name']; got the str 'email,first_name'"
    )


def test_the_checks_on_their_own() -> None:
    allowed = frozenset({"a", "b"})
    assert enum_value("op", "p", "a", allowed) == "a"
    assert enum_value("op", "p", UNSET, allowed) is UNSET
    assert enum_value("op", "p", None, allowed) is None
    assert joined_values("op", "p", ["b", "a"], allowed) == "b,a"
    assert joined_values("op", "p", [], allowed) is UNSET
    assert joined_values("op", "p", ["x", 2], None) == "x,2"  # items not enumerated: sent as text
    assert listed_values("op", "p", ("a", "b"), allowed) == ["a", "b"]  # explode: true arrays
    assert listed_values("op", "p", UNSET, allowed) is UNSET
    with pytest.raises(InvalidArgumentError, match=r"^op: p\[0\] must be one of 'a', 'b'; got \[\]$"):
        joined_values("op", "p", [[]], allowed)  # an unhashable item
    with pytest.raises(ArgumentTypeError, match=r"^op: p takes a list, like \['\.\.\.'\]; got the str 'x'$"):
        listed_values("op", "p", b"x".decode(), frozenset())
    with pytest.raises(ArgumentTypeError, match=r"^op: p takes a list, like \['a'\]; got the bytearray"):
        listed_values("op", "p", bytearray(b"a"), allowed)


# -- through the client: nothing reaches the transport ----------------------------------------------

REFUSED: list[tuple[str, Callable[[Any], Any]]] = [
    ("str for a list", lambda kv: kv.profiles.get_profiles(fields_profile="email")),
    ("item outside the enum", lambda kv: kv.profiles.get_profiles(include=["lists", "bogus"])),
    ("sort outside the enum", lambda kv: kv.profiles.get_profiles(sort="newest")),
    ("path value outside the enum", lambda kv: kv.metrics.get_mapped_metric("bogus")),
    ("str for a list, with a path", lambda kv: kv.lists.get_list("L1", fields_list="name")),
]


@pytest.mark.parametrize("call", [c[1] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_the_client_sends_nothing_for_a_refused_value(call: Callable[[Any], Any]) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with (
        Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(handler), retry=False) as kv,
        pytest.raises(InvalidArgumentError),
    ):
        call(kv)

    async def run() -> None:
        async with AsyncKlaviyo(api_key=API_KEY, transport=httpx.MockTransport(handler), retry=False) as akv:
            with pytest.raises(InvalidArgumentError):
                await call(akv)

    asyncio.run(run())
    assert sent == []


def test_the_client_sends_valid_values_joined() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(404, json={"errors": []})

    with (
        Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(handler), retry=False) as kv,
        pytest.raises(KlaviyoError),
    ):
        kv.metrics.get_mapped_metric("revenue", fields_mapped_metric=["id", "updated"])
    assert sent[0].url.path == "/api/mapped-metrics/revenue"
    assert sent[0].url.query == b"fields%5Bmapped-metric%5D=id%2Cupdated"
