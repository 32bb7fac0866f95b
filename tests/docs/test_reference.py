"""The generated reference pages, checked without building the site (the hook's page builders are plain
functions): one page per namespace with every operation, its API path, arguments, rate limits, scopes and
return model; every helper next to its operation; the client's parameter table complete."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

import klaviyo_generated
from klaviyo_generated._operations import OPERATIONS
from tests.docs.rendered import reference_hook, rendered_docstrings

HOOK: Any = reference_hook()
PAGES: dict[str, str] = dict(HOOK.pages())
TAGS = sorted({spec.tag for spec in OPERATIONS.values()})


def test_one_page_per_namespace_and_the_models_and_workflows_pages() -> None:
    assert len(TAGS) == 23
    assert set(PAGES) == {f"reference/namespaces/{tag}.md" for tag in TAGS} | {
        "reference/models.md",
        "reference/workflows.md",
    }


@pytest.mark.parametrize("tag", TAGS)
def test_the_namespace_page_documents_each_operation(tag: str) -> None:
    page = PAGES[f"reference/namespaces/{tag}.md"]
    sections = dict(re.findall(r"^#{2,3} `kv\.\w+\.(\w+)` \{ #\w+ \}\n(.*?)(?=^#{2,3} |\Z)", page, re.S | re.M))
    cls = HOOK.resource_class(tag)
    methods = [name for name in vars(cls) if not name.startswith("_") and inspect.isfunction(vars(cls)[name])]
    assert sorted(sections) == sorted(methods)  # every method, helpers included, has its section
    for spec in (spec for spec in OPERATIONS.values() if spec.tag == tag):
        section = sections[spec.name]
        assert f"`{spec.method} {spec.path}`" in section
        burst, steady = spec.rate_limits[0][0], spec.rate_limits[1][0]
        assert f"**Rate limits:** {burst}/s burst, {steady}/m steady" in section
        assert "**Scopes:** " + ", ".join(f"`{scope}`" for scope in spec.scopes) in section or not spec.scopes
        returns = inspect.signature(getattr(cls, spec.name)).return_annotation
        assert "**Returns:** " in section
        for model in re.findall(r"[A-Z]\w+", returns):
            assert f"[{model}](../models.md#{model})" in section or model not in HOOK.model_modules()
        for parameter in list(inspect.signature(getattr(cls, spec.name)).parameters)[1:]:
            assert re.search(rf"^\| `{parameter}` \| .* \| (required|optional|`.*`) \| ", section, re.M), parameter


def test_helpers_show_their_own_arguments_not_a_pointer() -> None:
    page = PAGES["reference/namespaces/profiles.md"]
    section = page.split("### `kv.profiles.iter_profiles`")[1].split("\n## ")[0]
    # `iter_profiles` says "its arguments ... apply": the page spells them out, with get_profiles' descriptions.
    assert "| `filter` | str \\| Filter | optional | Filter text, or a `klaviyo_generated.filters` Filter" in section
    assert "| `max_items` | int \\| None | `None` | Stop after this many items" in section
    assert "| `get_bulk_import_profiles_jobs` |" not in page  # the summary table links, no stray rows
    assert "[`iter_profiles`](#iter_profiles)" in page


def test_every_model_is_listed_under_its_import_path_and_every_link_to_one_lands() -> None:
    page = PAGES["reference/models.md"]
    models = HOOK.model_modules()
    anchors = set(re.findall(r'<span id="(\w+)"></span>', page))
    assert anchors == set(models)
    assert len(models) > 3000
    linked = {name for text in PAGES.values() for name in re.findall(r"\]\((?:\.\./)?models\.md#(\w+)\)", text)}
    linked |= set(re.findall(r"\]\(#(\w+)\)", page))
    assert linked <= anchors
    assert "from klaviyo_generated.models import GetProfileResponse" in page


@pytest.mark.parametrize("client", [klaviyo_generated.Klaviyo, klaviyo_generated.AsyncKlaviyo])
def test_the_client_parameter_table_documents_every_constructor_parameter(client: type[Any]) -> None:
    # AsyncKlaviyo documents "Klaviyo's arguments": they must be the same names.
    _, found = HOOK.sections(inspect.getdoc(klaviyo_generated.Klaviyo) or "")
    documented = list(HOOK.entries(found["Args"]))
    assert documented == list(inspect.signature(client.__init__).parameters)[1:]
    assert "allow_http" in documented


@pytest.mark.parametrize("tag", TAGS)
def test_the_namespace_class_points_at_its_page(tag: str) -> None:
    assert f"(`reference/namespaces/{tag}/`)" in (HOOK.resource_class(tag).__doc__ or "")


def test_no_rendered_docstring_calls_with_the_filter_underscore_keyword() -> None:
    # `filter_=` raises TypeError; the keyword is `filter=`.
    docs = dict(rendered_docstrings())
    assert "filter=and_(" in docs["klaviyo_generated.filters"]
    assert not [name for name, doc in docs.items() if "filter_=" in doc]
