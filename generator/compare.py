"""Comparing two generated trees file by file (``__pycache__`` and the like ignored)."""

from __future__ import annotations

from pathlib import Path

import attrs

IGNORED_PARTS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache"})


@attrs.frozen(kw_only=True)
class TreeDiff:
    changed: tuple[str, ...]
    missing: tuple[str, ...]  # produced by the generator, absent from the committed tree
    extra: tuple[str, ...]  # in the committed tree, not produced by the generator

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)

    def lines(self) -> list[str]:
        return (
            [f"changed: {p}" for p in self.changed]
            + [f"missing from the committed tree: {p}" for p in self.missing]
            + [f"not produced by the generator: {p}" for p in self.extra]
        )


def _files(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p
        for p in root.rglob("*")
        if p.is_file() and not IGNORED_PARTS.intersection(p.relative_to(root).parts) and p.suffix != ".pyc"
    }


def compare_trees(expected: Path, actual: Path) -> TreeDiff:
    want, have = _files(expected), _files(actual)
    return TreeDiff(
        changed=tuple(sorted(n for n in want.keys() & have.keys() if want[n].read_bytes() != have[n].read_bytes())),
        missing=tuple(sorted(want.keys() - have.keys())),
        extra=tuple(sorted(have.keys() - want.keys())),
    )
