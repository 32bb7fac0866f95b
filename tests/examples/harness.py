"""Runs documentation code blocks against FakeKlaviyo: the README's (test_readme) and the docs site's (tests/docs).

``Klaviyo`` and ``AsyncKlaviyo`` are swapped for subclasses that send to one fake (on a virtual
clock) unless a block passes its own transport or points ``base_url`` at a fake it serves itself.
The placeholders the docs use (``LIST_ID``, ``TEMPLATE_ID``, ``CAMPAIGN_ID``, profile ``01H...``)
exist in that fake. Blocks of one document run in order and share one namespace with an open ``kv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import klaviyo_generated
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock

KEY = "pk_readme_fake_key"
# A ```python block, with the HTML comment right before it if any (`<!-- no-run: why -->` marks one that
# cannot run here, e.g. it needs a real key).
_BLOCK = re.compile(r"(?:<!--\s*(no-run:[^>]*?)\s*-->\s*\n)?^```python[^\n]*\n(.*?)^```", re.S | re.M)


def python_blocks(markdown: str) -> list[tuple[str, str | None]]:
    """Each ```python block of a markdown text: (code, the reason it is marked no-run, or None)."""
    return [
        (match.group(2), match.group(1).removeprefix("no-run:").strip() if match.group(1) else None)
        for match in _BLOCK.finditer(markdown)
    ]


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
        kwargs["api_key"] = KEY  # the docs write "pk_..."
    served = str(kwargs.get("base_url", "")).startswith("http://127.0.0.1")
    if "transport" not in kwargs and "http_client" not in kwargs and not served:
        kwargs.pop("base_url", None)
        kwargs.pop("allow_http", None)
        kwargs["transport"] = fake.async_transport() if asynchronous else fake.transport()
        kwargs["clock"] = clock
        kwargs["sleep"] = clock.asleep if asynchronous else clock.sleep
    return kwargs


def run_blocks(blocks: Sequence[str], source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """Run ``blocks`` in order in one namespace against a seeded fake; fail naming ``source`` and the block.

    Returns the namespace (the blocks' variables) for the caller to check what they did.
    """
    monkeypatch.setenv("KLAVIYO_API_KEY", KEY)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG readme logo")  # the file the image examples upload
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
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    for number, block in enumerate(blocks):
        # The blocks read like one session with an open `kv`; one may close its own.
        current = namespace.get("kv")
        if not isinstance(current, sync_base) or current._http.is_closed:
            namespace["kv"] = Klaviyo()
        try:
            exec(compile(block, f"{source} python block {number}", "exec"), namespace)
        except Exception as error:  # pragma: no cover - the message is the point
            pytest.fail(f"{source} python block {number} raised {type(error).__name__}: {error}\n{block}")
    return namespace
