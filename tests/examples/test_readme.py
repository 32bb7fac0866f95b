"""Every ```python block of the README runs, in order and sharing one namespace, against FakeKlaviyo.

``Klaviyo`` and ``AsyncKlaviyo`` are swapped for subclasses that send to one fake (on a virtual
clock) unless a block passes its own transport or points ``base_url`` at a fake it serves itself.
The placeholders the README uses (``LIST_ID``, ``TEMPLATE_ID``, ``CAMPAIGN_ID``, profile ``01H...``)
exist in that fake.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import klaviyo_generated
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
KEY = "pk_readme_fake_key"


def seeded(clock: VirtualClock) -> FakeKlaviyo:
    fake = FakeKlaviyo(clock=clock)
    store = fake.store
    now = store.now()
    store.resources["profile"]["01H..."] = {
        "type": "profile",
        "id": "01H...",
        "attributes": {"email": "seeded@example.com", "created": now, "updated": now},
        "relationships": {},
    }
    store.resources["list"]["LIST_ID"] = {
        "type": "list",
        "id": "LIST_ID",
        "attributes": {"name": "Newsletter", "created": now, "updated": now},
        "relationships": {},
    }
    store.members["LIST_ID"] = []
    template = {"name": "T", "editor_type": "CODE", "html": "<p>Hi</p>", "created": now, "updated": now}
    store.resources["template"]["TEMPLATE_ID"] = {
        "type": "template",
        "id": "TEMPLATE_ID",
        "attributes": template,
        "relationships": {},
    }
    campaign = {
        "name": "Seeded",
        "status": "Draft",
        "archived": False,
        "audiences": {"included": ["LIST_ID"], "excluded": []},
        "send_options": {"use_smart_sending": True},
        "send_strategy": {"method": "immediate"},
        "created_at": now,
        "updated_at": now,
    }
    store.resources["campaign"]["CAMPAIGN_ID"] = {
        "type": "campaign",
        "id": "CAMPAIGN_ID",
        "attributes": campaign,
        "relationships": {},
    }
    return fake


def _redirect(kwargs: dict[str, Any], fake: FakeKlaviyo, clock: VirtualClock, *, asynchronous: bool) -> dict[str, Any]:
    if kwargs.get("api_key") is not None:
        kwargs["api_key"] = KEY  # the README writes "pk_..."
    served = str(kwargs.get("base_url", "")).startswith("http://127.0.0.1")
    if "transport" not in kwargs and "http_client" not in kwargs and not served:
        kwargs.pop("base_url", None)
        kwargs.pop("allow_http", None)
        kwargs["transport"] = fake.async_transport() if asynchronous else fake.transport()
        kwargs["clock"] = clock
        kwargs["sleep"] = clock.asleep if asynchronous else clock.sleep
    return kwargs


def test_the_readme_has_code_to_run() -> None:
    assert len(BLOCKS) >= 12


def test_every_readme_block_runs_against_the_fake(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("KLAVIYO_API_KEY", KEY)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG readme logo")  # the file the image example uploads
    clock = VirtualClock()
    fake = seeded(clock)
    sync_base, async_base = klaviyo_generated.Klaviyo, klaviyo_generated.AsyncKlaviyo

    class Klaviyo(sync_base):  # type: ignore[valid-type,misc]
        def __init__(self, api_key: str | None = None, **kwargs: Any) -> None:
            super().__init__(**_redirect({"api_key": api_key, **kwargs}, fake, clock, asynchronous=False))

    class AsyncKlaviyo(async_base):  # type: ignore[valid-type,misc]
        def __init__(self, api_key: str | None = None, **kwargs: Any) -> None:
            super().__init__(**_redirect({"api_key": api_key, **kwargs}, fake, clock, asynchronous=True))

    monkeypatch.setattr(klaviyo_generated, "Klaviyo", Klaviyo)
    monkeypatch.setattr(klaviyo_generated, "AsyncKlaviyo", AsyncKlaviyo)
    namespace: dict[str, Any] = {"__name__": "readme"}
    for number, block in enumerate(BLOCKS):
        # The README's blocks read like one session with an open `kv`; the first one closes its own.
        current = namespace.get("kv")
        if not isinstance(current, sync_base) or current._http.is_closed:
            namespace["kv"] = Klaviyo()
        try:
            exec(compile(block, f"README.md python block {number}", "exec"), namespace)
        except Exception as error:  # pragma: no cover - the message is the point
            pytest.fail(f"README python block {number} raised {type(error).__name__}: {error}\n{block}")
    assert "HTTP 404 not_found" in capsys.readouterr().out  # the errors example printed the typed error
