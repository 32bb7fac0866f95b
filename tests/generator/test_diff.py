"""The revision diff: a golden report on two fixture specs, and real differences between shared revisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.__main__ import main
from generator.diff import Change, diff
from generator.diff_cli import report

HERE = Path(__file__).resolve().parent
OLD, NEW = HERE / "fixtures" / "diff_old.json", HERE / "fixtures" / "diff_new.json"
GOLDEN = HERE / "golden" / "diff.md"


def test_the_fixture_report_matches_the_golden_markdown() -> None:
    assert report(OLD, NEW) == GOLDEN.read_text(encoding="utf-8")


def test_the_command_prints_and_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "diff.md"
    assert main(["diff", str(OLD), str(NEW), "--markdown", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
    assert capsys.readouterr().out.startswith("# Klaviyo API 2026-01-15 → 2026-04-15\n")


def test_breaking_is_decided_per_kind_of_change() -> None:
    changes = diff(json.loads(OLD.read_text()), json.loads(NEW.read_text()))
    flagged = {(c.where, c.what): c.breaking for c in changes}
    assert flagged[("get_profiles", "parameter `query:hint` added")] is False
    assert flagged[("get_profiles", "parameter `query:region` added (required)")] is True
    assert flagged[("create_profile", "`data.address` added")] is False
    # Required inside an object that did not exist before: nobody's existing call lacks it.
    assert flagged[("create_profile", "`data.address.city` added (required)")] is False
    assert flagged[("Channel", "values removed: `push`")] is True
    assert flagged[("Channel", "values added: `whatsapp`")] is False


@pytest.fixture(scope="module")
def real_changes(pinned_spec_path: Path) -> list[Change]:
    older = pinned_spec_path.parent / "stable-2026-04-15.json"
    if not older.is_file():
        pytest.fail(f"the shared 2026-04-15 revision is required but {older} does not exist", pytrace=False)
    return diff(json.loads(older.read_bytes()), json.loads(pinned_spec_path.read_bytes()))


def test_real_differences_2026_04_15_to_2026_07_15(real_changes: list[Change]) -> None:
    found = {(c.section, c.where, c.what, c.breaking) for c in real_changes}
    # Each checked by hand against the two files.
    assert (
        "operations",
        "get_conversations_for_profile",
        "added: `GET /api/profiles/{id}/conversations`",
        False,
    ) in found
    assert (
        "operations",
        "bulk_delete_object_records",
        "added: `POST /api/object-record-bulk-delete-jobs`",
        False,
    ) in found
    assert ("parameters", "get_profile", "parameter `query:include` no longer allows `conversation`", True) in found
    assert ("parameters", "get_profile", "parameter `query:include` allows `conversations`", False) in found
    assert (
        "response fields",
        "get_account",
        "`data.attributes.contact_information.street_address.city` retyped `string` → `string|null`",
        True,
    ) in found
    assert len([c for c in real_changes if c.section == "operations"]) == 36
    assert not [c for c in real_changes if c.section == "operations" and c.breaking]
