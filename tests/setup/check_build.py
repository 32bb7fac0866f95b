"""``python -m tests.setup.check_build [--out DIR]`` (``nox -s build``): the sdist and wheel a user installs.

1. build the sdist (``uv build --sdist``) and check what it holds: the package, its metadata, nothing else
   (no spec, no .venv/.nox/.site, no tests or generator: those need the clone and ``../shared``);
2. unpack it and build the wheel FROM it, so a file the wheel needs but the sdist lacks fails here;
3. check the wheel carries ``py.typed`` beside the package;
4. install ``wheel[testing]`` into a fresh venv and, from outside the clone, import the package, find
   ``py.typed`` installed, and make a few calls against ``klaviyo_generated.testing.FakeKlaviyo``.

uv (pinned by the session) builds and installs; the build backend is the one pyproject.toml names.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "klaviyo_generated"
# What an sdist may hold at its top level (under its ``name-version/`` directory).
SDIST_TOP_LEVEL = frozenset({PACKAGE, "README.md", "pyproject.toml", "PKG-INFO", ".gitignore"})
SDIST_REQUIRED = frozenset({f"{PACKAGE}/__init__.py", f"{PACKAGE}/py.typed", "pyproject.toml", "README.md", "PKG-INFO"})
WHEEL_REQUIRED = frozenset(
    {f"{PACKAGE}/__init__.py", f"{PACKAGE}/py.typed", f"{PACKAGE}/testing/__init__.py", f"{PACKAGE}/tools/catalog.json"}
)

SMOKE = """
import sys
from pathlib import Path

import openapi_core  # the [testing] extra came along
import klaviyo_generated
from klaviyo_generated import Klaviyo
from klaviyo_generated.models import ProfileCreateQuery
from klaviyo_generated.testing import FakeKlaviyo

package = Path(klaviyo_generated.__file__).resolve().parent
assert package.is_relative_to(Path(sys.prefix).resolve()), f"imported {package}, not the installed wheel"
assert (package / "py.typed").is_file(), f"py.typed is not installed in {package}"
fake = FakeKlaviyo()
with Klaviyo(api_key="pk_build_check", transport=fake.transport()) as kv:
    body = {"data": {"type": "profile", "attributes": {"email": "ada@example.com", "first_name": "Ada"}}}
    created = kv.profiles.create_profile(body=ProfileCreateQuery.from_dict(body))
    found = kv.profiles.get_profile(str(created.data.id))
    assert found.data.attributes.first_name == "Ada", found
    assert [request.method for request in fake.requests] == ["POST", "GET"], fake.requests
print(f"installed wheel works: {package}")
"""


class BuildCheckFailed(Exception):
    """The sdist or wheel is not what a user can install."""


def _relative(names: Iterable[str], *, strip_top: bool) -> set[str]:
    """Member paths, without the sdist's ``name-version/`` directory; directories dropped."""
    paths = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if strip_top:
            parts = parts[1:]
        if parts:
            paths.add(PurePosixPath(*parts).as_posix())
    return paths


def _summary(problems: list[str], shown: int = 5) -> str:
    more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more


def check_sdist_members(names: Iterable[str]) -> set[str]:
    """The sdist's files (relative); raise unless the required ones are there and nothing outside the allowed."""
    files = _relative(names, strip_top=True)
    problems = [f"missing {name}" for name in sorted(SDIST_REQUIRED - files)]
    problems += [f"unexpected {name}" for name in sorted(files) if PurePosixPath(name).parts[0] not in SDIST_TOP_LEVEL]
    problems += [f"a spec file {name}" for name in sorted(files) if PurePosixPath(name).name.startswith("stable")]
    if problems:
        raise BuildCheckFailed(f"the sdist is wrong: {_summary(problems)}")
    return files


def check_wheel_members(names: Iterable[str]) -> set[str]:
    files = _relative(names, strip_top=False)
    problems = [f"missing {name}" for name in sorted(WHEEL_REQUIRED - files)]
    problems += [
        f"unexpected {name}"
        for name in sorted(files)
        if PurePosixPath(name).parts[0] != PACKAGE and not PurePosixPath(name).parts[0].endswith(".dist-info")
    ]
    if problems:
        raise BuildCheckFailed(f"the wheel is wrong: {_summary(problems)}")
    return files


def _run(*args: str | Path, cwd: Path | None = None) -> None:
    done = subprocess.run([str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildCheckFailed(f"`{' '.join(map(str, args))}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _uv(*args: str | Path, cwd: Path | None = None) -> None:
    _run(sys.executable, "-m", "uv", *args, cwd=cwd)


def _only(directory: Path, pattern: str) -> Path:
    found = sorted(directory.glob(pattern))
    if len(found) != 1:
        raise BuildCheckFailed(f"expected one {pattern} in {directory}, found {[p.name for p in found]}")
    return found[0]


def build_and_check(out: Path, scratch: Path) -> tuple[Path, Path]:
    """Build into ``out`` (emptied of earlier builds) and check; return (sdist, wheel)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.tar.gz"), *out.glob("*.whl")]:
        old.unlink()
    _uv("build", "--sdist", "--out-dir", out, "--no-progress", ROOT)
    sdist = _only(out, "*.tar.gz")
    with tarfile.open(sdist) as archive:
        check_sdist_members(member.name for member in archive.getmembers() if member.isfile())
        if hasattr(tarfile, "data_filter"):  # 3.11.4+; Debian 12's 3.11.2 lacks extraction filters
            archive.extractall(scratch / "sdist", filter="data")
        else:  # our own fresh build, whose member names were just checked
            archive.extractall(scratch / "sdist")
    unpacked = _only(scratch / "sdist", "*")
    _uv("build", "--wheel", "--out-dir", out, "--no-progress", unpacked)
    wheel = _only(out, "*.whl")
    with zipfile.ZipFile(wheel) as archive:
        check_wheel_members(name for name in archive.namelist() if not name.endswith("/"))
    venv = scratch / "venv"
    _uv("venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _uv("pip", "install", "--quiet", "--python", python, f"{wheel}[testing]")
    _run(python, "-c", SMOKE, cwd=scratch)  # not the clone: its klaviyo_generated/ must not be the one imported
    return sdist, wheel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.setup.check_build", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the sdist and wheel go (%(default)s)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="klaviyo-build-") as scratch:
        try:
            sdist, wheel = build_and_check(args.out, Path(scratch))
        except BuildCheckFailed as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    print(f"sdist {sdist}\nwheel {wheel} (built from the sdist)")
    print(f"both checked, the wheel installed in a fresh venv and used, in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
