"""The rate limiter's log line: a wait reads as "delaying <operation> by N.NNNs" only when N.NNN is not 0.000."""

from __future__ import annotations

import logging

import pytest

from tests.runtime.test_ratelimit import SLOW, START, Harness


def test_a_wait_that_rounds_to_zero_ms_logs_nothing_a_real_one_logs_once_with_its_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = Harness()
    with caplog.at_level(logging.INFO, logger="klaviyo_generated"):
        for _ in range(3):  # create_tag takes 3/s: these fill the second
            h.send(SLOW)
        h.clock.now += 0.9996  # the first slot frees 0.4 ms from now
        h.send(SLOW)
        for _ in range(3):  # two more fit the new second, the third waits a whole second
            h.send(SLOW)
    assert h.sleeps == [pytest.approx(0.0004), pytest.approx(1.0)]
    assert h.sends[SLOW] == pytest.approx([START] * 3 + [START + 1.0] * 3 + [START + 2.0])
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, "Rate limit: delaying create_tag by 1.000s")
    ]
    assert caplog.records[0].__dict__["klaviyo_rate_limit_wait"] == pytest.approx(1.0)


def test_a_wait_under_half_a_millisecond_is_logged_at_debug_as_no_delay(caplog: pytest.LogCaptureFixture) -> None:
    h = Harness()
    with caplog.at_level(logging.DEBUG, logger="klaviyo_generated"):
        for _ in range(3):
            h.send(SLOW)
        h.clock.now += 0.9996
        h.send(SLOW)
    assert [r.getMessage() for r in caplog.records] == ["Rate limit: create_tag sent without delay"] * 4
    assert "0.000s" not in caplog.text
