"""The server on the package's own catalog (``klaviyo_generated.tools``), by default and through ``-m``.

Skipped where the catalog is not in the tree yet (the ``mcp`` helper's branch); it runs once both are merged.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import anyio
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters

from klaviyo_generated import Klaviyo
from klaviyo_generated.mcp import Options, build_server
from klaviyo_generated.testing import FakeKlaviyo
from tests.mcp.standin import KEY

try:
    from klaviyo_generated.tools import catalog  # type: ignore[attr-defined,unused-ignore]  # not on every branch
except ImportError:  # pragma: no cover - the catalog's own branch brings it
    pytest.skip("klaviyo_generated.tools (the catalog) is not in this tree", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]


def _names(kv: Klaviyo, options: Options) -> list[str]:
    async def main() -> list[str]:
        async with Client(build_server(kv, options)) as client:
            return [tool.name for tool in (await client.list_tools()).tools]

    return anyio.run(main)


def test_the_default_catalog_is_the_packages(kv: Klaviyo) -> None:
    assert _names(kv, Options()) == [tool.name for tool in catalog()]
    reads = [tool.name for tool in catalog(read_only=True)]
    assert _names(kv, Options(read_only=True)) == reads
    assert _names(kv, Options(namespaces=("profiles",), scopes=("profiles:read",))) == [
        tool.name for tool in catalog(namespaces=["profiles"], scopes=["profiles:read"])
    ]
    assert _names(kv, Options(compact=True)) == ["search_operations", "describe_operation", "call_operation"]


def test_compact_mode_reaches_every_operation_by_name(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    tools = catalog()
    profile = fake.add_profile(email="reach@example.com")

    async def main() -> tuple[list[types.CallToolResult], types.CallToolResult]:
        async with Client(build_server(kv, Options(compact=True))) as client:
            described = [await client.call_tool("describe_operation", {"name": tool.name}) for tool in tools]
            called = await client.call_tool(
                "call_operation", {"name": "get_profile", "arguments": {"id": profile["id"]}}
            )
            return described, called

    described, called = anyio.run(main)
    assert [result.structured_content["name"] for result in described] == [tool.name for tool in tools]
    assert not any(result.is_error for result in described)
    assert called.structured_content["data"]["id"] == profile["id"]


def test_python_m_serves_the_catalog_over_stdio() -> None:
    fake = FakeKlaviyo(spec="")
    fake.add_profile(email="module@example.com")
    with fake.serve() as url:
        env = {"KLAVIYO_API_KEY": KEY, "PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "")}
        server = StdioServerParameters(
            command=sys.executable,
            args=["-m", "klaviyo_generated.mcp", "--base-url", url, "--namespaces", "profiles", "--read-only"],
            env=env,
            cwd=ROOT,
        )

        async def main() -> tuple[list[str], types.CallToolResult]:
            async with Client(server) as client:
                names = [tool.name for tool in (await client.list_tools()).tools]
                return names, await client.call_tool("get_profiles", {"page_size": 1})

        names, result = anyio.run(main)

    assert names == [tool.name for tool in catalog(namespaces=["profiles"], read_only=True)]
    assert not result.is_error
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    assert [item["attributes"]["email"] for item in json.loads(text.text)["data"]] == ["module@example.com"]
