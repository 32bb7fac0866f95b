"""TEST-ONLY stand-ins for ``klaviyo_generated.tools.Tool`` and ``catalog()`` (the contract's fields), so the
execution and the server are tested against a small catalog whose counts per mode are known exactly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

KEY = "pk_" + "0123456789abcdef" * 2 + "Zz"  # shaped like a real private key: it must appear in no answer


@attrs.frozen
class Tool:
    name: str
    namespace: str
    method: str
    operation: str | None
    title: str
    description: str
    input_schema: dict[str, Any]
    read_only: bool
    destructive: bool
    idempotent: bool
    scopes: tuple[str, ...]
    paginated: bool


def _schema(properties: dict[str, Any], required: Iterable[str] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


_ID = {"type": "string", "description": "the resource's id"}
_FIELDS_PROFILE = {
    "type": "array",
    "items": {"type": "string", "enum": ["email", "first_name", "last_name", "created"]},
}
_PAGE = {"page_cursor": {"type": "string"}, "page_size": {"type": "integer", "minimum": 1, "maximum": 100}}
_BODY = {"type": "object", "properties": {"data": {"type": "object"}}, "required": ["data"]}


def _tool(
    name: str, namespace: str, title: str, schema: dict[str, Any], scopes: tuple[str, ...], **hints: bool
) -> Tool:
    read_only = hints.get("read_only", False)
    return Tool(
        name=name,
        namespace=namespace,
        method=name.removeprefix("workflows_"),
        operation=None if namespace == "workflows" else name,
        title=title,
        description=f"{title}. Scopes: {', '.join(scopes)}.",
        input_schema=schema,
        read_only=read_only,
        destructive=hints.get("destructive", False),
        idempotent=hints.get("idempotent", read_only),
        scopes=scopes,
        paginated=hints.get("paginated", False),
    )


TOOLS: tuple[Tool, ...] = (
    _tool(
        "get_profile",
        "profiles",
        "Get Profile",
        _schema({"id": _ID, "fields_profile": _FIELDS_PROFILE}, ["id"]),
        ("profiles:read",),
        read_only=True,
    ),
    _tool(
        "get_profiles",
        "profiles",
        "Get Profiles",
        _schema({"fields_profile": _FIELDS_PROFILE, "filter": {"type": "string"}, **_PAGE}),
        ("profiles:read",),
        read_only=True,
        paginated=True,
    ),
    _tool("create_profile", "profiles", "Create Profile", _schema({"body": _BODY}, ["body"]), ("profiles:write",)),
    _tool(
        "get_lists",
        "lists",
        "Get Lists",
        _schema({"filter": {"type": "string"}, "page_cursor": {"type": "string"}}),
        ("lists:read",),
        read_only=True,
        paginated=True,
    ),
    _tool(
        "delete_list",
        "lists",
        "Delete List",
        _schema({"id": _ID}, ["id"]),
        ("lists:write",),
        destructive=True,
        idempotent=True,
    ),
    _tool(
        "add_profiles_to_list",
        "lists",
        "Add Profiles to List",
        _schema({"id": _ID, "body": _BODY}, ["id", "body"]),
        ("lists:write", "profiles:write"),
    ),
    _tool(
        "workflows_add_to_list",
        "workflows",
        "Add profiles to a list",
        _schema(
            {
                "list_id": _ID,
                "profile_ids": {"type": "array", "items": {"type": "string"}},
                "emails": {"type": "array", "items": {"type": "string"}},
            },
            ["list_id"],
        ),
        ("lists:write", "profiles:write"),
    ),
)


def _granted(needed: str, scopes: set[str]) -> bool:
    resource, _, access = needed.partition(":")
    return needed in scopes or (access == "read" and f"{resource}:write" in scopes)


def catalog(
    *, namespaces: Iterable[str] | None = None, read_only: bool = False, scopes: Iterable[str] | None = None
) -> tuple[Tool, ...]:
    """The contract's filters over ``TOOLS``: a ``:write`` scope grants its ``:read``."""
    wanted = None if namespaces is None else set(namespaces)
    granted = None if scopes is None else set(scopes)
    return tuple(
        tool
        for tool in TOOLS
        if (wanted is None or tool.namespace in wanted)
        and (tool.read_only or not read_only)
        and (granted is None or all(_granted(scope, granted) for scope in tool.scopes))
    )


def by_name(name: str) -> Tool:
    return next(tool for tool in TOOLS if tool.name == name)
