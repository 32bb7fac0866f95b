"""The catalog: ``catalog.json`` (generated, one entry per operation) and the workflow tools, read on first use.

Importing ``klaviyo_generated`` (or this package) reads nothing: the JSON (about 0.8 MB, 0.1 s) is parsed
the first time a tool is asked for, once per process.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import attrs

from .._exceptions import UnknownToolError

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
WORKFLOWS = "workflows"


@attrs.frozen(kw_only=True)
class Tool:
    """One tool: call ``getattr(kv, namespace).<method>(**arguments)`` with arguments valid for ``input_schema``."""

    name: str
    namespace: str
    method: str
    operation: str | None
    title: str
    description: str
    input_schema: dict[str, Any] = attrs.field(hash=False)  # a dict: hashing goes by the other fields
    read_only: bool
    destructive: bool
    idempotent: bool
    scopes: tuple[str, ...]
    paginated: bool
    http: str = ""  # "GET /api/profiles/{id}" for an operation; "" for a workflow

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (a copy: changing it leaves the catalog alone)."""
        data = attrs.asdict(self, recurse=False)
        data["input_schema"] = json.loads(json.dumps(self.input_schema))
        data["scopes"] = list(self.scopes)
        return data


def _operation_tool(entry: dict[str, Any]) -> Tool:
    return Tool(
        name=entry["name"],
        namespace=entry["namespace"],
        method=entry["method"],
        operation=entry["operation"],
        title=entry["title"],
        description=entry["description"],
        input_schema=entry["input_schema"],
        read_only=entry["read_only"],
        destructive=entry["destructive"],
        idempotent=entry["idempotent"],
        scopes=tuple(entry["scopes"]),
        paginated=entry["paginated"],
        http=entry["http"],
    )


@cache
def _workflow_docstrings() -> dict[str, str]:
    """``Workflows``' method docstrings, read from its source: importing ``_workflows`` would load httpx
    and the client (half a second) for what is text."""
    package = str(__package__).rpartition(".")[0]
    source = resources.files(package).joinpath("_workflows.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == "Workflows":
            return {
                item.name: ast.get_docstring(item) or item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef)
            }
    return {}


def _docstring_summary(method: str) -> str:
    """The first paragraph of ``Workflows.<method>``'s docstring, as one line."""
    text = _workflow_docstrings().get(method, method)
    return re.sub(r"\s+", " ", text.split("\n\n")[0].replace("``", "")).strip()


def _workflow_tools(operations: dict[str, Tool]) -> list[Tool]:
    try:
        from ._workflow_tools import WORKFLOW_TOOLS
    except ImportError:  # a package generated without the workflows' operations has neither
        return []
    tools = []
    for method, (schema, sends, read_only, destructive, idempotent) in WORKFLOW_TOOLS.items():
        scopes = tuple(
            sorted(minimal_scopes(s for name in sends if name in operations for s in operations[name].scopes))
        )
        summary = _docstring_summary(method)
        via = ", ".join(sends)
        description = f"{summary} Sends: {via}." + (f" Scopes: {', '.join(scopes)}." if scopes else "")
        tools.append(
            Tool(
                name=f"{WORKFLOWS}_{method}",
                namespace=WORKFLOWS,
                method=method,
                operation=None,
                title=method.replace("_", " ").capitalize() + " (workflow)",
                description=description,
                input_schema=schema,
                read_only=read_only,
                destructive=destructive,
                idempotent=idempotent,
                scopes=scopes,
                paginated=False,
            )
        )
    return tools


@cache
def all_tools() -> tuple[Tool, ...]:
    """Every tool: the operations (by name), then the workflows."""
    text = resources.files(__package__).joinpath("catalog.json").read_text(encoding="utf-8")
    operations = {entry["name"]: _operation_tool(entry) for entry in json.loads(text)}
    return (*operations.values(), *_workflow_tools(operations))


@cache
def _by_name() -> dict[str, Tool]:
    return {tool.name: tool for tool in all_tools()}


def implied_scopes(scopes: Iterable[str]) -> frozenset[str]:
    """What a key holding ``scopes`` may do: each ``<resource>:write`` also grants ``<resource>:read``
    (Klaviyo's "full access" to a resource includes reading it)."""
    granted = set()
    for scope in scopes:
        granted.add(scope)
        resource, _, level = scope.rpartition(":")
        if level == "write" and resource:
            granted.add(f"{resource}:read")
    return frozenset(granted)


def minimal_scopes(scopes: Iterable[str]) -> set[str]:
    """``scopes`` without the reads a write in it implies (what a key needs, stated once)."""
    given = set(scopes)
    return {s for s in given if not (s.endswith(":read") and s[: -len("read")] + "write" in given)}


def catalog(
    *, namespaces: Iterable[str] | None = None, read_only: bool = False, scopes: Iterable[str] | None = None
) -> tuple[Tool, ...]:
    """The tools, filtered: only these ``namespaces`` ("profiles", "workflows", …), only reads, only those a
    key with ``scopes`` may call (every scope the tool needs granted, ``:write`` granting ``:read``)."""
    wanted = None if namespaces is None else {namespaces} if isinstance(namespaces, str) else set(namespaces)
    granted = None if scopes is None else implied_scopes([scopes] if isinstance(scopes, str) else scopes)
    return tuple(
        tool
        for tool in all_tools()
        if (wanted is None or tool.namespace in wanted)
        and (not read_only or tool.read_only)
        and (granted is None or granted.issuperset(tool.scopes))
    )


def get_tool(name: str) -> Tool:
    """The tool named ``name``; ``UnknownToolError`` (a ``KlaviyoError``) with the close names otherwise."""
    tools = _by_name()
    tool = tools.get(name) if isinstance(name, str) else None
    if tool is None:
        raise UnknownToolError(str(name), difflib.get_close_matches(str(name), tools, n=3, cutoff=0.6))
    return tool


__all__ = ["Tool", "all_tools", "catalog", "get_tool", "implied_scopes", "minimal_scopes"]
