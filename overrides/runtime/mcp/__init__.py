"""An MCP server for the Klaviyo API: ``python -m klaviyo_generated.mcp`` (needs ``klaviyo-generated[mcp]``).

Every operation and workflow of the catalog (``klaviyo_generated.tools``) as an MCP tool, executed by one
``Klaviyo`` client (rate limits, retries, typed errors); ``--help`` lists the flags. ``build_server`` gives the
server object, to run on any transport the ``mcp`` SDK offers.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._options import Options, parse_args
    from ._server import CatalogProvider, CatalogTool, build_server, default_catalog

# Importing the MCP SDK takes seconds: `--help` and the missing-key stop should not wait for it.
_OPTIONS = frozenset({"Options", "parse_args"})
_SERVER = frozenset({"CatalogProvider", "CatalogTool", "build_server", "default_catalog"})


def __getattr__(name: str) -> Any:
    if name in _OPTIONS:
        from . import _options as module
    elif name in _SERVER:
        from . import _server as module  # type: ignore[no-redef]  # one module object either way
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["CatalogProvider", "CatalogTool", "Options", "build_server", "default_catalog", "parse_args"]
