"""Reading per-operation facts out of the spec for the generated operations table."""

from __future__ import annotations

import pytest

from generator.render import GenerationFailed, _rate_limits


def test_rate_limit_windows_in_burst_steady_daily_order() -> None:
    declared = {"daily": "100/d", "steady": "60/m", "burst": "3/s"}
    assert _rate_limits("GET /api/x", declared) == ((3, 1.0), (60, 60.0), (100, 86400.0))


def test_an_unknown_window_is_kept_after_the_known_ones() -> None:
    assert _rate_limits("GET /api/x", {"burst": "3/s", "hourly": "500/h"}) == ((3, 1.0), (500, 3600.0))


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (None, "GET /api/x: x-klaviyo-ratelimit is missing or not an object: None"),
        ({"burst": "3/w"}, "GET /api/x: cannot read rate limit burst='3/w' (want N/s|m|h|d)"),
        ({"steady": "many/m"}, "GET /api/x: cannot read rate limit steady='many/m' (want N/s|m|h|d)"),
    ],
)
def test_an_unreadable_rate_limit_fails_generation(declared: object, message: str) -> None:
    with pytest.raises(GenerationFailed) as caught:
        _rate_limits("GET /api/x", declared)
    assert str(caught.value) == message
