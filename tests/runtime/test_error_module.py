"""Every error in one module: where they are defined, what they derive from, the README's tree, pickling.

``klaviyo_generated._exceptions`` defines every error the package raises; the modules that used to define
them (``_auth``, ``_arguments``, ``_inputs``, ``_lazy``, ``_jobs``, ``_chunks``, ``_oauth``, ``_pagination``,
``filters``, ``errors``) re-export the same objects. Two exceptions are internal, never leave a call and
stay where they are used: ``_shape.BodyMismatch`` (``check_body`` turns it into ``ArgumentTypeError`` or
``InvalidArgumentError``) and ``testing._store.FakeError`` (``FakeKlaviyo`` answers it as an HTTP error
response). The tests at the end show that they do not escape.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import re
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import klaviyo_generated
from klaviyo_generated import _exceptions, errors
from klaviyo_generated._chunks import ChunkOutcome
from klaviyo_generated._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ArgumentTypeError,
    ChunkFailedError,
    ConfigurationError,
    FieldDecodeError,
    FilterError,
    InputError,
    InvalidArgumentError,
    JobFailedError,
    JobLimitError,
    JobTimeoutError,
    KlaviyoError,
    MissingFieldError,
    OAuthError,
    PaginationError,
    RateLimitWaitExceeded,
    RateLimitWaitExceededError,
    ResponseDecodeError,
    TokenRefreshError,
    UndecodableResponse,
    UnexpectedStatus,
    UnknownToolError,
    WebhookVerificationError,
    status_error,
)
from klaviyo_generated.types import UNSET
from tests.runtime.client_harness import API_KEY
from tests.runtime.test_jobs import JobServer, job_body

README = Path(__file__).resolve().parents[2] / "README.md"
# Generated and heavy (hundreds of modules), and they define no exception class.
SKIPPED_PACKAGES = tuple(f"klaviyo_generated.{name}" for name in ("models", "api", "params", "resources"))
# Internal: each is caught inside the call that raises it (see the module docstring and the tests below).
# Raised and caught inside the package, never leaving a call: a body's shape check, the fake's answer, a dry
# run's captured request.
INTERNAL = {
    "klaviyo_generated._shape.BodyMismatch",
    "klaviyo_generated.testing._store.FakeError",
    "klaviyo_generated.tools._call._Captured",
}


def _modules() -> Iterator[Any]:
    yield klaviyo_generated
    for info in pkgutil.walk_packages(klaviyo_generated.__path__, "klaviyo_generated."):
        if not info.name.startswith(SKIPPED_PACKAGES):
            yield importlib.import_module(info.name)


def _defined_exceptions() -> dict[str, type[BaseException]]:
    found = {}
    for module in _modules():
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def _public_errors() -> dict[str, type[KlaviyoError]]:
    return {
        name: value
        for name in _exceptions.__all__
        if inspect.isclass(value := getattr(_exceptions, name)) and issubclass(value, KlaviyoError)
    }


def test_every_exception_class_is_a_klaviyo_error_defined_in_exceptions() -> None:
    defined = _defined_exceptions()
    assert "klaviyo_generated._exceptions.KlaviyoError" in defined
    assert set(defined) >= INTERNAL  # the walk reaches the testing package and the body check
    public = {name: cls for name, cls in defined.items() if name not in INTERNAL}
    elsewhere = sorted(name for name, cls in public.items() if cls.__module__ != "klaviyo_generated._exceptions")
    assert elsewhere == []
    assert sorted(name for name, cls in public.items() if not issubclass(cls, KlaviyoError)) == []
    assert {cls.__name__ for cls in public.values()} == {
        name for name, cls in _public_errors().items() if name != "RateLimitWaitExceeded"
    }


def test_every_public_error_is_exported_from_the_package_as_the_same_object() -> None:
    for name, cls in _public_errors().items():
        assert name in klaviyo_generated.__all__, name
        assert getattr(klaviyo_generated, name) is cls, name


@pytest.mark.parametrize(
    ("module", "names"),
    [
        ("_base_error", ["KlaviyoError"]),
        ("_auth", ["ConfigurationError"]),
        ("_arguments", ["ArgumentTypeError", "InvalidArgumentError"]),
        ("_inputs", ["InputError"]),
        ("_lazy", ["FieldDecodeError", "MissingFieldError"]),
        ("_jobs", ["JobFailedError", "JobLimitError", "JobTimeoutError"]),
        ("_chunks", ["ChunkFailedError"]),
        ("_oauth", ["TokenRefreshError"]),
        ("_pagination", ["PaginationError"]),
        ("filters", ["FilterError"]),
        ("errors", ["UndecodableResponse", "UnexpectedStatus"]),
    ],
)
def test_the_old_import_locations_re_export_the_same_classes(module: str, names: list[str]) -> None:
    imported = importlib.import_module(f"klaviyo_generated.{module}")
    for name in names:
        assert getattr(imported, name) is getattr(_exceptions, name)
        assert name in imported.__all__


def test_the_generated_errors_are_klaviyo_errors_with_their_stock_signature() -> None:
    unexpected = errors.UnexpectedStatus(418, b"teapot")
    assert isinstance(unexpected, KlaviyoError)
    assert (unexpected.status_code, unexpected.content) == (418, b"teapot")
    assert str(unexpected) == "Unexpected status code: 418\n\nResponse content:\nteapot"
    undecodable = errors.UndecodableResponse(200, b"<html>")
    assert isinstance(undecodable, KlaviyoError)
    assert (undecodable.status_code, undecodable.content) == (200, b"<html>")
    assert str(undecodable) == "HTTP 200 response body could not be decoded as documented: '<html>'"


def test_rate_limit_wait_exceeded_is_the_old_name_of_the_error() -> None:
    assert RateLimitWaitExceeded is RateLimitWaitExceededError
    assert klaviyo_generated.RateLimitWaitExceeded is RateLimitWaitExceededError
    with pytest.raises(RateLimitWaitExceeded):
        raise RateLimitWaitExceededError("get_profiles", 3.0, 1.0)


# --- The README's tree --------------------------------------------------------------------------

_NODE = re.compile(r"^(?P<indent>(?:[│ ] {3})*)(?P<branch>[├└]── )?(?P<name>[A-Z]\w*)")


def _tree_edges(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The class names of a box-drawn tree and its (child, parent) edges; description lines are skipped."""
    names: set[str] = set()
    edges: set[tuple[str, str]] = set()
    parents: list[str] = []
    for line in text.splitlines():
        match = _NODE.match(line)
        if match is None or (match["indent"] and not match["branch"]):  # a description's continuation line
            continue
        depth = len(match["indent"]) // 4 + (1 if match["branch"] else 0)
        name = match["name"]
        del parents[depth:]
        if parents:
            edges.add((name, parents[-1]))
        parents.append(name)
        names.add(name)
    return names, edges


def _readme_tree() -> str:
    blocks = re.findall(r"```\n(KlaviyoError\n.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    return str(blocks[0])


def _docstring_tree() -> str:
    block = re.search(r"\n(    KlaviyoError\n.*?)\n\n", str(_exceptions.__doc__), re.S)
    assert block is not None
    return textwrap.dedent(block[1])


def _real_edges() -> tuple[set[str], set[tuple[str, str]]]:
    classes = {name: cls for name, cls in _public_errors().items() if name != "RateLimitWaitExceeded"}
    edges = {
        (name, base.__name__)
        for name, cls in classes.items()
        for base in cls.__bases__
        if issubclass(base, KlaviyoError)
    }
    return set(classes), edges


@pytest.mark.parametrize("source", ["README", "_exceptions docstring"])
def test_the_error_tree_shows_every_public_error_and_the_real_hierarchy(source: str) -> None:
    text = _readme_tree() if source == "README" else _docstring_tree()
    names, edges = _tree_edges(text)
    real_names, real_edges = _real_edges()
    assert names == real_names
    assert edges == real_edges


def test_the_tree_parser_reads_depth_and_skips_descriptions() -> None:
    text = "A\n├── B          text\n│   │          More text\n│   └── C      x\n└── D\n"
    assert _tree_edges(text) == ({"A", "B", "C", "D"}, {("B", "A"), ("C", "B"), ("D", "A")})


# --- Pickling -----------------------------------------------------------------------------------


def _request() -> httpx.Request:
    return _response(200).request


def _response(status: int, body: bytes = b'{"errors": [{"code": "x", "detail": "Nope."}]}') -> httpx.Response:
    request = httpx.Request(
        "GET", "https://a.klaviyo.com/api/profiles/", headers={"Authorization": "Klaviyo-API-Key x"}
    )
    return httpx.Response(status, content=body, request=request, headers={"x-request-id": "r1"})


def _failed_job_error() -> JobFailedError:
    server = JobServer(job_body("complete", completed=2, failed=1))
    with pytest.raises(JobFailedError) as caught:
        server.client().profiles.attach_bulk_import_profiles("J1").wait()
    return caught.value


def _timed_out_job_error() -> JobTimeoutError:
    server = JobServer(job_body("processing"))
    with pytest.raises(JobTimeoutError) as caught:
        server.client().profiles.attach_bulk_import_profiles("J1").wait(timeout=1.0)
    return caught.value


def _chunk_error() -> ChunkFailedError:
    failed = _failed_job_error()
    return ChunkFailedError("bulk_import_profiles", [ChunkOutcome(0, range(0, 3), failed.job, error=failed)])


# One instance of every public error, as the package raises it.
EXAMPLES: dict[str, Callable[[], KlaviyoError]] = {
    "KlaviyoError": lambda: KlaviyoError("something"),
    "ConfigurationError": lambda: ConfigurationError("bad setting"),
    "InvalidArgumentError": lambda: InvalidArgumentError("bad argument"),
    "ArgumentTypeError": lambda: ArgumentTypeError("bad type"),
    "InputError": lambda: InputError("bad email"),
    "FilterError": lambda: FilterError("bad filter"),
    "JobLimitError": lambda: JobLimitError("too many"),
    "APIError": lambda: _exceptions.APIError("failed", request=_response(400).request, attempts=2),
    "APIConnectionError": lambda: APIConnectionError(
        cause=httpx.ConnectError("refused", request=_response(200).request)
    ),
    "APITimeoutError": lambda: APITimeoutError(cause=httpx.ReadTimeout("slow", request=_response(200).request)),
    "APIStatusError": lambda: status_error(_response(418)),
    "BadRequestError": lambda: status_error(_response(400)),
    "AuthenticationError": lambda: status_error(_response(401)),
    "TokenRefreshError": lambda: TokenRefreshError(_response(400)),
    "OAuthError": lambda: OAuthError(_response(400, b'{"error": "invalid_grant", "error_description": "Used."}')),
    "PermissionDeniedError": lambda: status_error(_response(403)),
    "NotFoundError": lambda: status_error(_response(404)),
    "ConflictError": lambda: status_error(_response(409)),
    "UnprocessableEntityError": lambda: status_error(_response(422)),
    "RateLimitError": lambda: status_error(_response(429)),
    "InternalServerError": lambda: status_error(_response(503)),
    "ResponseDecodeError": lambda: ResponseDecodeError(_response(200, b"<html>")),
    "RateLimitWaitExceededError": lambda: RateLimitWaitExceededError("get_profiles", 3.0, 1.0, attempts=1),
    "FieldDecodeError": lambda: FieldDecodeError("Profile", "created", "not a date"),
    "MissingFieldError": lambda: MissingFieldError("Profile", "links", "links"),
    "PaginationError": lambda: PaginationError("repeated cursor"),
    "JobFailedError": _failed_job_error,
    "JobTimeoutError": _timed_out_job_error,
    "ChunkFailedError": _chunk_error,
    "UnexpectedStatus": lambda: UnexpectedStatus(418, b"teapot"),
    "UndecodableResponse": lambda: UndecodableResponse(200, b"<html>"),
    "UnknownToolError": lambda: UnknownToolError("get_profil", ["get_profile"]),
    "WebhookVerificationError": lambda: WebhookVerificationError(
        "bad_signature", "webhook refused (bad_signature): ...", header="Klaviyo-Signature"
    ),
}

# What must read the same after the round trip, beyond the type, str() and args.
KEPT = {
    "APIError": ("status_code", "attempts"),
    "APIStatusError": ("status_code", "request_id", "body_text", "errors", "attempts"),
    "RateLimitError": ("status_code", "retry_after", "errors"),
    "ResponseDecodeError": ("status_code", "body_text"),
    "RateLimitWaitExceededError": ("operation", "wait", "max_wait", "attempts"),
    "FieldDecodeError": ("model", "member", "raw"),
    "MissingFieldError": ("model", "member", "name", "raw"),
    "JobFailedError": ("errors",),
    "JobTimeoutError": ("status", "waited"),
    "UnexpectedStatus": ("status_code", "content"),
    "UndecodableResponse": ("status_code", "content"),
    "UnknownToolError": ("name", "suggestions"),
    "WebhookVerificationError": ("reason", "header"),
}


def test_there_is_an_example_of_every_public_error() -> None:
    assert set(EXAMPLES) == set(_public_errors()) - {"RateLimitWaitExceeded"}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_public_error_survives_pickling(name: str) -> None:
    error = EXAMPLES[name]()
    assert type(error).__name__ == name
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (str(copy), copy.args) == (str(error), error.args)
    for attribute in KEPT.get(name, ()):
        assert getattr(copy, attribute) == getattr(error, attribute), attribute


def test_an_unpickled_missing_field_error_is_still_an_attribute_error_for_its_name() -> None:
    copy = pickle.loads(pickle.dumps(MissingFieldError("Profile", "links", "links")))
    assert copy.name == "links"
    assert copy.raw is UNSET
    assert str(copy) == "Profile.links is missing: the API left out this required member"


def test_an_unpickled_job_error_keeps_the_job_to_read_but_not_to_poll() -> None:
    error = _failed_job_error()
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.job.id, copy.job.operation) == (error.job.id, error.job.operation)
    assert copy.job.progress == error.job.progress
    assert copy.job.progress.failed == 1
    with pytest.raises(ConfigurationError, match="was unpickled and has no client"):
        copy.job.refresh()
    timeout = pickle.loads(pickle.dumps(_timed_out_job_error()))
    assert (timeout.job.id, timeout.job.progress.status) == ("J1", "processing")
    chunks = pickle.loads(pickle.dumps(_chunk_error()))
    assert [(o.index, o.items, o.job.id) for o in chunks.outcomes] == [(0, range(0, 3), "J1")]
    assert isinstance(chunks.failed[0].error, JobFailedError)


# --- The internal exceptions never escape -------------------------------------------------------


def test_a_body_mismatch_reaches_the_caller_as_an_argument_error() -> None:
    from klaviyo_generated import Klaviyo
    from klaviyo_generated._shape import BodyMismatch

    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(record), rate_limits=False)
    wrong_type = {"data": {"type": "profile", "attributes": {"email": 42}}}
    with pytest.raises(ArgumentTypeError) as caught:
        kv.profiles.create_profile(body=wrong_type)  # type: ignore[arg-type]
    assert not isinstance(caught.value, BodyMismatch)
    assert str(caught.value).startswith("create_profile: body.data.attributes.email: expected")
    with pytest.raises(InvalidArgumentError) as missing:
        kv.profiles.create_profile(body={"data": {"attributes": {}}})  # type: ignore[arg-type]
    assert not isinstance(missing.value, BodyMismatch)
    assert sent == []


def test_a_fake_error_reaches_the_caller_as_the_status_error_of_its_answer() -> None:
    from klaviyo_generated import Klaviyo, NotFoundError
    from klaviyo_generated.testing import FakeKlaviyo
    from klaviyo_generated.testing._store import FakeError

    fake = FakeKlaviyo()
    with (
        Klaviyo(api_key=API_KEY, transport=fake.transport(), rate_limits=False) as kv,
        pytest.raises(NotFoundError) as caught,
    ):
        kv.profiles.get_profile("01NOSUCHPROFILE")
    assert not isinstance(caught.value, FakeError)
    assert caught.value.status_code == 404
    assert caught.value.errors[0].code == "not_found"
