"""Formatting the generated tree with ruff, configured here and nowhere else.

``--isolated`` keeps ruff from reading the project's own lint configuration (or a user's):
openapi-python-client's default post-hooks pick such settings up, and rules like ANN401's
auto-fix then rewrite ``*args: Any`` to ``object`` and break typing. Only import sorting and
unused-import removal are applied, then ``ruff format``; ruff's version is pinned with the generator.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

COMMON = ["--isolated", "--target-version", "py311", "--line-length", "120"]
CHECK = ["check", "--fix-only", "--exit-zero", "--quiet", "--no-cache", "--select", "I,F401", *COMMON]
FORMAT = ["format", "--quiet", *COMMON]


class FormatFailed(Exception):
    pass


def _ruff(args: list[str], target: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, str(target)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise FormatFailed(f"ruff {args[0]} failed on {target}:\n{result.stderr or result.stdout}")


def format_tree(target: Path) -> None:
    _ruff(CHECK, target)
    _ruff(FORMAT, target)
