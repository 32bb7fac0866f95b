"""Importing one endpoint loads that endpoint's models, not the package's thousands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from klaviyo_generated import models

PROBE = """
import json, sys
import klaviyo_generated
before = sorted(m for m in sys.modules if m.startswith("klaviyo_generated"))
from klaviyo_generated.api.profiles import get_profiles
after = sorted(m for m in sys.modules if m.startswith("klaviyo_generated"))
print(json.dumps({"before": before, "after": after, "httpx": "httpx" in sys.modules}))
"""


def test_one_endpoint_imports_only_its_own_models() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    loaded = json.loads(result.stdout)
    assert loaded["before"] == ["klaviyo_generated"], "the package root must not import client, api or models"
    model_modules = [m for m in loaded["after"] if m.startswith("klaviyo_generated.models.")]
    assert len(models.__all__) > 3000
    # get_profiles needs its response document, its parameter enums and the two error models.
    assert 5 <= len(model_modules) <= 15, model_modules
    assert "klaviyo_generated.models._index" not in loaded["after"], "the model index is read on first lookup only"
    assert loaded["httpx"] is False, "building a request must not load the HTTP stack; sending one does"


def test_models_resolve_lazily_by_name() -> None:
    from klaviyo_generated.models.client_error import ClientError

    assert models.ClientError is ClientError
    assert dir(models) == sorted(models.__all__)


def test_unknown_model_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchModel'"):
        getattr(models, "NoSuchModel")  # noqa: B009
