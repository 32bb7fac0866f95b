"""The root of the package's errors, kept importable here for code written before ``_exceptions`` held every error."""

from __future__ import annotations

from ._exceptions import KlaviyoError

__all__ = ["KlaviyoError"]
