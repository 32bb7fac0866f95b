"""The golden tree holds generated files only; the runtime copies are added where a whole package is needed.

    python -m tests.generator.golden_tree --into DIR

writes ``DIR/klaviyo_generated``: the golden tree plus the runtime modules the fixture's operations
get (``python -m generator sync`` pointed at it), e.g. for ``nox -s typecheck`` to run mypy on.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from generator.sync import present_copies, sync_runtime

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "mini.json"
GOLDEN = HERE / "golden" / "klaviyo_generated"


def copy_generated_files(package: Path, into: Path) -> None:
    """Copy ``package`` to ``into`` (replaced whole), without its runtime copies."""
    runtime = present_copies(package)
    if into.exists():
        shutil.rmtree(into)
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if path.is_file() and relative.as_posix() not in runtime and "__pycache__" not in relative.parts:
            (into / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, into / relative)


def assemble_golden(into: Path) -> Path:
    """The golden tree as a whole package, ``into/klaviyo_generated`` (replaced whole)."""
    target = into / GOLDEN.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(GOLDEN, target, ignore=shutil.ignore_patterns("__pycache__"))
    sync_runtime(target)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.generator.golden_tree", description=__doc__)
    parser.add_argument("--into", type=Path, required=True, help="directory to write klaviyo_generated/ into")
    target = assemble_golden(parser.parse_args(argv).into)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
