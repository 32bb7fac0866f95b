"""Spec patches: rules, declared in ``spec/patches.toml`` and implemented here, one module each.

A rule takes the whole document, changes it in place where its shape calls for it, and returns
where it changed something. The plan is read from the TOML so the list and the reasons live
beside the pin, and a rule missing from this registry is an error rather than a silent no-op.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path

import attrs

from generator.pin import ROOT

from . import (
    all_of_deep_merge,
    boolean_enums,
    error_item_members,
    nullable_refs_and_enums,
    path_parameters_not_nullable,
    revision_header_optional,
    shared_response_schemas,
)
from ._walk import JSON

Rule = Callable[[JSON], list[str]]

RULES: dict[str, Rule] = {
    "path_parameters_not_nullable": path_parameters_not_nullable.apply,
    "boolean_enums": boolean_enums.apply,
    "shared_response_schemas": shared_response_schemas.apply,
    "revision_header_optional": revision_header_optional.apply,
    "all_of_deep_merge": all_of_deep_merge.apply,
    "nullable_refs_and_enums": nullable_refs_and_enums.apply,
    "error_item_members": error_item_members.apply,
}
PLAN_FILE = ROOT / "spec" / "patches.toml"


@attrs.frozen(kw_only=True)
class PlannedPatch:
    name: str
    why: str


@attrs.frozen(kw_only=True)
class Applied:
    name: str
    locations: tuple[str, ...]


def load_plan(path: Path = PLAN_FILE) -> list[PlannedPatch]:
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("patch", [])
    plan = []
    for index, entry in enumerate(entries):
        name, why = entry.get("name"), str(entry.get("why", "")).strip()
        if not name or not why:
            raise SystemExit(f"{path}: patch #{index + 1} needs both `name` and a non-empty `why`")
        plan.append(PlannedPatch(name=name, why=why))
    unknown = [p.name for p in plan if p.name not in RULES]
    if unknown:
        raise SystemExit(f"{path}: no rule implements {', '.join(unknown)} (known: {', '.join(RULES)})")
    return plan


def apply_plan(spec: JSON, plan: list[PlannedPatch]) -> tuple[JSON, list[Applied]]:
    """A patched deep copy of ``spec`` and what each rule changed."""
    patched = copy.deepcopy(spec)
    applied = [Applied(name=p.name, locations=tuple(RULES[p.name](patched))) for p in plan]
    return patched, applied
