"""Fuzzing the decoders: mutated response bodies either decode or raise ``ResponseDecodeError``.

For 60 operations with a JSON success body (every one with a ``get_`` name, then others, in name
order), Hypothesis mutates a valid body — wrong types, missing members, unknown enum values, extra
fields, nulls, deep nesting — and the client must either return a model or raise the package's
typed decode error. Anything else (``KeyError``, ``TypeError``, ``RecursionError`` ...) fails.
"""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klaviyo_generated import Klaviyo, ResponseDecodeError
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.testing._validation import load
from tests.contract.examples import Examples
from tests.contract.test_every_operation import _arguments, _body, _operation
from tests.runtime.client_harness import API_KEY

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.just("an-enum-value-from-the-future"),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.recursive(st.just({}), lambda inner: st.dictionaries(st.just("deeper"), inner, min_size=1), max_leaves=60),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, body: Any) -> Any:
    body = copy.deepcopy(body)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(body) if p]
        if not paths:
            return draw(JUNK)
        path = draw(st.sampled_from(paths))
        parent = body
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "extra"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "extra" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(JUNK)
        else:
            parent[path[-1]] = draw(JUNK)
    return body


def _fuzzed_operations(spec_path: Path) -> list[str]:
    _, spec = load(spec_path)
    names = []
    for name in sorted(OPERATIONS, key=lambda n: (not n.startswith("get_"), n)):
        responses = _operation(spec, name)["responses"]
        status = min(s for s in responses if str(s).startswith("2"))
        if (Examples(spec, full=True).resolve(responses[status]).get("content")) and OPERATIONS[name].method == "GET":
            names.append(name)
    return names[:60]


def test_at_least_50_operations_are_fuzzed(pinned_spec_path: Path) -> None:
    assert len(_fuzzed_operations(pinned_spec_path)) == 60


@pytest.mark.parametrize("index", range(60))
def test_decoding_mutated_bodies(index: int, pinned_spec_path: Path) -> None:
    name = _fuzzed_operations(pinned_spec_path)[index]
    _, spec = load(pinned_spec_path)
    responses = _operation(spec, name)["responses"]
    status = min(s for s in responses if str(s).startswith("2"))
    schema = next(iter(Examples(spec, full=True).resolve(responses[status])["content"].values()))["schema"]
    valid = Examples(spec, full=True).value(schema)
    kwargs = dict(_arguments(name, spec))
    body = _body(name, spec)
    if body is not None:
        kwargs["body"] = body
    answer: dict[str, bytes] = {}
    kv = Klaviyo(
        api_key=API_KEY,
        transport=httpx.MockTransport(lambda request: httpx.Response(int(status), content=answer["body"])),
        rate_limits=False,
        retry=False,
    )
    method = getattr(getattr(kv, OPERATIONS[name].tag), name)

    @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(mutated(valid))
    def decode(candidate: Any) -> None:
        answer["body"] = json.dumps(candidate).encode()
        with contextlib.suppress(ResponseDecodeError):
            method(**kwargs)

    decode()


def test_the_mutations_reach_both_outcomes(pinned_spec_path: Path) -> None:
    # Guard against a fuzzer that only ever produces harmless bodies: on get_profiles some mutated
    # bodies must decode and some must be refused with the typed error.
    _, spec = load(pinned_spec_path)
    schema = _operation(spec, "get_profiles")["responses"]["200"]["content"]["application/vnd.api+json"]["schema"]
    valid = Examples(spec, full=True).value(schema)
    answer: dict[str, bytes] = {}
    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(lambda r: httpx.Response(200, content=answer["body"])))
    outcomes: set[str] = set()

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(mutated(valid))
    def decode(candidate: Any) -> None:
        answer["body"] = json.dumps(candidate).encode()
        try:
            kv.profiles.get_profiles()
            outcomes.add("decoded")
        except ResponseDecodeError:
            outcomes.add("refused")

    decode()
    assert outcomes == {"decoded", "refused"}
