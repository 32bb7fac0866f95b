"""What ``additional-fields[...]`` asks for comes back typed, for every operation that offers it.

The spec composes these responses as ``allOf: [{attributes: {<added fields>}}, {$ref: <resource>}]``
(see ``generator/patches/all_of_deep_merge.py``): the added fields are read here as typed
attributes of the composed model, next to the resource's own, and none is left in
``additional_properties``. One test per schema family, with a body as the API sends it.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import unquote

from klaviyo_generated import Klaviyo
from klaviyo_generated.models import (
    FlowDefinition,
    PredictiveAnalytics,
    Subscriptions,
    TemplateDefinition,
)
from klaviyo_generated.types import Unset
from tests.runtime.client_harness import Server, client_kwargs

SUBSCRIPTIONS = {
    "email": {
        "marketing": {
            "can_receive_email_marketing": True,
            "consent": "SUBSCRIBED",
            "consent_timestamp": "2023-02-21T20:07:38+00:00",
            "method": "FORM",
            "suppression": [],
            "list_suppressions": [],
        }
    },
    "sms": {"marketing": {"can_receive_sms_marketing": False, "consent": "NEVER_SUBSCRIBED"}},
}
PREDICTIVE = {"historic_clv": 93.87, "predicted_clv": 27.24, "churn_probability": 0.8}


def _profile(profile_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "profile",
        "id": profile_id,
        "attributes": {
            "email": f"{profile_id.lower()}@example.com",
            "created": "2022-11-08T00:00:00+00:00",
            "subscriptions": SUBSCRIPTIONS,
            "predictive_analytics": PREDICTIVE,
            **extra,
        },
        "relationships": {
            "lists": {"links": {"self": "https://a.klaviyo.com/r", "related": "https://a.klaviyo.com/l"}}
        },
        "links": {"self": f"https://a.klaviyo.com/api/profiles/{profile_id}"},
    }


def _page(*items: dict[str, Any]) -> dict[str, Any]:
    return {"data": list(items), "links": {"self": "https://a.klaviyo.com/api/x", "next": None}}


def _client(*bodies: dict[str, Any]) -> tuple[Klaviyo, Server]:
    server = Server(*bodies)
    return Klaviyo(**client_kwargs(server)), server


def _consent(subscriptions: Subscriptions | Unset | None) -> str:
    """The email marketing consent, narrowed as strict user code reads it (no casts)."""
    assert subscriptions
    assert subscriptions.email
    assert subscriptions.email.marketing
    return subscriptions.email.marketing.consent


def test_get_profile_reads_subscriptions_and_predictive_analytics_typed() -> None:
    kv, server = _client({"data": _profile("P1")})
    r = kv.profiles.get_profile("P1", additional_fields_profile=["subscriptions", "predictive_analytics"])
    query = unquote(server.last.url.query.decode())
    assert query == "additional-fields[profile]=subscriptions,predictive_analytics"
    attributes = r.data.attributes
    assert type(attributes).__name__ == "GetProfileResponsePluralConversationsCompoundDocumentDataAttributes"
    subscriptions = attributes.subscriptions
    assert subscriptions
    assert subscriptions.email
    assert subscriptions.email.marketing
    assert subscriptions.email.marketing.consent == "SUBSCRIBED"
    assert subscriptions.email.marketing.consent_timestamp == datetime.datetime(
        2023, 2, 21, 20, 7, 38, tzinfo=datetime.UTC
    )
    assert subscriptions.sms
    assert subscriptions.sms.marketing
    assert subscriptions.sms.marketing.can_receive_sms_marketing is False
    assert isinstance(attributes.predictive_analytics, PredictiveAnalytics)
    assert attributes.predictive_analytics.historic_clv == 93.87
    # The resource's own attributes are still there, typed, and nothing is left over untyped.
    assert attributes.email == "p1@example.com"
    assert attributes.created == datetime.datetime(2022, 11, 8, tzinfo=datetime.UTC)
    assert attributes.additional_keys == []
    assert r.data.additional_keys == []


def test_get_profiles_and_iter_profiles_type_every_item() -> None:
    page = _page(_profile("P1"), _profile("P2"))
    kv, _ = _client(page, page)
    r = kv.profiles.get_profiles(additional_fields_profile=["subscriptions"])
    assert [_consent(p.attributes.subscriptions) for p in r.data] == ["SUBSCRIBED", "SUBSCRIBED"]
    items = list(kv.profiles.iter_profiles(additional_fields_profile=["subscriptions"]))
    assert [p.id for p in items] == ["P1", "P2"]
    assert [_consent(p.attributes.subscriptions) for p in items] == ["SUBSCRIBED", "SUBSCRIBED"]
    assert [p.attributes.additional_keys for p in items] == [[], []]


def test_list_and_segment_members_carry_subscriptions_next_to_joined_group_at() -> None:
    member = _profile("P1", joined_group_at="2024-01-02T03:04:05+00:00")
    kv, server = _client(_page(member))
    for r in (
        kv.lists.get_profiles_for_list("L1", additional_fields_profile=["subscriptions"]),
        kv.segments.get_profiles_for_segment("S1", additional_fields_profile=["subscriptions"]),
    ):
        [profile] = r.data
        assert _consent(profile.attributes.subscriptions) == "SUBSCRIBED"
        assert profile.attributes.joined_group_at == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
        assert profile.attributes.additional_keys == []
    [members] = list(kv.lists.iter_profiles_for_list("L1", additional_fields_profile=["predictive_analytics"]))
    assert isinstance(members.attributes.predictive_analytics, PredictiveAnalytics)
    assert [unquote(r.url.path) for r in server.requests] == [
        "/api/lists/L1/profiles",
        "/api/segments/S1/profiles",
        "/api/lists/L1/profiles",
    ]


def test_other_profile_operations_type_the_additional_fields_too() -> None:
    kv, _ = _client({"data": _profile("P1")}, _page(_profile("P2")))
    event_profile = kv.events.get_profile_for_event("E1", additional_fields_profile=["subscriptions"]).data
    assert event_profile is not None
    assert _consent(event_profile.attributes.subscriptions) == "SUBSCRIBED"
    imported = kv.profiles.get_profiles_for_bulk_import_profiles_job("J1", additional_fields_profile=["subscriptions"])
    assert _consent(imported.data[0].attributes.subscriptions) == "SUBSCRIBED"


def test_get_list_and_get_segment_read_profile_count() -> None:
    listed = {
        "type": "list",
        "id": "L1",
        "attributes": {"name": "VIP", "opt_in_process": "double_opt_in", "profile_count": 1234},
        "links": {"self": "https://a.klaviyo.com/api/lists/L1"},
    }
    segment = {
        "type": "segment",
        "id": "S1",
        "attributes": {
            "name": "Engaged",
            "is_active": True,
            "is_processing": False,
            "is_starred": False,
            "profile_count": 56,
        },
        "links": {"self": "https://a.klaviyo.com/api/segments/S1"},
    }
    kv, _ = _client({"data": listed}, {"data": segment})
    lst = kv.lists.get_list("L1", additional_fields_list=["profile_count"]).data.attributes
    assert (lst.profile_count, lst.name, lst.opt_in_process) == (1234, "VIP", "double_opt_in")
    seg = kv.segments.get_segment("S1", additional_fields_segment=["profile_count"]).data.attributes
    assert (seg.profile_count, seg.is_active) == (56, True)
    assert lst.additional_keys == seg.additional_keys == []


def test_flows_and_templates_read_definition() -> None:
    flow = {
        "type": "flow",
        "id": "F1",
        "attributes": {
            "name": "Welcome",
            "status": "live",
            "trigger_type": "Added to List",
            "definition": {
                "triggers": [{"type": "list", "id": "L1"}],
                "actions": [],
                "entry_action_id": "A1",
                "profile_filter": None,
            },
        },
        "links": {"self": "https://a.klaviyo.com/api/flows/F1"},
    }
    definition = {
        "body": {"properties": {}, "styles": {}, "sections": []},
        "styles": [],
    }
    template = {
        "type": "template",
        "id": "T1",
        "attributes": {"name": "Hello", "editor_type": "SYSTEM_DRAGGABLE", "html": "<p/>", "definition": definition},
        "links": {"self": "https://a.klaviyo.com/api/templates/T1"},
    }
    kv, _ = _client({"data": flow}, {"data": template}, _page(template))
    got_flow = kv.flows.get_flow("F1", additional_fields_flow=["definition"]).data.attributes
    assert isinstance(got_flow.definition, FlowDefinition)
    assert (got_flow.definition.entry_action_id, got_flow.trigger_type) == ("A1", "Added to List")
    got_template = kv.templates.get_template("T1", additional_fields_template=["definition"]).data.attributes
    assert isinstance(got_template.definition, TemplateDefinition)
    assert (got_template.definition.styles, got_template.html) == ([], "<p/>")
    [listed] = kv.templates.get_templates(additional_fields_template=["definition"]).data
    assert isinstance(listed.attributes.definition, TemplateDefinition)
    assert [got_flow.additional_keys, got_template.additional_keys, listed.attributes.additional_keys] == [[], [], []]


def test_metric_properties_read_sample_values() -> None:
    prop = {
        "type": "metric-property",
        "id": "MP1",
        "attributes": {"label": "Value", "property": "$value", "inferred_type": "number", "sample_values": [1, 2.5]},
        "links": {"self": "https://a.klaviyo.com/api/metric-properties/MP1"},
    }
    kv, _ = _client({"data": prop}, _page(prop))
    one = kv.metrics.get_metric_property("MP1", additional_fields_metric_property=["sample_values"]).data
    assert (one.attributes.sample_values, one.attributes.label) == ([1, 2.5], "Value")
    [listed] = kv.metrics.get_properties_for_metric("M1", additional_fields_metric_property=["sample_values"]).data
    assert listed.attributes.sample_values == [1, 2.5]
    assert one.attributes.additional_keys == listed.attributes.additional_keys == []
