# Copied from overrides/runtime/tools/_export.py by `python -m generator sync`; edit that file, not this one.
"""The catalog in the shapes LLM tool APIs take, as plain dicts (copies: the catalog stays as it is)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal

from ._catalog import Tool


def _schema(tool: Tool) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(tool.input_schema))
    return copied


def as_openai(tools: Iterable[Tool], *, api: Literal["chat", "responses"] = "chat") -> list[dict[str, Any]]:
    """OpenAI function tools. ``api="chat"`` (Chat Completions): ``{"type": "function", "function": {name,
    description, parameters}}``; ``api="responses"`` (the Responses API, flat): ``{"type": "function", name,
    description, parameters}``. Not ``strict``: strict mode wants every property required."""
    out = []
    for tool in tools:
        function = {"name": tool.name, "description": tool.description, "parameters": _schema(tool)}
        out.append({"type": "function", "function": function} if api == "chat" else {"type": "function", **function})
    return out


def as_anthropic(tools: Iterable[Tool]) -> list[dict[str, Any]]:
    """Anthropic Messages API tools: ``{name, description, input_schema}``."""
    return [{"name": t.name, "description": t.description, "input_schema": _schema(t)} for t in tools]


def as_mcp(tools: Iterable[Tool]) -> list[dict[str, Any]]:
    """MCP ``tools/list`` entries: ``{name, title, description, inputSchema, annotations}``; every tool talks
    to Klaviyo, so ``openWorldHint`` is true."""
    return [
        {
            "name": t.name,
            "title": t.title,
            "description": t.description,
            "inputSchema": _schema(t),
            "annotations": {
                "title": t.title,
                "readOnlyHint": t.read_only,
                "destructiveHint": t.destructive,
                "idempotentHint": t.idempotent,
                "openWorldHint": True,
            },
        }
        for t in tools
    ]


__all__ = ["as_anthropic", "as_mcp", "as_openai"]
