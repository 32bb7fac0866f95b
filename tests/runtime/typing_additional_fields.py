"""What a strict user's script sees of ``additional-fields``: the composed models, typed.

Never run; the project's ``mypy --strict`` run (the typecheck session) checks it. ``assert_type``
fails on ``Any`` and on a member missing from a model, and the attribute chains below are what user
code writes without a cast (narrowing the optional parts, since the fields are present only when
asked for).
"""

from __future__ import annotations

from typing import Literal, assert_type

from klaviyo_generated import Klaviyo
from klaviyo_generated.models.flow_definition import FlowDefinition
from klaviyo_generated.models.predictive_analytics import PredictiveAnalytics
from klaviyo_generated.models.subscriptions import Subscriptions
from klaviyo_generated.models.template_definition import TemplateDefinition
from klaviyo_generated.types import Unset


def read_additional_fields(kv: Klaviyo) -> None:
    fields: list[Literal["subscriptions", "predictive_analytics"]] = ["subscriptions", "predictive_analytics"]
    profile = kv.profiles.get_profile("P1", additional_fields_profile=fields).data
    subscriptions = profile.attributes.subscriptions
    if subscriptions and subscriptions.email and subscriptions.email.marketing:
        assert_type(subscriptions.email.marketing.consent, str)
    assert_type(profile.attributes.predictive_analytics, PredictiveAnalytics | None | Unset)
    for item in kv.profiles.iter_profiles(additional_fields_profile=["subscriptions"]):
        assert_type(item.attributes.subscriptions, Subscriptions | None | Unset)
    for member in kv.segments.get_profiles_for_segment("S1", additional_fields_profile=["subscriptions"]).data:
        assert_type(member.attributes.subscriptions, Subscriptions | None | Unset)
    listed = kv.lists.get_list("L1", additional_fields_list=["profile_count"]).data
    assert_type(listed.attributes.profile_count, int | None | Unset)
    flow = kv.flows.get_flow("F1", additional_fields_flow=["definition"]).data
    assert_type(flow.attributes.definition, FlowDefinition | None | Unset)
    template = kv.templates.get_template("T1", additional_fields_template=["definition"]).data
    assert_type(template.attributes.definition, TemplateDefinition | None | Unset)
    prop = kv.metrics.get_metric_property("M1", additional_fields_metric_property=["sample_values"]).data
    assert_type(prop.attributes.sample_values, list[bool | float | int | str] | None | Unset)
