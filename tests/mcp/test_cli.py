"""``python -m klaviyo_generated.mcp``: flags, the missing-key stop, and a whole stdio session in a subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters

from klaviyo_generated.mcp import Options, parse_args
from klaviyo_generated.testing import FakeKlaviyo
from tests.mcp.standin import KEY

ROOT = Path(__file__).resolve().parents[2]
FLAGS = ("--namespaces", "--read-only", "--scopes", "--compact", "--dry-run", "--max-chars", "--http", "--port")
# The server's own entry point, with the stand-in catalog injected (the module form is the same `main`).
LAUNCH = "import sys; from klaviyo_generated.mcp.__main__ import main; from tests.mcp.standin import catalog; "
LAUNCH += "sys.exit(main(catalog=catalog))"


def _run(*args: str, key: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KLAVIYO_API_KEY"}
    if key is not None:
        env["KLAVIYO_API_KEY"] = key
    command = [sys.executable, "-m", "klaviyo_generated.mcp", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_help_lists_every_flag() -> None:
    done = _run("--help", key=None)

    assert done.returncode == 0
    assert done.stdout.startswith("usage: python -m klaviyo_generated.mcp")
    for flag in FLAGS:
        assert flag in done.stdout


@pytest.mark.parametrize("key", [None, "", "  "])
def test_a_missing_key_is_one_line_and_exit_2(key: str | None) -> None:
    done = _run(key=key)

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "python -m klaviyo_generated.mcp: KLAVIYO_API_KEY is not set: set it to a private API key (pk_...) "
        "in the server's environment"
    ]


def test_a_malformed_key_is_one_line_without_the_key() -> None:
    done = _run(key="Klaviyo-API-Key pk_secretsecretsecret")

    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert "drop that prefix" in line
    assert "secretsecret" not in line


def test_flags_parse_into_options() -> None:
    assert parse_args([]) == Options()
    assert parse_args(
        ["--namespaces", "profiles, lists,profiles", "--scopes", "lists:read", "--read-only", "--compact", "--dry-run"]
    ) == Options(namespaces=("profiles", "lists"), scopes=("lists:read",), read_only=True, compact=True, dry_run=True)
    assert parse_args(["--http", "--port", "9100", "--max-chars", "500"]) == Options(
        http=True, port=9100, max_chars=500
    )


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--port", "9100"], "--port needs --http"),
        (["--max-chars", "0"], "must be at least 1"),
        (["--namespaces", ","], "give at least one name"),
        (["--verbose"], "unrecognized arguments: --verbose"),
    ],
)
def test_bad_flags_exit_2_saying_why(argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)

    assert stopped.value.code == 2
    assert complaint in capsys.readouterr().err


def test_a_stdio_session_against_a_served_fake() -> None:
    fake = FakeKlaviyo(spec="")
    profile = fake.add_profile(email="stdio@example.com")
    with fake.serve() as url:
        server = StdioServerParameters(
            command=sys.executable,
            args=["-c", LAUNCH, "--base-url", url, "--namespaces", "profiles", "--read-only"],
            env={"KLAVIYO_API_KEY": KEY, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )

        async def main() -> tuple[list[str], types.CallToolResult]:
            async with Client(server) as client:
                names = [tool.name for tool in (await client.list_tools()).tools]
                return names, await client.call_tool("get_profiles", {"filter": 'equals(email,"stdio@example.com")'})

        names, result = anyio.run(main)

    assert names == ["get_profile", "get_profiles"]
    assert not result.is_error
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    document: dict[str, Any] = json.loads(text.text)
    assert [item["id"] for item in document["data"]] == [profile["id"]]
    assert document["next_cursor"] is None
    [request] = fake.requests
    assert request.headers["Authorization"] == f"Klaviyo-API-Key {KEY}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def test_http_serves_on_loopback_only() -> None:
    fake = FakeKlaviyo(spec="")
    profile = fake.add_profile(email="http@example.com")
    port = _free_port()
    with fake.serve() as url:
        command = [sys.executable, "-c", LAUNCH, "--http", "--port", str(port), "--base-url", url, "--read-only"]
        env = {**os.environ, "KLAVIYO_API_KEY": KEY, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            _wait_for(port, process)

            async def main() -> tuple[list[str], types.CallToolResult]:
                async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                    names = [tool.name for tool in (await client.list_tools()).tools]
                    return names, await client.call_tool("get_profile", {"id": profile["id"]})

            names, result = anyio.run(main)
            listening = [line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
        finally:
            process.terminate()
            process.communicate(timeout=30)

    assert names == ["get_profile", "get_profiles", "get_lists"]
    assert not result.is_error
    # Bound to 127.0.0.1 (0100007F in /proc/net/tcp), not 0.0.0.0.
    assert f"0100007F:{port:04X}" in listening
    assert f"00000000:{port:04X}" not in listening
