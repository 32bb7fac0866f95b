"""``python -m generator upgrade --revision DATE --commit SHA --sha256 HASH [--spec PATH]``: move to a new revision.

One reviewed step: the new spec is verified against the given hash, the package is regenerated
from it (nothing else is touched if that fails), then the pin is rewritten, the revision diff is
written to ``spec/diffs/OLD_to_NEW.md``, a CHANGELOG entry is added from it, and the package version
is bumped.

Version scheme: ``0.MINOR.PATCH`` — every move to a new API revision raises MINOR (its breaking
changes are listed in the CHANGELOG entry); fixes to our own code raise PATCH. The API revision a
build speaks is ``klaviyo_generated.__api_revision__``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path

import attrs

from .diff import diff, markdown
from .pin import ROOT, Pin, load_pin
from .pipeline import PACKAGE, build_into
from .render import GenerationFailed
from .source import SpecSourceError, locate

_VERSION = re.compile(r'^version = "(\d+)\.(\d+)\.(\d+)"$', re.MULTILINE)
_PIN_TEMPLATE = """\
# The Klaviyo OpenAPI revision klaviyo_generated is built from.
# The file itself is never committed: the generator finds it via --spec,
# $KLAVIYO_OPENAPI_SPEC, the local cache, or a download of `url`, and refuses
# any file whose sha256 differs from the one below.
revision = "{revision}"
repository = "{repository}"
commit = "{commit}"
path = "{path}"
sha256 = "{sha256}"
"""


def bump_minor(pyproject: Path) -> tuple[str, str]:
    text = pyproject.read_text(encoding="utf-8")
    match = _VERSION.search(text)
    if match is None:
        raise SystemExit(f'{pyproject}: no `version = "X.Y.Z"` line to bump')
    old = ".".join(match.groups())
    new = f"{match.group(1)}.{int(match.group(2)) + 1}.0"
    pyproject.write_text(text[: match.start()] + f'version = "{new}"' + text[match.end() :], encoding="utf-8")
    return old, new


def changelog_entry(version: str, old: str, new: str, *, report_path: str, breaking: list[str], total: int) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        f"## {version} — Klaviyo API revision {new} ({today})",
        "",
        f"Regenerated from revision {new} (was {old}): {total} change(s) in the spec, "
        f"{len(breaking)} breaking; the full list is in `{report_path}`.",
        "",
    ]
    if breaking:
        lines += ["Breaking for code written against the previous version:", ""]
        lines += [f"- {line}" for line in breaking] + [""]
    return "\n".join(lines)


def add_to_changelog(changelog: Path, entry: str) -> None:
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
    head, _, rest = text.partition("\n")
    changelog.write_text(f"{head}\n\n{entry}\n{rest.lstrip(chr(10))}", encoding="utf-8")


def upgrade(new_pin: Pin, *, root: Path, new_spec: Path | None, old_spec: Path | None, allow_download: bool) -> str:
    """Do the upgrade under ``root``; return a summary. Raises SpecSourceError / GenerationFailed first."""
    old_pin = load_pin(root / "spec" / "pin.toml")
    old = locate(old_pin, explicit=old_spec, allow_download=allow_download)
    # $KLAVIYO_OPENAPI_SPEC names the old pinned file, so the new one is looked for without it.
    new = locate(new_pin, explicit=new_spec, environ={}, allow_download=allow_download)
    declared = str(json.loads(new.data).get("info", {}).get("version"))
    if declared != new_pin.revision:
        raise SpecSourceError(f"{new.path} declares revision {declared}, not {new_pin.revision}")
    summary = build_into(new.data, root / PACKAGE)
    (root / "spec" / "pin.toml").write_text(_PIN_TEMPLATE.format(**attrs.asdict(new_pin)), encoding="utf-8")
    changes = diff(json.loads(old.data), json.loads(new.data))
    report = markdown(old_pin.revision, new_pin.revision, changes)
    relative = f"spec/diffs/{old_pin.revision}_to_{new_pin.revision}.md"
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(report, encoding="utf-8")
    _, version = bump_minor(root / "pyproject.toml")
    breaking = [f"`{c.where}` ({c.section}): {c.what}" for c in changes if c.breaking]
    entry = changelog_entry(
        version, old_pin.revision, new_pin.revision, report_path=relative, breaking=breaking, total=len(changes)
    )
    add_to_changelog(root / "CHANGELOG.md", entry)
    return "\n".join(
        [
            *summary.lines(),
            f"pin: {old_pin.revision} -> {new_pin.revision}; version {version}",
            f"diff: {relative} ({len(changes)} changes, {len(breaking)} breaking); CHANGELOG.md updated",
            "Review the diff of the package and the report before committing.",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator upgrade", description=__doc__.splitlines()[0])
    parser.add_argument("--revision", required=True, help="the new API revision, e.g. 2026-10-15")
    parser.add_argument("--commit", required=True, help="the klaviyo/openapi commit holding it")
    parser.add_argument("--sha256", required=True, help="sha256 of the new openapi/stable.json")
    parser.add_argument("--spec", type=Path, help="the new spec file (else the cache or a download)")
    parser.add_argument("--old-spec", type=Path, help="the currently pinned spec (else $KLAVIYO_OPENAPI_SPEC, ...)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--offline", action="store_true", help="never try to download")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.revision):
        parser.error(f"--revision must look like 2026-10-15, got {args.revision!r}")
    if not re.fullmatch(r"[0-9a-f]{40}", args.commit) or not re.fullmatch(r"[0-9a-fA-F]{64}", args.sha256):
        parser.error("--commit must be 40 hex digits and --sha256 64 hex digits")
    current = load_pin(args.root / "spec" / "pin.toml")
    new_pin = Pin(
        revision=args.revision,
        repository=current.repository,
        commit=args.commit,
        path=current.path,
        sha256=args.sha256.lower(),
    )
    try:
        print(
            upgrade(
                new_pin, root=args.root, new_spec=args.spec, old_spec=args.old_spec, allow_download=not args.offline
            )
        )
    except (SpecSourceError, GenerationFailed) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
