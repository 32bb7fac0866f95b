"""``python -m generator diff OLD NEW [--markdown PATH]``: print, and write as Markdown, what changed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .diff import diff, markdown


def report(old_path: Path, new_path: Path) -> str:
    old, new = (json.loads(p.read_bytes()) for p in (old_path, new_path))
    return markdown(str(old["info"]["version"]), str(new["info"]["version"]), diff(old, new))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator diff",
        description="What changed between two Klaviyo OpenAPI revisions; breaking changes flagged.",
    )
    parser.add_argument("old", type=Path, help="the older spec file")
    parser.add_argument("new", type=Path, help="the newer spec file")
    parser.add_argument("--markdown", type=Path, help="also write the report here (default: print only)")
    args = parser.parse_args(argv)
    for path in (args.old, args.new):
        if not path.is_file():
            parser.error(f"{path}: no such file")
    text = report(args.old, args.new)
    print(text, end="")
    if args.markdown is not None:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text, encoding="utf-8")
        print(f"\nwrote {args.markdown}")
    return 0
