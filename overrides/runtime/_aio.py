"""``asyncio``, loaded on first use: a sync ``Klaviyo`` never needs it, and importing it (with the
``concurrent.futures``, ``subprocess`` and ``ssl``-protocol modules it pulls in) was a tenth of the
package's cold start.

The async clients and transports take ``sleep`` as an argument defaulting to ``asyncio.sleep``; a
default is evaluated when the ``def`` runs, at import. ``sleep`` here stands in for it and imports
``asyncio`` when it is first awaited, that is, inside a running event loop, where ``asyncio`` is
loaded already. Any other name is read from ``asyncio`` itself (importing it then), so modules may
use ``from . import _aio as asyncio`` and keep writing ``asyncio.<name>``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["sleep"]


async def sleep(delay: float, result: Any = None) -> Any:
    """``asyncio.sleep(delay, result)``."""
    import asyncio  # deferred: see the module docstring

    return await asyncio.sleep(delay, result)


def __getattr__(name: str) -> Any:
    import asyncio

    return getattr(asyncio, name)
