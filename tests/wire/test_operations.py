"""Per-operation facts from the spec travel with each request (``extensions``) and sit in one table."""

from __future__ import annotations

import json
import re
from pathlib import Path

from klaviyo_generated._operations import OPERATIONS, Operation
from klaviyo_generated.api.catalogs import get_catalog_item
from klaviyo_generated.api.profiles import get_profiles
from tests.wire.conftest import Recorder

API = Path(__file__).resolve().parents[2] / "klaviyo_generated" / "api"


def test_requests_carry_their_operation_id(recorder: Recorder) -> None:
    get_profiles.sync_detailed(client=recorder.client())
    assert recorder.last.extensions["klaviyo_operation"] == "get_profiles"
    recorder.reply(404, {"errors": []})
    get_catalog_item.sync_detailed("abc", client=recorder.client())
    assert recorder.last.extensions["klaviyo_operation"] == "get_catalog_item"


def test_every_endpoint_module_tags_its_request_with_a_known_operation() -> None:
    tagged = {}
    for module in API.rglob("[!_]*.py"):
        found = re.findall(r'"klaviyo_operation": "([a-z0-9_]+)"', module.read_text())
        assert found == [module.stem], module
        tagged[module.stem] = module.parent.name
    assert tagged == {name: operation.tag for name, operation in OPERATIONS.items()}


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
    paginated = {key for key, op in declared.items() if any(p["name"] == "page[cursor]" for p in op["parameters"])}
    assert {(op.method, op.path) for op in OPERATIONS.values() if op.paginated} == paginated
    assert len(paginated) == 64


def test_rate_limit_windows_are_read_from_the_spec() -> None:
    assert OPERATIONS["get_profiles"] == Operation(
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
