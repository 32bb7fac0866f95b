# Copied from overrides/runtime/_unset.py by `python -m generator sync`; edit that file, not this one.
"""``UNSET``: the value of an argument or model member that was not given (as opposed to ``None``).

It lives in the core so that the request path, the argument checks and the decoders need nothing
generated; the generated ``types`` module re-exports it, as openapi-python-client's code expects.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["UNSET", "Unset"]


class Unset:
    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:
        # Pickle and copy by name, so that an unpickled model's unset fields are `UNSET` itself.
        return "UNSET"


UNSET: Unset = Unset()
