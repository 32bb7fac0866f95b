"""The docs site builds (``mkdocs build --strict``, as ``nox -s docs``) and its reference is navigable: a page
per namespace with every operation's API path, search that finds an operation by its path, and public
import paths only in headings and anchors (never ``klaviyo_generated._client.Klaviyo``).

One build (about 30 s) serves every test here. Without mkdocs installed (the ``docs`` extra) the tests skip
locally and fail under ``CI=true``.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from klaviyo_generated._operations import OPERATIONS
from tests.docs.rendered import ROOT, reference_hook

TAGS = sorted({spec.tag for spec in OPERATIONS.values()})
# A dotted path through a private module: `klaviyo_generated._client.Klaviyo`, `testing._fake`.
PRIVATE = re.compile(r"klaviyo_generated(?:\.\w+)*\._[a-z]\w*")


def _require_the_docs_extra() -> None:
    if importlib.util.find_spec("mkdocs") is None:
        message = "mkdocs is not installed: install the docs extra (pip install -e '.[docs]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_the_docs_extra()
    into = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(into)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    return into


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_every_namespace_has_its_page_with_every_api_path(site: Path) -> None:
    for tag in TAGS:
        page = html.unescape(_page(site, f"reference/namespaces/{tag}"))
        for spec in (spec for spec in OPERATIONS.values() if spec.tag == tag):
            assert f'id="{spec.name}"' in page, spec.name
            assert f"{spec.method} {spec.path}" in page, spec.name
    assert "reference/namespaces/profiles/" in (site / "index.html").read_text(encoding="utf-8")  # in the nav


def test_search_finds_an_operation_by_its_api_path(site: Path) -> None:
    index: dict[str, Any] = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = {entry["location"] for entry in index["docs"] if "GET /api/profiles/{id}" in html.unescape(entry["text"])}
    assert "reference/namespaces/profiles/#get_profile" in found
    for spec in OPERATIONS.values():  # every operation is its own search entry, carrying its path
        entry = next(e for e in index["docs"] if e["location"] == f"reference/namespaces/{spec.tag}/#{spec.name}")
        assert spec.path in html.unescape(entry["text"]), spec.name


def test_headings_and_anchors_name_public_paths_only(site: Path) -> None:
    leaks = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        headings = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", text, re.S)
        anchors = re.findall(r'\b(?:id|href)="[^"]*"', text)
        leaks += [(page.relative_to(site).as_posix(), hit) for hit in PRIVATE.findall(" ".join(headings + anchors))]
    assert leaks == []
    clients = _page(site, "reference/clients")
    assert 'id="klaviyo_generated.Klaviyo"' in clients
    assert 'id="klaviyo_generated.testing.FakeKlaviyo"' in _page(site, "reference/testing")


def test_the_client_parameter_table_shows_allow_http(site: Path) -> None:
    clients = _page(site, "reference/clients")
    klaviyo = clients.split('id="klaviyo_generated.AsyncKlaviyo"')[0]
    assert re.search(r"<code>allow_http</code>", klaviyo)


def test_mkdocstrings_loads_the_hand_written_modules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # The hook keeps griffe out of the 5,000 generated modules it documents itself (25-40 s of every build).
    _require_the_docs_extra()
    import griffe

    monkeypatch.setattr(griffe.ModuleFinder, "submodules", griffe.ModuleFinder.submodules)  # restored after
    reference_hook()._skip_generated_trees()
    package = griffe.load("klaviyo_generated", search_paths=[str(ROOT)])
    assert {"_client", "_workflows", "filters", "testing"} <= set(package.members)
    assert not {"models", "api", "resources", "params"} & set(package.members)
    assert "_fake" in package["testing"].members  # below the top level nothing is skipped
