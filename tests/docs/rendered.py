"""What the docs site shows from the package: the objects its ``::: identifier`` directives render, and the
code examples in their docstrings (the pages' own ```python blocks are read by ``harness.python_blocks``)."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.loading import module_from_file

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Google-style sections whose indented lines are entries, not code.
ENTRY_SECTIONS = frozenset(
    {"Args", "Arguments", "Attributes", "Keyword Args", "Other Parameters", "Parameters", "Raises", "Returns"}
    | {"Yields", "Rate limits", "Scopes"}
)
_DIRECTIVE = re.compile(r"^::: (\S+)\n((?:[ ]{4}.*\n|\n)*)", re.M)


def pages() -> list[Path]:
    """The docs' markdown pages (the generated reference pages are built from code, not written)."""
    return sorted(DOCS.rglob("*.md"))


def directives(page: Path) -> list[tuple[str, bool]]:
    """Each ``::: identifier`` of a page: (identifier, whether its members are rendered)."""
    text = page.read_text(encoding="utf-8")
    return [(match.group(1), "members: false" not in match.group(2)) for match in _DIRECTIVE.finditer(text)]


def resolve(identifier: str) -> Any:
    """The object an identifier names: the longest importable module prefix, then attributes."""
    parts = identifier.split(".")
    for split in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            value = getattr(value, name)
        return value
    raise ImportError(identifier)


def _members(value: Any) -> Iterator[tuple[str, Any]]:
    """The public members mkdocstrings renders under an object (its own, not inherited ones)."""
    if inspect.ismodule(value):
        for name in getattr(value, "__all__", []):
            member = getattr(value, name)
            if getattr(member, "__module__", None) == value.__name__:
                yield name, member
    elif inspect.isclass(value):
        for name, member in vars(value).items():
            if not name.startswith("_"):
                yield name, getattr(member, "fget", getattr(member, "func", member))


def _own_doc(value: Any) -> str:
    """The docstring as mkdocstrings shows it: the object's own (``inspect.getdoc`` would inherit one)."""
    doc = value.__doc__ if isinstance(value.__doc__, str) else None
    if inspect.isclass(value) and doc is not None and any(doc is base.__doc__ for base in value.__mro__[1:]):
        return ""
    return inspect.cleandoc(doc) if doc else ""


def rendered_docstrings() -> Iterator[tuple[str, str]]:
    """(dotted name as documented, docstring) of every object the docs pages render."""
    for page in pages():
        for identifier, with_members in directives(page):
            value = resolve(identifier)
            yield identifier, _own_doc(value)
            if with_members:
                for name, member in _members(value):
                    yield f"{identifier}.{name}", _own_doc(member)


def code_blocks(docstring: str) -> list[str]:
    """The code blocks of a docstring as markdown renders them: a fenced block, or an indented one after a
    blank line in the text (not inside an ``Args:``-style section, whose entries are indented)."""
    blocks = [match.group(1) for match in re.finditer(r"^```(?:python|py)?\n(.*?)^```", docstring, re.S | re.M)]
    lines = docstring.splitlines()
    index = 0
    in_section = False
    while index < len(lines):
        line = lines[index]
        if line and not line.startswith(" "):
            in_section = line.rstrip(":") in ENTRY_SECTIONS and line.endswith(":")
        previous_blank = index == 0 or not lines[index - 1].strip()
        if line.startswith("    ") and previous_blank and not in_section:
            block = []
            while index < len(lines) and (lines[index].startswith("    ") or not lines[index].strip()):
                block.append(lines[index][4:])
                index += 1
            blocks.append("\n".join(block).strip() + "\n")
            continue
        index += 1
    return blocks


def reference_hook() -> ModuleType:
    """``docs/_hooks/reference.py``, the mkdocs hook that generates the reference pages (loaded as mkdocs does:
    from its file; ``docs/`` is no package)."""
    return module_from_file("docs_reference_hook", DOCS / "_hooks" / "reference.py")
