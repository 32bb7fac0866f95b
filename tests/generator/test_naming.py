"""Namespace names from spec tags: acronym plurals stay one word, every other tag keeps its name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openapi_python_client.strings import PythonIdentifier

from generator.naming import RENAMED_TAGS, former_identifier, tag_identifier
from generator.patches._walk import iter_operations


@pytest.mark.parametrize(
    ("tag", "namespace"),
    [
        ("Beta APIs", "beta_apis"),
        ("IDs", "ids"),
        ("Reporting APIsV2", "reporting_apis_v2"),
        ("GETs and PUTs", "gets_and_puts"),
        ("Custom Objects", "custom_objects"),
        ("Users", "users"),
        ("SMS", "sms"),
        ("Reporting API", "reporting_api"),
        ("class", "class_"),
        ("2FA Setup", "tag2fa_setup"),
        ("Client", "client_side"),
    ],
)
def test_tags_become_namespaces_as_a_person_would_write_them(tag: str, namespace: str) -> None:
    assert tag_identifier(tag) == namespace


def test_every_tag_of_the_pinned_spec_keeps_the_name_it_had_but_the_renamed_one(pinned_spec_path: Path) -> None:
    spec = json.loads(pinned_spec_path.read_bytes())
    tags = {tag for _, _, operation in iter_operations(spec) for tag in operation.get("tags", [])}
    assert len(tags) == 23
    assert {tag: tag_identifier(tag) for tag in tags} == {
        tag: PythonIdentifier(RENAMED_TAGS.get(tag, tag), "tag") for tag in tags
    }
    assert {tag: former_identifier(tag_identifier(tag)) for tag in tags if tag in RENAMED_TAGS} == {"Client": "client"}


def test_a_renamed_namespace_knows_its_former_name_and_others_have_none() -> None:
    assert former_identifier("client_side") == "client"
    assert former_identifier("profiles") is None
    assert former_identifier("client") is None
