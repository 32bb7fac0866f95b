"""Imports in ``klaviyo_generated/`` go one way: down the layers, never both ways between two modules.

    python -m tests.test_layers        # the map: each module's layer and what it imports (! marks a violation)
    pytest tests/test_layers.py        # the check; prints the map when it fails

The layers, lowest first (``LAYER_MAP`` below classifies every module; an unlisted module fails the check):

- **core**: settings, auth, transports, retry and rate-limit policies, the request path, errors, decoding.
- **generated**: what the spec becomes (endpoints, models, params, the operation tables, ``types``, ``errors``).
- **extensions**: features built on the generated code (jobs, pagination, chunks, filters, progress, the testing
  fake).
- **facade**: what users hold (``Klaviyo``, the per-tag resources, the workflows composed from them, the package's
  lazy names).

Rules, and the decisions behind them:

1. *Direction*: a module imports only from its own layer or lower ones. An import under ``TYPE_CHECKING``
   counts like any other (so does one inside a function): the importing module is written against the other's
   names and breaks with them. A lower layer that needs to name a higher one's type defines a ``Protocol`` (or
   takes a callable) in its own layer.
2. *No two-way knowledge*: no import cycle among modules of one layer, ``TYPE_CHECKING`` imports included. A cycle
   through two layers always contains an upward import, which rule 1 reports; so rules 1 and 2 together mean the
   import graph has no cycle at all, and each defect is reported once. ``api/``, ``models/``, ``params/`` and
   ``resources/`` are one node each (one per generated directory): cycles inside ``models/`` are the spec's
   recursive schemas, not design.
3. *No hidden imports*: ``import_module`` hides knowledge from this check; only a package ``__init__`` may use it
   (PEP 562 lazy names, which it also imports under ``TYPE_CHECKING``).

Today's violations are listed in ``KNOWN_VIOLATIONS`` with why each exists: the check fails on a new one, and on
a listed one that is gone (delete its line). Hand-written modules are read with ``ast``; the generated
directories, thousands of files from a few templates, by a line-anchored pattern (parsing them takes seconds).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "klaviyo_generated"
CORE, GENERATED, EXTENSIONS, FACADE = "core", "generated", "extensions", "facade"
ORDER = (CORE, GENERATED, EXTENSIONS, FACADE)
DIRECTORIES = ("api", "models", "params", "resources")  # generated per operation, schema or tag: one node each

# Module (dotted, under klaviyo_generated/; "__init__" is the package itself), layer, what it is.
LAYER_MAP: tuple[tuple[str, str, str], ...] = (
    ("_settings", CORE, "client settings: key, base URL, timeouts, policies"),
    ("_auth", CORE, "API-key auth and configuration errors"),
    ("_oauth", CORE, "OAuth tokens"),
    ("_oauth_flow", CORE, "OAuth onboarding: authorization URL with PKCE, code exchange, revocation"),
    ("_transports", CORE, "the httpx transport stack"),
    ("_transports.deferred", CORE, "a transport built on first use"),
    ("_transports.log", CORE, "the observing layer: a log line and the hooks per attempt"),
    ("_transports.ratelimit", CORE, "the rate-limit layer"),
    ("_transports.retry", CORE, "the retry layer"),
    ("_retry", CORE, "the retry policy (pure)"),
    ("_retry_after", CORE, "Retry-After and RateLimit-Reset parsing"),
    ("_ratelimit", CORE, "the in-process limiter"),
    ("_redis_ratelimit", CORE, "the shared Redis limiter"),
    ("_observe", CORE, "what is logged and handed to hooks per attempt, redacted; KLAVIYO_LOG"),
    ("_base_client", CORE, "the request path shared by the sync and async clients"),
    ("_options", CORE, "extra_headers/extra_query checks; what with_options() derives from a client"),
    ("_response", CORE, "APIResponse, raw-response mode"),
    ("_base_error", CORE, "KlaviyoError"),
    ("_exceptions", CORE, "every error class of the package"),
    ("_error_text", CORE, "the errors' message helpers: JSON and URL text, redaction"),
    ("_arguments", CORE, "argument checks run before a request is built"),
    ("_shape", CORE, "dict bodies checked against their TypedDict"),
    ("_lazy", CORE, "models decoded on first access"),
    ("_datetimes", CORE, "timestamp decoding"),
    ("_jsonapi", CORE, "reading JSON:API members off models"),
    ("_operation", CORE, "OperationSpec: what the spec says of an endpoint (plain data)"),
    ("_binding", CORE, "Operation: an OperationSpec bound to its generated request builder and parser"),
    ("_request_body", CORE, "request bodies encoded once and checked against the operation's own limits"),
    ("_unset", CORE, "UNSET, the value of what was not given"),
    ("_unions", CORE, "the switches that make union and enum decoding strict"),
    ("_aio", CORE, "asyncio, loaded on first use"),
    ("api", GENERATED, "one endpoint module per operation"),
    ("models", GENERATED, "one model per schema"),
    ("params", GENERATED, "TypedDict shapes of request bodies"),
    ("errors", GENERATED, "openapi-python-client's UnexpectedStatus"),
    ("types", GENERATED, "UNSET, File, strict-enum switches"),
    ("_operations", GENERATED, "the operation table"),
    ("_jobs_table", GENERATED, "job families and limits"),
    ("_returns", GENERATED, "result and item type aliases per operation"),
    ("_jobs", EXTENSIONS, "job handles: wait, cancel, limits"),
    ("_pagination", EXTENSIONS, "pagers over links.next"),
    ("_chunks", EXTENSIONS, "large job bodies split into several jobs"),
    ("filters", EXTENSIONS, "the filter expression builder"),
    ("_inputs", EXTENSIONS, "the workflows' input checks"),
    ("progress", EXTENSIONS, "progress bars for jobs"),
    ("webhooks", EXTENSIONS, "system webhooks received: signature, timestamp and id checked, items typed"),
    ("testing", EXTENSIONS, "the fake Klaviyo"),
    ("testing._fake", EXTENSIONS, "its HTTP server and transport"),
    ("testing._faults", EXTENSIONS, "injected faults"),
    ("testing._filters", EXTENSIONS, "its filter= parsing, refusal and matching"),
    ("testing._http", EXTENSIONS, "what its routes share: JSON:API answers, paging, include, filter"),
    ("testing._job_routes", EXTENSIONS, "its job endpoints"),
    ("testing._oauth_routes", EXTENSIONS, "its OAuth authorization server: apps, consent, token and revoke"),
    ("testing._routes", EXTENSIONS, "its endpoints"),
    ("testing._store", EXTENSIONS, "its in-memory data"),
    ("testing._validation", EXTENSIONS, "its request validation"),
    ("testing._webhooks", EXTENSIONS, "its signed system webhook deliveries"),
    ("resources", FACADE, "one namespace per tag (kv.profiles, ...)"),
    ("_workflows", FACADE, "kv.workflows: tasks composed from the resources' public methods"),
    ("_workflow_lists", FACADE, "kv.workflows.add_to_list / remove_from_list by email: lookups, imports, in batches"),
    ("_client", FACADE, "Klaviyo and AsyncKlaviyo"),
    ("tools", FACADE, "every operation and workflow as an LLM tool: the catalog, its filters and export shapes"),
    ("tools._catalog", FACADE, "Tool, catalog(), get_tool(): catalog.json and the workflow tools, read on first use"),
    ("tools._search", FACADE, "search(): the tools a few words describe"),
    ("tools._export", FACADE, "the catalog as OpenAI, Anthropic and MCP tool dicts"),
    ("tools._workflow_tools", FACADE, "kv.workflows' input schemas, written from their signatures"),
    ("tools._call", FACADE, "a catalog tool run on a client: arguments checked, answer paged and cut, dry run"),
    ("mcp", FACADE, "the MCP server's public names (lazy: the SDK loads on first use)"),
    ("mcp._options", FACADE, "the MCP server's command line"),
    ("mcp._server", FACADE, "the MCP server: catalog tools listed and called, compact mode, refusals"),
    ("mcp.__main__", FACADE, "python -m klaviyo_generated.mcp: stdio or HTTP on 127.0.0.1"),
    ("__init__", FACADE, "the package's public names"),
)

# Violation -> why it exists today. Delete a line when its violation is gone (the check says so).
KNOWN_VIOLATIONS: dict[str, str] = {
    "_shape -> params": "a dict body is checked against the SHAPE data of its generated params module",
    "_ratelimit -> _operations": "the limiter's public methods take an operation's name too "
    "(kv.rate_limiter.pause('get_profile', 30)): a name is looked up in the generated table",
}

FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+(\.+[\w.]*|klaviyo_generated\b[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.MULTILINE
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "__init__"


@cache
def sources() -> tuple[tuple[str, Path], ...]:
    """(dotted module name, file) for every module of the package, stubs (``.pyi``) included."""
    return tuple(
        (_module_name(path), path)
        for path in sorted(PACKAGE.rglob("*.py*"))
        if path.suffix in {".py", ".pyi"} and "__pycache__" not in path.parts
    )


@cache
def module_names() -> frozenset[str]:
    return frozenset(name for name, _ in sources())


def node(module: str) -> str:
    """The graph node of a module: itself, or its generated directory."""
    top = module.split(".", 1)[0]
    return top if top in DIRECTORIES else module


def _resolve(module: str, path: Path, level: int, name: str | None, imported: list[str]) -> Iterator[str]:
    """The modules an import reaches: ``from .x import y`` reaches ``x.y`` if that is a module, else ``x``."""
    if level:
        package = [] if module == "__init__" else module.split(".")
        if path.stem != "__init__":
            package = package[:-1]  # a module's siblings, a package's children
        base = [*package[: len(package) - level + 1], *(name.split(".") if name else [])]
    else:
        base = (name or "").split(".")[1:]  # klaviyo_generated.x
    base_name = ".".join(base) or "__init__"
    if not imported:
        yield base_name
    for item in imported:
        submodule = f"{base_name}.{item}" if base else item
        yield submodule if submodule in module_names() else base_name


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _statements(path: Path, module: str) -> Iterator[tuple[int, str | None, list[str]]]:
    """(level, module, imported names) of each import from inside the package."""
    if node(module) != module:  # a generated directory: a pattern is enough and fast
        text = path.read_text(encoding="utf-8")
        for match in FROM_IMPORT.finditer(text):
            dots = len(match[1]) - len(match[1].lstrip("."))
            names = [
                n.split()[0] for n in match[2].split("#")[0].strip("()").replace("\n", ",").split(",") if n.strip()
            ]
            yield dots, match[1][dots:] or None, names
        return
    for statement in ast.walk(_tree(path)):
        if isinstance(statement, ast.ImportFrom):
            if statement.level or (statement.module or "").split(".")[0] == "klaviyo_generated":
                yield statement.level, statement.module, [a.name for a in statement.names]
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name.split(".")[0] == "klaviyo_generated":
                    yield 0, alias.name, []


@cache
def imports() -> frozenset[tuple[str, str]]:
    """(importing node, imported node) for every import inside the package, a node's own imports left out."""
    found = set()
    for module, path in sources():
        for level, name, imported in _statements(path, module):
            found |= {(node(module), node(target)) for target in _resolve(module, path, level, name, imported)}
    return frozenset((source, target) for source, target in found if source != target)


def dynamic_importers() -> set[str]:
    """Modules outside the generated directories that call ``import_module`` or ``__import__``, ``__init__`` aside."""
    return {
        module
        for module, path in sources()
        if node(module) == module
        and path.stem != "__init__"
        and any(
            isinstance(call, ast.Call) and _called_name(call.func) in {"import_module", "__import__"}
            for call in ast.walk(_tree(path))
        )
    }


def _called_name(function: ast.expr) -> str:
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def layer_of() -> dict[str, str]:
    return {module: layer for module, layer, _ in LAYER_MAP}


def unclassified() -> list[str]:
    layers = layer_of()
    return sorted({node(module) for module in module_names()} - layers.keys())


def _same_layer_cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan) of more than one node."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(vertex: str) -> None:
        index[vertex] = low[vertex] = len(index)
        stack.append(vertex)
        on_stack.add(vertex)
        for successor in sorted(graph[vertex]):
            if successor not in index:
                visit(successor)
                low[vertex] = min(low[vertex], low[successor])
            elif successor in on_stack:
                low[vertex] = min(low[vertex], index[successor])
        if low[vertex] == index[vertex]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == vertex:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for vertex in sorted(graph):
        if vertex not in index:
            visit(vertex)
    return sorted(components)


def violations() -> set[str]:
    rank = {name: ORDER.index(layer) for name, layer in layer_of().items()}
    edges = imports()
    upward = {f"{s} -> {t}" for s, t in edges if rank[t] > rank[s]}
    flat = {(s, t) for s, t in edges if rank[t] == rank[s]}
    cycles = {"cycle: " + ", ".join(component) for component in _same_layer_cycles(flat)}
    return upward | cycles | {f"dynamic: {name}" for name in dynamic_importers()}


def layer_map() -> str:
    """Each node's layer and the nodes it imports; ``!`` marks an import that breaks rule 1 or 2."""
    layers = layer_of()
    found = violations()
    targets: dict[str, set[str]] = {}
    for source, target in imports():
        targets.setdefault(source, set()).add(target)
    lines = []
    for layer in ORDER:
        lines.append(f"{layer}:")
        for module in sorted(m for m, where in layers.items() if where == layer):
            marked = [
                f"{t}!" if f"{module} -> {t}" in found or _in_cycle(module, t, found) else t
                for t in sorted(targets.get(module, ()), key=lambda t: (ORDER.index(layers.get(t, CORE)), t))
            ]
            dynamic = " (import_module!)" if f"dynamic: {module}" in found else ""
            lines.append(f"  {module:22} -> {', '.join(marked) or '-'}{dynamic}")
    return "\n".join(lines)


def _in_cycle(source: str, target: str, found: set[str]) -> bool:
    return any(v.startswith("cycle: ") and {source, target} <= set(v[7:].split(", ")) for v in found)


def test_every_module_has_a_layer() -> None:
    assert unclassified() == [], "add these modules to LAYER_MAP in tests/test_layers.py"


def test_imports_go_down_the_layers_and_never_both_ways() -> None:
    found = violations()
    new = sorted(found - KNOWN_VIOLATIONS.keys())
    gone = sorted(KNOWN_VIOLATIONS.keys() - found)
    report = [f"new violation: {v}" for v in new] + [f"gone (delete from KNOWN_VIOLATIONS): {v}" for v in gone]
    assert not report, "\n".join([*report, "", layer_map()])


def test_the_check_sees_each_kind_of_import() -> None:
    # Guards against a check that passes because it reads nothing.
    edges = imports()
    assert ("_chunks", "_jobs") in edges  # from ._jobs import ...
    assert ("_jobs", "_base_client") in edges  # under TYPE_CHECKING
    assert ("_arguments", "_shape") in edges  # inside a function
    assert ("testing", "testing._fake") in edges  # a package's __init__, relative to itself
    assert ("_transports.ratelimit", "_ratelimit") in edges  # two dots
    assert ("resources", "api") in edges  # a generated directory, read by the pattern
    assert ("models", "_lazy") in edges
    assert ("_shape", "params") in edges  # from . import params


def test_the_rules_on_a_small_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "klaviyo_generated"
    files = {
        "__init__.py": "from ._client import Klaviyo\n",
        "_client.py": "from ._core import x\n",
        "_core.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ._ext import Y\n",
        "_ext.py": "from ._ext2 import z\n",
        "_ext2.py": "def f():\n    from ._ext import Y\n    import importlib\n    importlib.import_module('x')\n",
        "models/__init__.py": "",
        "models/a.py": "from ..models.b import B\nfrom .._core import x\n",
        "models/b.py": "from ..models.a import A\nfrom .. import _client\n",
        "models/c.py": "def f():\n    from .._ext import (\n        Y,  # why\n    )\n",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    lower = (("_core", CORE, ""), ("models", GENERATED, ""), ("_ext", EXTENSIONS, ""), ("_ext2", EXTENSIONS, ""))
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "PACKAGE", package)
    monkeypatch.setattr(this, "LAYER_MAP", lower)
    for cached in (sources, module_names, imports, _tree):
        cached.cache_clear()
    try:
        assert unclassified() == ["__init__", "_client"]
        monkeypatch.setattr(this, "LAYER_MAP", (*lower, ("_client", FACADE, ""), ("__init__", FACADE, "")))
        assert unclassified() == []
        assert violations() == {
            "_core -> _ext",  # under TYPE_CHECKING
            "cycle: _ext, _ext2",  # one side inside a function
            "dynamic: _ext2",
            "models -> _client",  # from .. import _client
            "models -> _ext",  # parenthesised, inside a function
        }  # the cycle inside models/ (a <-> b) is one node's own business
    finally:
        for cached in (sources, module_names, imports, _tree):
            cached.cache_clear()


if __name__ == "__main__":
    print(layer_map())
    print("\nviolations:")
    print("\n".join(f"  {v}: {KNOWN_VIOLATIONS.get(v, 'NEW')}" for v in sorted(violations())))
    sys.exit(0)
