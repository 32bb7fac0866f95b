"""Put a pinned pip into the running interpreter's venv, for a Python that cannot make one with pip.

Debian's python3 without the python3-venv package has no ``ensurepip``: ``python3 -m venv`` fails, while
``python3 -m venv --without-pip`` works. ``.ci/dev`` then runs this file with the new venv's interpreter:
it downloads pip's wheel from PyPI (the file named by PyPI's JSON API), refuses it unless its sha256 is the
pinned one, and installs it with pip run from the wheel itself. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

PIP_VERSION = "26.3"
PIP_WHEEL = f"pip-{PIP_VERSION}-py3-none-any.whl"
PIP_WHEEL_SHA256 = "f3b60b20ffaadd4415ed7957212a38ac63fa4c5fa375bd0f4a797777940fad13"
# PyPI, or a mirror that serves its JSON API (the same variable pip's users set for the index is not
# reused: a simple index has no JSON API).
INDEX_VAR = "KLAVIYO_DEV_PYPI"
DEFAULT_INDEX = "https://pypi.org"

Fetch = Callable[[str], bytes]


class BootstrapError(Exception):
    """pip could not be fetched, or was not the pinned file."""


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data: bytes = response.read()
        return data


def wheel_url(metadata: dict[str, Any], *, base: str, filename: str = PIP_WHEEL, version: str = PIP_VERSION) -> str:
    """The download address of ``filename`` in PyPI's JSON for the project (relative addresses resolved)."""
    files = metadata.get("releases", {}).get(version) or metadata.get("urls", [])
    for file in files:
        if file.get("filename") == filename:
            return urljoin(base, str(file["url"]))
    raise BootstrapError(f"{base} does not list {filename}")


def verified(data: bytes, *, expected: str = PIP_WHEEL_SHA256, what: str = PIP_WHEEL) -> bytes:
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise BootstrapError(f"{what} has sha256 {actual}, not the pinned {expected}: refusing to install it")
    return data


def download_pip(index: str, fetch: Fetch = _fetch, *, expected: str = PIP_WHEEL_SHA256) -> bytes:
    """pip's pinned wheel, verified."""
    base = f"{index.rstrip('/')}/pypi/pip/json"
    try:
        metadata = json.loads(fetch(base))
        return verified(fetch(wheel_url(metadata, base=base)), expected=expected)
    except (OSError, ValueError) as error:  # URLError is an OSError; bad JSON a ValueError
        raise BootstrapError(f"could not download {PIP_WHEEL} via {base}: {error}") from None


def install_command(wheel: Path, python: str = sys.executable) -> list[str]:
    """pip, run from inside its own wheel, installing that wheel (how get-pip and ensurepip do it)."""
    return [python, str(wheel / "pip"), "install", "--quiet", "--no-index", "--no-deps", str(wheel)]


def main(fetch: Fetch = _fetch) -> int:
    if sys.prefix == sys.base_prefix:
        print("bootstrap_pip.py installs into a venv: run it with the venv's python", file=sys.stderr)
        return 2
    index = os.environ.get(INDEX_VAR) or DEFAULT_INDEX
    try:
        data = download_pip(index, fetch)
    except BootstrapError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="klaviyo-pip-") as scratch:
        wheel = Path(scratch) / PIP_WHEEL
        wheel.write_bytes(data)
        return subprocess.run(install_command(wheel), check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
