"""The runtime's seams, checked on the hand-written sources: no reflection, one direction of imports.

The core request path (``_base_client``) knows nothing of jobs or filters; those extensions import
the core, never the reverse. Per-operation facts are the operation's own data, so nothing needs to
find generated code by name (``import_module``) or read annotations (``get_type_hints``) — except
``_shape``, which turns a body model's annotations into the checker for plain-dict bodies.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "overrides" / "runtime"
TEMPLATES = ROOT / "overrides" / "templates"


def _runtime_imports(module: Path) -> set[str]:
    """The sibling modules ``module`` imports when it runs (anywhere but under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for guard in ast.walk(tree)
        if isinstance(guard, ast.If) and ast.unparse(guard.test) == "TYPE_CHECKING"
        for statement in guard.body
        for node in ast.walk(statement)
    }
    names = set()
    for node in ast.walk(tree):
        if id(node) in typing_only or not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        if node.module:
            names.add(node.module.split(".")[0])
        else:
            names.update(alias.name for alias in node.names)
    return names


def test_no_runtime_module_finds_generated_code_by_name_or_reflection() -> None:
    pattern = re.compile(r"\b(import_module|get_type_hints|__import__)\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(RUNTIME.rglob("*.py"))
        if path.name != "_shape.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_the_core_request_path_imports_no_extension() -> None:
    extensions = {"_jobs", "_chunks", "_workflows", "filters", "_jobs_table", "_filters_table", "testing"}
    assert _runtime_imports(RUNTIME / "_base_client.py") & extensions == set()
    for core in ("_operation", "_request_body", "_response", "_ratelimit", "_transports", "_auth", "_lazy"):
        path = RUNTIME / f"{core}.py" if (RUNTIME / f"{core}.py").exists() else RUNTIME / core / "__init__.py"
        assert _runtime_imports(path) & extensions == set(), core


def test_jobs_and_chunks_sit_on_the_core_and_never_on_the_client() -> None:
    assert "_base_client" not in _runtime_imports(RUNTIME / "_jobs.py")
    assert "_base_client" not in _runtime_imports(RUNTIME / "_chunks.py")
    assert {"_operations", "_jobs_table"} & (
        _runtime_imports(RUNTIME / "_jobs.py") | _runtime_imports(RUNTIME / "_chunks.py")
    ) == set()


def test_the_operation_extension_is_named_once() -> None:
    """Every reader and writer of the request extension uses ``OPERATION_EXTENSION`` (log fields aside)."""
    spelled = [
        (str(path.relative_to(ROOT)), line)
        for path in sorted([*RUNTIME.rglob("*.py"), *TEMPLATES.rglob("*.jinja")])
        for line in path.read_text(encoding="utf-8").splitlines()
        if '"klaviyo_operation"' in line and "extra=" not in line
    ]
    assert spelled == [("overrides/runtime/_operation.py", 'OPERATION_EXTENSION: Final = "klaviyo_operation"')]
