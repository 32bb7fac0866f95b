"""A strict user's script reads ``additional-fields`` through the typed models: mypy --strict agrees.

mypy runs with the project's configuration and cache (``.mypy_cache``, warmed by ``mypy`` in
the typecheck session), so the package is analysed once, not per test run. The revealed types
are the check: an attribute missing from a model, or typed ``Any``, changes them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
from klaviyo_generated import Klaviyo

kv = Klaviyo(api_key="pk_" + "a" * 32)
profile = kv.profiles.get_profile("P1", additional_fields_profile=["subscriptions", "predictive_analytics"]).data
subscriptions = profile.attributes.subscriptions
if subscriptions and subscriptions.email and subscriptions.email.marketing:
    reveal_type(subscriptions.email.marketing.consent)
reveal_type(profile.attributes.predictive_analytics)
for item in kv.profiles.iter_profiles(additional_fields_profile=["subscriptions"]):
    reveal_type(item.attributes.subscriptions)
for member in kv.segments.get_profiles_for_segment("S1", additional_fields_profile=["subscriptions"]).data:
    reveal_type(member.attributes.subscriptions)
reveal_type(kv.lists.get_list("L1", additional_fields_list=["profile_count"]).data.attributes.profile_count)
reveal_type(kv.flows.get_flow("F1", additional_fields_flow=["definition"]).data.attributes.definition)
reveal_type(kv.templates.get_template("T1", additional_fields_template=["definition"]).data.attributes.definition)
prop = kv.metrics.get_metric_property("M1", additional_fields_metric_property=["sample_values"]).data
reveal_type(prop.attributes.sample_values)
"""


def test_strict_user_code_reads_the_additional_fields_typed(tmp_path: Path) -> None:
    script = tmp_path / "read_consent.py"
    script.write_text(SCRIPT, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    revealed = [line.split(": note: Revealed type is ", 1)[1] for line in run.stdout.splitlines()]
    assert revealed == [
        '"str"',
        '"klaviyo_generated.models.predictive_analytics.PredictiveAnalytics | klaviyo_generated.types.Unset"',
        '"klaviyo_generated.models.subscriptions.Subscriptions | klaviyo_generated.types.Unset"',
        '"klaviyo_generated.models.subscriptions.Subscriptions | klaviyo_generated.types.Unset"',
        '"int | None | klaviyo_generated.types.Unset"',
        '"klaviyo_generated.models.flow_definition.FlowDefinition | klaviyo_generated.types.Unset"',
        '"klaviyo_generated.models.template_definition.TemplateDefinition | klaviyo_generated.types.Unset"',
        '"list[bool | float | int | str] | None | klaviyo_generated.types.Unset"',
    ], run.stdout + run.stderr
    assert run.returncode == 0, run.stdout + run.stderr
