"""An MCP server for the Klaviyo API: ``python -m klaviyo_generated.mcp`` (needs ``klaviyo-generated[mcp]``).

Every operation and workflow of the catalog (``klaviyo_generated.tools``) as an MCP tool, executed by one
``Klaviyo`` client (rate limits, retries, typed errors); ``--help`` lists the flags. ``build_server`` gives the
server object, to run on any transport the ``mcp`` SDK offers.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._options import Options, parse_args
    from ._server import CatalogProvider, CatalogTool, build_server, default_catalog

# Importing the MCP SDK takes seconds: `--help` and the missing-key stop should not wait for it.
_MODULE_OF = {
    "Options": "._options",
    "parse_args": "._options",
    "CatalogProvider": "._server",
    "CatalogTool": "._server",
    "build_server": "._server",
    "default_catalog": "._server",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["CatalogProvider", "CatalogTool", "Options", "build_server", "default_catalog", "parse_args"]
