"""``call_tool``: arguments checked before sending, answers serialized and paged, errors as data, dry runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from klaviyo_generated import Klaviyo
from klaviyo_generated.testing import FakeKlaviyo
from klaviyo_generated.tools._call import ToolResult, call_tool, next_cursor
from tests.mcp.standin import KEY, by_name

ROOT = Path(__file__).resolve().parents[2]


def _call(kv: Klaviyo, name: str, **arguments: object) -> ToolResult:
    result = call_tool(kv, by_name(name), arguments)
    assert KEY not in result.text
    assert json.loads(result.text) == result.content
    return result


def _profile(email: str) -> dict[str, object]:
    return {"data": {"type": "profile", "attributes": {"email": email, "first_name": "Ada"}}}


def test_a_paged_read_returns_its_items_and_the_cursor_of_the_next_page(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    emails = [f"p{i}@example.com" for i in range(5)]
    for email in emails:
        fake.add_profile(email=email)

    first = _call(kv, "get_profiles", page_size=3, fields_profile=["email"])
    assert first.ok
    assert [item["attributes"]["email"] for item in first.content["data"]] == emails[:3]
    assert first.next_cursor is not None
    assert first.next_cursor == first.content["next_cursor"] == next_cursor(first.content)

    second = _call(kv, "get_profiles", page_size=3, fields_profile=["email"], page_cursor=first.next_cursor)
    assert [item["attributes"]["email"] for item in second.content["data"]] == emails[3:]
    assert second.next_cursor is None
    assert second.content["next_cursor"] is None
    assert fake.requests[1].url.params["page[cursor]"] == first.next_cursor
    assert fake.requests[0].url.params["fields[profile]"] == "email"


def test_a_write_reaches_klaviyo(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    result = _call(kv, "create_profile", body=_profile("new@example.com"))

    assert result.ok
    stored = fake.find_profile(email="new@example.com")
    assert stored is not None
    assert result.content["data"]["id"] == stored["id"]
    assert result.next_cursor is None


def test_a_workflow_tool_calls_kv_workflows(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    profile = fake.add_profile(email="member@example.com")
    listed = fake.add_list("VIP")

    result = _call(kv, "workflows_add_to_list", list_id=listed["id"], profile_ids=[profile["id"]])

    assert result.ok
    assert result.content == [profile["id"]]
    assert fake.store.members[listed["id"]] == [profile["id"]]


def test_klaviyo_errors_come_back_as_data_with_code_title_and_detail(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    result = _call(kv, "get_profile", id="01MISSING")

    assert not result.ok
    error = result.content["error"]
    assert error["type"] == "NotFoundError"
    assert error["status"] == 404
    answer = json.loads(fake.handle(fake.requests[0]).content)["errors"][0]
    assert error["errors"] == [
        {
            "code": answer["code"],
            "title": answer["title"],
            "detail": answer["detail"],
            "source": answer.get("source", {}),
        }
    ]
    assert "Not found." in result.text


def test_unknown_and_missing_arguments_are_named_and_nothing_is_sent(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    result = _call(kv, "get_profile", fields="email")

    assert not result.ok
    error = result.content["error"]
    assert error["type"] == "InvalidArguments"
    assert error["unknown"] == ["fields"]
    assert error["missing"] == ["id"]
    assert error["allowed"] == ["id", "fields_profile"]
    assert "unknown argument(s) 'fields'" in error["message"]
    assert "missing required argument(s) 'id'" in error["message"]
    assert fake.requests == []


def test_arguments_that_are_not_an_object_are_refused_and_nothing_is_sent(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    for given, kind in ((["id", "P1"], "list"), ("id=P1", "str"), (7, "int")):
        result = call_tool(kv, by_name("get_profile"), given)  # type: ignore[arg-type]
        assert not result.ok
        assert result.content == {
            "error": {
                "type": "InvalidArguments",
                "message": "get_profile: arguments must be a JSON object (a mapping of names to values), "
                f"not {kind}. Nothing was sent.",
            }
        }
    assert call_tool(kv, by_name("get_lists"), None).ok  # no arguments at all is an empty object
    assert [r.url.path for r in fake.requests] == ["/api/lists"]


def test_values_against_the_schema_are_checked_before_sending(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    result = _call(kv, "get_profiles", page_size=500, fields_profile=["emial"])

    assert not result.ok
    assert result.content["error"]["problems"] == [
        "fields_profile.0: 'emial' is not one of ['email', 'first_name', 'last_name', 'created']",
        "page_size: 500 is greater than the maximum of 100",
    ]
    assert fake.requests == []


def test_a_dry_run_returns_the_exact_request_and_sends_nothing(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    body = _profile("dry@example.com")
    result = _call(kv, "create_profile", body=body)  # the same call, sent, for comparison
    sent = fake.requests[0]

    dry = call_tool(kv, by_name("create_profile"), {"body": body}, dry_run=True)

    assert dry.ok
    assert len(fake.requests) == 1
    assert result.ok
    assert dry.content["method"] == "POST" == sent.method
    assert dry.content["url"] == str(sent.url) == "https://a.klaviyo.com/api/profiles"
    assert dry.content["path"] == "/api/profiles"
    assert dry.content["query"] == {}
    assert dry.content["body"] == json.loads(sent.content) == body
    assert dry.content["headers"] == {k: v for k, v in sent.headers.items() if k != "authorization"}
    assert "Authorization" not in dry.text
    assert KEY not in dry.text
    assert "pk_" not in dry.text


def test_a_dry_run_of_a_read_shows_its_query(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    dry = call_tool(kv, by_name("get_profiles"), {"fields_profile": ["email", "created"], "page_size": 5}, dry_run=True)

    assert dry.content["method"] == "GET"
    assert dry.content["path"] == "/api/profiles"
    assert dry.content["query"] == {"fields[profile]": "email,created", "page[size]": "5"}
    assert dry.content["body"] is None
    assert fake.requests == []


def test_a_dry_run_still_refuses_bad_arguments(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    dry = call_tool(kv, by_name("delete_list"), {}, dry_run=True)

    assert not dry.ok
    assert dry.content["error"]["missing"] == ["id"]


def test_a_long_answer_is_cut_at_an_item_with_a_note(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    for i in range(40):
        fake.add_profile(email=f"long{i:02}@example.com", first_name="x" * 100)
    whole = call_tool(kv, by_name("get_profiles"), {"page_size": 40})
    assert not whole.truncated

    cut = call_tool(kv, by_name("get_profiles"), {"page_size": 40}, max_chars=4000)

    assert cut.truncated
    assert len(cut.text) <= 4000
    kept = cut.content["data"]
    assert 0 < len(kept) < 40
    assert kept == whole.content["data"][: len(kept)]
    assert json.loads(cut.text) == cut.content
    assert f"the last {40 - len(kept)} of its 40 data items were dropped" in cut.content["note"]
    assert "fields_*" in cut.content["note"]
    assert f"page_size (at most {len(kept)})" in cut.content["note"]
    assert cut.next_cursor == whole.next_cursor


def test_an_answer_without_items_to_drop_is_replaced_by_the_note(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    profile = fake.add_profile(email="big@example.com", first_name="y" * 5000)

    cut = call_tool(kv, by_name("get_profile"), {"id": profile["id"]}, max_chars=1000)

    assert cut.ok
    assert cut.truncated
    assert list(cut.content) == ["note"]
    assert "over the 1000-character limit" in cut.content["note"]


def test_a_key_pasted_into_an_argument_is_masked_in_the_error(kv: Klaviyo, fake: FakeKlaviyo) -> None:
    result = _call(kv, "get_profiles", page_size=KEY)

    assert not result.ok
    assert result.content["error"]["problems"] == ["page_size: 'pk_***' is not of type 'integer'"]
    assert fake.requests == []


def test_importing_call_tool_loads_no_http_stack() -> None:
    # The catalog package re-exports call_tool; it reads no JSON and loads no httpx until used.
    code = "import sys, klaviyo_generated.tools._call; print(sorted(m for m in ('httpx', 'mcp') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
