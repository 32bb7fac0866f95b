# Copied from overrides/runtime/_retry_after.py by `python -m generator sync`; edit that file, not this one.
"""How long a server asked us to wait: ``Retry-After`` (RFC 9110 §10.2.3) and, on a 429 without
it, ``RateLimit-Reset``. Shared by the retry layer, the rate-limit layer and ``RateLimitError``,
so the three never disagree about the same answer."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime

__all__ = ["leading_number", "parse_retry_after", "requested_wait"]

# Pattern sources, compiled (and cached by `re`) on first use: the cold start needs none of them.
_DELTA_SECONDS = r"\d+(?:\.\d+)?"  # decimals tolerated; signs and exponents are not HTTP

# The first list member's value: the rate-limit headers draft allows "10" as well as
# "10, 10;w=1, 150;w=60" (a value followed by policies); parameters after ";" are ignored.
_LEADING_NUMBER = r"(?s)\s*(\d+(?:\.\d+)?)\s*(?:[;,].*)?"


def _http_date(value: str) -> float | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # HTTP-dates are always GMT; a zone-less value is read the same way.
    return (parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)).timestamp()


def parse_retry_after(
    value: str | None, *, date: str | None = None, now: Callable[[], float] = time.time
) -> float | None:
    """Seconds to wait, or ``None`` when the header is absent or unreadable (use normal backoff).

    Delta-seconds (``"120"``) or an HTTP-date. A date is measured against the response's ``Date``
    header when there is one, so a skewed local clock does not stretch or shrink the wait;
    otherwise against ``now()`` (epoch seconds). A date in the past means no wait.
    """
    if value is None or not (value := value.strip()):
        return None
    if re.fullmatch(_DELTA_SECONDS, value):
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    target = _http_date(value)
    if target is None:
        return None
    reference = _http_date(date) if date else None
    return max(0.0, target - (reference if reference is not None else now()))


def leading_number(value: str | None) -> float | None:
    """The number a rate-limit header starts with (``"10"``, ``"10, 10;w=1"``), or ``None``."""
    if value is None:
        return None
    match = re.fullmatch(_LEADING_NUMBER, value)
    if match is None:
        return None
    number = float(match.group(1))
    return number if math.isfinite(number) else None


def requested_wait(status: int, headers: Mapping[str, str], *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asked us to wait before the next request, or ``None`` if it did not say.

    ``Retry-After`` on any status; on a 429 without it, ``RateLimit-Reset`` (seconds until the
    window resets), since that is when the next request can succeed.
    """
    wait = parse_retry_after(headers.get("retry-after"), date=headers.get("date"), now=now)
    if wait is None and status == 429:
        wait = leading_number(headers.get("ratelimit-reset"))
    return wait
