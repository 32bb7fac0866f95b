"""Per-operation facts from the spec travel with each request (``extensions``) and sit in one table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klaviyo_generated import NotFoundError
from klaviyo_generated._operation import OPERATION_EXTENSION, OperationSpec
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.api.catalogs import get_catalog_item
from klaviyo_generated.api.profiles import get_profiles
from tests.endpoints import endpoint
from tests.wire.conftest import Recorder

API = Path(__file__).resolve().parents[2] / "klaviyo_generated" / "api"


def test_requests_carry_their_operation(recorder: Recorder) -> None:
    recorder.client().profiles.get_profiles()
    assert recorder.last.extensions[OPERATION_EXTENSION] is get_profiles.OPERATION.spec
    recorder.reply(404, {"errors": []})
    with pytest.raises(NotFoundError):
        recorder.client().catalogs.get_catalog_item("abc")
    assert recorder.last.extensions[OPERATION_EXTENSION] is get_catalog_item.OPERATION.spec


def test_every_endpoint_module_binds_its_own_operation() -> None:
    modules = {module.stem: module.parent.name for module in API.rglob("[!_]*.py")}
    assert modules == {name: operation.tag for name, operation in OPERATIONS.items()}
    for name, spec in OPERATIONS.items():
        operation = endpoint(name).OPERATION
        assert operation.spec is spec, name
        assert operation.build is endpoint(name)._get_kwargs
        assert operation.parse is endpoint(name)._parse_response


def test_the_table_holds_every_operation_of_the_spec(pinned_spec_path: Path) -> None:
    spec = json.loads(pinned_spec_path.read_bytes())
    declared = {
        (method.upper(), path): operation
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "patch", "put", "delete"}
    }
    assert len(OPERATIONS) == len(declared) == 345
    assert {(op.method, op.path) for op in OPERATIONS.values()} == set(declared)
    assert all(op.name == name for name, op in OPERATIONS.items())
    paginated = {key for key, op in declared.items() if any(p["name"] == "page[cursor]" for p in op["parameters"])}
    assert {(op.method, op.path) for op in OPERATIONS.values() if op.paginated} == paginated
    assert len(paginated) == 64


def test_rate_limit_windows_are_read_from_the_spec() -> None:
    assert OPERATIONS["get_profiles"] == OperationSpec(
        name="get_profiles",
        method="GET",
        path="/api/profiles",
        tag="profiles",
        rate_limits=((75, 1.0), (750, 60.0)),
        scopes=("profiles:read",),
        paginated=True,
    )
    with_daily = sorted(name for name, op in OPERATIONS.items() if len(op.rate_limits) == 3)
    assert len(with_daily) == 16
    assert all(op.rate_limits[2][1] == 86400.0 for name, op in OPERATIONS.items() if name in with_daily)
