"""``search``: the tools a few words describe, best first (the compact MCP mode's "find an operation").

Plain word matching, weighted by where a word appears: the tool's name and title count most, then its
namespace and API path, then its description. Words are compared lower-cased and singular-ish
(``profiles`` finds ``profile``), so "get profile by id" ranks ``get_profile`` (path ``/api/profiles/{id}``)
above ``get_profiles``. No index is built until the first search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Protocol

from ._catalog import Tool, all_tools


class Named(Protocol):
    """What ``search(tools=...)`` reads of a tool: its name (a ``Tool``, or a server's view of one)."""

    @property
    def name(self) -> str: ...


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with", "api"})
_WEIGHTS = (("name", 4.0), ("title", 3.0), ("where", 3.0), ("description", 1.0))


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _raw(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower().replace("_", " ")) if w not in _STOP]


def words(text: str) -> list[str]:
    """``text``'s search words: lower-cased, split on anything not a letter or digit, stemmed, stop words out."""
    return [_stem(w) for w in _raw(text)]


@cache
def _index() -> tuple[tuple[Tool, dict[str, float], frozenset[str], frozenset[str]], ...]:
    index = []
    for tool in all_tools():
        fields = {
            "name": tool.name,
            "title": tool.title,
            "where": f"{tool.namespace} {tool.http}",
            "description": tool.description,
        }
        weights: dict[str, float] = {}
        for field, weight in reversed(_WEIGHTS):
            weights.update(dict.fromkeys(words(fields[field]), weight))
        index.append((tool, weights, frozenset(words(tool.name)), frozenset(_raw(tool.name))))
    return tuple(index)


def search(query: str, limit: int = 10, *, tools: Iterable[Named] | None = None) -> list[Tool]:
    """The ``limit`` tools that match ``query`` best (an API path like ``/api/lists/{id}/profiles`` works too);
    ``tools`` narrows the search to those (e.g. a filtered ``catalog()``)."""
    wanted, spelled = words(query), set(_raw(query))
    if not wanted or limit <= 0:
        return []
    allowed = None if tools is None else {tool.name for tool in tools}
    phrase = query.strip().lower()
    scored = []
    for tool, weights, name_words, raw_name in _index():
        if allowed is not None and tool.name not in allowed:
            continue
        score = sum(weights.get(word, 0.0) for word in wanted)
        if score == 0:
            continue
        # A name the query spells out entirely ranks first; each name word the query lacks costs (a narrower tool).
        score += 2.0 * len(name_words & set(wanted)) / len(name_words) - 2.0 * len(name_words - set(wanted))
        score += 0.5 * len(raw_name & spelled)  # "get profiles" means get_profiles, not get_profile
        if phrase in (tool.name, tool.http.lower(), tool.http.lower().partition(" ")[2]):
            score += 100.0
        scored.append((-score, tool.name, tool))
    return [tool for _, _, tool in sorted(scored, key=lambda item: item[:2])[:limit]]


__all__ = ["search", "words"]
