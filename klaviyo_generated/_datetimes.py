# Copied from overrides/runtime/_datetimes.py by `python -m generator sync`; edit that file, not this one.
"""Timestamps as the API sends them, read into ``datetime``: ISO 8601 as RFC 3339 allows it.

``datetime.fromisoformat`` reads what Klaviyo sends almost always, fast, in C; it refuses two
things RFC 3339 allows and answers have carried: a lower-case ``t``/``z`` (``2026-01-02t03:04:05z``)
and a leap second (``23:59:60``). Only when it refuses does the slower path run: upper-case the
text, and read a leap second as the first instant of the next minute (``23:59:60.5Z`` becomes
``00:00:00.5`` of the next day), which keeps the order of timestamps, as POSIX time does. Anything
else it refuses stays refused (``ValueError``), which the model reports as ``FieldDecodeError``.
"""

from __future__ import annotations

import datetime
import re
from typing import Final

__all__ = ["parse_datetime"]

# hh:mm:60 (a leap second), with whatever fraction and offset follow it.
_LEAP_SECOND: Final = re.compile(r"(?<=[T ]\d\d:\d\d):60(?=[.,\d]*(?:Z|[+-]\d\d(?::?\d\d)?)?$)")


def parse_datetime(text: str) -> datetime.datetime:
    """``text`` (an RFC 3339 / ISO 8601 timestamp) as a ``datetime``; ``ValueError`` if it is none."""
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return _lenient(text)


def _lenient(text: str) -> datetime.datetime:
    fixed, leap_seconds = _LEAP_SECOND.subn(":59", text.upper(), count=1)
    try:
        parsed = datetime.datetime.fromisoformat(fixed)
    except ValueError:
        raise ValueError(f"not an ISO 8601 timestamp: {text!r}") from None
    return parsed + datetime.timedelta(seconds=leap_seconds)
