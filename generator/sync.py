"""Copying the hand-written runtime (``overrides/runtime/``) into a package, without the spec.

Each copy is its source byte for byte under a one-line header naming that source, so a runtime
edit reaches ``klaviyo_generated/`` with ``python -m generator sync`` (no spec, no rendering, well
under a second) and ``sync --check`` lists copies that drifted. Which modules a package gets
depends on its operations (``# requires-operations:``, see ``assemble``): they are read from the
package's endpoint modules, ``api/<tag>/<operation>.py``, so the committed package answers without
the spec. ``python -m generator generate`` copies the runtime through this same code.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from .assemble import RUNTIME, runtime_modules

MARK = "# Copied from overrides/runtime/"
COMMAND = "python -m generator sync"


def copy_header(source: str) -> str:
    """The first line of the copy of ``overrides/runtime/<source>``."""
    return f"{MARK}{source} by `{COMMAND}`; edit that file, not this one.\n"


def package_operations(package: Path) -> set[str]:
    """The operations a package has: one endpoint module per operation."""
    return {module.stem for module in package.glob("api/*/*.py") if module.name != "__init__.py"}


def expected_copies(package: Path, runtime: Path = RUNTIME) -> dict[str, bytes]:
    """Relative path -> the bytes its copy must have, for every runtime module this package gets."""
    copies = {}
    for source in runtime_modules(package_operations(package), runtime):
        relative = source.relative_to(runtime).as_posix()
        copies[relative] = copy_header(relative).encode() + source.read_bytes()
    return copies


def present_copies(package: Path) -> set[str]:
    """The files of the package that are runtime copies, recognised by their header."""
    mark = MARK.encode()
    found = set()
    for module in package.rglob("*.py"):
        with module.open("rb") as handle:
            if handle.read(len(mark)) == mark:
                found.add(module.relative_to(package).as_posix())
    return found


@attrs.frozen(kw_only=True)
class Drift:
    """How a package's runtime copies differ from ``overrides/runtime/`` (paths relative to the package)."""

    changed: tuple[str, ...]
    missing: tuple[str, ...]
    stale: tuple[str, ...]  # a copy whose source is gone, or that needs operations the package lacks
    unchanged: int

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.stale)

    def lines(self) -> list[str]:
        return (
            [f"changed: {p}" for p in self.changed]
            + [f"missing: {p}" for p in self.missing]
            + [f"stale: {p}" for p in self.stale]
        )

    def report(self, package: Path) -> str:
        """What ``sync --check`` prints (and the test suite, refusing to run) when the copies drifted."""
        files = len(self.lines())
        return "\n".join(
            [
                f"{package.name}/ has runtime copies that differ from overrides/runtime/ ({files} file(s)):",
                *(f"  {line}" for line in self.lines()),
                f"Run `{COMMAND}` (or `nox -s sync`); edit overrides/runtime/, never the copies.",
            ]
        )


def _plan(package: Path, runtime: Path) -> tuple[dict[str, bytes], Drift]:
    expected = expected_copies(package, runtime)
    present = {relative for relative in expected if (package / relative).is_file()}
    changed = {relative for relative in present if (package / relative).read_bytes() != expected[relative]}
    drift = Drift(
        changed=tuple(sorted(changed)),
        missing=tuple(sorted(expected.keys() - present)),
        stale=tuple(sorted(present_copies(package) - expected.keys())),
        unchanged=len(present - changed),
    )
    return expected, drift


def find_drift(package: Path, runtime: Path = RUNTIME) -> Drift:
    return _plan(package, runtime)[1]


def sync_runtime(package: Path, runtime: Path = RUNTIME) -> Drift:
    """Write the missing and changed copies, remove the stale ones; returns what was done."""
    expected, drift = _plan(package, runtime)
    for relative in drift.changed + drift.missing:
        target = package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(expected[relative])
    for relative in drift.stale:
        (package / relative).unlink()
        _remove_empty_parents(package / relative, package)
    return drift


def _remove_empty_parents(removed: Path, package: Path) -> None:
    directory = removed.parent
    while directory != package and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
