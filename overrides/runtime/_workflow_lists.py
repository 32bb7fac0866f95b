# requires-operations: get_profiles, bulk_import_profiles, add_profiles_to_list, remove_profiles_from_list
# requires-operations: get_profiles_for_bulk_import_profiles_job
"""List membership by email for ``kv.workflows.add_to_list`` / ``remove_from_list``, in batches.

The requests grow with batches, not with emails. For ``n`` distinct emails of which ``m`` have no
profile yet: ``ceil(n/100)`` lookups (``get_profiles`` with ``any(email,[...])``), one profile bulk
import job per 10,000 missing emails (its submission and status polls), ``ceil(m/100)`` lookups of the
profiles it created, then ``ceil(n/1000)`` membership requests. Removing needs the lookups only. Should
a lookup not find a profile the job just made (Klaviyo's search index lagging behind the job), the job's
own profiles (``get_profiles_for_bulk_import_profiles_job``, 100 a page) are read before giving up.

Emails are compared as Klaviyo compares them, without regard to case: ``Ada@Example.com`` and
``ada@example.com`` are one profile, looked up and created once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ._base_error import KlaviyoError
from ._chunks import split_body
from ._exceptions import JobFailedError
from ._inputs import InputError, check_email, check_items, check_text, chunks, sort_for
from ._jsonapi import attribute
from ._unset import Unset
from .filters import any_

if TYPE_CHECKING:
    from ._jobs import AsyncJob, Job
    from .resources.profiles import AsyncProfiles, Profiles

__all__ = [
    "LIST_BATCH",
    "LOOKUP_BATCH",
    "LOOKUP_CHARS",
    "async_ids_by_email",
    "ids_by_email",
    "list_inputs",
    "lookup_batches",
    "membership_requests",
]

# The spec states "This endpoint accepts a maximum of 1000 profiles per call" for list membership in a
# sentence the generator does not read yet (it reads the limits of job submissions only).
LIST_BATCH = 1000
# get_profiles pages hold at most 100 profiles (its page[size] maximum), so a lookup of 100 emails is
# answered by one page; the spec states no limit on the values of any(...).
LOOKUP_BATCH = 100
# The filter's length once percent-encoded in the query: long addresses shrink a batch so the request
# line stays well under the 8 KB that common servers and proxies accept.
LOOKUP_CHARS = 6000
_SORT = sort_for("newest_updated")  # as find_profile: with several profiles per email, the newest updated
_FIELDS: list[Any] = ["email"]  # a lookup needs the id and the email only (sparse fieldset: small pages)
_JOB_PROFILES: dict[str, Any] = {"fields_profile": _FIELDS, "page_size": LOOKUP_BATCH}
_BASE_CHARS = len(quote("any(email,[])", safe=""))
_COMMA_CHARS = len(quote(",", safe=""))


def list_inputs(
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


def membership_requests(ids: Sequence[str], *, add: bool) -> list[Any]:
    """The membership bodies for ``ids`` (each once, in order), 1,000 per request."""
    from .models import ListMembersAddQuery, ListMembersDeleteQuery

    model = ListMembersAddQuery if add else ListMembersDeleteQuery
    return [
        model.from_dict({"data": [{"type": "profile", "id": i} for i in batch]})
        for batch in chunks(dict.fromkeys(ids), LIST_BATCH)
    ]


def _key(email: str) -> str:
    return email.lower()


def _distinct(emails: Iterable[str]) -> dict[str, str]:
    """Each email once, case-insensitively: its key -> the spelling first given, in the order given."""
    found: dict[str, str] = {}
    for email in emails:
        found.setdefault(_key(email), email)
    return found


def lookup_batches(emails: Sequence[str]) -> list[list[str]]:
    """``emails`` cut into lookups of at most ``LOOKUP_BATCH`` whose encoded filter fits ``LOOKUP_CHARS``."""
    batches: list[list[str]] = []
    batch: list[str] = []
    size = _BASE_CHARS
    for email in emails:
        cost = len(quote(str(any_("email", (email,))), safe="")) - _BASE_CHARS + _COMMA_CHARS
        if batch and (len(batch) == LOOKUP_BATCH or size + cost > LOOKUP_CHARS):
            batches.append(batch)
            batch, size = [], _BASE_CHARS
        batch.append(email)
        size += cost
    return [*batches, batch] if batch else batches


def _lookup_kwargs(batch: list[str]) -> dict[str, Any]:
    return {"filter": any_("email", tuple(batch)), "sort": _SORT, "fields_profile": _FIELDS, "page_size": LOOKUP_BATCH}


def _record(found: dict[str, str], wanted: Mapping[str, str], item: Any) -> None:
    """Note the id of a profile a lookup answered, under its email's key (the first, newest, wins)."""
    email = attribute(attribute(item, "attributes"), "email")
    key = _key(email) if isinstance(email, str) else ""
    if key in wanted and key not in found:
        found[key] = _profile_id(attribute(item, "id"), "get_profiles")


def _profile_id(ident: str | Unset | None, operation: str) -> str:
    """The id of a profile Klaviyo answered with; an answer without one is Klaviyo's fault, said so."""
    if not isinstance(ident, str) or not ident:
        raise KlaviyoError(f"{operation} answered a profile without an id (got {ident!r}); cannot use it")
    return ident


def _import_requests(emails: list[str]) -> list[tuple[Any, list[str]]]:
    """The import jobs creating ``emails`` (within the job's documented limits), each with its emails."""
    from .api.profiles import bulk_import_profiles
    from .models import ProfileImportJobCreateQuery

    profiles = [{"type": "profile", "attributes": {"email": e}} for e in emails]
    body = {"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": profiles}}}}
    bodies, ranges = split_body(bulk_import_profiles.OPERATION, ProfileImportJobCreateQuery.from_dict(body))
    return [(chunk, emails[r.start : r.stop]) for chunk, r in zip(bodies, ranges, strict=True)]


def _failed_emails(errors: Sequence[Any], batch: list[str]) -> list[str]:
    """The emails an import's errors name: by the payload Klaviyo echoes, else by the item's position."""
    failed: list[str] = []
    for error in errors:
        attributes = attribute(error, "attributes")
        email = _payload_email(attribute(attributes, "original_payload"))
        if email is None:
            index = str(attribute(attribute(attributes, "source"), "pointer") or "").rsplit("/", 1)[-1]
            email = batch[int(index)] if index.isdigit() and int(index) < len(batch) else None
        if email is not None:
            failed.append(email)
    return failed


def _payload_email(payload: Any) -> str | None:
    # The profile as submitted: a resource object (email under attributes) or its attributes alone.
    data = payload.to_dict() if callable(getattr(payload, "to_dict", None)) else payload
    if not isinstance(data, Mapping):
        return None
    nested = data.get("attributes")
    email = (nested if isinstance(nested, Mapping) else data).get("email")
    return email if isinstance(email, str) else None


def _import_failed(error: JobFailedError, batch: list[str]) -> JobFailedError:
    """The job's failure, naming the emails Klaviyo refused (a cancelled job names none)."""
    if not error.errors:
        return error
    return JobFailedError(error.job, error.errors, failed_items=_failed_emails(error.errors, batch))


def _absent(found: Mapping[str, str], emails: list[str]) -> list[str]:
    return [e for e in emails if _key(e) not in found]


def _all_found(found: Mapping[str, str], emails: list[str]) -> None:
    absent = _absent(found, emails)
    if absent:
        shown = ", ".join(absent[:10]) + (f" and {len(absent) - 10} more" if len(absent) > 10 else "")
        raise KlaviyoError(
            f"the profile import completed but neither get_profiles nor the job's own profiles name a profile"
            f" for {len(absent)} email(s): {shown}"
        )


def ids_by_email(profiles: Profiles, emails: Sequence[str], *, create: bool) -> list[str]:
    """The profile id of each distinct email, in the order given; missing profiles created when ``create``,
    skipped otherwise."""
    wanted = _distinct(emails)
    found = _lookup(profiles, list(wanted.values()), wanted)
    missing = [email for key, email in wanted.items() if key not in found]
    if create and missing:
        jobs: list[tuple[Job[Any], list[str]]] = [
            (profiles.submit_bulk_import_profiles(body=body), batch) for body, batch in _import_requests(missing)
        ]
        for job, batch in jobs:
            try:
                job.wait()
            except JobFailedError as error:
                raise _import_failed(error, batch) from None
        found.update(_lookup(profiles, missing, wanted))
        for job, _batch in jobs if _absent(found, missing) else ():
            for item in profiles.iter_profiles_for_bulk_import_profiles_job(job.id, **_JOB_PROFILES):
                _record(found, wanted, item)
        _all_found(found, missing)
    return [found[key] for key in wanted if key in found]


def _lookup(profiles: Profiles, emails: list[str], wanted: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for batch in lookup_batches(emails):
        for item in profiles.iter_profiles(**_lookup_kwargs(batch)):
            _record(found, wanted, item)
    return found


async def async_ids_by_email(profiles: AsyncProfiles, emails: Sequence[str], *, create: bool) -> list[str]:
    wanted = _distinct(emails)
    found = await _async_lookup(profiles, list(wanted.values()), wanted)
    missing = [email for key, email in wanted.items() if key not in found]
    if create and missing:
        jobs: list[tuple[AsyncJob[Any], list[str]]] = [
            (await profiles.submit_bulk_import_profiles(body=body), batch) for body, batch in _import_requests(missing)
        ]
        for job, batch in jobs:
            try:
                await job.wait()
            except JobFailedError as error:
                raise _import_failed(error, batch) from None
        found.update(await _async_lookup(profiles, missing, wanted))
        for job, _batch in jobs if _absent(found, missing) else ():
            async for item in profiles.aiter_profiles_for_bulk_import_profiles_job(job.id, **_JOB_PROFILES):
                _record(found, wanted, item)
        _all_found(found, missing)
    return [found[key] for key in wanted if key in found]


async def _async_lookup(profiles: AsyncProfiles, emails: list[str], wanted: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for batch in lookup_batches(emails):
        async for item in profiles.aiter_profiles(**_lookup_kwargs(batch)):
            _record(found, wanted, item)
    return found
