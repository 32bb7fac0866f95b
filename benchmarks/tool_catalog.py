"""How much context the tool catalog takes: bytes of JSON, and tokens estimated as bytes / 4.

    python benchmarks/tool_catalog.py [--no-write]

For every export shape (OpenAI chat, Anthropic, MCP) of: all tools, the five largest namespaces, the
read-only tools; and the compact mode's three meta-tools (search, describe, call), whose definitions here
are an estimate of what an MCP server lists in that mode (their real text is the server's). Bytes are
compact JSON (``separators=(",", ":")``, UTF-8), what a client sends when it serialises the list; the
token figure is the common rule of thumb of 4 bytes per token for English and JSON (a real tokenizer gives
somewhat more for JSON punctuation), so read it as an order of magnitude. Rewrites the ``tool-catalog``
section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from _common import machine, today, write_section

from klaviyo_generated.tools import Tool, as_anthropic, as_mcp, as_openai, catalog

Export = Callable[[Iterable[Tool]], list[dict[str, Any]]]
SHAPES: tuple[tuple[str, Export], ...] = (("openai", as_openai), ("anthropic", as_anthropic), ("mcp", as_mcp))

# The compact mode's meta-tools, as an MCP server would list them (an estimate; see the module docstring).
META_TOOLS: list[dict[str, Any]] = [
    {
        "name": "search_operations",
        "description": "Find Klaviyo API operations (and workflows) by words or API path; returns names, titles "
        "and one-line descriptions. Then describe_operation for its input schema, and call_operation.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Words or an API path, e.g. 'add profile to list'"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            },
            "required": ["query"],
            "additionalProperties": False,
        },
    },
    {
        "name": "describe_operation",
        "description": "The full description and JSON input schema of one operation, by name.",
        "inputSchema": {
            "type": "object",
            "properties": {"name": {"type": "string", "description": "An operation name, e.g. get_profile"}},
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    {
        "name": "call_operation",
        "description": "Call one operation by name with arguments valid for its input schema; paged results "
        "carry next_cursor (pass it back as page_cursor). Writes may be disabled; dry_run returns the request.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "arguments": {"type": "object"},
                "dry_run": {"type": "boolean", "default": False},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
    },
]


def size(data: Any) -> int:
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def row(label: str, tools: Sequence[Tool]) -> str:
    cells = []
    for _, export in SHAPES:
        n = size(export(tools))
        cells.append(f"{n:,} B / ~{n // 4:,} tok")
    return f"| {label} | {len(tools)} | " + " | ".join(cells) + " |"


def report() -> str:
    everything = catalog()
    namespaces = Counter(t.namespace for t in everything)
    lines = [
        "| tools | count | as_openai (chat) | as_anthropic | as_mcp |",
        "|---|---:|---:|---:|---:|",
        row("all (operations + workflows)", everything),
        row("operations only", [t for t in everything if t.operation is not None]),
        row("workflows only", catalog(namespaces=["workflows"])),
        row("read-only (`read_only=True`)", catalog(read_only=True)),
    ]
    for namespace, _ in namespaces.most_common(5):
        lines.append(row(f"namespace `{namespace}`", catalog(namespaces=[namespace])))
    lines.append(row("namespaces `profiles,lists`", catalog(namespaces=["profiles", "lists"])))
    meta = size(META_TOOLS)
    lines.append(f"| compact mode: 3 meta-tools (estimate) | 3 | | | {meta:,} B / ~{meta // 4:,} tok |")
    largest = sorted(everything, key=lambda t: size(t.input_schema))[-3:]
    schemas = sorted((size(t.input_schema) for t in everything), reverse=True)
    median = schemas[len(schemas) // 2]
    notes = [
        f"- Largest input schemas: {', '.join(f'`{t.name}` {size(t.input_schema):,} B' for t in reversed(largest))}; "
        f"median {median:,} B.",
        "- Tokens are bytes / 4 (a rule of thumb, not a tokenizer). Compact JSON, UTF-8.",
        "- A `describe_operation` answer in compact mode is one tool's MCP entry: median "
        f"{sorted(size(as_mcp([t])) for t in everything)[len(everything) // 2]:,} B.",
    ]
    return "\n".join([*lines, "", *notes])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/tool_catalog.py", description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    table = report()
    print(table)
    if not args.no_write:
        section = (
            f"## Tool catalog size (`benchmarks/tool_catalog.py`, {today()})\n\n{machine()}\n\n"
            "What the tool lists cost in a model's context: compact JSON bytes and ~tokens (bytes / 4) per "
            "export shape.\n\n" + table
        )
        write_section("tool-catalog", section)


if __name__ == "__main__":
    main()
