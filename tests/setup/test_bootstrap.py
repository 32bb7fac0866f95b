""".ci/dev on a Python without ensurepip (Debian without python3-venv): a venv without pip, then pip's pinned
wheel fetched through PyPI's JSON API and refused unless its sha256 is the pinned one (.ci/bootstrap_pip.py).

No network: PyPI is played by a fetch function, or by an HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.loading import module_from_file

ROOT = Path(__file__).resolve().parents[2]


bootstrap = module_from_file("bootstrap_pip", ROOT / ".ci" / "bootstrap_pip.py")
JSON_URL = "https://pypi.example/pypi/pip/json"
WHEEL = bootstrap.PIP_WHEEL


def metadata(url: str) -> bytes:
    files = [
        {"filename": f"pip-{bootstrap.PIP_VERSION}.tar.gz", "url": "../../files/pip.tar.gz"},
        {"filename": WHEEL, "url": url},
    ]
    return json.dumps({"info": {"version": "99.0"}, "releases": {bootstrap.PIP_VERSION: files}}).encode()


class PyPI:
    """Answers the JSON and the wheel, recording what was asked."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if url not in self.files:
            raise urllib.error.URLError("no such file")
        return self.files[url]


def test_the_pinned_wheel_is_found_relative_or_absolute_and_verified() -> None:
    good = b"pretend pip wheel"
    expected = hashlib.sha256(good).hexdigest()
    # A mirror answers relative addresses; PyPI absolute ones: both resolve against the JSON's address.
    for listed, fetched in [
        ("../../packages/aa/pip.whl", "https://pypi.example/packages/aa/pip.whl"),
        ("https://files.example/pip.whl", "https://files.example/pip.whl"),
    ]:
        pypi = PyPI({JSON_URL: metadata(listed), fetched: good})
        assert bootstrap.download_pip("https://pypi.example/", pypi, expected=expected) == good
        assert pypi.asked == [JSON_URL, fetched]


def test_a_wheel_that_is_not_the_pinned_one_is_refused() -> None:
    pypi = PyPI({JSON_URL: metadata("https://files.example/pip.whl"), "https://files.example/pip.whl": b"evil"})
    with pytest.raises(bootstrap.BootstrapError) as caught:
        bootstrap.download_pip("https://pypi.example", pypi)
    assert str(caught.value) == (
        f"{WHEEL} has sha256 {hashlib.sha256(b'evil').hexdigest()}, not the pinned "
        f"{bootstrap.PIP_WHEEL_SHA256}: refusing to install it"
    )


def test_no_network_or_no_such_file_is_one_clear_error() -> None:
    with pytest.raises(bootstrap.BootstrapError, match=rf"^could not download {WHEEL} via {JSON_URL}: "):
        bootstrap.download_pip("https://pypi.example", PyPI({}))
    unlisted = PyPI({JSON_URL: json.dumps({"releases": {}, "urls": []}).encode()})
    with pytest.raises(bootstrap.BootstrapError, match=rf"^{JSON_URL} does not list {WHEEL}$"):
        bootstrap.download_pip("https://pypi.example", unlisted)


def test_pip_installs_itself_from_its_own_wheel(tmp_path: Path) -> None:
    wheel = tmp_path / WHEEL
    assert bootstrap.install_command(wheel, "/venv/bin/python") == [
        "/venv/bin/python",
        f"{wheel}/pip",
        "install",
        "--quiet",
        "--no-index",
        "--no-deps",
        str(wheel),
    ]


class _Handler(BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}  # each test's server gets a subclass with its own
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        body = self.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture
def pypi_server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"files": {}, "asked": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_dev_without_ensurepip_takes_the_fallback_and_refuses_a_wrong_pip(
    tmp_path: Path, pypi_server: tuple[str, type[_Handler]]
) -> None:
    url, handler = pypi_server
    handler.files.update({"/pypi/pip/json": metadata("../../files/pip.whl"), "/files/pip.whl": b"not pip"})
    clone = tmp_path / "clone"
    (clone / ".ci").mkdir(parents=True)
    for name in ("dev", "bootstrap_pip.py"):
        shutil.copy2(ROOT / ".ci" / name, clone / ".ci" / name)
    # A python3 whose ensurepip cannot be imported, as on Debian without python3-venv.
    shadow = tmp_path / "shadow" / "ensurepip"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('no ensurepip (simulated)')\n")
    python3 = tmp_path / "python3"
    python3.write_text(f'#!/bin/sh\nPYTHONPATH={shadow.parent} exec {sys.executable} "$@"\n')
    python3.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and k != "VIRTUAL_ENV"}
    env.update(KLAVIYO_DEV_PYTHON=str(python3), KLAVIYO_DEV_PYPI=url, NO_PROXY="127.0.0.1")
    done = subprocess.run(
        ["bash", str(clone / ".ci" / "dev"), "true"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f".ci/dev: making {clone}/.venv with {python3}",
        f".ci/dev: {python3} has no working ensurepip: a venv without pip, and pip {bootstrap.PIP_VERSION} from PyPI",
        f"error: {WHEEL} has sha256 {hashlib.sha256(b'not pip').hexdigest()}, not the pinned "
        f"{bootstrap.PIP_WHEEL_SHA256}: refusing to install it",
        f".ci/dev: could not install pip into {clone}/.venv (above); alternatively install python3-venv "
        "(Debian: apt-get install python3-venv)",
    ]
    assert handler.asked == ["/pypi/pip/json", "/files/pip.whl"]
    assert not (clone / ".venv").exists()  # nothing half made is left to be reused
