"""Identifier rules that differ from openapi-python-client's defaults.

Klaviyo's query parameters are JSON:API names: ``fields[profile]``, ``page[cursor]``,
``additional-fields[profile]``. openapi-python-client strips the brackets and glues the words
(``fieldsprofile``, ``pagecursor``). Treating brackets as word delimiters gives ``fields_profile``
and ``page_cursor``. ``filter`` is every list operation's filter parameter; generated code never
calls the builtin, so it keeps its plain name (``filter``, not ``filter_``) everywhere.

openapi-python-client reads both tables at call time, so they are swapped in for the duration of
a generation run and restored afterwards (the exact library version is pinned; the golden tests
notice if a new version stops reading them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from openapi_python_client import strings

EXTRA_DELIMITERS = "[]"
NOT_RESERVED = frozenset({"filter"})


@contextmanager
def naming_rules() -> Iterator[None]:
    saved_delimiters, saved_reserved = strings.DELIMITERS, strings.RESERVED_WORDS
    strings.DELIMITERS = saved_delimiters + EXTRA_DELIMITERS
    strings.RESERVED_WORDS = saved_reserved - NOT_RESERVED
    try:
        yield
    finally:
        strings.DELIMITERS, strings.RESERVED_WORDS = saved_delimiters, saved_reserved
