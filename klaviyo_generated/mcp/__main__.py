# Copied from overrides/runtime/mcp/__main__.py by `python -m generator sync`; edit that file, not this one.
"""``python -m klaviyo_generated.mcp [flags]``: the MCP server on stdio, or streamable HTTP on 127.0.0.1.

The key comes from ``KLAVIYO_API_KEY``. What stops the server before it serves (no key, a malformed one, a
bad ``--base-url``, no ``mcp`` SDK) is one line on stderr and exit status 2: an MCP host shows stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._base_error import KlaviyoError
from ._options import PROGRAM, Options, parse_args

if TYPE_CHECKING:
    from mcp.server import Server

    from ._server import CatalogProvider

_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def _fail(message: str) -> int:
    print(f"{PROGRAM}: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None, *, catalog: CatalogProvider | None = None) -> int:
    """Run the server until its client goes away; the exit status."""
    options = parse_args(argv)
    key = os.environ.get("KLAVIYO_API_KEY", "").strip()
    if not key:
        return _fail("KLAVIYO_API_KEY is not set: set it to a private API key (pk_...) in the server's environment")
    try:
        from ._server import build_server
    except ImportError as error:
        return _fail(f"the MCP SDK is missing ({error}): pip install 'klaviyo-generated[mcp]'")
    from .._client import Klaviyo

    try:
        kv = _client(Klaviyo, key, options)
        server = build_server(kv, options, catalog=catalog)
    except (KlaviyoError, ImportError) as error:
        return _fail(str(error))
    with kv:
        _serve(server, options)
    return 0


def _client(cls: type[Any], key: str, options: Options) -> Any:
    if options.base_url is None:
        return cls(api_key=key)
    local = options.base_url.startswith(tuple(f"http://{host}" for host in _LOOPBACK))
    return cls(api_key=key, base_url=options.base_url, allow_http=local)


def _serve(server: Server[Any], options: Options) -> None:
    import anyio

    if options.http:
        import uvicorn

        # The SDK turns DNS-rebinding protection on for a loopback host; nothing else is ever bound.
        app = server.streamable_http_app(host="127.0.0.1")
        uvicorn.run(app, host="127.0.0.1", port=options.port, log_level="warning")
        return

    from mcp.server.stdio import stdio_server

    async def serve() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(serve)


if __name__ == "__main__":
    sys.exit(main())
