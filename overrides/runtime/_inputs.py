"""Checks and request bodies for the workflows: bad input fails here, naming the field, before any call."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeVar

from ._exceptions import InputError

__all__ = [
    "InputError",
    "Prefer",
    "bulk_event_items",
    "check_items",
    "chunks",
    "event_body",
    "identifier",
    "profile_attributes",
    "sort_for",
    "subscription_body",
    "subscription_profiles",
]

T = TypeVar("T")
Prefer = Literal["earliest_created", "earliest_updated", "newest_created", "newest_updated"]
_SORT: Final[dict[str, str]] = {
    "earliest_created": "created",
    "earliest_updated": "updated",
    "newest_created": "-created",
    "newest_updated": "-updated",
}
# One @, something on each side, a dot in the domain, no spaces: what Klaviyo itself refuses otherwise.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "organization",
    "title",
    "locale",
    "image",
)


def check_items(value: Iterable[T], field: str) -> Iterable[T]:
    """``value``, an iterable of items; a lone ``str`` or ``bytes`` is refused (iterating it would take
    it apart into characters: ``emails="a@b.com"`` is one address, not seven), and so is a non-iterable."""
    if isinstance(value, (str, bytes, bytearray)):
        example = repr([value]) if isinstance(value, str) else "['...']"
        raise InputError(f"{field}= takes a list, like {example}, not a single {type(value).__name__}; got {value!r}")
    if not isinstance(value, Iterable):
        raise InputError(f"{field}= takes a list (or another iterable); got {type(value).__name__}")
    return value


def check_email(value: object, field: str = "email") -> str:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        raise InputError(f"{field} must be an email address like name@example.com, got {value!r}")
    return value.strip()


def check_phone(value: object, field: str = "phone_number") -> str:
    if not isinstance(value, str) or not _E164.fullmatch(value):
        raise InputError(f"{field} must be an E.164 phone number like +15005550006, got {value!r}")
    return value


def check_text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{field} must be a non-empty string, got {value!r}")
    return value


def identifier(
    *, email: str | None, phone_number: str | None, external_id: str | None, id: str | None
) -> tuple[str, str]:
    """The one identifier given, checked: ``(field, value)``."""
    given = {
        k: v
        for k, v in {"email": email, "phone_number": phone_number, "external_id": external_id, "id": id}.items()
        if v is not None
    }
    if len(given) != 1:
        raise InputError(f"pass exactly one of email, phone_number, external_id or id (got {sorted(given) or 'none'})")
    field, value = next(iter(given.items()))
    if field == "email":
        return field, check_email(value)
    if field == "phone_number":
        return field, check_phone(value)
    return field, check_text(value, field)


def sort_for(prefer: str) -> str:
    if prefer not in _SORT:
        raise InputError(f"prefer must be one of {', '.join(sorted(_SORT))}, got {prefer!r}")
    return _SORT[prefer]


def profile_attributes(
    *,
    email: str | None,
    phone_number: str | None,
    external_id: str | None,
    location: Mapping[str, Any] | None,
    properties: Mapping[str, Any] | None,
    fields: Mapping[str, Any],
    profile_id: str | None = None,
) -> dict[str, Any]:
    """The ``attributes`` of a profile upsert; an identifier (or the Klaviyo ``profile_id``) is required."""
    if email is None and phone_number is None and external_id is None and profile_id is None:
        raise InputError("a profile needs at least one of email, phone_number, external_id or profile_id")
    attributes: dict[str, Any] = {}
    if email is not None:
        attributes["email"] = check_email(email)
    if phone_number is not None:
        attributes["phone_number"] = check_phone(phone_number)
    if external_id is not None:
        attributes["external_id"] = check_text(external_id, "external_id")
    for name, value in fields.items():
        if name not in _PROFILE_FIELDS:
            raise InputError(
                f"unknown profile field {name!r}; known: {', '.join(_PROFILE_FIELDS)}, location, properties"
            )
        if value is not None:
            attributes[name] = value
    if location is not None:
        attributes["location"] = dict(location)
    if properties is not None:
        attributes["properties"] = dict(properties)
    return attributes


def event_body(
    *,
    metric: str,
    profile: Mapping[str, Any],
    properties: Mapping[str, Any] | None,
    value: float | None,
    currency: str | None,
    unique_id: str | None,
    time: datetime | None,
) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "properties": dict(properties or {}),
        "metric": {"data": {"type": "metric", "attributes": {"name": check_text(metric, "metric")}}},
        "profile": {"data": {"type": "profile", "attributes": dict(profile)}},
    }
    if value is not None:
        attributes["value"] = value
    if currency is not None:
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise InputError(f"currency must be an ISO 4217 code like USD, got {currency!r}")
        attributes["value_currency"] = currency
    if unique_id is not None:
        attributes["unique_id"] = check_text(unique_id, "unique_id")
    if time is not None:
        attributes["time"] = (time if time.tzinfo else time.replace(tzinfo=UTC)).isoformat()
    return {"data": {"type": "event", "attributes": attributes}}


def chunks(items: Sequence[T] | Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def subscription_profiles(emails: Iterable[str], phone_numbers: Iterable[str], consent: str) -> list[dict[str, Any]]:
    """One profile entry per email (email marketing) and per phone number (SMS marketing)."""
    profiles = [
        {
            "type": "profile",
            "attributes": {
                "email": check_email(e, "emails[]"),
                "subscriptions": {"email": {"marketing": {"consent": consent}}},
            },
        }
        for e in check_items(emails, "emails")
    ]
    profiles += [
        {
            "type": "profile",
            "attributes": {
                "phone_number": check_phone(p, "phone_numbers[]"),
                "subscriptions": {"sms": {"marketing": {"consent": consent}}},
            },
        }
        for p in check_items(phone_numbers, "phone_numbers")
    ]
    if not profiles:
        raise InputError("pass at least one email in emails= or phone number in phone_numbers=")
    return profiles


def subscription_body(
    kind: str, profiles: list[dict[str, Any]], *, list_id: str | None, custom_source: str | None
) -> dict[str, Any]:
    attributes: dict[str, Any] = {"profiles": {"data": profiles}}
    if custom_source is not None:
        attributes["custom_source"] = check_text(custom_source, "custom_source")
    data: dict[str, Any] = {"type": kind, "attributes": attributes}
    if list_id is not None:
        data["relationships"] = {"list": {"data": {"type": "list", "id": check_text(list_id, "list_id")}}}
    return {"data": data}


def bulk_event_items(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``events``: mappings with ``metric`` and one profile identifier, optionally ``properties``,
    ``value``, ``currency``, ``unique_id``, ``time`` — the arguments of ``track_event``."""
    items = []
    known = {
        "metric",
        "email",
        "phone_number",
        "external_id",
        "profile_id",
        "properties",
        "value",
        "currency",
        "unique_id",
        "time",
    }
    if isinstance(events, Mapping):
        raise InputError("events= takes a list of events (mappings), not a single one: pass [event]")
    for index, event in enumerate(check_items(events, "events")):
        if not isinstance(event, Mapping):
            raise InputError(
                f"events[{index}] must be a mapping of track_event's arguments; got {type(event).__name__}"
            )
        unknown = set(event) - known
        if unknown:
            raise InputError(f"events[{index}] has unknown keys {sorted(unknown)}; known: {', '.join(sorted(known))}")
        identity = {k: event[k] for k in ("email", "phone_number", "external_id") if event.get(k) is not None}
        if event.get("profile_id") is not None:
            identity["id"] = event["profile_id"]
        if not identity:
            raise InputError(f"events[{index}] needs a profile: email, phone_number, external_id or profile_id")
        single = event_body(
            metric=event.get("metric"),  # type: ignore[arg-type]
            profile=identity,
            properties=event.get("properties"),
            value=event.get("value"),
            currency=event.get("currency"),
            unique_id=event.get("unique_id"),
            time=event.get("time"),
        )["data"]["attributes"]
        profile = single.pop("profile")
        items.append(
            {
                "type": "event-bulk-create",
                "attributes": {"profile": profile, "events": {"data": [{"type": "event", "attributes": single}]}},
            }
        )
    if not items:
        raise InputError("events= is empty")
    return items
