"""What a type checker sees of ``kv.workflows``: the documented models, never ``Any``.

Never run; ``mypy --strict`` checks it (the project's ``mypy`` run in the typecheck session).
``assert_type`` fails on ``Any``, and the attribute chains below are what user code writes without
a cast. ``misuse`` holds what mypy must refuse, as the run-time checks do: each line carries the
``type: ignore`` of the error it must raise, and ``warn_unused_ignores`` (part of ``--strict``)
fails the run if mypy ever stops reporting it.
"""

from __future__ import annotations

from typing import assert_type

from klaviyo_generated import AsyncKlaviyo, Klaviyo
from klaviyo_generated._jobs import Accepted, AsyncJob, Job
from klaviyo_generated.models import (
    GetBulkProfileSuppressionsCreateJobResponse,
    GetBulkProfileSuppressionsRemoveJobResponse,
    GetCampaignSendJobResponse,
    GetProfileResponsePluralConversationsCollectionCompoundDocumentDataItem,
    PostCampaignMessageResponse,
    PostCampaignResponse,
    PostImageResponse,
    PostProfileResponse,
)
from klaviyo_generated.types import Unset

Profile = GetProfileResponsePluralConversationsCollectionCompoundDocumentDataItem


def sync_results(kv: Klaviyo) -> None:
    found = kv.workflows.find_profile(email="ada@example.com")
    assert_type(found, Profile | None)
    if found is not None:
        assert_type(found.attributes.email, None | str | Unset)
    upserted = kv.workflows.upsert_profile(email="ada@example.com")
    assert_type(upserted, PostProfileResponse)
    assert_type(upserted.data.attributes.email, None | str | Unset)
    assert_type(kv.workflows.add_to_list("L1", emails=["a@b.co"]), list[str])
    assert_type(kv.workflows.remove_from_list("L1", profile_ids=["P1"]), list[str])
    assert_type(kv.workflows.subscribe(emails=["a@b.co"]), list[Accepted])
    assert_type(kv.workflows.unsubscribe(emails=["a@b.co"])[0].status_code, int)
    assert_type(kv.workflows.bulk_track_events([{"metric": "M", "email": "a@b.co"}]), list[Accepted])
    assert_type(kv.workflows.upload_image(url="https://example.com/a.png"), PostImageResponse)
    suppressed = kv.workflows.suppress(emails=["a@b.co"])
    assert_type(suppressed, list[Job[GetBulkProfileSuppressionsCreateJobResponse]])
    assert_type(suppressed[0].wait(), GetBulkProfileSuppressionsCreateJobResponse)
    assert_type(kv.workflows.unsuppress(emails=["a@b.co"]), list[Job[GetBulkProfileSuppressionsRemoveJobResponse]])
    campaign = kv.workflows.create_campaign("Sale", list_ids=["L1"])
    assert_type(campaign, PostCampaignResponse)
    assert_type(kv.workflows.assign_template("M1", "T1"), PostCampaignMessageResponse)
    assert_type(kv.workflows.send_campaign("C1"), GetCampaignSendJobResponse)
    assert_type(kv.workflows.send_campaign("C1", timeout=5.0), GetCampaignSendJobResponse)
    assert_type(kv.workflows.send_campaign("C1", wait=False), Job[GetCampaignSendJobResponse])
    waiting: bool = True
    assert_type(
        kv.workflows.send_campaign("C1", wait=waiting), GetCampaignSendJobResponse | Job[GetCampaignSendJobResponse]
    )


async def async_results(kv: AsyncKlaviyo) -> None:
    found = await kv.workflows.find_profile(email="ada@example.com")
    assert_type(found, Profile | None)
    upserted = await kv.workflows.upsert_profile(email="ada@example.com")
    assert_type(upserted.data.attributes.email, None | str | Unset)
    assert_type(await kv.workflows.add_to_list("L1", emails=["a@b.co"]), list[str])
    assert_type(await kv.workflows.remove_from_list("L1", emails=["a@b.co"]), list[str])
    assert_type(await kv.workflows.subscribe(emails=["a@b.co"]), list[Accepted])
    assert_type(await kv.workflows.unsubscribe(emails=["a@b.co"]), list[Accepted])
    assert_type(await kv.workflows.bulk_track_events([{"metric": "M", "email": "a@b.co"}]), list[Accepted])
    assert_type(await kv.workflows.upload_image(url="https://example.com/a.png"), PostImageResponse)
    suppressed = await kv.workflows.suppress(emails=["a@b.co"])
    assert_type(suppressed, list[AsyncJob[GetBulkProfileSuppressionsCreateJobResponse]])
    assert_type(await suppressed[0].wait(), GetBulkProfileSuppressionsCreateJobResponse)
    assert_type(
        await kv.workflows.unsuppress(emails=["a@b.co"]), list[AsyncJob[GetBulkProfileSuppressionsRemoveJobResponse]]
    )
    assert_type(await kv.workflows.create_campaign("Sale", list_ids=["L1"]), PostCampaignResponse)
    assert_type(await kv.workflows.assign_template("M1", "T1"), PostCampaignMessageResponse)
    assert_type(await kv.workflows.send_campaign("C1"), GetCampaignSendJobResponse)
    assert_type(await kv.workflows.send_campaign("C1", wait=False), AsyncJob[GetCampaignSendJobResponse])


def misuse(kv: Klaviyo) -> None:
    kv.profiles.get_profiles(fields_profile="email")  # type: ignore[arg-type]
    kv.profiles.get_profiles(sort="newest")  # type: ignore[arg-type]
    kv.workflows.find_profile(email="a@b.co").id  # type: ignore[union-attr]  # noqa: B018
