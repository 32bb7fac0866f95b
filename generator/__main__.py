"""``python -m generator [generate|check] [--spec PATH] [--output DIR]``, ``python -m generator sync [--check]``,
``python -m generator diff OLD NEW``, ``python -m generator upgrade --revision DATE --commit SHA --sha256 HASH``.

``sync`` imports nothing of the rendering machinery (openapi-python-client takes seconds to import):
the generation modules are imported by the commands that use them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from .assemble import PACKAGE
from .pin import ROOT
from .sync import find_drift, sync_runtime

DEFAULT_OUTPUT = ROOT / PACKAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate klaviyo_generated/ from the pinned Klaviyo OpenAPI spec (spec/pin.toml).",
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="generate",
        choices=("generate", "check", "sync"),
        help="generate: (re)write the package; check: fail if the committed package differs from a fresh run; "
        "sync: copy overrides/runtime/ into the package (no spec needed)",
    )
    parser.add_argument(
        "--spec", type=Path, help="the pinned spec file (else $KLAVIYO_OPENAPI_SPEC, ../shared, cache, download)"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="package directory (default: %(default)s)")
    parser.add_argument("--offline", action="store_true", help="never try to download the spec")
    parser.add_argument("--check", action="store_true", help="sync: only list the runtime copies that drifted")
    return parser


def sync(package: Path, *, check: bool) -> int:
    """Bring the package's runtime copies in line with overrides/runtime/ (or, with ``check``, list the drift)."""
    if check:
        drift = find_drift(package)
        if not drift.clean:
            print(drift.report(package))
            return 1
        print(f"{package.name}/ runtime copies match overrides/runtime/ ({drift.unchanged} files)")
        return 0
    done = sync_runtime(package)
    for relative in done.changed + done.missing:
        print(f"wrote {package.name}/{relative}")
    for relative in done.stale:
        print(f"removed {package.name}/{relative}")
    written = len(done.changed) + len(done.missing)
    print(f"runtime copies: {written} written, {len(done.stale)} removed, {done.unchanged} unchanged")
    return 0


def generate(command: str, *, spec_path: Path | None, output: Path, offline: bool) -> int:
    from .compare import compare_trees
    from .format import FormatFailed
    from .pin import load_pin
    from .pipeline import build_into
    from .render import GenerationFailed
    from .source import SpecSourceError, locate

    pin = load_pin()
    try:
        spec = locate(pin, explicit=spec_path, allow_download=not offline)
        print(f"spec: {spec.path} ({spec.origin}, sha256 {pin.sha256[:12]}… matches the pin)")
        if command == "check":
            with tempfile.TemporaryDirectory(prefix="klaviyo-check-") as scratch:
                fresh = Path(scratch) / PACKAGE
                summary = build_into(spec.data, fresh)
                diff = compare_trees(fresh, output)
            if not diff.clean:
                print(f"{output} differs from the generator's output ({len(diff.lines())} file(s)):")
                print("\n".join(f"  {line}" for line in diff.lines()))
                print("Run `nox -s generate` (never edit generated files by hand).")
                return 1
            print(f"{output} is exactly the generator's output ({summary.files} files)")
            return 0
        summary = build_into(spec.data, output)
        print("\n".join(summary.lines()))
        print(f"wrote {output}")
        return 0
    except (SpecSourceError, GenerationFailed, FormatFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["diff"]:
        from .diff_cli import main as diff_main

        return diff_main(argv[1:])
    if argv[:1] == ["upgrade"]:
        from .upgrade import main as upgrade_main

        return upgrade_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.check and args.command != "sync":
        print("error: --check goes with `sync` (`python -m generator check` checks the whole package)", file=sys.stderr)
        return 2
    if args.command == "sync":
        return sync(args.output, check=args.check)
    return generate(args.command, spec_path=args.spec, output=args.output, offline=args.offline)


if __name__ == "__main__":
    sys.exit(main())
