"""Klaviyo's ``Client`` tag (the public-key ``/client/`` endpoints) is the namespace ``client_side``;
``kv.client`` is its deprecated alias for one release, warning from the line that reads it."""

from __future__ import annotations

import asyncio
import importlib
import warnings

import pytest

from klaviyo_generated import AsyncKlaviyo, Klaviyo
from klaviyo_generated.resources.client_side import (
    AsyncClientSide,
    AsyncClientSideWithRawResponse,
    ClientSide,
    ClientSideWithRawResponse,
)
from tests.runtime.client_harness import API_KEY

WARNING = r"^kv\.client is deprecated and will be removed in the next release: use kv\.client_side$"


def test_the_public_key_endpoints_live_in_client_side() -> None:
    kv = Klaviyo(api_key=API_KEY)
    assert isinstance(kv.client_side, ClientSide)
    assert isinstance(kv.with_raw_response.client_side, ClientSideWithRawResponse)
    assert callable(kv.client_side.create_client_event)
    assert importlib.import_module("klaviyo_generated.api.client_side.create_client_event").__name__
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("klaviyo_generated.resources.client")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kv.client_side  # the new name never warns  # noqa: B018


def test_kv_client_is_the_same_namespace_and_warns_from_the_caller() -> None:
    kv = Klaviyo(api_key=API_KEY)
    with pytest.warns(DeprecationWarning, match=WARNING) as caught:
        namespace = kv.client
    assert namespace is kv.client_side
    assert [w.filename for w in caught] == [__file__]
    with pytest.warns(DeprecationWarning, match=WARNING):
        raw = kv.with_raw_response.client
    assert isinstance(raw, ClientSideWithRawResponse)


def test_async_kv_client_is_the_same_namespace_and_warns_from_the_caller() -> None:
    async def read() -> None:
        async with AsyncKlaviyo(api_key=API_KEY) as kv:
            assert isinstance(kv.client_side, AsyncClientSide)
            with pytest.warns(DeprecationWarning, match=WARNING) as caught:
                namespace = kv.client
            assert namespace is kv.client_side
            assert [w.filename for w in caught] == [__file__]
            with pytest.warns(DeprecationWarning, match=WARNING):
                raw = kv.with_raw_response.client
            assert isinstance(raw, AsyncClientSideWithRawResponse)

    asyncio.run(read())
