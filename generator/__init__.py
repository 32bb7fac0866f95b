"""Turns a pinned Klaviyo OpenAPI revision into the committed ``klaviyo_generated`` package.

The pipeline, one module per step::

    pin ─▶ source (find + verify the spec) ─▶ patches (rules) ─▶ render (openapi-python-client
    with overrides/templates) ─▶ assemble (headers) ─▶ format (ruff) ─▶ sync (overrides/runtime copied in)

``python -m generator`` runs it; ``python -m generator check`` proves the committed tree equals it;
``python -m generator sync`` runs the last step alone, without the spec, after a runtime edit.
"""
