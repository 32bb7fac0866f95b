"""One generation run: spec bytes in, a complete formatted package tree out."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import attrs

from .assemble import PACKAGE, assemble
from .format import format_tree
from .patches import Applied, PlannedPatch, apply_plan, load_plan
from .render import render
from .sync import sync_runtime

__all__ = ["PACKAGE", "Summary", "build_into"]


@attrs.frozen(kw_only=True)
class Summary:
    revision: str
    operations: int
    models: int
    files: int
    seconds: float
    patches: tuple[Applied, ...]

    def lines(self) -> list[str]:
        out = [
            f"revision {self.revision}: {self.operations} operations, {self.models} models, "
            f"{self.files} files in {self.seconds:.1f} s"
        ]
        out += [f"  patch {a.name}: {len(a.locations)} change(s)" for a in self.patches]
        return out


def build_into(
    spec_bytes: bytes, destination: Path, *, plan: list[PlannedPatch] | None = None, package: str = PACKAGE
) -> Summary:
    """Generate the package into ``destination`` (replaced whole, only once everything succeeded)."""
    started = time.perf_counter()
    spec = json.loads(spec_bytes)
    patched, applied = apply_plan(spec, load_plan() if plan is None else plan)
    revision = str(patched["info"]["version"])
    with tempfile.TemporaryDirectory(prefix="klaviyo-generate-") as scratch:
        staged = Path(scratch) / package
        rendered = render(patched, output=staged, package_name=package)
        assemble(staged, revision)
        format_tree(staged)
        sync_runtime(staged)  # verbatim copies, after formatting: the same bytes `python -m generator sync` writes
        files = sum(1 for p in staged.rglob("*") if p.is_file())
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(staged, destination)
    return Summary(
        revision=revision,
        operations=rendered.operations,
        models=rendered.models,
        files=files,
        seconds=time.perf_counter() - started,
        patches=tuple(applied),
    )
