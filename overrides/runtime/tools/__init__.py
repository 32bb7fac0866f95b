"""Every operation (and the workflows) as a tool for an LLM agent: ``klaviyo_generated.tools``.

    from klaviyo_generated.tools import as_anthropic, catalog, get_tool, search

    tools = catalog(namespaces=["profiles", "lists"], read_only=True)   # filtered
    as_anthropic(tools)                                                  # or as_openai / as_mcp
    get_tool("get_profile").input_schema                                 # JSON Schema 2020-12
    search("add profile to list", limit=5)

A tool is ``getattr(kv, tool.namespace).<tool.method>(**arguments)``: its input schema's properties are
that method's keywords (``fields_profile``, ``page_cursor``, ``body`` as a dict, …) without the transport
ones (``revision``, ``timeout``, ``retry``, ``max_retries``, ``extra_headers``, ``extra_query``). The
operations' entries are generated from
the spec (``tools/catalog.json``, read on first use); the workflows' are written by hand.

Scopes: ``catalog(scopes=...)`` keeps the tools whose ``x-klaviyo-scopes`` the given scopes cover, a
``<resource>:write`` scope covering ``<resource>:read`` too.
"""

from .._exceptions import UnknownToolError
from ._call import ToolResult, call_tool
from ._catalog import Tool, catalog, get_tool, implied_scopes
from ._export import as_anthropic, as_mcp, as_openai
from ._search import search

__all__ = [
    "Tool",
    "ToolResult",
    "UnknownToolError",
    "as_anthropic",
    "as_mcp",
    "as_openai",
    "call_tool",
    "catalog",
    "get_tool",
    "implied_scopes",
    "search",
]
