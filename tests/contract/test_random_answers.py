"""Every operation decodes random, schema-valid answers: every field reads, ``to_dict()`` gives the JSON back.

For each operation with a JSON 200/201 answer, a few bodies from ``random_answers`` (nulls wherever
the spec allows them as the patched spec reads it, random union branches, optional members present
or not, every spelling of a timestamp, unknown members) go through ``Klaviyo`` on a mock transport.
The typed result is walked: every field of every model, item of every list, value of every
``additional_properties`` is read, and a read may not raise; a union member must come back typed,
never as the raw JSON dict; and ``to_dict()`` must give back the body (timestamps compared as
instants). Derandomized: the seeds are fixed.
"""

from __future__ import annotations

import importlib
import inspect
import json
import typing
import zlib
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from generator.patches import apply_plan, load_plan
from klaviyo_generated import Klaviyo, models
from klaviyo_generated._datetimes import parse_datetime
from klaviyo_generated._lazy import LazyModel
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.testing._validation import load
from klaviyo_generated.types import UNSET
from tests.contract.random_answers import RandomAnswers
from tests.contract.test_every_operation import _arguments, _body, _operation
from tests.runtime.client_harness import API_KEY

SEEDS = range(4)


@pytest.fixture(scope="module")
def specs(pinned_spec_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The spec as published (to build the calls) and as patched (to build the answers)."""
    _, spec = load(pinned_spec_path)
    patched, _ = apply_plan(spec, load_plan())
    return spec, patched


def _json_answer(spec: dict[str, Any], name: str) -> tuple[int, dict[str, Any]] | None:
    responses = _operation(spec, name)["responses"]
    for status in ("200", "201", "202"):
        response = RandomAnswers(spec, 0).resolve(responses.get(status))
        for media_type, media in (response or {}).get("content", {}).items():
            if "json" in media_type and "schema" in media:
                return int(status), media["schema"]
    return None


_ENUM_VALUES: dict[type, dict[str, frozenset[object]]] = {}


def enum_values(cls: type) -> dict[str, frozenset[object]]:
    """Field name -> the values its ``Literal`` annotation lists, for every field annotated with one."""
    if cls in _ENUM_VALUES:
        return _ENUM_VALUES[cls]
    assert attrs.has(cls)
    found: dict[str, frozenset[object]] = {}
    for field in attrs.fields(cls):
        values: set[object] = set()
        for name in str(field.type).split(" | "):
            alias = getattr(models, name, None) if name.isidentifier() else None
            if typing.get_origin(alias) is typing.Literal:
                values.update(typing.get_args(alias))
        if values:
            found[field.name] = frozenset(values)
    _ENUM_VALUES[cls] = found
    return found


def walk(value: Any, where: str = "result", untyped: bool = False) -> None:
    """Read everything ``value`` holds. A dict is only allowed where the annotation says one (or ``Any``):
    anywhere else it is JSON a union failed to decode. The answers only use documented enum values, so
    an enum field holding another (kept raw, as a newer value would be) means the wrong union variant."""
    if isinstance(value, LazyModel):
        cls = type(value)
        enums = enum_values(cls)
        assert attrs.has(cls)
        for field in attrs.fields(cls):
            annotation = str(field.type)
            member = getattr(value, field.name)
            if field.name in enums and member is not None and member is not UNSET:
                assert member in enums[field.name], f"{where}.{field.name} = {member!r} in a {type(value).__name__}"
            walk(member, f"{where}.{field.name}", "dict" in annotation or "Any" in annotation)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            walk(item, f"{where}[{index}]", untyped)
    elif isinstance(value, dict):
        assert untyped, f"{where} is raw JSON under a typed annotation: {value!r:.200}"
        for key, item in value.items():
            walk(item, f"{where}[{key!r}]", untyped)


def as_instants(value: Any) -> Any:
    """``value`` with every string that is a timestamp replaced by the instant it names."""
    if isinstance(value, dict):
        return {key: as_instants(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_instants(item) for item in value]
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            return value
    return value


def _answers_with_a_model(name: str) -> bool:
    """Whether the facade method returns a model (not ``None`` or a 202 ``Accepted`` receipt), read
    from its annotation, so the operations without a JSON answer are not collected at all."""
    namespace = importlib.import_module(f"klaviyo_generated.resources.{OPERATIONS[name].tag}")
    for cls in vars(namespace).values():
        if inspect.isclass(cls) and not cls.__name__.startswith("Async") and hasattr(cls, name):
            return inspect.signature(getattr(cls, name)).return_annotation not in ("None", "Accepted")
    raise AssertionError(f"no namespace class has {name}")


ANSWERING = [name for name in sorted(OPERATIONS) if _answers_with_a_model(name)]


def test_every_operation_that_answers_a_model_is_covered() -> None:
    assert len(ANSWERING) == 279


@pytest.mark.parametrize("name", ANSWERING)
def test_random_answers_decode_typed_and_round_trip(name: str, specs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    spec, patched = specs
    answer = _json_answer(patched, name)
    assert answer is not None, f"{name} returns a model but the spec declares no JSON 2xx answer"
    status, schema = answer
    served: dict[str, bytes] = {}
    kv = Klaviyo(
        api_key=API_KEY,
        transport=httpx.MockTransport(lambda request: httpx.Response(status, content=served["body"])),
        rate_limits=False,
        retry=False,
    )
    call = getattr(getattr(kv, OPERATIONS[name].tag), name)
    kwargs = dict(_arguments(name, spec))
    request_body = _body(name, spec)
    if request_body is not None:
        kwargs["body"] = request_body
    for seed in SEEDS:
        body = RandomAnswers(patched, seed=zlib.crc32(f"{name}:{seed}".encode())).value(schema)
        served["body"] = json.dumps(body).encode()
        result = call(**kwargs)
        assert isinstance(result, LazyModel), (seed, type(result))
        walk(result)
        assert as_instants(result.to_dict()) == as_instants(body), seed
