"""``python -m generator [generate|check] [--spec PATH] [--output DIR]``, ``python -m generator diff OLD NEW``,
``python -m generator upgrade --revision DATE --commit SHA --sha256 HASH``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from .compare import compare_trees
from .format import FormatFailed
from .pin import ROOT, load_pin
from .pipeline import PACKAGE, build_into
from .render import GenerationFailed
from .source import SpecSourceError, locate

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
        choices=("generate", "check"),
        help="generate: (re)write the package; check: fail if the committed package differs from a fresh run",
    )
    parser.add_argument("--spec", type=Path, help="the pinned spec file (else $KLAVIYO_OPENAPI_SPEC, cache, download)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="package directory (default: %(default)s)")
    parser.add_argument("--offline", action="store_true", help="never try to download the spec")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["diff"]:
        from .diff_cli import main as diff_main

        return diff_main(argv[1:])
    if argv[:1] == ["upgrade"]:
        from .upgrade import main as upgrade_main

        return upgrade_main(argv[1:])
    args = _parser().parse_args(argv)
    pin = load_pin()
    try:
        spec = locate(pin, explicit=args.spec, allow_download=not args.offline)
        print(f"spec: {spec.path} ({spec.origin}, sha256 {pin.sha256[:12]}… matches the pin)")
        if args.command == "check":
            with tempfile.TemporaryDirectory(prefix="klaviyo-check-") as scratch:
                fresh = Path(scratch) / PACKAGE
                summary = build_into(spec.data, fresh)
                diff = compare_trees(fresh, args.output)
            if not diff.clean:
                print(f"{args.output} differs from the generator's output ({len(diff.lines())} file(s)):")
                print("\n".join(f"  {line}" for line in diff.lines()))
                print("Run `nox -s generate` (never edit generated files by hand).")
                return 1
            print(f"{args.output} is exactly the generator's output ({summary.files} files)")
            return 0
        summary = build_into(spec.data, args.output)
        print("\n".join(summary.lines()))
        print(f"wrote {args.output}")
        return 0
    except (SpecSourceError, GenerationFailed, FormatFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
