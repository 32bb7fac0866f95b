"""``python -m generator upgrade``: regenerate, repin, report, CHANGELOG and version — or change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.__main__ import main
from generator.pin import load_pin
from generator.source import sha256_of
from tests.generator.update_golden import FIXTURE

NEW_COMMIT = "b" * 40


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project root pinned to the fixture spec at 0.3.2, with an existing CHANGELOG."""
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "pin.toml").write_text(
        'revision = "2026-07-15"\nrepository = "klaviyo/openapi"\n'
        f'commit = "{"a" * 40}"\npath = "openapi/stable.json"\nsha256 = "{sha256_of(FIXTURE.read_bytes())}"\n',
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.3.2"\n', encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## 0.3.2 — earlier\n", encoding="utf-8")
    return tmp_path


def newer_spec(tmp_path: Path) -> Path:
    spec = json.loads(FIXTURE.read_bytes())
    spec["info"]["version"] = "2026-10-15"
    spec["paths"]["/api/profiles"]["get"]["parameters"].append(
        {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    path = tmp_path / "stable-2026-10-15.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def run(root: Path, spec: Path, sha256: str, revision: str = "2026-10-15") -> int:
    return main(
        [
            *("upgrade", "--revision", revision, "--commit", NEW_COMMIT, "--sha256", sha256),
            *("--spec", str(spec), "--old-spec", str(FIXTURE), "--root", str(root), "--offline"),
        ]
    )


def test_an_upgrade_regenerates_repins_reports_and_bumps(root: Path, tmp_path: Path) -> None:
    spec = newer_spec(tmp_path)
    assert run(root, spec, sha256_of(spec.read_bytes())) == 0
    assert '__api_revision__ = "2026-10-15"' in (root / "klaviyo_generated" / "__init__.py").read_text()
    pin = load_pin(root / "spec" / "pin.toml")
    assert (pin.revision, pin.commit, pin.sha256) == ("2026-10-15", NEW_COMMIT, sha256_of(spec.read_bytes()))
    assert 'version = "0.4.0"' in (root / "pyproject.toml").read_text()
    report = (root / "spec" / "diffs" / "2026-07-15_to_2026-10-15.md").read_text()
    assert "- **breaking** `get_profiles`: parameter `query:region` added (required)" in report
    changelog = (root / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n\n## 0.4.0 — Klaviyo API revision 2026-10-15 (")
    assert "- `get_profiles` (parameters): parameter `query:region` added (required)" in changelog
    assert changelog.index("## 0.4.0") < changelog.index("## 0.3.2 — earlier")


@pytest.mark.parametrize("case", ["wrong hash", "wrong revision"])
def test_a_bad_new_spec_changes_nothing(
    root: Path, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = newer_spec(tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    if case == "wrong hash":
        assert run(root, spec, "0" * 64) == 1
        assert "sha256" in capsys.readouterr().err
    else:
        assert run(root, spec, sha256_of(spec.read_bytes()), revision="2026-11-15") == 1
        assert "declares revision 2026-10-15, not 2026-11-15" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
