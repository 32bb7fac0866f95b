"""Extensions import one way: workflows build on the generated namespaces, never on the facade that
composes them; the fake's routes build on the store and the request helpers, never on the fake."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RUNTIME = Path(__file__).parents[2] / "overrides" / "runtime"


def imported(module: Path) -> set[str]:
    """Every module ``module`` imports, anywhere (``TYPE_CHECKING`` blocks and functions too), as written."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names |= {base} if node.module else {base + alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_the_workflows_do_not_know_the_facade() -> None:
    assert {n for n in imported(RUNTIME / "_workflows.py") if n.lstrip(".") in ("_client", "client")} == set()


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("_store.py", set()),
        ("_filters.py", {"._store", "..filters"}),
        ("_http.py", {"._filters", "._store", ".._binding"}),
        (
            "_routes.py",
            {"._filters", "._http", "._store"}
            | {f"..api.{tag}" for tag in ("events", "images", "lists", "metrics", "profiles", "segments", "templates")},
        ),
        ("_job_routes.py", {"._http", "._store", ".._jobs_table", ".._operations", "..api.campaigns"}),
    ],
)
def test_the_fakes_route_modules_import_only_what_lies_below_them(module: str, allowed: set[str]) -> None:
    local = {n for n in imported(RUNTIME / "testing" / module) if n.startswith(".")}
    assert local == allowed


def test_no_route_table_is_filled_on_import() -> None:
    from klaviyo_generated.testing import _job_routes, _routes

    assert not hasattr(_routes, "ROUTES")
    first, second = _routes.routes(), _routes.routes()
    assert [(r.method, r.pattern) for r in first] == [(r.method, r.pattern) for r in second]
    assert first is not second  # each fake builds its own table
    assert {r.handler for r in _job_routes.routes()} >= {_job_routes.submit_import, _job_routes.send_campaign}
