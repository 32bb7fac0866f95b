# Copied from overrides/runtime/_base_error.py by `python -m generator sync`; edit that file, not this one.
"""The root of the package's errors, kept importable here for code written before ``_exceptions`` held every error."""

from __future__ import annotations

from ._exceptions import KlaviyoError

__all__ = ["KlaviyoError"]
