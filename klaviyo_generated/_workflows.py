# Copied from overrides/runtime/_workflows.py by `python -m generator sync`; edit that file, not this one.
# requires-operations: get_profiles, create_or_update_profile, create_event
# requires-operations: add_profiles_to_list, remove_profiles_from_list
# requires-operations: bulk_subscribe_profiles, bulk_unsubscribe_profiles, bulk_create_events
# requires-operations: upload_image_from_file, upload_image_from_url
# requires-operations: bulk_suppress_profiles, bulk_unsuppress_profiles
# requires-operations: create_campaign, assign_template_to_campaign_message, send_campaign
# requires-operations: get_bulk_suppress_profiles_job, get_bulk_unsuppress_profiles_job, get_campaign_send_job
"""``kv.workflows``: the actions integrations need, each one call, built on the generated endpoints.

Every argument is checked before anything is sent (``InputError`` names the field); Klaviyo's own
refusals arrive as the package's typed errors.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from ._exceptions import ConflictError
from ._inputs import (
    InputError,
    Prefer,
    bulk_event_items,
    check_email,
    check_items,
    check_text,
    chunks,
    event_body,
    identifier,
    profile_attributes,
    sort_for,
    subscription_body,
    subscription_profiles,
)
from .filters import equals

if TYPE_CHECKING:
    from ._client import AsyncKlaviyo, Klaviyo
    from ._jobs import Accepted, AsyncJob, Job

    # Named by operation, not by schema: schema names differ between API revisions.
    from ._returns import (
        AssignTemplateToCampaignMessageResult,
        CreateCampaignResult,
        CreateOrUpdateProfileResult,
        GetBulkSuppressProfilesJobResult,
        GetBulkUnsuppressProfilesJobResult,
        GetCampaignSendJobResult,
        GetProfilesItem,
        UploadImageFromUrlResult,
    )

__all__ = ["AsyncWorkflows", "Workflows"]

LIST_BATCH = 1000  # "add up to 1000 profiles per call" in the spec's add_profiles_to_list
EVENT_BATCH = 1000  # "Accepts up to 1,000 events per request" (bulk_create_events)
# The spec's limits: "Maximum number of profiles can be submitted for subscription: 1000", and
# "Maximum number of profiles per call: 100" for unsubscribing.
CONSENT_BATCH = {"SUBSCRIBED": 1000, "UNSUBSCRIBED": 100}
_JOB_KIND = {
    "SUBSCRIBED": "profile-subscription-bulk-create-job",
    "UNSUBSCRIBED": "profile-subscription-bulk-delete-job",
}


def _consent_bodies(
    consent: str, emails: Iterable[str], phone_numbers: Iterable[str], list_id: str | None, custom_source: str | None
) -> list[dict[str, Any]]:
    profiles = subscription_profiles(emails, phone_numbers, consent)
    return [
        subscription_body(_JOB_KIND[consent], batch, list_id=list_id, custom_source=custom_source)
        for batch in chunks(profiles, CONSENT_BATCH[consent])
    ]


SUPPRESS_BATCH = 100  # "Email address per request limit: 100"
_SUPPRESSION_KIND = {True: "profile-suppression-bulk-create-job", False: "profile-suppression-bulk-delete-job"}


def _suppression_bodies(emails: Iterable[str], suppress: bool) -> list[dict[str, Any]]:
    checked = [check_email(e, "emails[]") for e in check_items(emails, "emails")]
    if not checked:
        raise InputError("emails= is empty")
    kind = _SUPPRESSION_KIND[suppress]
    return [
        {
            "data": {
                "type": kind,
                "attributes": {"profiles": {"data": [{"type": "profile", "attributes": {"email": e}} for e in batch]}},
            }
        }
        for batch in chunks(checked, SUPPRESS_BATCH)
    ]


def _campaign_body(
    name: str, list_ids: Iterable[str], excluded: Iterable[str], channel: str, content: dict[str, Any]
) -> dict[str, Any]:
    included = [check_text(i, "list_ids[]") for i in check_items(list_ids, "list_ids")]
    if not included:
        raise InputError("list_ids= needs at least one list or segment id")
    if channel not in ("email", "sms"):
        raise InputError(f"channel must be 'email' or 'sms', got {channel!r}")
    definition: dict[str, Any] = {"channel": channel, "label": check_text(name, "name")}
    if content:
        definition["content"] = content
    message = {"type": "campaign-message", "attributes": {"definition": definition}}
    excluded_ids = [check_text(i, "excluded_list_ids[]") for i in check_items(excluded, "excluded_list_ids")]
    audiences = {"included": included, "excluded": excluded_ids}
    return {
        "data": {
            "type": "campaign",
            "attributes": {"name": name, "audiences": audiences, "campaign-messages": {"data": [message]}},
        }
    }


def _assign_body(message_id: str, template_id: str) -> dict[str, Any]:
    template = {"data": {"type": "template", "id": check_text(template_id, "template_id")}}
    return {
        "data": {
            "type": "campaign-message",
            "id": check_text(message_id, "message_id"),
            "relationships": {"template": template},
        }
    }


def _email_content(
    subject: str | None, from_email: str | None, from_label: str | None, preview_text: str | None
) -> dict[str, Any]:
    content = {"subject": subject, "preview_text": preview_text, "from_label": from_label}
    if from_email is not None:
        content["from_email"] = check_email(from_email, "from_email")
    return {k: v for k, v in content.items() if v is not None}


def _image_body(
    path: str | os.PathLike[str] | None, url: str | None, name: str | None, hidden: bool
) -> tuple[str, Any]:
    if (path is None) == (url is None):
        raise InputError("pass either path= (a local file) or url= (https://... or a data: URI)")
    if url is not None:
        if not url.startswith(("https://", "http://", "data:image/")):
            raise InputError(f"url must be an http(s) URL or a data:image/... URI, got {url[:40]!r}")
        attributes: dict[str, Any] = {"import_from_url": url, "hidden": hidden}
        if name is not None:
            attributes["name"] = check_text(name, "name")
        return "url", {"data": {"type": "image", "attributes": attributes}}
    file = Path(path)  # type: ignore[arg-type]
    if not file.is_file():
        raise InputError(f"path {str(file)!r} is not a readable file")
    return "file", file


def _members(ids: Iterable[str]) -> dict[str, Any]:
    return {"data": [{"type": "profile", "id": ident} for ident in ids]}


def _list_inputs(
    list_id: object, profile_ids: Iterable[str] | None, emails: Iterable[str] | None
) -> tuple[str, list[str] | None, list[str] | None]:
    check_text(list_id, "list_id")
    if (profile_ids is None) == (emails is None):
        raise InputError("pass either profile_ids= or emails=")
    ids = (
        None
        if profile_ids is None
        else [check_text(i, "profile_ids[]") for i in check_items(profile_ids, "profile_ids")]
    )
    checked = None if emails is None else [check_email(e, "emails[]") for e in check_items(emails, "emails")]
    return str(list_id), ids, checked


def _upsert_body(attributes: dict[str, Any], unset: Iterable[str] | None, profile_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"data": {"type": "profile", "attributes": attributes}}
    if profile_id is not None:
        body["data"]["id"] = check_text(profile_id, "profile_id")
    names = [] if unset is None else [check_text(p, "unset[]") for p in check_items(unset, "unset")]
    if names:
        body["data"]["meta"] = {"patch_properties": {"unset": names}}
    return body


def _profile_identity(
    email: str | None, phone_number: str | None, external_id: str | None, profile_id: str | None
) -> dict[str, Any]:
    given = {"email": email, "phone_number": phone_number, "external_id": external_id, "id": profile_id}
    if all(v is None for v in given.values()):
        raise InputError("an event needs a profile: pass email, phone_number, external_id or profile_id")
    return {k: identifier(**{**dict.fromkeys(given), k: v})[1] for k, v in given.items() if v is not None}


class Workflows:
    """The workflows on the synchronous client: ``kv.workflows``."""

    def __init__(self, client: Klaviyo) -> None:
        self._kv = client

    def find_profile(
        self,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        external_id: str | None = None,
        id: str | None = None,
        prefer: Prefer = "newest_updated",
    ) -> GetProfilesItem | None:
        """The profile with this identifier (``None`` if there is none); with several, the one ``prefer`` picks."""
        field, value = identifier(email=email, phone_number=phone_number, external_id=external_id, id=id)
        page = self._kv.profiles.get_profiles(filter=equals(field, value), sort=sort_for(prefer), page_size=1)  # type: ignore[arg-type]
        return page.data[0] if page.data else None

    def upsert_profile(
        self,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        external_id: str | None = None,
        profile_id: str | None = None,
        location: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
        unset: Iterable[str] | None = None,
        **fields: Any,
    ) -> CreateOrUpdateProfileResult:
        """Create the profile or update the one these identifiers (or ``profile_id``) match; ``unset``
        removes custom properties."""
        from .models import ProfileUpsertQuery

        attributes = profile_attributes(
            email=email,
            phone_number=phone_number,
            external_id=external_id,
            location=location,
            properties=properties,
            fields=fields,
            profile_id=profile_id,
        )
        return self._kv.profiles.create_or_update_profile(
            body=ProfileUpsertQuery.from_dict(_upsert_body(attributes, unset, profile_id))
        )

    def add_profiles_to_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        """Add profiles by id, or by email (found, or created when missing), 1,000 per request; returns the ids."""
        from .models import ListMembersAddQuery

        list_id, ids, checked = _list_inputs(list_id, profile_ids, emails)
        if ids is None:
            ids = [self._id_for(email, create=True) for email in checked or []]
        for batch in chunks(ids, LIST_BATCH):
            self._kv.lists.add_profiles_to_list(list_id, body=ListMembersAddQuery.from_dict(_members(batch)))
        return ids

    def remove_profiles_from_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        """Remove profiles by id, or by email (emails with no profile are skipped); returns the ids removed."""
        from .models import ListMembersDeleteQuery

        list_id, ids, checked = _list_inputs(list_id, profile_ids, emails)
        if ids is None:
            ids = [i for i in (self._id_for(email, create=False) for email in checked or []) if i]
        for batch in chunks(ids, LIST_BATCH):
            self._kv.lists.remove_profiles_from_list(list_id, body=ListMembersDeleteQuery.from_dict(_members(batch)))
        return ids

    def track_event(
        self,
        metric: str,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        external_id: str | None = None,
        profile_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        value: float | None = None,
        currency: str | None = None,
        unique_id: str | None = None,
        time: datetime | None = None,
    ) -> None:
        """Record one event for a profile (created by Klaviyo when it does not exist yet)."""
        from .models import EventCreateQueryV2

        profile = _profile_identity(email, phone_number, external_id, profile_id)
        body = event_body(
            metric=metric,
            profile=profile,
            properties=properties,
            value=value,
            currency=currency,
            unique_id=unique_id,
            time=time,
        )
        self._kv.events.create_event(body=EventCreateQueryV2.from_dict(body))

    def subscribe(
        self,
        *,
        emails: Iterable[str] = (),
        phone_numbers: Iterable[str] = (),
        list_id: str | None = None,
        custom_source: str | None = None,
    ) -> list[Accepted]:
        """Subscribe emails to email marketing and phone numbers to SMS marketing (optionally into a list)."""
        from .models import SubscriptionCreateJobCreateQuery

        bodies = _consent_bodies("SUBSCRIBED", emails, phone_numbers, list_id, custom_source)
        return [
            self._kv.profiles.bulk_subscribe_profiles(body=SubscriptionCreateJobCreateQuery.from_dict(b))
            for b in bodies
        ]

    def unsubscribe(
        self, *, emails: Iterable[str] = (), phone_numbers: Iterable[str] = (), list_id: str | None = None
    ) -> list[Accepted]:
        """Unsubscribe from email / SMS marketing (100 profiles per request, as the API requires)."""
        from .models import SubscriptionDeleteJobCreateQuery

        bodies = _consent_bodies("UNSUBSCRIBED", emails, phone_numbers, list_id, None)
        return [
            self._kv.profiles.bulk_unsubscribe_profiles(body=SubscriptionDeleteJobCreateQuery.from_dict(b))
            for b in bodies
        ]

    def bulk_track_events(self, events: Iterable[Mapping[str, Any]]) -> list[Accepted]:
        """Many events (each a mapping of ``track_event``'s arguments), 1,000 per request."""
        from .models import EventsBulkCreateJob

        items = bulk_event_items(events)
        receipts = []
        for batch in chunks(items, EVENT_BATCH):
            body = {"data": {"type": "event-bulk-create-job", "attributes": {"events-bulk-create": {"data": batch}}}}
            receipts.append(self._kv.events.bulk_create_events(body=EventsBulkCreateJob.from_dict(body)))
        return receipts

    def upload_image(
        self,
        *,
        path: str | os.PathLike[str] | None = None,
        url: str | None = None,
        name: str | None = None,
        hidden: bool = False,
    ) -> UploadImageFromUrlResult:
        """Upload a local file (multipart), or import from an http(s) URL or a data: URI."""
        from .models import ImageCreateQuery, ImageUploadQuery
        from .types import File

        how, given = _image_body(path, url, name, hidden)
        if how == "url":
            return self._kv.images.upload_image_from_url(body=ImageCreateQuery.from_dict(given))
        mime = mimetypes.guess_type(given.name)[0] or "application/octet-stream"
        with given.open("rb") as handle:
            file = File(payload=handle, file_name=given.name, mime_type=mime)
            return self._kv.images.upload_image_from_file(
                body=ImageUploadQuery(file=file, name=name or given.name, hidden=hidden)
            )

    def suppress(self, *, emails: Iterable[str]) -> list[Job[GetBulkSuppressProfilesJobResult]]:
        """Suppress emails from all email marketing (100 per job); returns the jobs (``job.wait()``)."""
        from .models import SuppressionCreateJobCreateQuery

        return [
            self._kv.profiles.submit_bulk_suppress_profiles(body=SuppressionCreateJobCreateQuery.from_dict(body))
            for body in _suppression_bodies(emails, True)
        ]

    def unsuppress(self, *, emails: Iterable[str]) -> list[Job[GetBulkUnsuppressProfilesJobResult]]:
        """Lift manual suppressions (100 per job); returns the jobs."""
        from .models import SuppressionDeleteJobCreateQuery

        return [
            self._kv.profiles.submit_bulk_unsuppress_profiles(body=SuppressionDeleteJobCreateQuery.from_dict(body))
            for body in _suppression_bodies(emails, False)
        ]

    def create_campaign(
        self,
        name: str,
        *,
        list_ids: Iterable[str],
        excluded_list_ids: Iterable[str] = (),
        channel: str = "email",
        subject: str | None = None,
        from_email: str | None = None,
        from_label: str | None = None,
        preview_text: str | None = None,
    ) -> CreateCampaignResult:
        """A draft campaign with one message for ``channel``, sent to ``list_ids`` (lists or segments)."""
        from .models import CampaignCreateQuery

        content = _email_content(subject, from_email, from_label, preview_text) if channel == "email" else {}
        body = _campaign_body(name, list_ids, excluded_list_ids, channel, content)
        return self._kv.campaigns.create_campaign(body=CampaignCreateQuery.from_dict(body))

    def assign_template(self, message_id: str, template_id: str) -> AssignTemplateToCampaignMessageResult:
        """Use template ``template_id`` for campaign message ``message_id``."""
        from .models import CampaignMessageAssignTemplateQuery

        body = CampaignMessageAssignTemplateQuery.from_dict(_assign_body(message_id, template_id))
        return self._kv.campaigns.assign_template_to_campaign_message(body=body)

    @overload
    def send_campaign(
        self, campaign_id: str, *, wait: Literal[True] = True, **wait_options: Any
    ) -> GetCampaignSendJobResult: ...
    @overload
    def send_campaign(
        self, campaign_id: str, *, wait: Literal[False], **wait_options: Any
    ) -> Job[GetCampaignSendJobResult]: ...
    @overload
    def send_campaign(
        self, campaign_id: str, *, wait: bool = True, **wait_options: Any
    ) -> GetCampaignSendJobResult | Job[GetCampaignSendJobResult]: ...
    def send_campaign(
        self, campaign_id: str, *, wait: bool = True, **wait_options: Any
    ) -> GetCampaignSendJobResult | Job[GetCampaignSendJobResult]:
        """Send now: submit the send job and (by default) wait for it; ``wait=False`` returns the job."""
        from .models import CampaignSendJobCreateQuery

        body = {"data": {"type": "campaign-send-job", "id": check_text(campaign_id, "campaign_id")}}
        job = self._kv.campaigns.submit_send_campaign(body=CampaignSendJobCreateQuery.from_dict(body))
        return job.wait(**wait_options) if wait else job

    def cancel_campaign(self, campaign_id: str) -> None:
        """Cancel a campaign that is sending."""
        self._kv.campaigns.attach_send_campaign(check_text(campaign_id, "campaign_id")).cancel()

    def revert_campaign(self, campaign_id: str) -> None:
        """Return a cancelled campaign to draft."""
        self._kv.campaigns.attach_send_campaign(check_text(campaign_id, "campaign_id")).revert()

    def _id_for(self, email: str, *, create: bool) -> str:
        found = self.find_profile(email=email)
        if found is not None:
            return str(found.id)
        if not create:
            return ""
        # The import endpoint updates, rather than refuses, a profile another writer created since the
        # lookup; should Klaviyo answer 409 all the same, its answer names the profile with this email.
        try:
            return str(self.upsert_profile(email=email).data.id)
        except ConflictError as error:
            if error.duplicate_profile_id is None:
                raise
            return error.duplicate_profile_id


class AsyncWorkflows:
    """The workflows on the asyncio client: ``await kv.workflows.find_profile(...)``."""

    def __init__(self, client: AsyncKlaviyo) -> None:
        self._kv = client

    async def find_profile(
        self,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        external_id: str | None = None,
        id: str | None = None,
        prefer: Prefer = "newest_updated",
    ) -> GetProfilesItem | None:
        field, value = identifier(email=email, phone_number=phone_number, external_id=external_id, id=id)
        page = await self._kv.profiles.get_profiles(filter=equals(field, value), sort=sort_for(prefer), page_size=1)  # type: ignore[arg-type]
        return page.data[0] if page.data else None

    async def upsert_profile(
        self,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        external_id: str | None = None,
        profile_id: str | None = None,
        location: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
        unset: Iterable[str] | None = None,
        **fields: Any,
    ) -> CreateOrUpdateProfileResult:
        from .models import ProfileUpsertQuery

        attributes = profile_attributes(
            email=email,
            phone_number=phone_number,
            external_id=external_id,
            location=location,
            properties=properties,
            fields=fields,
            profile_id=profile_id,
        )
        return await self._kv.profiles.create_or_update_profile(
            body=ProfileUpsertQuery.from_dict(_upsert_body(attributes, unset, profile_id))
        )

    async def add_profiles_to_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        from .models import ListMembersAddQuery

        list_id, ids, checked = _list_inputs(list_id, profile_ids, emails)
        if ids is None:
            ids = [await self._id_for(email, create=True) for email in checked or []]
        for batch in chunks(ids, LIST_BATCH):
            await self._kv.lists.add_profiles_to_list(list_id, body=ListMembersAddQuery.from_dict(_members(batch)))
        return ids

    async def remove_profiles_from_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        from .models import ListMembersDeleteQuery

        list_id, ids, checked = _list_inputs(list_id, profile_ids, emails)
        if ids is None:
            ids = [i for i in [await self._id_for(email, create=False) for email in checked or []] if i]
        for batch in chunks(ids, LIST_BATCH):
            await self._kv.lists.remove_profiles_from_list(
                list_id, body=ListMembersDeleteQuery.from_dict(_members(batch))
            )
        return ids

    async def track_event(
        self,
        metric: str,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        external_id: str | None = None,
        profile_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        value: float | None = None,
        currency: str | None = None,
        unique_id: str | None = None,
        time: datetime | None = None,
    ) -> None:
        from .models import EventCreateQueryV2

        profile = _profile_identity(email, phone_number, external_id, profile_id)
        body = event_body(
            metric=metric,
            profile=profile,
            properties=properties,
            value=value,
            currency=currency,
            unique_id=unique_id,
            time=time,
        )
        await self._kv.events.create_event(body=EventCreateQueryV2.from_dict(body))

    async def subscribe(
        self,
        *,
        emails: Iterable[str] = (),
        phone_numbers: Iterable[str] = (),
        list_id: str | None = None,
        custom_source: str | None = None,
    ) -> list[Accepted]:
        from .models import SubscriptionCreateJobCreateQuery

        bodies = _consent_bodies("SUBSCRIBED", emails, phone_numbers, list_id, custom_source)
        return [
            await self._kv.profiles.bulk_subscribe_profiles(body=SubscriptionCreateJobCreateQuery.from_dict(b))
            for b in bodies
        ]

    async def unsubscribe(
        self, *, emails: Iterable[str] = (), phone_numbers: Iterable[str] = (), list_id: str | None = None
    ) -> list[Accepted]:
        from .models import SubscriptionDeleteJobCreateQuery

        bodies = _consent_bodies("UNSUBSCRIBED", emails, phone_numbers, list_id, None)
        return [
            await self._kv.profiles.bulk_unsubscribe_profiles(body=SubscriptionDeleteJobCreateQuery.from_dict(b))
            for b in bodies
        ]

    async def bulk_track_events(self, events: Iterable[Mapping[str, Any]]) -> list[Accepted]:
        from .models import EventsBulkCreateJob

        items = bulk_event_items(events)
        receipts = []
        for batch in chunks(items, EVENT_BATCH):
            body = {"data": {"type": "event-bulk-create-job", "attributes": {"events-bulk-create": {"data": batch}}}}
            receipts.append(await self._kv.events.bulk_create_events(body=EventsBulkCreateJob.from_dict(body)))
        return receipts

    async def upload_image(
        self,
        *,
        path: str | os.PathLike[str] | None = None,
        url: str | None = None,
        name: str | None = None,
        hidden: bool = False,
    ) -> UploadImageFromUrlResult:
        from .models import ImageCreateQuery, ImageUploadQuery
        from .types import File

        how, given = _image_body(path, url, name, hidden)
        if how == "url":
            return await self._kv.images.upload_image_from_url(body=ImageCreateQuery.from_dict(given))
        mime = mimetypes.guess_type(given.name)[0] or "application/octet-stream"
        with given.open("rb") as handle:
            file = File(payload=handle, file_name=given.name, mime_type=mime)
            return await self._kv.images.upload_image_from_file(
                body=ImageUploadQuery(file=file, name=name or given.name, hidden=hidden)
            )

    async def suppress(self, *, emails: Iterable[str]) -> list[AsyncJob[GetBulkSuppressProfilesJobResult]]:
        from .models import SuppressionCreateJobCreateQuery

        return [
            await self._kv.profiles.submit_bulk_suppress_profiles(body=SuppressionCreateJobCreateQuery.from_dict(body))
            for body in _suppression_bodies(emails, True)
        ]

    async def unsuppress(self, *, emails: Iterable[str]) -> list[AsyncJob[GetBulkUnsuppressProfilesJobResult]]:
        from .models import SuppressionDeleteJobCreateQuery

        return [
            await self._kv.profiles.submit_bulk_unsuppress_profiles(
                body=SuppressionDeleteJobCreateQuery.from_dict(body)
            )
            for body in _suppression_bodies(emails, False)
        ]

    async def create_campaign(
        self,
        name: str,
        *,
        list_ids: Iterable[str],
        excluded_list_ids: Iterable[str] = (),
        channel: str = "email",
        subject: str | None = None,
        from_email: str | None = None,
        from_label: str | None = None,
        preview_text: str | None = None,
    ) -> CreateCampaignResult:
        from .models import CampaignCreateQuery

        content = _email_content(subject, from_email, from_label, preview_text) if channel == "email" else {}
        body = _campaign_body(name, list_ids, excluded_list_ids, channel, content)
        return await self._kv.campaigns.create_campaign(body=CampaignCreateQuery.from_dict(body))

    async def assign_template(self, message_id: str, template_id: str) -> AssignTemplateToCampaignMessageResult:
        from .models import CampaignMessageAssignTemplateQuery

        body = CampaignMessageAssignTemplateQuery.from_dict(_assign_body(message_id, template_id))
        return await self._kv.campaigns.assign_template_to_campaign_message(body=body)

    @overload
    async def send_campaign(
        self, campaign_id: str, *, wait: Literal[True] = True, **wait_options: Any
    ) -> GetCampaignSendJobResult: ...
    @overload
    async def send_campaign(
        self, campaign_id: str, *, wait: Literal[False], **wait_options: Any
    ) -> AsyncJob[GetCampaignSendJobResult]: ...
    @overload
    async def send_campaign(
        self, campaign_id: str, *, wait: bool = True, **wait_options: Any
    ) -> GetCampaignSendJobResult | AsyncJob[GetCampaignSendJobResult]: ...
    async def send_campaign(
        self, campaign_id: str, *, wait: bool = True, **wait_options: Any
    ) -> GetCampaignSendJobResult | AsyncJob[GetCampaignSendJobResult]:
        from .models import CampaignSendJobCreateQuery

        body = {"data": {"type": "campaign-send-job", "id": check_text(campaign_id, "campaign_id")}}
        job = await self._kv.campaigns.submit_send_campaign(body=CampaignSendJobCreateQuery.from_dict(body))
        return (await job.wait(**wait_options)) if wait else job

    async def cancel_campaign(self, campaign_id: str) -> None:
        await self._kv.campaigns.attach_send_campaign(check_text(campaign_id, "campaign_id")).cancel()

    async def revert_campaign(self, campaign_id: str) -> None:
        await self._kv.campaigns.attach_send_campaign(check_text(campaign_id, "campaign_id")).revert()

    async def _id_for(self, email: str, *, create: bool) -> str:
        found = await self.find_profile(email=email)
        if found is not None:
            return str(found.id)
        if not create:
            return ""
        try:
            return str((await self.upsert_profile(email=email)).data.id)
        except ConflictError as error:  # as in Workflows._id_for
            if error.duplicate_profile_id is None:
                raise
            return error.duplicate_profile_id
