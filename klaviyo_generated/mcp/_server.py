# Copied from overrides/runtime/mcp/_server.py by `python -m generator sync`; edit that file, not this one.
"""The MCP server: catalog tools listed and called through one ``Klaviyo`` client, on the official ``mcp`` SDK.

Built on the SDK's low-level ``Server``, which takes tools as data (name, raw JSON Schema, annotations):
the catalog already is that data, so nothing is re-derived from Python signatures.

- *Direct mode* lists every tool the filters leave (``--namespaces``, ``--read-only``, ``--scopes``).
- *Compact mode* lists three meta-tools that reach the same filtered set by name: ``search_operations``,
  ``describe_operation`` (the full schema) and ``call_operation``; the listing costs the same however
  many operations there are.
- ``--read-only`` is enforced here as well as by the catalog filter: a tool that writes is refused by
  name, whatever the catalog provider returned.

Calls run ``tools._call.call_tool`` on the synchronous client in a worker thread (its rate limiter and
retries may wait; the event loop does not). A failed call is a tool result with ``isError`` and the
error as JSON, so the model sees Klaviyo's code, title and detail; a defect is reported the same way.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import anyio.to_thread
import mcp_types as types

from mcp.server import Server

from .._error_text import scrub
from ..tools._call import ToolLike, ToolResult, call_tool, failure, result_of
from ..tools._search import search
from ._options import Options

if TYPE_CHECKING:
    from mcp.server.context import ServerRequestContext

    from .._client import Klaviyo

__all__ = ["CatalogProvider", "CatalogTool", "build_server", "default_catalog"]


class CatalogTool(ToolLike, Protocol):
    """What the server reads of a catalog tool, beyond what ``call_tool`` reads (``klaviyo_generated.tools.Tool``
    has it all)."""

    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def destructive(self) -> bool: ...
    @property
    def idempotent(self) -> bool: ...
    @property
    def scopes(self) -> Sequence[str]: ...


# catalog(*, namespaces=None, read_only=False, scopes=None) -> the tools these filters leave.
CatalogProvider = Callable[..., Sequence[CatalogTool]]


def default_catalog(
    *, namespaces: Iterable[str] | None = None, read_only: bool = False, scopes: Iterable[str] | None = None
) -> Sequence[CatalogTool]:
    """The package's generated catalog, ``klaviyo_generated.tools.catalog``."""
    from ..tools import catalog

    tools: Sequence[CatalogTool] = catalog(namespaces=namespaces, read_only=read_only, scopes=scopes)
    return tools


SEARCH, DESCRIBE, CALL = "search_operations", "describe_operation", "call_operation"
_WORD = re.compile(r"[a-z0-9]+")


def build_server(kv: Klaviyo, options: Options | None = None, *, catalog: CatalogProvider | None = None) -> Server[Any]:
    """An MCP server exposing ``catalog``'s tools (the package's by default) as ``options`` say, calling ``kv``."""
    tools = _Tools(kv, options or Options(), catalog or default_catalog)
    return Server(
        "klaviyo-generated",
        title="Klaviyo API",
        instructions=tools.instructions(),
        on_list_tools=tools.list_tools,
        on_call_tool=tools.call_tool,
    )


class _Tools:
    def __init__(self, kv: Klaviyo, options: Options, catalog: CatalogProvider) -> None:
        self.kv, self.options, self._catalog = kv, options, catalog
        chosen = catalog(namespaces=options.namespaces, read_only=options.read_only, scopes=options.scopes)
        self.tools = {tool.name: tool for tool in chosen if tool.read_only or not options.read_only}

    def instructions(self) -> str:
        text = "Klaviyo API tools. Paged tools take page_cursor and return next_cursor; errors come back as JSON."
        if self.options.compact:
            text += f" Find operations with {SEARCH}, read one with {DESCRIBE}, run it with {CALL}."
        if self.options.read_only:
            text += " Read-only: writes are switched off."
        if self.options.dry_run:
            text += " Dry run: nothing is sent; each call returns the request it would send."
        return text

    # -- tools/list ---------------------------------------------------------------------------------

    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        listed = self._meta_tools() if self.options.compact else [_mcp_tool(tool) for tool in self.tools.values()]
        return types.ListToolsResult(tools=listed)

    def _meta_tools(self) -> list[types.Tool]:
        writes = not self.options.read_only and any(not tool.read_only for tool in self.tools.values())
        reading = types.ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True)
        return [
            types.Tool(
                name=SEARCH,
                title="Search operations",
                description=(
                    f"Search the {len(self.tools)} Klaviyo API operations this server offers by keywords "
                    f"(e.g. 'list profiles add'); returns names, titles and whether each writes. Then {DESCRIBE}."
                ),
                input_schema={
                    "type": "object",
                    "properties": {
                        "query": {"type": "string", "description": "keywords; empty lists every operation"},
                        "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                    },
                    "required": ["query"],
                    "additionalProperties": False,
                },
                annotations=reading,
            ),
            types.Tool(
                name=DESCRIBE,
                title="Describe an operation",
                description=f"An operation's full description and the JSON Schema of its arguments, for {CALL}.",
                input_schema=_object({"name": {"type": "string", "description": "the operation's name"}}, ["name"]),
                annotations=reading,
            ),
            types.Tool(
                name=CALL,
                title="Call an operation",
                description=(
                    "Run an operation with its arguments (their schema: describe_operation). "
                    + ("Writes are switched off on this server." if not writes else "Some operations write.")
                ),
                input_schema=_object(
                    {
                        "name": {"type": "string", "description": "the operation's name"},
                        "arguments": {"type": "object", "description": "its arguments", "default": {}},
                    },
                    ["name"],
                ),
                annotations=types.ToolAnnotations(
                    read_only_hint=not writes, destructive_hint=writes, idempotent_hint=False, open_world_hint=True
                ),
            ),
        ]

    # -- tools/call ---------------------------------------------------------------------------------

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        arguments = dict(params.arguments or {})
        if not self.options.compact:
            return await self._run(params.name, arguments)
        if params.name == SEARCH:
            return self._search(arguments)
        if params.name == DESCRIBE:
            return self._describe(arguments)
        if params.name == CALL:
            name, inner = arguments.get("name"), arguments.get("arguments", {})
            unknown = sorted(set(arguments) - {"name", "arguments"})
            if not isinstance(name, str) or not isinstance(inner, dict) or unknown:
                return _error("InvalidArguments", f"{CALL} takes name (a string) and arguments (an object)")
            return await self._run(name, inner)
        return self._refused(params.name)

    async def _run(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        tool = self.tools.get(name)
        if tool is None:
            return self._refused(name)
        run = functools.partial(
            call_tool, self.kv, tool, arguments, dry_run=self.options.dry_run, max_chars=self.options.max_chars
        )
        try:
            result = await anyio.to_thread.run_sync(run)
        except Exception as error:  # a defect, reported to the agent rather than dropping the session
            return _error("InternalError", f"{type(error).__name__}: {error}")
        return _result(result)

    def _refused(self, name: str) -> types.CallToolResult:
        known = {tool.name: tool for tool in self._catalog()}.get(name)
        if known is None:
            hint = f" ({SEARCH} finds operations by keywords)" if self.options.compact else ""
            return _error("UnknownTool", f"there is no tool named {name!r}{hint}")
        if self.options.read_only and not known.read_only:
            why = f"{name!r} writes, and this server runs with --read-only: writes are switched off"
        else:
            filters = {"--namespaces": self.options.namespaces, "--scopes": self.options.scopes}
            given = ", ".join(f"{flag} {','.join(value)}" for flag, value in filters.items() if value)
            why = f"{name!r} is not offered by this server (its filters: {given or 'none'})"
        return _error("ToolNotAvailable", why + "; nothing was sent")

    def _search(self, arguments: Mapping[str, Any]) -> types.CallToolResult:
        query, limit = arguments.get("query", ""), arguments.get("limit", 10)
        if not isinstance(query, str) or not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            return _error("InvalidArguments", f"{SEARCH} takes query (a string) and limit (an integer, at least 1)")
        # The catalog's own ranking (names, titles, API paths, descriptions), among the tools this server offers;
        # an empty query lists them all, by name.
        ranked = (
            [tool.name for tool in search(query, len(self.tools), tools=self.tools.values())]
            if query.strip()
            else sorted(self.tools)
        )
        found = [_summary(self.tools[name]) for name in ranked[:limit]]
        return _result_of({"matches": len(ranked), "operations": found})

    def _describe(self, arguments: Mapping[str, Any]) -> types.CallToolResult:
        name = arguments.get("name")
        tool = self.tools.get(name) if isinstance(name, str) else None
        if tool is None:
            return self._refused(str(name))
        described = {**_summary(tool), "description": tool.description, "input_schema": dict(tool.input_schema)}
        described.update(destructive=tool.destructive, idempotent=tool.idempotent, paginated=tool.paginated)
        return _result_of(described)


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _mcp_tool(tool: CatalogTool) -> types.Tool:
    hints = types.ToolAnnotations(
        title=tool.title,
        read_only_hint=tool.read_only,
        destructive_hint=tool.destructive,
        idempotent_hint=tool.idempotent,
        open_world_hint=True,
    )
    schema = dict(tool.input_schema)
    return types.Tool(
        name=tool.name, title=tool.title, description=tool.description, input_schema=schema, annotations=hints
    )


def _summary(tool: CatalogTool) -> dict[str, Any]:
    return {"name": tool.name, "title": tool.title, "read_only": tool.read_only, "scopes": list(tool.scopes)}


def _result(result: ToolResult) -> types.CallToolResult:
    structured = result.content if isinstance(result.content, dict) else None
    return types.CallToolResult(
        content=[types.TextContent(text=result.text)], structured_content=structured, is_error=not result.ok
    )


def _result_of(content: dict[str, Any]) -> types.CallToolResult:
    return _result(result_of(content, max_chars=sys.maxsize))  # the catalog's own text: never cut


def _error(kind: str, message: str) -> types.CallToolResult:
    return _result(failure({"error": {"type": kind, "message": scrub(message, ())}}))
