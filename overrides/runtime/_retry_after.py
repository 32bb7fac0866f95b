"""Reading ``Retry-After`` (RFC 9110 §10.2.3), shared by the retry layer and ``RateLimitError``."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from datetime import UTC
from email.utils import parsedate_to_datetime

__all__ = ["parse_retry_after"]

_DELTA_SECONDS = re.compile(r"\d+(?:\.\d+)?")  # decimals tolerated; signs and exponents are not HTTP


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
    if _DELTA_SECONDS.fullmatch(value):
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    target = _http_date(value)
    if target is None:
        return None
    reference = _http_date(date) if date else None
    return max(0.0, target - (reference if reference is not None else now()))
