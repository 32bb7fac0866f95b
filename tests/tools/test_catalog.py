"""``klaviyo_generated.tools``: one tool per operation plus the workflows, each callable as its schema says."""

from __future__ import annotations

import importlib
import inspect
import json
import re
import subprocess
import sys
from collections import Counter

import pytest

from klaviyo_generated import KlaviyoError
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated._workflows import Workflows
from klaviyo_generated.tools import Tool, UnknownToolError, catalog, get_tool, implied_scopes
from klaviyo_generated.types import UNSET

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
TRANSPORT = {"self", "revision", "timeout", "retry", "max_retries", "extra_headers", "extra_query"}
WORKFLOW_METHODS = {
    "find_profile",
    "upsert_profile",
    "add_to_list",
    "remove_from_list",
    "track_event",
    "subscribe",
    "unsubscribe",
    "upload_image",
    "suppress",
    "unsuppress",
    "create_campaign",
    "assign_template",
    "send_campaign",
    "cancel_campaign",
    "revert_campaign",
}


def _operation_tools() -> list[Tool]:
    return [tool for tool in catalog() if tool.operation is not None]


def _resource_class(namespace: str) -> type:
    """``kv.<namespace>``'s class (``resources/custom_objects.py`` holds ``CustomObjects``)."""
    module = importlib.import_module(f"klaviyo_generated.resources.{namespace}")
    cls: type = getattr(module, "".join(part.capitalize() for part in namespace.split("_")))
    return cls


def test_one_tool_per_operation_and_per_workflow_named_for_every_tool_api() -> None:
    tools = catalog()
    assert len(tools) == 345 + 15
    assert {t.name for t in _operation_tools()} == set(OPERATIONS)
    assert {t.method for t in tools if t.namespace == "workflows"} == WORKFLOW_METHODS
    assert len({t.name for t in tools}) == len(tools)
    assert [t.name for t in tools if not NAME.match(t.name)] == []
    for tool in _operation_tools():
        spec = OPERATIONS[tool.name]
        assert (tool.namespace, tool.method, tool.operation) == (spec.tag, tool.name, tool.name)
        assert tool.http == f"{spec.method} {spec.path}"
        assert tool.scopes == spec.scopes
        assert tool.read_only == (spec.method == "GET")
        assert tool.paginated == spec.paginated


def test_each_operation_tools_properties_are_its_resource_methods_keywords() -> None:
    mismatched = {}
    for tool in _operation_tools():
        method = getattr(_resource_class(tool.namespace), tool.method)
        parameters = {n: p for n, p in inspect.signature(method).parameters.items() if n not in TRANSPORT}
        required = sorted(n for n, p in parameters.items() if p.default is inspect.Parameter.empty)
        schema = tool.input_schema
        if set(schema["properties"]) != set(parameters) or sorted(schema.get("required", [])) != required:
            mismatched[tool.name] = (sorted(schema["properties"]), sorted(parameters), required)
    assert mismatched == {}


def test_defaults_in_the_schemas_are_the_methods_defaults() -> None:
    """A schema default is what the method sends when the argument is left out (``page_size=20``)."""
    checked = 0
    for tool in _operation_tools():
        method = getattr(_resource_class(tool.namespace), tool.method)
        for name, parameter in inspect.signature(method).parameters.items():
            declared = tool.input_schema["properties"].get(name, {})
            if "default" in declared and parameter.default is not UNSET and not isinstance(parameter.default, str):
                assert declared["default"] == parameter.default, (tool.name, name)
                checked += 1
    assert checked >= 30


def test_workflow_tools_take_only_what_their_methods_accept() -> None:
    for tool in catalog(namespaces=["workflows"]):
        parameters = inspect.signature(getattr(Workflows, tool.method)).parameters
        accepts_more = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        extra = set(tool.input_schema["properties"]) - set(parameters)
        assert not extra or accepts_more, (tool.name, extra)
        required = {n for n, p in parameters.items() if n != "self" and p.default is inspect.Parameter.empty}
        required -= {n for n, p in parameters.items() if p.kind is inspect.Parameter.VAR_KEYWORD}
        assert required <= set(tool.input_schema.get("required", [])), tool.name
        assert tool.operation is None
        assert tool.name == f"workflows_{tool.method}"
        assert tool.scopes
        assert tool.description.startswith(str(inspect.getdoc(getattr(Workflows, tool.method))).replace("``", "")[:30])


def test_hints() -> None:
    assert get_tool("get_profile").read_only
    assert get_tool("get_profile").idempotent
    assert get_tool("delete_list").destructive
    assert get_tool("delete_list").idempotent
    assert not get_tool("create_profile").destructive
    assert not get_tool("create_profile").idempotent
    assert get_tool("cancel_campaign_send").destructive
    assert get_tool("remove_profiles_from_list").destructive
    assert get_tool("update_profile").idempotent is False  # PATCH: a JSON:API partial update, not declared safe
    counts = Counter((t.read_only, t.destructive) for t in catalog())
    assert counts == {(True, False): 205, (False, False): 111, (False, True): 44}


def test_filters_by_namespace_read_only_and_scopes() -> None:
    assert len(catalog(namespaces=["profiles"])) == 38
    assert len(catalog(namespaces=["profiles", "lists"])) == 51
    assert len(catalog(namespaces="lists")) == 13
    assert len(catalog(namespaces=["workflows"])) == 15
    assert len(catalog(read_only=True)) == 204 + 1  # the GET operations and workflows_find_profile
    assert len(catalog(namespaces=["profiles"], read_only=True)) == 27
    assert catalog(namespaces=["no_such"]) == ()
    # Scopes: a tool is kept when every scope it needs is granted; ":write" grants ":read" too.
    read_profiles = catalog(scopes=["profiles:read"])
    assert {t.name for t in read_profiles if t.scopes} == {
        t.name for t in catalog() if t.scopes and set(t.scopes) == {"profiles:read"}
    }
    assert len(read_profiles) == 15
    assert len(catalog(scopes=["profiles:write"])) == 21
    assert {t.name for t in catalog(scopes=["profiles:read"])} < {t.name for t in catalog(scopes=["profiles:write"])}
    assert "add_profiles_to_list" not in {t.name for t in catalog(scopes=["lists:write"])}  # needs profiles:write too
    assert "add_profiles_to_list" in {t.name for t in catalog(scopes=["lists:write", "profiles:write"])}
    assert "workflows_add_to_list" in {t.name for t in catalog(scopes=["lists:write", "profiles:write"])}
    unscoped = [t.name for t in catalog() if not t.scopes]
    assert len(unscoped) == 7  # /client/ endpoints: a public key, no scopes; every filter keeps them
    assert {t.name for t in catalog(scopes=[])} == set(unscoped)
    everything = {s for t in catalog() for s in t.scopes}
    assert len(catalog(scopes=everything)) == len(catalog())
    assert implied_scopes(["lists:write", "events:read"]) == {"lists:write", "lists:read", "events:read"}


def test_an_unknown_tool_is_a_klaviyo_error_naming_the_close_ones() -> None:
    with pytest.raises(UnknownToolError, match=r"no tool named 'get_profil'; did you mean get_profile, ") as caught:
        get_tool("get_profil")
    assert isinstance(caught.value, KlaviyoError)
    assert isinstance(caught.value, LookupError)
    assert not isinstance(caught.value, KeyError)
    assert caught.value.suggestions[0] == "get_profile"
    with pytest.raises(UnknownToolError, match=r"^no tool named 'zzz'$"):
        get_tool("zzz")


def test_to_dict_is_plain_data_and_a_copy() -> None:
    tool = get_tool("get_list")
    data = tool.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "name", "namespace", "method", "operation", "title", "description", "input_schema",
        "read_only", "destructive", "idempotent", "scopes", "paginated", "http",
    }  # fmt: skip
    data["input_schema"]["properties"].clear()
    assert get_tool("get_list").input_schema["properties"]
    assert hash(tool) == hash(get_tool("get_list"))  # usable in sets, though it holds a dict


def test_descriptions_are_concise_and_carry_limits_scopes_and_returns() -> None:
    tool = get_tool("add_profiles_to_list")
    assert tool.description == (
        "Add Profiles to List. Add a profile to a list with the given list ID. It is recommended that you use the "
        "Subscribe Profiles endpoint if you're trying to give a profile consent to receive email marketing, SMS "
        "marketing, or both. Rate limits: burst 10/s, steady 150/m. Scopes: lists:write, profiles:write. Returns "
        "nothing (204 No Content). POST /api/lists/{id}/relationships/profiles."
    )
    assert get_tool("get_profiles").description.endswith(
        "Returns profile resources (JSON:API), one page; pass page_cursor for the next. GET /api/profiles."
    )
    assert "Returns the created profile resource (JSON:API)." in get_tool("create_profile").description
    for tool in catalog():
        assert len(tool.description) <= 600, tool.name
        assert not {"<br", "](", "**"} & {m for m in ("<br", "](", "**") if m in tool.description}, tool.name
        if tool.operation is not None:
            assert {"Rate limits: burst ", " Returns "} <= {
                m for m in ("Rate limits: burst ", " Returns ") if m in tool.description
            }, tool.name


def test_importing_the_package_reads_no_catalog() -> None:
    code = (
        "import sys, klaviyo_generated; "
        "print(sorted(m for m in sys.modules if m.startswith('klaviyo_generated.tools'))); "
        "import klaviyo_generated.tools as t; print(t._catalog.all_tools.cache_info().currsize); "
        "t.get_tool('get_profile'); print(t._catalog.all_tools.cache_info().currsize)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "0", "1"]
