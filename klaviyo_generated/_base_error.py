# Copied from overrides/runtime/_base_error.py by `python -m generator sync`; edit that file, not this one.
"""The root of the package's errors, alone in a module so that models can raise one of its
subclasses without importing what the HTTP errors need (``_exceptions`` re-exports it)."""

from __future__ import annotations

__all__ = ["KlaviyoError"]


class KlaviyoError(Exception):
    """Base class of every error this package raises on purpose."""
