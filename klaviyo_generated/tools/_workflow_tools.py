# Copied from overrides/runtime/tools/_workflow_tools.py by `python -m generator sync`; edit that file, not this one.
# requires-operations: get_profiles, create_or_update_profile, create_event
# requires-operations: add_profiles_to_list, remove_profiles_from_list, bulk_import_profiles
# requires-operations: get_profiles_for_bulk_import_profiles_job
# requires-operations: bulk_subscribe_profiles, bulk_unsubscribe_profiles, bulk_create_events
# requires-operations: upload_image_from_file, upload_image_from_url
# requires-operations: bulk_suppress_profiles, bulk_unsuppress_profiles
# requires-operations: create_campaign, assign_template_to_campaign_message, send_campaign
# requires-operations: get_bulk_suppress_profiles_job, get_bulk_unsuppress_profiles_job, get_campaign_send_job
"""``kv.workflows`` as tools: input schemas written from the methods' signatures (the same operations as
``_workflows.py`` require, so a package without the workflows has no workflow tools).

Each entry names the operations the workflow sends: a tool's scopes are theirs (read from the catalog),
so the scopes filter treats a workflow as it treats the endpoints under it. Left out on purpose:
``upload_image(path=)`` (an agent should not make the server read its own files; ``url`` takes an
http(s) URL or a data: URI), ``track_event(time=)`` and ``bulk_track_events`` (datetimes, which a JSON
argument cannot carry; events default to now), ``send_campaign``'s wait options, and the deprecated
aliases ``add_profiles_to_list`` / ``remove_profiles_from_list``.
"""

from __future__ import annotations

from typing import Any, Final

_STR: Final = {"type": "string", "minLength": 1}
_EMAILS: Final = {"type": "array", "items": {"type": "string", "minLength": 3}, "description": "Email addresses"}
_PHONES: Final = {
    "type": "array",
    "items": {"type": "string", "minLength": 2},
    "description": "Phone numbers in E.164 format (+15005550006)",
}
_IDENTIFIERS: Final = {
    "email": {"type": "string", "description": "The profile's email address"},
    "phone_number": {"type": "string", "description": "E.164 phone number"},
    "external_id": {"type": "string", "description": "Your system's id for the profile"},
}
_MEMBERS: Final = {
    "list_id": {**_STR, "description": "The list's id"},
    "profile_ids": {"type": "array", "items": _STR, "description": "Profile ids (give these or emails)"},
    "emails": {**_EMAILS, "description": "Email addresses (give these or profile_ids)"},
}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    schema["additionalProperties"] = False
    return schema


# method -> (input schema, operations it sends, read_only, destructive, idempotent)
WORKFLOW_TOOLS: Final[dict[str, tuple[dict[str, Any], tuple[str, ...], bool, bool, bool]]] = {
    "find_profile": (
        _object(
            {
                **_IDENTIFIERS,
                "id": {"type": "string", "description": "The Klaviyo profile id"},
                "prefer": {
                    "type": "string",
                    "enum": ["earliest_created", "earliest_updated", "newest_created", "newest_updated"],
                    "default": "newest_updated",
                    "description": "Which profile to return when several match",
                },
            }
        ),
        ("get_profiles",),
        True,
        False,
        True,
    ),
    "upsert_profile": (
        _object(
            {
                **_IDENTIFIERS,
                "profile_id": {"type": "string", "description": "Update this Klaviyo profile id"},
                **{
                    name: {"type": "string"}
                    for name in ("first_name", "last_name", "organization", "title", "locale", "image")
                },
                "location": {"type": "object", "description": "address1, address2, city, country, region, zip, …"},
                "properties": {"type": "object", "description": "Custom properties to set"},
                "unset": {"type": "array", "items": _STR, "description": "Custom properties to remove"},
            }
        ),
        ("create_or_update_profile",),
        False,
        False,
        True,
    ),
    "add_to_list": (
        _object(_MEMBERS, ("list_id",)),
        ("add_profiles_to_list", "get_profiles", "bulk_import_profiles", "get_profiles_for_bulk_import_profiles_job"),
        False,
        False,
        True,
    ),
    "remove_from_list": (
        _object(_MEMBERS, ("list_id",)),
        ("remove_profiles_from_list", "get_profiles"),
        False,
        True,
        True,
    ),
    "track_event": (
        _object(
            {
                "metric": {**_STR, "description": "The metric (event) name, e.g. 'Viewed Product'"},
                **_IDENTIFIERS,
                "profile_id": {"type": "string", "description": "The Klaviyo profile id"},
                "properties": {"type": "object", "description": "Event properties"},
                "value": {"type": "number", "description": "Monetary value"},
                "currency": {"type": "string", "description": "ISO 4217 code of value"},
                "unique_id": {"type": "string", "description": "Deduplicates retried events"},
            },
            ("metric",),
        ),
        ("create_event",),
        False,
        False,
        False,
    ),
    "subscribe": (
        _object(
            {
                "emails": _EMAILS,
                "phone_numbers": _PHONES,
                "list_id": {"type": "string", "description": "Also add them to this list"},
                "custom_source": {"type": "string", "description": "Where consent was collected"},
            }
        ),
        ("bulk_subscribe_profiles",),
        False,
        False,
        True,
    ),
    "unsubscribe": (
        _object(
            {
                "emails": _EMAILS,
                "phone_numbers": _PHONES,
                "list_id": {"type": "string", "description": "Only from this list"},
            }
        ),
        ("bulk_unsubscribe_profiles",),
        False,
        True,
        True,
    ),
    "upload_image": (
        _object(
            {
                "url": {**_STR, "description": "An http(s) URL or a data: URI of the image"},
                "name": {"type": "string", "description": "The image's name in Klaviyo"},
                "hidden": {"type": "boolean", "default": False, "description": "Hide it from the image library"},
            },
            ("url",),
        ),
        ("upload_image_from_url",),
        False,
        False,
        False,
    ),
    "suppress": (
        _object({"emails": _EMAILS}, ("emails",)),
        ("bulk_suppress_profiles",),
        False,
        True,
        True,
    ),
    "unsuppress": (
        _object({"emails": _EMAILS}, ("emails",)),
        ("bulk_unsuppress_profiles",),
        False,
        False,
        True,
    ),
    "create_campaign": (
        _object(
            {
                "name": {**_STR, "description": "The campaign's name"},
                "list_ids": {"type": "array", "items": _STR, "minItems": 1, "description": "Lists or segments"},
                "excluded_list_ids": {"type": "array", "items": _STR},
                "channel": {"type": "string", "enum": ["email", "sms"], "default": "email"},
                "subject": {"type": "string"},
                "from_email": {"type": "string"},
                "from_label": {"type": "string"},
                "preview_text": {"type": "string"},
            },
            ("list_ids", "name"),
        ),
        ("create_campaign",),
        False,
        False,
        False,
    ),
    "assign_template": (
        _object(
            {"message_id": {**_STR, "description": "Campaign message id"}, "template_id": _STR},
            ("message_id", "template_id"),
        ),
        ("assign_template_to_campaign_message",),
        False,
        False,
        True,
    ),
    "send_campaign": (
        _object(
            {
                "campaign_id": _STR,
                "wait": {"type": "boolean", "default": True, "description": "Wait for the send job to finish"},
            },
            ("campaign_id",),
        ),
        ("send_campaign", "get_campaign_send_job"),
        False,
        False,
        False,
    ),
    "cancel_campaign": (
        _object({"campaign_id": _STR}, ("campaign_id",)),
        ("cancel_campaign_send",),
        False,
        True,
        True,
    ),
    "revert_campaign": (
        _object({"campaign_id": _STR}, ("campaign_id",)),
        ("cancel_campaign_send",),
        False,
        True,
        True,
    ),
}

__all__ = ["WORKFLOW_TOOLS"]
