"""Identifier rules that differ from openapi-python-client's defaults.

Klaviyo's query parameters are JSON:API names: ``fields[profile]``, ``page[cursor]``,
``additional-fields[profile]``. openapi-python-client strips the brackets and glues the words
(``fieldsprofile``, ``pagecursor``). Treating brackets as word delimiters gives ``fields_profile``
and ``page_cursor``. ``filter`` is every list operation's filter parameter; generated code never
calls the builtin, so it keeps its plain name (``filter``, not ``filter_``) everywhere.

openapi-python-client reads both tables at call time, so they are swapped in for the duration of
a generation run and restored afterwards (the exact library version is pinned; the golden tests
notice if a new version stops reading them).

Tags become namespaces (``kv.custom_objects``), and there openapi-python-client's word split cuts
an acronym's plural in two (``Beta APIs`` -> ``beta_ap_is``). ``tag_identifier`` keeps it one word
(``beta_apis``) and otherwise splits exactly as openapi-python-client does, so other tags keep
their names.

A few tags name their namespace badly and are renamed (``RENAMED_TAGS``): Klaviyo's ``Client`` tag
holds the public-key endpoints that browsers and apps call (``/client/...``), and ``kv.client`` reads
as "the client" in every sentence about the library, so it becomes ``kv.client_side`` (module
``resources/client_side.py``, package ``api/client_side/``, classes ``ClientSide...``). The old
namespace stays for one release as a deprecated alias (``former_identifier``, read by the facade).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from openapi_python_client import strings

EXTRA_DELIMITERS = "[]"
NOT_RESERVED = frozenset({"filter"})
# openapi-python-client's word pattern (``[A-Z]?[a-z]+``), first trying an acronym's plural: APIs, IDs.
_WORDS = re.compile(r"([A-Z]+s(?![a-z])|[A-Z]?[a-z]+)")
# Spec tag -> the words its namespace is made of instead of the tag's own.
RENAMED_TAGS: Final = {"Client": "Client Side"}


@contextmanager
def naming_rules() -> Iterator[None]:
    saved_delimiters, saved_reserved = strings.DELIMITERS, strings.RESERVED_WORDS
    strings.DELIMITERS = saved_delimiters + EXTRA_DELIMITERS
    strings.RESERVED_WORDS = saved_reserved - NOT_RESERVED
    try:
        yield
    finally:
        strings.DELIMITERS, strings.RESERVED_WORDS = saved_delimiters, saved_reserved


def tag_identifier(tag: str) -> strings.PythonIdentifier:
    """The namespace a spec tag becomes: ``Beta APIs`` -> ``beta_apis``, ``Custom Objects`` -> ``custom_objects``,
    ``Client`` -> ``client_side`` (renamed)."""
    return _identifier(RENAMED_TAGS.get(tag, tag))


def former_identifier(namespace: str) -> strings.PythonIdentifier | None:
    """The name the namespace ``namespace`` had before its tag was renamed (``client_side`` -> ``client``), if any."""
    formerly = {str(tag_identifier(tag)): _identifier(tag) for tag in RENAMED_TAGS}
    return formerly.get(namespace)


def _identifier(tag: str) -> strings.PythonIdentifier:
    text = strings.sanitize(tag)
    if any(c.isupper() for c in text):
        text = " ".join(_WORDS.split(text))
    return strings.PythonIdentifier(text.lower(), prefix="tag")
