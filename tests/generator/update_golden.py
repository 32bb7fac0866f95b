"""Rewrite the golden tree from the fixture spec: `nox -s update_golden`, then review the diff.

Only generated files are kept: the runtime copies are ``overrides/runtime/`` itself (test_golden checks them).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from generator.pipeline import build_into
from tests.generator.golden_tree import FIXTURE, GOLDEN, copy_generated_files

__all__ = ["FIXTURE", "GOLDEN", "main"]  # FIXTURE and GOLDEN are used from here by other tests


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="klaviyo-golden-") as scratch:
        built = Path(scratch) / GOLDEN.name
        summary = build_into(FIXTURE.read_bytes(), built)
        copy_generated_files(built, GOLDEN)
    print("\n".join(summary.lines()))
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
