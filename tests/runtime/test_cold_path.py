"""The sync client's cold path loads no asyncio, no operation table and nothing a call alone needs; the async
path still sleeps through asyncio.sleep."""

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


# Loaded by a call, a raw request(), OAuth or a pager, never by building a client and reaching a namespace:
# each is a module (or, for attrs-defining ones, a few class builds) the cold start used to pay for.
DEFERRED = (
    "klaviyo_generated._operations",  # 345 OperationSpecs: a raw request()'s route table
    "klaviyo_generated._binding",  # Operation/JobOperations (attrs classes): endpoint modules only
    "klaviyo_generated._oauth",  # oauth= only
    "klaviyo_generated._lazy",  # parsing a response (the model it parses loads it)
    "klaviyo_generated._unions",
    "klaviyo_generated._jobs",  # submit_* / attach_*
    "klaviyo_generated._pagination",  # iter_*
    "klaviyo_generated.filters",  # filter=
    "klaviyo_generated.types",  # its File is an attrs class; resources take UNSET from _unset
    "klaviyo_generated.api",
    "klaviyo_generated.models",
)


def test_a_client_and_its_first_namespace_load_no_operation_table_oauth_pager_job_filter_or_model() -> None:
    code = (
        "import sys\n"
        "import klaviyo_generated\n"
        "kv = klaviyo_generated.Klaviyo(api_key='pk_' + 'a' * 32)\n"
        "kv.profiles\n"
        f"print(sorted(m for m in {DEFERRED!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout == "[]\n", done.stderr


def test_the_operation_table_loads_on_first_read_and_is_the_generated_one() -> None:
    code = (
        "import sys\n"
        "from klaviyo_generated import Klaviyo\n"
        "from klaviyo_generated._client import AsyncKlaviyo\n"
        "before = 'klaviyo_generated._operations' in sys.modules\n"
        "spec = Klaviyo.operations['get_profiles']\n"
        "from klaviyo_generated._operations import GET_PROFILES, OPERATIONS\n"
        "print(before, spec is GET_PROFILES, dict(Klaviyo.operations) == OPERATIONS,"
        " len(AsyncKlaviyo.operations) == len(OPERATIONS), sorted(Klaviyo.operations)[:1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout == "False True True True ['add_categories_to_catalog_item']\n", done.stderr


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
