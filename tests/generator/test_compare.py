"""Comparing generated trees, and `python -m generator check` on an out-of-date tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import source
from generator.__main__ import main
from generator.compare import TreeDiff, compare_trees
from generator.pin import Pin


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


BASE = {
    "__init__.py": b"# init\n",
    "api/__init__.py": b"",
    "api/profiles/get_profile.py": b"def sync() -> None: ...\n",
    "models/profile.py": b"class Profile: ...\n",
    "py.typed": b"",
}


def test_equal_trees_are_clean(tmp_path: Path) -> None:
    diff = compare_trees(_tree(tmp_path / "a", BASE), _tree(tmp_path / "b", BASE))
    assert diff == TreeDiff(changed=(), missing=(), extra=())
    assert diff.clean
    assert diff.lines() == []


def test_changed_missing_and_extra_files_with_relative_posix_paths(tmp_path: Path) -> None:
    expected = _tree(tmp_path / "fresh", {**BASE, "api/lists/get_lists.py": b"new\n", "models/z.py": b"z\n"})
    committed = {k: v for k, v in BASE.items() if k != "models/profile.py"}
    committed["api/profiles/get_profile.py"] = b"def sync() -> int: ...\n"
    committed["__init__.py"] = b"# init \n"
    committed["api/old/removed.py"] = b"old\n"
    committed["stray.txt"] = b"x"
    actual = _tree(tmp_path / "committed", committed)

    diff = compare_trees(expected, actual)
    assert diff == TreeDiff(
        changed=("__init__.py", "api/profiles/get_profile.py"),
        missing=("api/lists/get_lists.py", "models/profile.py", "models/z.py"),
        extra=("api/old/removed.py", "stray.txt"),
    )
    assert not diff.clean
    assert diff.lines() == [
        "changed: __init__.py",
        "changed: api/profiles/get_profile.py",
        "missing from the committed tree: api/lists/get_lists.py",
        "missing from the committed tree: models/profile.py",
        "missing from the committed tree: models/z.py",
        "not produced by the generator: api/old/removed.py",
        "not produced by the generator: stray.txt",
    ]


@pytest.mark.parametrize(
    ("side", "expected_diff"),
    [
        ("fresh", TreeDiff(changed=(), missing=("only_here.py",), extra=())),
        ("committed", TreeDiff(changed=(), missing=(), extra=("only_here.py",))),
    ],
)
def test_a_single_difference_is_reported_on_the_right_side(side: str, expected_diff: TreeDiff, tmp_path: Path) -> None:
    fresh = _tree(tmp_path / "fresh", BASE)
    committed = _tree(tmp_path / "committed", BASE)
    (fresh if side == "fresh" else committed).joinpath("only_here.py").write_bytes(b"x")
    assert compare_trees(fresh, committed) == expected_diff


def test_caches_and_bytecode_are_ignored(tmp_path: Path) -> None:
    expected = _tree(tmp_path / "fresh", BASE)
    actual = _tree(
        tmp_path / "committed",
        {
            **BASE,
            "__pycache__/__init__.cpython-311.pyc": b"\0",
            "api/__pycache__/anything.txt": b"ignored too",
            "models/profile.cpython-311.pyc": b"\0",
            ".mypy_cache/3.11/cache.json": b"{}",
            ".ruff_cache/content": b"",
        },
    )
    assert compare_trees(expected, actual).clean
    assert compare_trees(actual, expected).clean


def test_cache_directory_names_only_matter_inside_the_tree(tmp_path: Path) -> None:
    # The roots themselves live under a directory called __pycache__: only parts below the root count.
    root = tmp_path / "__pycache__"
    expected = _tree(root / "fresh", BASE)
    actual = _tree(root / "committed", {**BASE, "extra.py": b""})
    assert compare_trees(expected, actual) == TreeDiff(changed=(), missing=(), extra=("extra.py",))


def test_a_missing_or_empty_committed_tree_misses_everything(tmp_path: Path) -> None:
    expected = _tree(tmp_path / "fresh", BASE)
    everything = TreeDiff(changed=(), missing=tuple(sorted(BASE)), extra=())
    assert compare_trees(expected, tmp_path / "does-not-exist") == everything
    (tmp_path / "empty").mkdir()
    assert compare_trees(expected, tmp_path / "empty") == everything


def test_check_against_an_empty_output_fails_listing_missing_files(
    pinned_spec_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_network(pin: Pin, timeout: float) -> bytes | None:
        raise AssertionError("check with --spec must not download")

    monkeypatch.setattr(source, "_download", no_network)
    output = tmp_path / "klaviyo_generated"
    output.mkdir()

    assert main(["check", "--spec", str(pinned_spec_path), "--output", str(output)]) == 1

    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert lines[0] == f"spec: {pinned_spec_path} (--spec, sha256 deb88f1dfad8… matches the pin)"
    listed = lines[2:-1]
    assert lines[1] == f"{output} differs from the generator's output ({len(listed)} file(s)):"
    assert lines[-1] == "Run `nox -s generate` (never edit generated files by hand)."
    prefix = "  missing from the committed tree: "
    assert [line for line in listed if not line.startswith(prefix)] == []
    missing = [line.removeprefix(prefix) for line in listed]
    assert missing == sorted(missing)
    for name in ("__init__.py", "_operations.py", "errors.py", "types.py", "py.typed", "api/profiles/get_profiles.py"):
        assert name in missing
    assert len(missing) > 100
    # check never writes to the tree it checks.
    assert list(output.iterdir()) == []
