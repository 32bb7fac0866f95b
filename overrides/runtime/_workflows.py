# requires-operations: get_profiles, create_or_update_profile, create_event
# requires-operations: add_profiles_to_list, remove_profiles_from_list, bulk_import_profiles
# requires-operations: get_profiles_for_bulk_import_profiles_job
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
import warnings
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, Protocol, overload

from ._binding import Operation
from ._chunks import split_body
from ._inputs import (
    InputError,
    Prefer,
    bulk_event_items,
    check_email,
    check_items,
    check_text,
    event_body,
    identifier,
    profile_attributes,
    sort_for,
    subscription_body,
    subscription_profiles,
)
from ._workflow_lists import async_ids_by_email, ids_by_email, list_inputs, membership_requests
from .filters import Filter, equals

if TYPE_CHECKING:
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
    from .models import (
        CampaignCreateQuery,
        CampaignMessageAssignTemplateQuery,
        CampaignSendJobCreateQuery,
        EventCreateQueryV2,
        ImageCreateQuery,
        ImageUploadQuery,
        ProfileUpsertQuery,
    )
    from .resources.campaigns import AsyncCampaigns, Campaigns
    from .resources.events import AsyncEvents, Events
    from .resources.images import AsyncImages, Images
    from .resources.lists import AsyncLists, Lists
    from .resources.profiles import AsyncProfiles, Profiles

__all__ = ["AsyncWorkflows", "Workflows"]


class _Namespaces(Protocol):
    """What the workflows use of a client (``Klaviyo`` is one): its generated namespaces."""

    @property
    def profiles(self) -> Profiles: ...
    @property
    def lists(self) -> Lists: ...
    @property
    def events(self) -> Events: ...
    @property
    def images(self) -> Images: ...
    @property
    def campaigns(self) -> Campaigns: ...


class _AsyncNamespaces(Protocol):
    """What the workflows use of an asyncio client (``AsyncKlaviyo`` is one)."""

    @property
    def profiles(self) -> AsyncProfiles: ...
    @property
    def lists(self) -> AsyncLists: ...
    @property
    def events(self) -> AsyncEvents: ...
    @property
    def images(self) -> AsyncImages: ...
    @property
    def campaigns(self) -> AsyncCampaigns: ...


# -- the requests each workflow sends, built without sending (shared by Workflows and AsyncWorkflows) --
#
# The bulk ones are cut by ``split_body`` within the limits the generated job tables hold for the
# operation (items per request and bytes per request), so no limit is copied here by hand.


def _split(operation: Operation[Any], body: Any) -> list[Any]:
    """``body`` as the requests ``operation`` takes: within its documented item and byte limits, in order."""
    bodies, _ = split_body(operation, body)
    return bodies


def _profile_lookup(
    email: str | None, phone_number: str | None, external_id: str | None, id: str | None, prefer: Prefer
) -> tuple[Filter, str]:
    field, value = identifier(email=email, phone_number=phone_number, external_id=external_id, id=id)
    return equals(field, value), sort_for(prefer)


def _upsert_request(  # noqa: PLR0917 - the workflow's own arguments, passed through in order by both twins
    email: str | None,
    phone_number: str | None,
    external_id: str | None,
    profile_id: str | None,
    location: Mapping[str, Any] | None,
    properties: Mapping[str, Any] | None,
    unset: Iterable[str] | None,
    fields: dict[str, Any],
) -> ProfileUpsertQuery:
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
    body: dict[str, Any] = {"data": {"type": "profile", "attributes": attributes}}
    if profile_id is not None:
        body["data"]["id"] = check_text(profile_id, "profile_id")
    names = [] if unset is None else [check_text(p, "unset[]") for p in check_items(unset, "unset")]
    if names:
        body["data"]["meta"] = {"patch_properties": {"unset": names}}
    return ProfileUpsertQuery.from_dict(body)


def _event_request(  # noqa: PLR0917 - the workflow's own arguments, passed through in order by both twins
    metric: str,
    email: str | None,
    phone_number: str | None,
    external_id: str | None,
    profile_id: str | None,
    properties: Mapping[str, Any] | None,
    value: float | None,
    currency: str | None,
    unique_id: str | None,
    time: datetime | None,
) -> EventCreateQueryV2:
    from .models import EventCreateQueryV2

    given = {"email": email, "phone_number": phone_number, "external_id": external_id, "id": profile_id}
    if all(v is None for v in given.values()):
        raise InputError("an event needs a profile: pass email, phone_number, external_id or profile_id")
    profile = {k: identifier(**{**dict.fromkeys(given), k: v})[1] for k, v in given.items() if v is not None}
    body = event_body(
        metric=metric,
        profile=profile,
        properties=properties,
        value=value,
        currency=currency,
        unique_id=unique_id,
        time=time,
    )
    return EventCreateQueryV2.from_dict(body)


def _bulk_event_requests(events: Iterable[Mapping[str, Any]]) -> list[Any]:
    from .api.events import bulk_create_events
    from .models import EventsBulkCreateJob

    items = bulk_event_items(events)
    body = {"data": {"type": "event-bulk-create-job", "attributes": {"events-bulk-create": {"data": items}}}}
    return _split(bulk_create_events.OPERATION, EventsBulkCreateJob.from_dict(body))


def _consent_requests(
    subscribe: bool,
    emails: Iterable[str],
    phone_numbers: Iterable[str],
    list_id: str | None,
    custom_source: str | None,
) -> list[Any]:
    from .api.profiles import bulk_subscribe_profiles, bulk_unsubscribe_profiles
    from .models import SubscriptionCreateJobCreateQuery, SubscriptionDeleteJobCreateQuery

    consent = "SUBSCRIBED" if subscribe else "UNSUBSCRIBED"
    profiles = subscription_profiles(emails, phone_numbers, consent)
    if subscribe:
        body = subscription_body(
            "profile-subscription-bulk-create-job", profiles, list_id=list_id, custom_source=custom_source
        )
        return _split(bulk_subscribe_profiles.OPERATION, SubscriptionCreateJobCreateQuery.from_dict(body))
    body = subscription_body("profile-subscription-bulk-delete-job", profiles, list_id=list_id, custom_source=None)
    return _split(bulk_unsubscribe_profiles.OPERATION, SubscriptionDeleteJobCreateQuery.from_dict(body))


def _suppression_requests(emails: Iterable[str], *, suppress: bool) -> list[Any]:
    from .api.profiles import bulk_suppress_profiles, bulk_unsuppress_profiles
    from .models import SuppressionCreateJobCreateQuery, SuppressionDeleteJobCreateQuery

    checked = [check_email(e, "emails[]") for e in check_items(emails, "emails")]
    if not checked:
        raise InputError("emails= is empty")
    kind = "profile-suppression-bulk-create-job" if suppress else "profile-suppression-bulk-delete-job"
    profiles = [{"type": "profile", "attributes": {"email": e}} for e in checked]
    body = {"data": {"type": kind, "attributes": {"profiles": {"data": profiles}}}}
    if suppress:
        return _split(bulk_suppress_profiles.OPERATION, SuppressionCreateJobCreateQuery.from_dict(body))
    return _split(bulk_unsuppress_profiles.OPERATION, SuppressionDeleteJobCreateQuery.from_dict(body))


def _image_request(
    path: str | os.PathLike[str] | None, url: str | None, name: str | None, hidden: bool
) -> ImageCreateQuery | Path:
    """The import request for ``url``, or the local file to upload."""
    from .models import ImageCreateQuery

    if (path is None) == (url is None):
        raise InputError("pass either path= (a local file) or url= (https://... or a data: URI)")
    if url is not None:
        if not url.startswith(("https://", "http://", "data:image/")):
            raise InputError(f"url must be an http(s) URL or a data:image/... URI, got {url[:40]!r}")
        attributes: dict[str, Any] = {"import_from_url": url, "hidden": hidden}
        if name is not None:
            attributes["name"] = check_text(name, "name")
        return ImageCreateQuery.from_dict({"data": {"type": "image", "attributes": attributes}})
    file = Path(path)  # type: ignore[arg-type]
    if not file.is_file():
        raise InputError(f"path {str(file)!r} is not a readable file")
    return file


def _upload(file: Path, handle: BinaryIO, name: str | None, hidden: bool) -> ImageUploadQuery:
    from .models import ImageUploadQuery
    from .types import File

    mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    upload = File(payload=handle, file_name=file.name, mime_type=mime)
    return ImageUploadQuery(file=upload, name=name or file.name, hidden=hidden)


def _campaign_request(  # noqa: PLR0917 - the workflow's own arguments, passed through in order by both twins
    name: str,
    list_ids: Iterable[str],
    excluded: Iterable[str],
    channel: str,
    subject: str | None,
    from_email: str | None,
    from_label: str | None,
    preview_text: str | None,
) -> CampaignCreateQuery:
    from .models import CampaignCreateQuery

    included = [check_text(i, "list_ids[]") for i in check_items(list_ids, "list_ids")]
    if not included:
        raise InputError("list_ids= needs at least one list or segment id")
    if channel not in ("email", "sms"):
        raise InputError(f"channel must be 'email' or 'sms', got {channel!r}")
    definition: dict[str, Any] = {"channel": channel, "label": check_text(name, "name")}
    content = _email_content(subject, from_email, from_label, preview_text) if channel == "email" else {}
    if content:
        definition["content"] = content
    message = {"type": "campaign-message", "attributes": {"definition": definition}}
    excluded_ids = [check_text(i, "excluded_list_ids[]") for i in check_items(excluded, "excluded_list_ids")]
    audiences = {"included": included, "excluded": excluded_ids}
    body = {
        "data": {
            "type": "campaign",
            "attributes": {"name": name, "audiences": audiences, "campaign-messages": {"data": [message]}},
        }
    }
    return CampaignCreateQuery.from_dict(body)


def _email_content(
    subject: str | None, from_email: str | None, from_label: str | None, preview_text: str | None
) -> dict[str, Any]:
    content = {"subject": subject, "preview_text": preview_text, "from_label": from_label}
    if from_email is not None:
        content["from_email"] = check_email(from_email, "from_email")
    return {k: v for k, v in content.items() if v is not None}


def _assign_request(message_id: str, template_id: str) -> CampaignMessageAssignTemplateQuery:
    from .models import CampaignMessageAssignTemplateQuery

    template = {"data": {"type": "template", "id": check_text(template_id, "template_id")}}
    body = {
        "data": {
            "type": "campaign-message",
            "id": check_text(message_id, "message_id"),
            "relationships": {"template": template},
        }
    }
    return CampaignMessageAssignTemplateQuery.from_dict(body)


def _send_request(campaign_id: str) -> CampaignSendJobCreateQuery:
    from .models import CampaignSendJobCreateQuery

    return CampaignSendJobCreateQuery.from_dict(
        {"data": {"type": "campaign-send-job", "id": check_text(campaign_id, "campaign_id")}}
    )


def _renamed(old: str, new: str) -> None:
    warnings.warn(
        f"kv.workflows.{old} is deprecated: use kv.workflows.{new} (same arguments); "
        f"kv.lists.{old} is the API endpoint, which takes a body of profile ids",
        DeprecationWarning,
        stacklevel=3,
    )


class Workflows:
    """The workflows on the synchronous client: ``kv.workflows``."""

    def __init__(self, client: _Namespaces) -> None:
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
        wanted, sort = _profile_lookup(email, phone_number, external_id, id, prefer)
        page = self._kv.profiles.get_profiles(filter=wanted, sort=sort, page_size=1)  # type: ignore[arg-type]
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
        body = _upsert_request(email, phone_number, external_id, profile_id, location, properties, unset, fields)
        return self._kv.profiles.create_or_update_profile(body=body)

    def add_to_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        """Add profiles by id, or by email (found, or created when missing), 1,000 per request; returns the
        ids added, each once, in the order given.

        Emails go in batches: 100 looked up per request, the missing ones created by one bulk import job
        (per 10,000), read back 100 per request. Emails that differ only in case are one profile. If
        Klaviyo refuses some of the emails, ``JobFailedError`` names them (``.failed_items``) and the list
        is left unchanged (profiles the job did create stay). Not ``kv.lists.add_profiles_to_list``: that
        is the API endpoint itself, which takes a body of profile ids.
        """
        list_id, ids, checked = list_inputs(list_id, profile_ids, emails)
        if ids is None:
            ids = ids_by_email(self._kv.profiles, checked or [], create=True)
        for body in membership_requests(ids, add=True):
            self._kv.lists.add_profiles_to_list(list_id, body=body)
        return list(dict.fromkeys(ids))

    def remove_from_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        """Remove profiles by id, or by email (looked up 100 per request; emails with no profile are
        skipped); returns the ids removed, each once, in the order given."""
        list_id, ids, checked = list_inputs(list_id, profile_ids, emails)
        if ids is None:
            ids = ids_by_email(self._kv.profiles, checked or [], create=False)
        for body in membership_requests(ids, add=False):
            self._kv.lists.remove_profiles_from_list(list_id, body=body)
        return list(dict.fromkeys(ids))

    def add_profiles_to_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        """Deprecated: the old name of ``add_to_list`` (it collided with ``kv.lists.add_profiles_to_list``)."""
        _renamed("add_profiles_to_list", "add_to_list")
        return self.add_to_list(list_id, profile_ids=profile_ids, emails=emails)

    def remove_profiles_from_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        """Deprecated: the old name of ``remove_from_list``."""
        _renamed("remove_profiles_from_list", "remove_from_list")
        return self.remove_from_list(list_id, profile_ids=profile_ids, emails=emails)

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
        body = _event_request(
            metric, email, phone_number, external_id, profile_id, properties, value, currency, unique_id, time
        )
        self._kv.events.create_event(body=body)

    def subscribe(
        self,
        *,
        emails: Iterable[str] = (),
        phone_numbers: Iterable[str] = (),
        list_id: str | None = None,
        custom_source: str | None = None,
    ) -> list[Accepted]:
        """Subscribe emails to email marketing and phone numbers to SMS marketing (optionally into a list)."""
        bodies = _consent_requests(True, emails, phone_numbers, list_id, custom_source)
        return [self._kv.profiles.bulk_subscribe_profiles(body=body) for body in bodies]

    def unsubscribe(
        self, *, emails: Iterable[str] = (), phone_numbers: Iterable[str] = (), list_id: str | None = None
    ) -> list[Accepted]:
        """Unsubscribe from email / SMS marketing, in as many requests as the API's limits need."""
        bodies = _consent_requests(False, emails, phone_numbers, list_id, None)
        return [self._kv.profiles.bulk_unsubscribe_profiles(body=body) for body in bodies]

    def bulk_track_events(self, events: Iterable[Mapping[str, Any]]) -> list[Accepted]:
        """Many events (each a mapping of ``track_event``'s arguments), sent in order, each request within the
        items and bytes the API documents for ``bulk_create_events``."""
        return [self._kv.events.bulk_create_events(body=body) for body in _bulk_event_requests(events)]

    def upload_image(
        self,
        *,
        path: str | os.PathLike[str] | None = None,
        url: str | None = None,
        name: str | None = None,
        hidden: bool = False,
    ) -> UploadImageFromUrlResult:
        """Upload a local file (multipart), or import from an http(s) URL or a data: URI."""
        given = _image_request(path, url, name, hidden)
        if not isinstance(given, Path):
            return self._kv.images.upload_image_from_url(body=given)
        with given.open("rb") as handle:
            return self._kv.images.upload_image_from_file(body=_upload(given, handle, name, hidden))

    def suppress(self, *, emails: Iterable[str]) -> list[Job[GetBulkSuppressProfilesJobResult]]:
        """Suppress emails from all email marketing, as many per job as the API takes; returns the jobs
        (``job.wait()``)."""
        bodies = _suppression_requests(emails, suppress=True)
        return [self._kv.profiles.submit_bulk_suppress_profiles(body=body) for body in bodies]

    def unsuppress(self, *, emails: Iterable[str]) -> list[Job[GetBulkUnsuppressProfilesJobResult]]:
        """Lift manual suppressions, as many per job as the API takes; returns the jobs."""
        bodies = _suppression_requests(emails, suppress=False)
        return [self._kv.profiles.submit_bulk_unsuppress_profiles(body=body) for body in bodies]

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
        body = _campaign_request(
            name, list_ids, excluded_list_ids, channel, subject, from_email, from_label, preview_text
        )
        return self._kv.campaigns.create_campaign(body=body)

    def assign_template(self, message_id: str, template_id: str) -> AssignTemplateToCampaignMessageResult:
        """Use template ``template_id`` for campaign message ``message_id``."""
        return self._kv.campaigns.assign_template_to_campaign_message(body=_assign_request(message_id, template_id))

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
        job = self._kv.campaigns.submit_send_campaign(body=_send_request(campaign_id))
        return job.wait(**wait_options) if wait else job

    def cancel_campaign(self, campaign_id: str) -> None:
        """Cancel a campaign that is sending."""
        self._kv.campaigns.attach_send_campaign(check_text(campaign_id, "campaign_id")).cancel()

    def revert_campaign(self, campaign_id: str) -> None:
        """Return a cancelled campaign to draft."""
        self._kv.campaigns.attach_send_campaign(check_text(campaign_id, "campaign_id")).revert()


class AsyncWorkflows:
    """The workflows on the asyncio client: ``await kv.workflows.find_profile(...)``."""

    def __init__(self, client: _AsyncNamespaces) -> None:
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
        wanted, sort = _profile_lookup(email, phone_number, external_id, id, prefer)
        page = await self._kv.profiles.get_profiles(filter=wanted, sort=sort, page_size=1)  # type: ignore[arg-type]
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
        body = _upsert_request(email, phone_number, external_id, profile_id, location, properties, unset, fields)
        return await self._kv.profiles.create_or_update_profile(body=body)

    async def add_to_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        list_id, ids, checked = list_inputs(list_id, profile_ids, emails)
        if ids is None:
            ids = await async_ids_by_email(self._kv.profiles, checked or [], create=True)
        for body in membership_requests(ids, add=True):
            await self._kv.lists.add_profiles_to_list(list_id, body=body)
        return list(dict.fromkeys(ids))

    async def remove_from_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        list_id, ids, checked = list_inputs(list_id, profile_ids, emails)
        if ids is None:
            ids = await async_ids_by_email(self._kv.profiles, checked or [], create=False)
        for body in membership_requests(ids, add=False):
            await self._kv.lists.remove_profiles_from_list(list_id, body=body)
        return list(dict.fromkeys(ids))

    async def add_profiles_to_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        """Deprecated: the old name of ``add_to_list``."""
        _renamed("add_profiles_to_list", "add_to_list")
        return await self.add_to_list(list_id, profile_ids=profile_ids, emails=emails)

    async def remove_profiles_from_list(
        self, list_id: str, *, profile_ids: Iterable[str] | None = None, emails: Iterable[str] | None = None
    ) -> list[str]:
        """Deprecated: the old name of ``remove_from_list``."""
        _renamed("remove_profiles_from_list", "remove_from_list")
        return await self.remove_from_list(list_id, profile_ids=profile_ids, emails=emails)

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
        body = _event_request(
            metric, email, phone_number, external_id, profile_id, properties, value, currency, unique_id, time
        )
        await self._kv.events.create_event(body=body)

    async def subscribe(
        self,
        *,
        emails: Iterable[str] = (),
        phone_numbers: Iterable[str] = (),
        list_id: str | None = None,
        custom_source: str | None = None,
    ) -> list[Accepted]:
        bodies = _consent_requests(True, emails, phone_numbers, list_id, custom_source)
        return [await self._kv.profiles.bulk_subscribe_profiles(body=body) for body in bodies]

    async def unsubscribe(
        self, *, emails: Iterable[str] = (), phone_numbers: Iterable[str] = (), list_id: str | None = None
    ) -> list[Accepted]:
        bodies = _consent_requests(False, emails, phone_numbers, list_id, None)
        return [await self._kv.profiles.bulk_unsubscribe_profiles(body=body) for body in bodies]

    async def bulk_track_events(self, events: Iterable[Mapping[str, Any]]) -> list[Accepted]:
        return [await self._kv.events.bulk_create_events(body=body) for body in _bulk_event_requests(events)]

    async def upload_image(
        self,
        *,
        path: str | os.PathLike[str] | None = None,
        url: str | None = None,
        name: str | None = None,
        hidden: bool = False,
    ) -> UploadImageFromUrlResult:
        given = _image_request(path, url, name, hidden)
        if not isinstance(given, Path):
            return await self._kv.images.upload_image_from_url(body=given)
        with given.open("rb") as handle:
            return await self._kv.images.upload_image_from_file(body=_upload(given, handle, name, hidden))

    async def suppress(self, *, emails: Iterable[str]) -> list[AsyncJob[GetBulkSuppressProfilesJobResult]]:
        bodies = _suppression_requests(emails, suppress=True)
        return [await self._kv.profiles.submit_bulk_suppress_profiles(body=body) for body in bodies]

    async def unsuppress(self, *, emails: Iterable[str]) -> list[AsyncJob[GetBulkUnsuppressProfilesJobResult]]:
        bodies = _suppression_requests(emails, suppress=False)
        return [await self._kv.profiles.submit_bulk_unsuppress_profiles(body=body) for body in bodies]

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
        body = _campaign_request(
            name, list_ids, excluded_list_ids, channel, subject, from_email, from_label, preview_text
        )
        return await self._kv.campaigns.create_campaign(body=body)

    async def assign_template(self, message_id: str, template_id: str) -> AssignTemplateToCampaignMessageResult:
        body = _assign_request(message_id, template_id)
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
        job = await self._kv.campaigns.submit_send_campaign(body=_send_request(campaign_id))
        return (await job.wait(**wait_options)) if wait else job

    async def cancel_campaign(self, campaign_id: str) -> None:
        await self._kv.campaigns.attach_send_campaign(check_text(campaign_id, "campaign_id")).cancel()

    async def revert_campaign(self, campaign_id: str) -> None:
        await self._kv.campaigns.attach_send_campaign(check_text(campaign_id, "campaign_id")).revert()
