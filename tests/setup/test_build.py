"""The rules ``nox -s build`` holds the sdist and wheel to (tests/setup/check_build.py); the build itself, the
wheel built from the sdist and installed in a fresh venv, is that session's job (it needs PyPI)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.setup.check_build import BuildCheckFailed, check_sdist_members, check_wheel_members

TOP = "klaviyo_generated-0.1.0"
SDIST = [
    f"{TOP}/PKG-INFO",
    f"{TOP}/README.md",
    f"{TOP}/pyproject.toml",
    f"{TOP}/.gitignore",
    f"{TOP}/klaviyo_generated/__init__.py",
    f"{TOP}/klaviyo_generated/py.typed",
    f"{TOP}/klaviyo_generated/testing/__init__.py",
]
WHEEL = [
    "klaviyo_generated/__init__.py",
    "klaviyo_generated/py.typed",
    "klaviyo_generated/testing/__init__.py",
    "klaviyo_generated/tools/catalog.json",
    "klaviyo_generated-0.1.0.dist-info/METADATA",
    "klaviyo_generated-0.1.0.dist-info/RECORD",
]


def test_a_good_sdist_and_wheel_pass() -> None:
    assert "klaviyo_generated/py.typed" in check_sdist_members(SDIST)
    assert "klaviyo_generated/py.typed" in check_wheel_members(WHEEL)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda names: [n for n in names if not n.endswith("py.typed")], "missing klaviyo_generated/py.typed"),
        (lambda names: [n for n in names if not n.endswith("pyproject.toml")], "missing pyproject.toml"),
        (lambda names: [*names, f"{TOP}/.venv/bin/python"], "unexpected .venv/bin/python"),
        (lambda names: [*names, f"{TOP}/.nox/tests/x"], "unexpected .nox/tests/x"),
        (lambda names: [*names, f"{TOP}/.site/index.html"], "unexpected .site/index.html"),
        (
            lambda names: [*names, f"{TOP}/tests/generator/golden/klaviyo_generated/__init__.py"],
            "unexpected tests/generator/golden/klaviyo_generated/__init__.py",
        ),
        (
            lambda names: [*names, f"{TOP}/klaviyo_generated/stable-2026-07-15.json"],
            "a spec file klaviyo_generated/stable-2026-07-15.json",
        ),
    ],
)
def test_a_wrong_sdist_is_refused(change: Callable[[list[str]], list[str]], problem: str) -> None:
    with pytest.raises(BuildCheckFailed) as caught:
        check_sdist_members(change(SDIST))
    assert str(caught.value) == f"the sdist is wrong: {problem}"


def test_a_wheel_without_py_typed_or_with_stray_files_is_refused() -> None:
    with pytest.raises(BuildCheckFailed) as caught:
        check_wheel_members([n for n in WHEEL if not n.endswith("py.typed")])
    assert str(caught.value) == "the wheel is wrong: missing klaviyo_generated/py.typed"
    with pytest.raises(BuildCheckFailed) as caught:
        check_wheel_members([*WHEEL, *(f"tests/t{n}.py" for n in range(7))])
    assert str(caught.value) == (
        "the wheel is wrong: unexpected tests/t0.py; unexpected tests/t1.py; unexpected tests/t2.py; "
        "unexpected tests/t3.py; unexpected tests/t4.py; and 2 more"
    )
