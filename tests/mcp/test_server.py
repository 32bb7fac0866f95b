"""The MCP server through the SDK's in-process client: listings per mode, calls, refusals, compact mode, dry run."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import mcp_types as types
import pytest
from mcp import Client

from klaviyo_generated import Klaviyo
from klaviyo_generated.mcp import Options, build_server
from klaviyo_generated.testing import FakeKlaviyo
from tests.mcp.standin import KEY, TOOLS, catalog

T = TypeVar("T")


def _session(kv: Klaviyo, options: Options, body: Callable[[Client], Awaitable[T]]) -> T:
    server = build_server(kv, options, catalog=catalog)

    async def main() -> T:
        async with Client(server, raise_exceptions=True) as client:
            return await body(client)

    return anyio.run(main)


def _names(kv: Klaviyo, **options: Any) -> list[str]:
    async def body(client: Client) -> list[str]:
        return [tool.name for tool in (await client.list_tools()).tools]

    return _session(kv, Options(**options), body)


def _call(kv: Klaviyo, name: str, arguments: dict[str, Any], **options: Any) -> tuple[bool, Any]:
    """(is_error, the text content as JSON) of one call on a server with ``options``."""

    async def body(client: Client) -> types.CallToolResult:
        return await client.call_tool(name, arguments)

    result = _session(kv, Options(**options), body)
    assert len(result.content) == 1
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    assert KEY not in text.text
    document = json.loads(text.text)
    if isinstance(document, dict):
        assert result.structured_content == document
    return result.is_error, document


ALL = [tool.name for tool in TOOLS]
READS = ["get_profile", "get_profiles", "get_lists"]


@pytest.mark.parametrize(
    ("options", "listed"),
    [
        ({}, ALL),
        ({"read_only": True}, READS),
        ({"namespaces": ("profiles",)}, ["get_profile", "get_profiles", "create_profile"]),
        ({"namespaces": ("lists", "workflows"), "read_only": True}, ["get_lists"]),
        ({"scopes": ("lists:read",)}, ["get_lists"]),
        ({"scopes": ("profiles:read", "lists:read")}, READS),
        ({"scopes": ("profiles:write",)}, ["get_profile", "get_profiles", "create_profile"]),
        ({"scopes": ("lists:write", "profiles:write")}, ALL),
        ({"compact": True}, ["search_operations", "describe_operation", "call_operation"]),
        ({"compact": True, "read_only": True}, ["search_operations", "describe_operation", "call_operation"]),
    ],
)
def test_the_listing_per_mode(kv: Klaviyo, options: dict[str, Any], listed: list[str]) -> None:
    assert _names(kv, **options) == listed


def test_a_listed_tool_carries_its_schema_and_hints(kv: Klaviyo) -> None:
    async def body(client: Client) -> list[types.Tool]:
        return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in _session(kv, Options(), body)}
    for source in TOOLS:
        listed = tools[source.name]
        assert listed.input_schema == source.input_schema
        assert listed.title == source.title
        assert listed.description == source.description
        assert listed.annotations == types.ToolAnnotations(
            title=source.title,
            read_only_hint=source.read_only,
            destructive_hint=source.destructive,
            idempotent_hint=source.idempotent,
            open_world_hint=True,
        )
    assert tools["delete_list"].annotations.destructive_hint is True  # type: ignore[union-attr]


def test_a_read_tool_pages_with_a_cursor(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    ids = [fake.add_profile(email=f"r{i}@example.com")["id"] for i in range(3)]

    async def body(client: Client) -> list[Any]:
        pages, cursor = [], None
        while True:
            arguments: dict[str, Any] = {"page_size": 2} | ({"page_cursor": cursor} if cursor else {})
            page = (await client.call_tool("get_profiles", arguments)).structured_content
            pages.append(page)
            cursor = page["next_cursor"]
            if cursor is None:
                return pages

    pages = _session(kv, Options(), body)
    assert [[item["id"] for item in page["data"]] for page in pages] == [ids[:2], ids[2:]]
    assert len(fake.requests) == 2


def test_a_write_tool_creates_the_profile(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    body = {"data": {"type": "profile", "attributes": {"email": "agent@example.com"}}}
    failed, document = _call(kv, "create_profile", {"body": body})

    assert not failed
    stored = fake.find_profile(email="agent@example.com")
    assert stored is not None
    assert document["data"]["id"] == stored["id"]


def test_a_klaviyo_error_is_a_tool_error_with_code_title_and_detail(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    failed, document = _call(kv, "get_profile", {"id": "01NOPE"})

    assert failed
    error = document["error"]
    assert (error["type"], error["status"]) == ("NotFoundError", 404)
    [item] = error["errors"]
    assert item["code"] == "not_found"
    assert item["title"] == "Not found."
    assert item["detail"]
    assert len(fake.requests) == 1


def test_a_bad_argument_is_a_tool_error_naming_it_and_nothing_is_sent(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    failed, document = _call(kv, "get_profiles", {"page_size": "ten"})

    assert failed
    assert document["error"]["problems"] == ["page_size: 'ten' is not of type 'integer'"]
    assert "page_size" in document["error"]["message"]
    assert fake.requests == []


@pytest.mark.parametrize("compact", [False, True])
def test_read_only_refuses_a_write_by_name(kv: Klaviyo, fake: FakeKlaviyo, compact: bool) -> None:
    body = {"data": {"type": "profile", "attributes": {"email": "no@example.com"}}}
    arguments: dict[str, Any]
    name, arguments = "create_profile", {"body": body}
    if compact:
        name, arguments = "call_operation", {"name": name, "arguments": arguments}

    failed, document = _call(kv, name, arguments, read_only=True, compact=compact)

    assert failed
    assert document["error"]["type"] == "ToolNotAvailable"
    assert "--read-only" in document["error"]["message"]
    assert fake.requests == []
    assert fake.find_profile(email="no@example.com") is None


def test_read_only_holds_even_if_the_catalog_lists_a_write(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    server = build_server(kv, Options(read_only=True), catalog=lambda **_: TOOLS)  # a provider ignoring filters

    async def main() -> tuple[list[str], types.CallToolResult]:
        async with Client(server) as client:
            names = [tool.name for tool in (await client.list_tools()).tools]
            return names, await client.call_tool("delete_list", {"id": "L1"})

    names, result = anyio.run(main)
    assert names == READS
    assert result.is_error
    assert fake.requests == []


def test_a_tool_outside_the_filters_is_refused_saying_which(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    failed, document = _call(kv, "get_lists", {}, namespaces=("profiles",), scopes=("profiles:read",))

    assert failed
    assert document["error"] == {
        "type": "ToolNotAvailable",
        "message": "'get_lists' is not offered by this server (its filters: --namespaces profiles, --scopes "
        "profiles:read); nothing was sent",
    }
    assert fake.requests == []

    failed, document = _call(kv, "no_such_tool", {})
    assert failed
    assert document["error"] == {"type": "UnknownTool", "message": "there is no tool named 'no_such_tool'"}


def test_compact_mode_searches_describes_and_calls(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    profile = fake.add_profile(email="compact@example.com")

    async def body(client: Client) -> tuple[Any, Any, types.CallToolResult]:
        found = await client.call_tool("search_operations", {"query": "delete list", "limit": 2})
        by_path = await client.call_tool("search_operations", {"query": "POST /api/lists/{id}/relationships/profiles"})
        assert by_path.structured_content is not None
        assert by_path.structured_content["operations"][0]["name"] == "add_profiles_to_list"
        described = await client.call_tool("describe_operation", {"name": "get_profile"})
        called = await client.call_tool("call_operation", {"name": "get_profile", "arguments": {"id": profile["id"]}})
        return found.structured_content, described.structured_content, called

    found, described, called = _session(kv, Options(compact=True), body)

    assert found["matches"] == 5  # klaviyo_generated.tools.search among the 7 offered: a word of "delete list" in each
    assert [op["name"] for op in found["operations"]] == ["delete_list", "get_lists"]
    assert found["operations"][0] == {
        "name": "delete_list",
        "title": "Delete List",
        "read_only": False,
        "scopes": ["lists:write"],
    }
    assert described["input_schema"] == TOOLS[0].input_schema
    assert described["description"] == TOOLS[0].description
    assert (described["read_only"], described["paginated"]) == (True, False)
    assert not called.is_error
    assert called.structured_content["data"]["id"] == profile["id"]
    assert [request.url.path for request in fake.requests] == [f"/api/profiles/{profile['id']}"]


def test_compact_read_only_search_shows_no_write(kv: Klaviyo) -> None:
    async def body(client: Client) -> Any:
        return (await client.call_tool("search_operations", {"query": "", "limit": 100})).structured_content

    found = _session(kv, Options(compact=True, read_only=True), body)
    assert [op["name"] for op in found["operations"]] == sorted(READS)


def test_dry_run_returns_the_request_and_nothing_reaches_klaviyo(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    failed, document = _call(kv, "delete_list", {"id": "L1"}, dry_run=True)

    assert not failed
    assert fake.requests == []
    assert {k: document[k] for k in ("dry_run", "method", "url", "query", "body")} == {
        "dry_run": True,
        "method": "DELETE",
        "url": "https://a.klaviyo.com/api/lists/L1",
        "query": {},
        "body": None,
    }
    assert document["headers"]["revision"] == kv.revision
    assert "authorization" not in {name.lower() for name in document["headers"]}


def test_max_chars_cuts_answers_with_a_note(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    for i in range(20):
        fake.add_profile(email=f"cut{i:02}@example.com", first_name="z" * 200)

    failed, document = _call(kv, "get_profiles", {"page_size": 20}, max_chars=3000)

    assert not failed
    assert 0 < len(document["data"]) < 20
    assert "data items were dropped" in document["note"]


def test_a_defect_is_a_tool_error_not_a_dropped_session(kv: Klaviyo) -> None:
    broken = next(tool for tool in TOOLS if tool.name == "get_lists")
    import attrs

    renamed = attrs.evolve(broken, method="no_such_method")
    server = build_server(kv, Options(), catalog=lambda **_: (renamed,))

    async def main() -> types.CallToolResult:
        async with Client(server) as client:
            return await client.call_tool("get_lists", {})

    result = anyio.run(main)
    assert result.is_error
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    assert json.loads(text.text)["error"]["type"] == "InternalError"
