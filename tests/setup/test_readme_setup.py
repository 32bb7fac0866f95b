"""The README's set-up sections say what the project does: the two commands are the ones CI runs, and the
extras it lists are the package's."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# The extras for working on the project, not for using the package.
DEVELOPMENT_EXTRAS = {"generate", "test", "typecheck", "lint", "docs"}


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def _two_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", _section("Two commands"), re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def _default_sessions() -> list[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions":
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(session) for session in value]
    raise AssertionError("noxfile.py sets no nox.options.sessions")


def test_the_two_commands_are_the_demo_and_exactly_what_ci_runs() -> None:
    demo, tests = _two_commands()
    assert demo == ".ci/dev nox -s demo"
    assert tests == ".ci/dev nox -s " + " ".join(_default_sessions())
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().splitlines()
    assert run[-1] == f"exec {tests}"


def test_the_extras_listed_are_the_packages_user_facing_extras() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = set(pyproject["project"]["optional-dependencies"]) - DEVELOPMENT_EXTRAS
    listed = set(re.findall(r"^\| `(\w+)` \|", _section("Installing"), re.M))
    assert listed == extras == {"mcp", "progress", "redis", "testing"}


def test_the_venv_and_build_outputs_are_ignored_by_git() -> None:
    ignored = set((ROOT / ".gitignore").read_text(encoding="utf-8").split())
    assert {".venv/", ".nox/", "dist/", ".site/"} <= ignored
