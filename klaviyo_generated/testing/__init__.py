# Copied from overrides/runtime/testing/__init__.py by `python -m generator sync`; edit that file, not this one.
"""Test doubles for code that uses ``klaviyo_generated``: ``FakeKlaviyo`` (an in-memory Klaviyo,
also servable over HTTP on 127.0.0.1) and fault injection by rule.

``FaultTransport`` wraps any transport (``httpx.MockTransport``, your own fake) and makes chosen
calls fail the way Klaviyo and networks fail, by rule::

    from klaviyo_generated.testing import Fault, FaultTransport

    transport = FaultTransport(inner, [Fault.rate_limited(retry_after=2, operation="get_profiles", nth=2)])
    kv = Klaviyo(api_key="pk_test_...", transport=transport)
"""

from ._fake import FakeKlaviyo, VirtualClock
from ._faults import AsyncFaultTransport, Fault, FaultTransport

__all__ = ["AsyncFaultTransport", "FakeKlaviyo", "Fault", "FaultTransport", "VirtualClock"]
