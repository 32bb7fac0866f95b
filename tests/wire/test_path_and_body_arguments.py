"""Path parameters and request bodies are checked before anything is sent.

A path parameter reaches the server as exactly one segment whose decoded value is ``str(value)``,
or the call fails with ``InvalidArgumentError`` naming the parameter and the operation (httpx would
otherwise drop ``.``/``..`` segments, and ``""``/``None`` would hit other resources). A body of the
wrong type fails with ``ArgumentTypeError`` (also a ``TypeError``) naming the operation and the model
it takes, instead of an ``AttributeError`` from inside the endpoint.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

import klaviyo_generated
from klaviyo_generated import (
    ArgumentTypeError,
    AsyncKlaviyo,
    ConfigurationError,
    InputError,
    InvalidArgumentError,
    Klaviyo,
    KlaviyoError,
    NotFoundError,
)
from klaviyo_generated._arguments import check_body, path_segment
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.models import (
    ClientError,
    ImageUploadQuery,
    ListCreateQuery,
    ListMembersAddQuery,
    ProfileCreateQuery,
)
from klaviyo_generated.testing import FakeKlaviyo
from klaviyo_generated.testing._validation import load
from klaviyo_generated.types import UNSET, File
from tests.contract.test_every_operation import _arguments, _body

API_KEY = "pk_" + "a" * 32
BAD_SEGMENTS: list[Any] = ["", ".", "..", None, True, False, 1.5, b"x", object()]
HOSTILE: list[Any] = ["a/b", "?x=1", "#frag", "%2e%2e", "%2F", "...", " ", "é", "a b/../c?d#e", 0, -1, 10**20]
PATH_RULE = "must be a non-empty str other than '.' and '..', or an int (not a bool)"


def path_error(operation: str, name: str, value: object) -> str:
    return f"{operation}: path parameter {name!r} {PATH_RULE}; got {value!r}"


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"klaviyo_generated.api.{OPERATIONS[name].tag}.{name}")


def _path_parameters(name: str) -> list[str]:
    signature = inspect.signature(_module(name)._get_kwargs)
    return [p.name for p in signature.parameters.values() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]


WITH_PATH = sorted(name for name in OPERATIONS if _path_parameters(name))
# Path parameters the spec enumerates (the mapped-metric type) take only its values: hostile ids are
# refused there (tests/wire/test_query_values.py), so the one-segment tests use the others.
WITH_FREE_PATH = [
    name
    for name in WITH_PATH
    if not any(
        f'enum_value("{name}", "{p}", ' in inspect.getsource(_module(name)._get_kwargs) for p in _path_parameters(name)
    )
]
WITH_BODY = sorted(name for name in OPERATIONS if "body" in inspect.signature(_module(name)._get_kwargs).parameters)


def test_the_tables_cover_every_operation_with_a_path_parameter_or_a_body() -> None:
    assert sorted(name for name, op in OPERATIONS.items() if "{" in op.path) == WITH_PATH
    assert len(WITH_PATH) == 229
    assert len(WITH_BODY) == 120
    for name in WITH_PATH:
        # The python names are the spec's, in order: the operation table can drive the checks below.
        assert _path_parameters(name) == re.findall(r"\{(\w+)\}", OPERATIONS[name].path), name


# -- (a) every endpoint, straight through _get_kwargs -----------------------------------------------


def _required_keywords(name: str) -> dict[str, Any]:
    """Placeholders for the required keyword arguments: never reached, the path is checked first."""
    signature = inspect.signature(_module(name)._get_kwargs)
    return {
        p.name: None
        for p in signature.parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }


@pytest.mark.parametrize("name", WITH_PATH)
def test_every_endpoint_refuses_a_path_parameter_that_is_not_one_segment(name: str) -> None:
    endpoint = _module(name)
    for parameter in _path_parameters(name):
        for bad in BAD_SEGMENTS:
            others = {p: "ok" for p in _path_parameters(name) if p != parameter}
            with pytest.raises(InvalidArgumentError) as caught:
                endpoint._get_kwargs(**{parameter: bad}, **others, **_required_keywords(name))
            assert not isinstance(caught.value, ArgumentTypeError), "the path is checked before the body"
            assert isinstance(caught.value, KlaviyoError)
            assert isinstance(caught.value, ValueError)
            assert str(caught.value) == path_error(name, parameter, bad)


@pytest.fixture(scope="module")
def spec(pinned_spec_path: Path) -> dict[str, Any]:
    return load(pinned_spec_path)[1]


@pytest.mark.parametrize("name", WITH_FREE_PATH)
def test_every_endpoint_sends_a_hostile_id_as_one_segment(name: str, spec: dict[str, Any]) -> None:
    endpoint = _module(name)
    arguments = dict(_arguments(name, spec))
    body = _body(name, spec)
    if body is not None:
        arguments["body"] = body
    template = OPERATIONS[name].path.split("/")
    for value in HOSTILE:
        given = {**arguments, **dict.fromkeys(_path_parameters(name), value)}
        url = httpx.URL("https://a.klaviyo.com").join(endpoint._get_kwargs(**given)["url"])
        assert url.query == b"", (name, value)
        assert url.fragment == "", (name, value)
        sent = url.raw_path.decode("ascii").split("/")
        assert len(sent) == len(template), (name, value, url.raw_path)
        for expected, segment in zip(template, sent, strict=True):
            if expected.startswith("{"):
                assert unquote(segment, errors="strict") == str(given[expected[1:-1]]), (name, value)
            else:
                assert segment == expected


@pytest.mark.parametrize("name", WITH_BODY)
def test_every_endpoint_refuses_a_body_of_the_wrong_type(name: str) -> None:
    endpoint = _module(name)
    takes = endpoint.BODY_MODEL.__name__
    if name != "upload_image_from_file":  # the one body holding a file has no plain-dict form
        takes += " or a dict of its JSON shape"
    path = dict.fromkeys(_path_parameters(name), "ok")
    others = {k: v for k, v in _required_keywords(name).items() if k != "body"}
    wrong_model = ClientError(errors=[])
    for bad, shown in ((None, "None"), ("x", "str"), (wrong_model, "ClientError"), ([{"data": {}}], "list")):
        with pytest.raises(ArgumentTypeError) as caught:
            endpoint._get_kwargs(**path, body=bad, **others)
        assert isinstance(caught.value, TypeError)
        assert isinstance(caught.value, InvalidArgumentError)
        assert str(caught.value) == f"{name}: body must be a {takes}, got {shown}", str(caught.value)


# -- (b) through the client: what reaches the transport ---------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(404, json={"errors": [{"status": 404, "code": "not_found", "title": "Not found"}]})


def _one_segment(request: httpx.Request, template: str, value: object) -> None:
    sent = request.url.raw_path.decode("ascii").split("/")
    expected = template.split("/")
    assert request.url.query == b""
    assert len(sent) == len(expected), request.url.raw_path
    for want, segment in zip(expected, sent, strict=True):
        if want.startswith("{"):
            assert unquote(segment, errors="strict") == str(value)
        else:
            assert segment == want


LIST_MEMBERS = ListMembersAddQuery.from_dict({"data": [{"type": "profile", "id": "P1"}]})
# operation, the facade call, the path it must reach
CALLS: list[tuple[str, Any]] = [
    ("get_profile", lambda kv, v: kv.profiles.get_profile(v)),
    ("delete_list", lambda kv, v: kv.lists.delete_list(v)),
    ("add_profiles_to_list", lambda kv, v: kv.lists.add_profiles_to_list(v, body=LIST_MEMBERS)),
    ("get_catalog_item", lambda kv, v: kv.catalogs.get_catalog_item(v)),
    ("get_bulk_import_profiles_job", lambda kv, v: kv.profiles.get_bulk_import_profiles_job(v)),
]
ACALLS: dict[str, Any] = {
    "get_profile": lambda kv, v: kv.profiles.get_profile(v),
    "delete_list": lambda kv, v: kv.lists.delete_list(v),
    "add_profiles_to_list": lambda kv, v: kv.lists.add_profiles_to_list(v, body=LIST_MEMBERS),
    "get_catalog_item": lambda kv, v: kv.catalogs.get_catalog_item(v),
    "get_bulk_import_profiles_job": lambda kv, v: kv.profiles.get_bulk_import_profiles_job(v),
}


def _parameter(name: str) -> str:
    return _path_parameters(name)[0]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_client_sends_hostile_ids_as_one_segment_and_nothing_for_bad_ones(name: str, call: Any) -> None:
    recorder = Recorder()
    with Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
        for bad in BAD_SEGMENTS:
            with pytest.raises(InvalidArgumentError) as caught:
                call(kv, bad)
            assert str(caught.value) == path_error(name, _parameter(name), bad)
        assert recorder.requests == []
        for value in HOSTILE:
            with pytest.raises(NotFoundError):
                call(kv, value)
            _one_segment(recorder.requests[-1], OPERATIONS[name].path, value)
        assert len(recorder.requests) == len(HOSTILE)


@pytest.mark.parametrize("name", sorted(ACALLS))
def test_async_client_sends_hostile_ids_as_one_segment_and_nothing_for_bad_ones(name: str) -> None:
    recorder = Recorder()
    call = ACALLS[name]

    async def run() -> None:
        async with AsyncKlaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
            for bad in BAD_SEGMENTS:
                with pytest.raises(InvalidArgumentError) as caught:
                    await call(kv, bad)
                assert str(caught.value) == path_error(name, _parameter(name), bad)
            assert recorder.requests == []
            for value in HOSTILE:
                with pytest.raises(NotFoundError):
                    await call(kv, value)
                _one_segment(recorder.requests[-1], OPERATIONS[name].path, value)

    asyncio.run(run())
    assert len(recorder.requests) == len(HOSTILE)


def test_job_handles_check_the_id_too() -> None:
    recorder = Recorder()
    with Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
        job = kv.profiles.attach_bulk_import_profiles(job_id="..")
        with pytest.raises(InvalidArgumentError, match=r"^get_bulk_import_profiles_job: path parameter 'job_id' "):
            job.refresh()
    assert recorder.requests == []


def test_the_fake_keeps_an_id_with_a_slash_in_one_parameter(pinned_spec_path: Path) -> None:
    fake = FakeKlaviyo(spec=pinned_spec_path)
    kv = Klaviyo(api_key=API_KEY, transport=fake.transport(), retry=False)
    with kv, pytest.raises(NotFoundError, match="A profile with id a/b does not exist"):
        kv.profiles.get_profile("a/b")
    assert [r.url.raw_path for r in fake.requests] == [b"/api/profiles/a%2Fb"]


# -- (c) bodies of the wrong type, sync and async ---------------------------------------------------

PROFILE = ProfileCreateQuery.from_dict({"data": {"type": "profile", "attributes": {"email": "a@example.com"}}})


def _image() -> ImageUploadQuery:
    return ImageUploadQuery(file=File(payload=BytesIO(b"\x89PNG"), file_name="a.png", mime_type="image/png"))


BODY_CALLS: list[tuple[str, str, Any]] = [
    ("create_profile", "ProfileCreateQuery", lambda kv, body: kv.profiles.create_profile(body=body)),
    ("create_list", "ListCreateQuery", lambda kv, body: kv.lists.create_list(body=body)),
    ("update_profile", "ProfilePartialUpdateQuery", lambda kv, body: kv.profiles.update_profile("P1", body=body)),
    ("upload_image_from_file", "ImageUploadQuery", lambda kv, body: kv.images.upload_image_from_file(body=body)),
]


def _wrong_bodies(takes: str) -> Iterator[tuple[object, str]]:
    yield None, "None"
    yield "x", "str"
    if takes == "ImageUploadQuery":
        yield {"data": {"type": "profile"}}, f"dict; build one with {takes}(...) or {takes}.from_dict(...)"
    if takes == "ProfileCreateQuery":
        yield ListCreateQuery.from_dict({"data": {"type": "list", "attributes": {"name": "VIP"}}}), "ListCreateQuery"
    else:
        yield PROFILE, "ProfileCreateQuery"


def _wanted(takes: str) -> str:
    return takes if takes == "ImageUploadQuery" else f"{takes} or a dict of its JSON shape"


@pytest.mark.parametrize(("name", "takes", "call"), BODY_CALLS, ids=[c[0] for c in BODY_CALLS])
def test_a_body_of_the_wrong_type_fails_before_sending(name: str, takes: str, call: Any) -> None:
    recorder = Recorder()
    with Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
        for body, shown in _wrong_bodies(takes):
            with pytest.raises(ArgumentTypeError) as caught:
                call(kv, body)
            assert str(caught.value) == f"{name}: body must be a {_wanted(takes)}, got {shown}"
            assert isinstance(caught.value, TypeError)
    assert recorder.requests == []


@pytest.mark.parametrize(("name", "takes", "call"), BODY_CALLS, ids=[c[0] for c in BODY_CALLS])
def test_a_body_of_the_wrong_type_fails_before_sending_async(name: str, takes: str, call: Any) -> None:
    recorder = Recorder()

    async def run() -> None:
        async with AsyncKlaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
            for body, shown in _wrong_bodies(takes):
                with pytest.raises(ArgumentTypeError) as caught:
                    await call(kv, body)
                assert str(caught.value) == f"{name}: body must be a {_wanted(takes)}, got {shown}"

    asyncio.run(run())
    assert recorder.requests == []


def test_right_bodies_still_go_out() -> None:
    recorder = Recorder()
    with Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
        with pytest.raises(NotFoundError):
            kv.profiles.create_profile(body=PROFILE)
        with pytest.raises(NotFoundError):
            kv.images.upload_image_from_file(body=_image())
    assert json.loads(recorder.requests[0].content)["data"]["attributes"]["email"] == "a@example.com"
    assert recorder.requests[1].headers["content-type"].startswith("multipart/form-data; boundary=")


def test_chunked_submission_checks_its_body_too() -> None:
    recorder = Recorder()
    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False)
    expected = r"^bulk_import_profiles: body.data.type: required member is missing$"
    with kv, pytest.raises(InvalidArgumentError, match=expected):
        kv.profiles.submit_bulk_import_profiles_in_chunks(body={"data": {}})  # type: ignore[arg-type]
    assert recorder.requests == []


# -- the runtime functions themselves ---------------------------------------------------------------


def test_path_segment_encodes_everything_but_unreserved_characters() -> None:
    assert path_segment("op", "id", "01HXYZ") == "01HXYZ"
    assert path_segment("op", "id", "a/b?c#d%e f") == "a%2Fb%3Fc%23d%25e%20f"
    assert path_segment("op", "id", "$custom:::$default:::SKU-1") == "%24custom%3A%3A%3A%24default%3A%3A%3ASKU-1"
    assert path_segment("op", "id", "...") == "..."
    assert path_segment("op", "id", 0) == "0"
    assert path_segment("op", "id", -7) == "-7"


def test_path_segment_takes_str_and_int_subclasses_as_their_str() -> None:
    import enum

    class Kind(enum.StrEnum):
        REVENUE = "revenue"

    class Number(enum.IntEnum):
        ONE = 1

    assert path_segment("op", "id", Kind.REVENUE) == "revenue"
    assert path_segment("op", "id", Number.ONE) == "1"

    class Dots(str):
        def __str__(self) -> str:
            return ".."

    with pytest.raises(InvalidArgumentError, match=r"^op: path parameter 'id' must be a non-empty str"):
        path_segment("op", "id", Dots("x"))


def test_path_segment_refuses_text_utf8_cannot_carry_and_truncates_what_it_shows() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        path_segment("get_profile", "id", "a\ud800")
    assert str(caught.value) == (
        "get_profile: path parameter 'id' must be text that UTF-8 can encode (no lone surrogates); got 'a\\ud800'"
    )
    with pytest.raises(InvalidArgumentError) as caught:
        path_segment("get_profile", "id", ["x" * 100])
    assert str(caught.value) == f"get_profile: path parameter 'id' {PATH_RULE}; got {repr(['x' * 100])[:57]}..."


def test_check_body_takes_the_model_its_subclasses_and_unset_when_optional() -> None:
    class Special(ProfileCreateQuery):
        pass

    special = Special.from_dict(PROFILE.to_dict())
    assert check_body("create_profile", PROFILE, ProfileCreateQuery) is PROFILE
    assert check_body("create_profile", special, ProfileCreateQuery) is special
    assert check_body("op", UNSET, ProfileCreateQuery, optional=True) is UNSET
    plain = "ProfileCreateQuery or a dict of its JSON shape"
    with pytest.raises(ArgumentTypeError, match=rf"^op: body must be a {plain}, got Unset$"):
        check_body("op", UNSET, ProfileCreateQuery)
    with pytest.raises(ArgumentTypeError, match=rf"^op: body must be a {plain} or UNSET, got None$"):
        check_body("op", None, ProfileCreateQuery, optional=True)
    assert check_body("op", PROFILE, (ListCreateQuery, ProfileCreateQuery)) is PROFILE
    expected = r"^op: body must be a ListCreateQuery or ProfileCreateQuery, got dict$"
    with pytest.raises(ArgumentTypeError, match=expected):
        check_body("op", {}, (ListCreateQuery, ProfileCreateQuery))


def test_one_except_catches_argument_and_workflow_input_errors() -> None:
    assert issubclass(ArgumentTypeError, InvalidArgumentError)
    assert issubclass(ArgumentTypeError, TypeError)
    assert issubclass(InvalidArgumentError, KlaviyoError)
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(InputError, InvalidArgumentError)
    assert issubclass(InputError, ConfigurationError)
    with Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(Recorder().handler), retry=False) as kv:
        with pytest.raises(InvalidArgumentError, match="email must be an email address"):
            kv.workflows.upsert_profile(email="not an email")
        with pytest.raises(InvalidArgumentError, match=r"^add_profiles_to_list: path parameter 'id' "):
            kv.workflows.add_to_list("..", profile_ids=["P1"])


def test_the_errors_are_public_names() -> None:
    for name in ("InvalidArgumentError", "ArgumentTypeError"):
        assert name in klaviyo_generated.__all__
        assert name in dir(klaviyo_generated)
    assert klaviyo_generated.InvalidArgumentError is InvalidArgumentError


PROBE = """
import json, sys
from klaviyo_generated.api.profiles import create_profile, get_profile
from klaviyo_generated.models import ProfileCreateQuery
body = ProfileCreateQuery.from_dict({"data": {"type": "profile", "attributes": {"email": "a@example.com"}}})
get_profile._get_kwargs("a/b")
create_profile._get_kwargs(body=body)
try:
    get_profile._get_kwargs("..")
except ValueError:
    pass
print(json.dumps({"httpx": "httpx" in sys.modules}))
"""


def test_the_checks_do_not_load_httpx() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == {"httpx": False}
