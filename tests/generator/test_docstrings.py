"""The resource methods' docstrings (generator/docstrings.py), judged as exact text.

The endpoints are openapi-python-client's own, parsed from a small spec written here, so the
attributes the docstrings read are the ones the real generator hands the templates.
"""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
from pathlib import Path
from typing import Any

import jinja2
import pytest
from openapi_python_client.parser import GeneratorData

from generator.docstrings import Docstrings, literal, paragraphs, split_description
from generator.naming import naming_rules
from generator.render import TEMPLATES, _config

LINK = "For more information please visit https://developers.klaviyo.com/en/v2026-07-15/reference/api-overview"
REVISION = {"name": "revision", "in": "header", "required": False, "schema": {"type": "string"}}
REVISION["description"] = "API endpoint revision (format: YYYY-MM-DD[.suffix])"
FOOTER = "\n\n**Scopes:**\n`profiles:read`\n\n[OpenAPI Spec](https://raw.githubusercontent.com/x/get_profile.json)"


def _ref(name: str) -> dict[str, Any]:
    return {"content": {"application/vnd.api+json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _operation(operation_id: str, description: str, burst: str = "75/s", **more: Any) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": " ".join(part.capitalize() for part in operation_id.split("_")),
        "description": description,
        "tags": ["Profiles"],
        "x-klaviyo-pre-release": "None",
        "x-klaviyo-ratelimit": {"burst": burst, "steady": "750/m"},
        "x-klaviyo-scopes": ["profiles:read"],
        **more,
    }


SPEC: dict[str, Any] = {
    "openapi": "3.0.2",
    "info": {"title": "Test", "version": "2026-07-15"},
    "paths": {
        "/api/profiles/{id}": {
            "get": _operation(
                "get_profile",
                "Get the profile with the given profile ID.<br><br>*Rate limits*:<br>Burst: `75/s`<br>Steady: "
                "`750/m`<br><br>Rate limits when using the `include=list` parameter in your API request:<br>"
                "Burst: `1/s`<br>Steady: `15/m`<br><br>To learn more, see our [Rate limits](https://x.test/rl) "
                "guide." + FOOTER,
                parameters=[
                    {"name": "id", "in": "path", "required": True, "description": "", "schema": {"type": "string"}},
                    {
                        "name": "include",
                        "in": "query",
                        "description": f"{LINK}#relationships",
                        "schema": {"type": "array", "items": {"type": "string", "enum": ["lists"]}},
                        "explode": False,
                    },
                    REVISION,
                ],
                responses={"200": {"description": "Success", **_ref("Profile")}},
            ),
        },
        "/api/profiles": {
            "get": _operation(
                "get_profiles",
                "Get all profiles in an account.\n\nProfiles can be sorted by `id`\nand `created`.<br><br>"
                "*Rate limits*:<br>Burst: `75/s`<br>Steady: `750/m`" + FOOTER,
                parameters=[
                    {
                        "name": "filter",
                        "in": "query",
                        "description": f"{LINK}#filtering<br>Allowed field(s)/operator(s):<br>`email`: `equals`",
                        "schema": {"type": "string"},
                    },
                    {"name": "page[cursor]", "in": "query", "description": f"{LINK}#pagination"},
                    {"name": "page[size]", "in": "query", "description": "Default: 20. Min: 1. Max: 100."},
                    REVISION,
                ],
                responses={"200": {"description": "Success", **_ref("ProfileList")}},
            ),
            "post": _operation(
                "create_profile",
                'Create a new profile; a name such as """Ann\\Bo""" is kept as is, and so is {{ jinja }}.'
                "<br><br>*Rate limits*:<br>Burst: `75/s`<br>Steady: `700/m`<br>Daily: `10000/d`",
                requestBody={"required": True, **_ref("Profile")},
                responses={"201": {"description": "Success", **_ref("Profile")}},
                deprecated=True,
            ),
        },
        "/api/profile-bulk-import-jobs": {
            "post": _operation(
                "bulk_import_profiles",
                "Create a bulk profile import job.\n\nAccepts up to 10,000 profiles per request. The maximum "
                "allowed payload size is 5MB.<br><br>*Rate limits*:<br>Burst: `10/s`<br>Steady: `750/m`",
                burst="10/s",
                requestBody={"description": "The profiles to import", "required": True, **_ref("Profile")},
                responses={"202": {"description": "Success", **_ref("Profile")}},
            ),
        },
        "/api/profile-bulk-import-jobs/{job_id}": {
            "get": _operation(
                "get_bulk_import_profiles_job",
                "Get a bulk profile import job.",
                parameters=[
                    {"name": "job_id", "in": "path", "required": True, "description": "ID of the job to retrieve."}
                ],
                responses={"200": {"description": "Success", **_ref("Profile")}},
            ),
        },
    },
    "components": {
        "schemas": {
            "Profile": {"type": "object", "properties": {"id": {"type": "string"}}},
            "ProfileList": {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "string"}}}},
        }
    },
}
# An older revision may lack the extensions: the description's own tiers stand in, and no scopes are listed.
SPEC["paths"]["/api/profiles"]["get"]["x-klaviyo-filters"] = {
    "email": {"operators": {"list": ["any", "equals"], "single": ["equals"]}},
    "created": {"operators": {"single": ["greater-than", "less-than"]}},
}
del SPEC["paths"]["/api/profiles"]["post"]["x-klaviyo-ratelimit"]
del SPEC["paths"]["/api/profiles"]["post"]["x-klaviyo-scopes"]
for _path in SPEC["paths"].values():
    for _op in _path.values():
        for _parameter in _op.get("parameters", []):
            _parameter.setdefault("schema", {"type": "string"})


def _endpoints(spec: dict[str, Any], tmp: Path) -> dict[str, Any]:
    with naming_rules():
        data = GeneratorData.from_dict(copy.deepcopy(spec), config=_config(tmp, "pkg"))
    assert isinstance(data, GeneratorData), data
    return {str(e.name): e for c in data.endpoint_collections_by_tag.values() for e in c.endpoints}


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _endpoints(SPEC, tmp_path_factory.mktemp("spec"))


@pytest.fixture(scope="module")
def docs() -> Docstrings:
    return Docstrings(SPEC, lambda body: f"{body.prop.class_info.name}Params")


def _value(source: str) -> str:
    """What Python makes of the literal the template writes (as a method body, indented 8)."""
    tree = ast.parse(textwrap.dedent(f"def f():\n        {source}\n"))
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    doc = ast.get_docstring(function, clean=True)
    assert doc is not None
    return doc


PER_CALL = """\
    timeout: Seconds (or an `httpx.Timeout`) for this call; None keeps the client's.
    retry: This call's `RetryPolicy`; False never retries; None keeps the client's.
    max_retries: At most this many retries for this call; None keeps the client's.
    extra_headers: Headers the spec does not list, added to this call (str values; not Authorization, revision
        or Content-Type).
    extra_query: Query parameters the spec does not list, added after the method's own (str values).
"""
STATUS_ERRORS = """\
Raises:
    klaviyo_generated.APIStatusError: An error answer (after any retries), as its status's subclass:
        BadRequestError (400), AuthenticationError (401), PermissionDeniedError (403), NotFoundError (404),
        ConflictError (409), UnprocessableEntityError (422), RateLimitError (429), InternalServerError (5xx).
    klaviyo_generated.APIConnectionError: No whole answer arrived (APITimeoutError: the timeout ran out).
    klaviyo_generated.ResponseDecodeError: A success answer whose body is not the documented JSON.
    klaviyo_generated.InvalidArgumentError: An argument that cannot be sent; nothing was sent.
"""
WAIT_EXCEEDED = (
    "    klaviyo_generated.RateLimitWaitExceededError: The rate limiter would wait too long; nothing was sent.\n"
)


def test_a_get_with_includes(docs: Docstrings, endpoints: dict[str, Any]) -> None:
    expected = f"""\
Get Profile

Get the profile with the given profile ID.

HTTP: `GET /api/profiles/{{id}}`

Args:
    id: The `{{id}}` in the path.
    include: For more information please visit
        https://developers.klaviyo.com/en/v2026-07-15/reference/api-overview#relationships
    revision: API endpoint revision (format: YYYY-MM-DD[.suffix])
{PER_CALL}
Rate limits:
    75/s burst, 750/m steady.

    Rate limits when using the `include=list` parameter in your API request: 1/s burst, 15/m steady.

    To learn more, see our [Rate limits](https://x.test/rl) guide.

Scopes:
    `profiles:read`

Returns:
    Profile: The parsed answer (200 Success).

{STATUS_ERRORS}{WAIT_EXCEEDED}"""
    assert docs.method_text(endpoints["get_profile"], returns="Profile") == expected


def test_a_paginated_list_with_filters(docs: Docstrings, endpoints: dict[str, Any]) -> None:
    expected = f"""\
Get Profiles

Get all profiles in an account.

Profiles can be sorted by `id` and `created`.

HTTP: `GET /api/profiles`

Args:
    filter: Filter text, or a `klaviyo_generated.filters` Filter (checked before sending). For more information
        please visit https://developers.klaviyo.com/en/v2026-07-15/reference/api-overview#filtering
        Allowed: `email` any, equals; `created` greater-than, less-than.
    page_cursor: For more information please visit
        https://developers.klaviyo.com/en/v2026-07-15/reference/api-overview#pagination
    page_size: Default: 20. Min: 1. Max: 100.
    revision: API endpoint revision (format: YYYY-MM-DD[.suffix])
{PER_CALL}
Rate limits:
    75/s burst, 750/m steady.

Scopes:
    `profiles:read`

Returns:
    ProfileList: The parsed answer (200 Success).

{STATUS_ERRORS}\
    klaviyo_generated.FilterError: A Filter on a field or operator the API does not allow.
{WAIT_EXCEEDED}"""
    assert docs.method_text(endpoints["get_profiles"], returns="ProfileList") == expected
    iterator = """\
Every item of `kv.profiles.get_profiles`, page after page.

`async for` over it for the items; `.pages()` gives whole pages. Each page is one `kv.profiles.get_profiles`
call: its arguments, rate limits, scopes and errors apply.

Args:
    page_cursor: Resume from a saved `next_cursor`; None starts at the first page.
    max_items: Stop after this many items; None reads them all."""
    assert _value(docs.iterator(endpoints["get_profiles"], tag="profiles", awaiting=True)) == iterator


def test_a_bulk_job_submit_with_limits(docs: Docstrings, endpoints: dict[str, Any]) -> None:
    endpoint = endpoints["bulk_import_profiles"]
    expected = f"""\
Bulk Import Profiles

Create a bulk profile import job.

Accepts up to 10,000 profiles per request. The maximum allowed payload size is 5MB.

HTTP: `POST /api/profile-bulk-import-jobs`

Args:
    body: The profiles to import: `Profile`, or a dict of its shape (`ProfileParams`).
{PER_CALL}
Rate limits:
    10/s burst, 750/m steady.

Scopes:
    `profiles:read`

Returns:
    Profile: The parsed answer (202 Success).

{STATUS_ERRORS}\
    klaviyo_generated.JobLimitError: The body is over the documented limits (10000 items and 5 MB per request);
        nothing was sent.
{WAIT_EXCEEDED}"""
    assert docs.method_text(endpoint, returns="Profile") == expected
    assert _value(docs.submit(endpoint, tag="profiles", awaiting=False)) == (
        "Submit `bulk_import_profiles` and return its job: `job.wait()` polls it to the end.\n\n"
        "Arguments, rate limits, scopes and errors as in `kv.profiles.bulk_import_profiles`. The body is checked "
        "against\nthe documented limits (10000 items and 5 MB per request) first."
    )
    chunks = """\
`bulk_import_profiles` for any number of items: one job per chunk.

Each chunk is within the documented limits; `group.wait()` waits for all of them and raises `ChunkFailedError`
naming the chunks that failed. Rate limits, scopes and errors as in `kv.profiles.bulk_import_profiles`.

Args:
    body: The whole input; its list of items is split by count and by bytes.
    chunk_size: Items per chunk; None takes the most the limits allow (10000 items and 5 MB per request).
    revision: As in `kv.profiles.bulk_import_profiles`, for each chunk.
    timeout: As in `kv.profiles.bulk_import_profiles`, for each chunk.
    retry: As in `kv.profiles.bulk_import_profiles`, for each chunk.
    max_retries: As in `kv.profiles.bulk_import_profiles`, for each chunk.
    extra_headers: As in `kv.profiles.bulk_import_profiles`, for each chunk.
    extra_query: As in `kv.profiles.bulk_import_profiles`, for each chunk.

Raises:
    klaviyo_generated.JobLimitError: No list of items to split, an item alone over the byte limit, or a bad
        `chunk_size`; nothing was sent."""
    assert _value(docs.submit_in_chunks(endpoint, tag="profiles", awaiting=False)) == chunks
    assert "concurrency: How many chunks are submitted at a time." in docs.submit_in_chunks(
        endpoint, tag="profiles", awaiting=True
    )
    assert docs.attach(endpoint, tag="profiles", awaiting=False) == (
        '"""The handle of a `bulk_import_profiles` job submitted earlier (e.g. before a restart)."""'
    )


def test_a_body_only_create_without_the_extensions(docs: Docstrings, endpoints: dict[str, Any]) -> None:
    """Deprecated; tiers from the description (no x-klaviyo-ratelimit); no scopes section; quotes,
    a backslash and Jinja-looking braces kept as the spec says them."""
    expected = f"""\
Create Profile

Deprecated: the API marks this operation as deprecated.

Create a new profile; a name such as \"\"\"Ann\\Bo\"\"\" is kept as is, and so is {{{{ jinja }}}}.

HTTP: `POST /api/profiles`

Args:
    body: The request body: `Profile`, or a dict of its shape (`ProfileParams`).
{PER_CALL}
Rate limits:
    75/s burst, 700/m steady, 10000/d daily.

Returns:
    Profile: The parsed answer (201 Success).

{STATUS_ERRORS}{WAIT_EXCEEDED}"""
    endpoint = endpoints["create_profile"]
    assert docs.method_text(endpoint, returns="Profile") == expected
    source = docs.method(endpoint, returns="Profile")
    assert '\\"\\"\\"Ann\\\\Bo\\"\\"\\"' in source
    assert _value(source) == expected.rstrip("\n")


def test_the_macros_write_the_literal_a_method_body_holds(docs: Docstrings, endpoints: dict[str, Any]) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True, lstrip_blocks=True)
    env.globals.update(docstrings=docs, result_type=lambda e: "Profile", public_path=lambda e: False)
    template = env.from_string(
        '{% from "docstring_macros.py.jinja" import method_doc, iterator_doc %}\n'
        "class R:\n    def get(self):\n        {{ method_doc(endpoint, 'profiles') }}\n\n"
        "    def each(self):\n        {{ iterator_doc(endpoint, 'profiles', false) }}\n"
    )
    source = template.render(endpoint=endpoints["create_profile"])
    assert max(len(line) for line in source.splitlines()) <= 120
    assert not [line for line in source.splitlines() if line != line.rstrip()]
    namespace: dict[str, Any] = {}
    exec(compile(source, "<resource>", "exec"), namespace)
    methods = namespace["R"]
    assert inspect.getdoc(methods.get) == docs.method_text(endpoints["create_profile"], returns="Profile").rstrip()
    assert (inspect.getdoc(methods.each) or "").startswith(
        "Every item of `kv.profiles.create_profile`, page after page."
    )


@pytest.mark.parametrize(
    "text",
    [
        'ends in a quote"',
        'four """" and five """"" quotes, a \\ and \\\\ and \\n (not a newline)',
        "non-ASCII: café, 🚧, ∑; a {placeholder} and {{ jinja }}",
        "control\x00char\x0band\u2028line separator",
    ],
)
def test_a_literal_holds_any_text(text: str) -> None:
    one_line = literal(text)
    several = literal(f"summary\n\n{text}\n")
    cleaned = text.replace("\x00", "").replace("\x0b", " ").replace("\u2028", " ")
    assert ast.literal_eval(one_line) == cleaned
    assert _value(several) == f"summary\n\n{cleaned}"


def test_markdown_breaks_soft_lines_lists_and_quotes() -> None:
    text = "> 🚧\n>\n> Careful.\n\nOne\nsentence.<br>Next line<br><br>New paragraph:\n- `a` first\n- `b` second"
    assert paragraphs(text) == [
        ["> 🚧", ">", "> Careful."],
        ["One sentence.", "Next line"],
        ["New paragraph:", "- `a` first", "- `b` second"],
    ]


def test_the_rate_limit_block_scopes_and_spec_link_leave_the_description() -> None:
    description, rates = split_description(str(SPEC["paths"]["/api/profiles/{id}"]["get"]["description"]))
    assert description == [["Get the profile with the given profile ID."]]
    assert rates[0] == ["Burst: `75/s`", "Steady: `750/m`"]
    assert rates[-1] == ["To learn more, see our [Rate limits](https://x.test/rl) guide."]


def test_a_pre_release_operation_says_so(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/api/profiles/{id}"]["get"]["x-klaviyo-pre-release"] = "beta"
    endpoint = _endpoints(spec, tmp_path)["get_profile"]
    text = Docstrings(spec, lambda body: None).method_text(endpoint, returns="Profile")
    assert text.startswith(
        "Get Profile\n\nPre-release (beta): it may change without a new API revision.\n\nGet the profile"
    )


def test_the_generated_resource_methods_carry_the_documentation() -> None:
    from klaviyo_generated.resources.profiles import AsyncProfiles, Profiles

    for method in (Profiles.get_profile, AsyncProfiles.get_profile):
        doc = inspect.getdoc(method)
        assert doc is not None
        assert doc.startswith("Get Profile\n\nGet the profile with the given profile ID.")
        assert "fields_profile: For more information please visit" in doc
        assert "Rate limits:\n    75/s burst, 750/m steady." in doc
        assert "`include=list` parameter in your API request: 1/s burst, 15/m steady." in doc
        assert "Scopes:\n    `profiles:read`" in doc
        assert "Returns:\n    GetProfileResponsePluralConversationsCompoundDocument: The parsed answer" in doc
        assert "    klaviyo_generated.NotFoundError" not in doc  # named inside the APIStatusError entry
        assert "NotFoundError (404)" in doc
        assert "klaviyo_generated.APIConnectionError: No whole answer arrived" in doc
    doc = inspect.getdoc(Profiles.submit_bulk_import_profiles)
    assert doc is not None
    assert "as in `kv.profiles.bulk_import_profiles`" in doc
    assert "(10000 items and 5 MB per request)" in doc


def test_a_one_line_literal_too_long_for_its_line_closes_on_the_next() -> None:
    assert literal("x" * 110) == '"""' + "x" * 110 + '\n        """'
    assert literal("x" * 100) == '"""' + "x" * 100 + '"""'
