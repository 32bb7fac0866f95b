"""Turns a pinned Klaviyo OpenAPI revision into the committed ``klaviyo_generated`` package.

The pipeline, one module per step::

    pin ─▶ source (find + verify the spec) ─▶ patches (rules) ─▶ render (openapi-python-client
    with overrides/templates) ─▶ assemble (runtime modules, tables, headers) ─▶ format (ruff)

``python -m generator`` runs it; ``python -m generator check`` proves the committed tree equals it.
"""
