"""The sync client's cold path loads no asyncio; the async path still sleeps through asyncio.sleep."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from klaviyo_generated import _aio

ROOT = Path(__file__).parents[2]


def test_a_sync_client_and_its_first_namespace_load_no_asyncio() -> None:
    code = (
        "import sys\n"
        "import klaviyo_generated\n"
        "kv = klaviyo_generated.Klaviyo(api_key='pk_' + 'a' * 32)\n"
        "kv.profiles\n"
        "print(sorted(m for m in ('asyncio', 'concurrent.futures') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout == "[]\n", done.stderr


def test_the_stand_in_sleep_awaits_asyncio_sleep_with_its_result() -> None:
    waited: list[tuple[float, object]] = []

    async def fake_sleep(delay: float, result: object = None) -> object:
        waited.append((delay, result))
        return result

    async def run() -> object:
        original = asyncio.sleep
        asyncio.sleep = fake_sleep  # type: ignore[assignment]
        try:
            return await _aio.sleep(0.25, "done")
        finally:
            asyncio.sleep = original

    assert asyncio.run(run()) == "done"
    assert waited == [(0.25, "done")]


def test_other_names_are_asyncio_s_own() -> None:
    assert _aio.Lock is asyncio.Lock
    assert _aio.get_running_loop is asyncio.get_running_loop
