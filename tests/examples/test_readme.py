"""Every ```python block of the README runs, in order and sharing one namespace, against FakeKlaviyo
(the harness, shared with the docs site's examples, is ``tests/examples/harness.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.examples.harness import python_blocks, run_blocks

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_code_to_run() -> None:
    assert len(BLOCKS) >= 12
    assert [reason for _, reason in BLOCKS if reason] == []  # the README runs every block


def test_every_readme_block_runs_against_the_fake(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_blocks([code for code, _ in BLOCKS], "README.md", monkeypatch, tmp_path)
    assert "HTTP 404 not_found" in capsys.readouterr().out  # the errors example printed the typed error
