# requires-operations: get_profiles, create_or_update_profile, create_event
# requires-operations: add_profiles_to_list, remove_profiles_from_list
"""``kv.workflows``: the actions integrations need, each one call, built on the generated endpoints.

Every argument is checked before anything is sent (``InputError`` names the field); Klaviyo's own
refusals arrive as the package's typed errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._inputs import (
    InputError,
    Prefer,
    check_email,
    check_text,
    chunks,
    event_body,
    identifier,
    profile_attributes,
    sort_for,
)
from .filters import equals

if TYPE_CHECKING:
    from ._client import AsyncKlaviyo, Klaviyo

__all__ = ["AsyncWorkflows", "Workflows"]

LIST_BATCH = 1000  # "add up to 1000 profiles per call" in the spec's add_profiles_to_list


def _members(ids: Iterable[str]) -> dict[str, Any]:
    return {"data": [{"type": "profile", "id": ident} for ident in ids]}


def _list_inputs(
    list_id: object, profile_ids: Iterable[str] | None, emails: Iterable[str] | None
) -> tuple[str, list[str] | None, list[str] | None]:
    check_text(list_id, "list_id")
    if (profile_ids is None) == (emails is None):
        raise InputError("pass either profile_ids= or emails=")
    ids = None if profile_ids is None else [check_text(i, "profile_ids[]") for i in profile_ids]
    checked = None if emails is None else [check_email(e, "emails[]") for e in emails]
    return str(list_id), ids, checked


def _upsert_body(attributes: dict[str, Any], unset: Iterable[str] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"data": {"type": "profile", "attributes": attributes}}
    if unset:
        body["data"]["meta"] = {"patch_properties": {"unset": [check_text(p, "unset[]") for p in unset]}}
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
    ) -> Any:
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
        location: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
        unset: Iterable[str] | None = None,
        **fields: Any,
    ) -> Any:
        """Create the profile or update the one these identifiers match; ``unset`` removes custom properties."""
        from .models import ProfileUpsertQuery

        attributes = profile_attributes(
            email=email,
            phone_number=phone_number,
            external_id=external_id,
            location=location,
            properties=properties,
            fields=fields,
        )
        return self._kv.profiles.create_or_update_profile(
            body=ProfileUpsertQuery.from_dict(_upsert_body(attributes, unset))
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

    def _id_for(self, email: str, *, create: bool) -> str:
        found = self.find_profile(email=email)
        if found is not None:
            return str(found.id)
        if not create:
            return ""
        return str(self.upsert_profile(email=email).data.id)


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
    ) -> Any:
        field, value = identifier(email=email, phone_number=phone_number, external_id=external_id, id=id)
        page = await self._kv.profiles.get_profiles(filter=equals(field, value), sort=sort_for(prefer), page_size=1)  # type: ignore[arg-type]
        return page.data[0] if page.data else None

    async def upsert_profile(
        self,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        external_id: str | None = None,
        location: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
        unset: Iterable[str] | None = None,
        **fields: Any,
    ) -> Any:
        from .models import ProfileUpsertQuery

        attributes = profile_attributes(
            email=email,
            phone_number=phone_number,
            external_id=external_id,
            location=location,
            properties=properties,
            fields=fields,
        )
        return await self._kv.profiles.create_or_update_profile(
            body=ProfileUpsertQuery.from_dict(_upsert_body(attributes, unset))
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

    async def _id_for(self, email: str, *, create: bool) -> str:
        found = await self.find_profile(email=email)
        if found is not None:
            return str(found.id)
        if not create:
            return ""
        return str((await self.upsert_profile(email=email)).data.id)
