"""Every shared Klaviyo revision generates completely, imports, and passes mypy --strict.

    python -m tests.generator.check_revisions [DIR]

DIR defaults to the directory of $KLAVIYO_OPENAPI_SPEC (else ../shared/klaviyo-openapi). Each
`stable-*.json` there is generated into a temporary directory (generation fails on any skipped
operation or schema), imported in a fresh interpreter (the client and every namespace), and
type-checked. Run by `nox -s revisions` in CI; a missing directory or an empty one is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.pipeline import build_into
from generator.source import ENV_VAR, SHARED_DIR

IMPORT_CHECK = """
import functools
import klaviyo_generated as k
from klaviyo_generated import Klaviyo
kv = Klaviyo(api_key="pk_" + "a" * 32)
names = [n for n, v in vars(Klaviyo).items() if isinstance(v, functools.cached_property) and n != "with_raw_response"]
methods = sum(len([m for m in dir(getattr(kv, n)) if not m.startswith("_")]) for n in names)
print(k.__api_revision__, len(names), "namespaces,", methods, "methods")
"""


def shared_directory(argv: list[str]) -> Path:
    if argv:
        return Path(argv[0])
    configured = os.environ.get(ENV_VAR)
    return Path(configured).parent if configured else SHARED_DIR


def check(spec: Path, scratch: Path) -> None:
    started = time.perf_counter()
    target = scratch / spec.stem / "klaviyo_generated"
    summary = build_into(spec.read_bytes(), target)
    print(f"{spec.name}: {summary.operations} operations, {summary.models} models generated", flush=True)
    env = {**os.environ, "PYTHONPATH": str(target.parent)}
    subprocess.run([sys.executable, "-c", IMPORT_CHECK], check=True, env=env, cwd=scratch)
    mypy = [sys.executable, "-m", "mypy", "--config-file", "", "--strict", "--python-version", "3.11"]
    subprocess.run([*mypy, "--cache-dir", str(scratch / ".mypy_cache"), str(target)], check=True, cwd=target.parent)
    print(f"{spec.name}: imports and type-checks ({time.perf_counter() - started:.0f} s)", flush=True)


def main(argv: list[str]) -> int:
    directory = shared_directory(argv)
    specs = sorted(directory.glob("stable-*.json"))
    if not specs:
        print(f"error: no stable-*.json revisions in {directory}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="klaviyo-revisions-") as scratch:
        for spec in specs:
            check(spec, Path(scratch))
    print(f"{len(specs)} revision(s) OK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
