"""The server's command line: what it exposes (filters, compact mode), how it runs (stdio or HTTP), dry run."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import attrs

from ..tools._call import DEFAULT_MAX_CHARS

__all__ = ["Options", "parse_args"]

PROGRAM = "python -m klaviyo_generated.mcp"
DEFAULT_PORT = 8000


@attrs.frozen(kw_only=True)
class Options:
    """How the server runs; the defaults are every tool, listed directly, over stdio."""

    namespaces: tuple[str, ...] | None = None
    read_only: bool = False
    scopes: tuple[str, ...] | None = None
    compact: bool = False
    dry_run: bool = False
    max_chars: int = DEFAULT_MAX_CHARS
    http: bool = False
    port: int = DEFAULT_PORT
    base_url: str | None = None


def _names(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not names:
        raise argparse.ArgumentTypeError("give at least one name, comma-separated")
    return names


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROGRAM,
        description=(
            "An MCP server exposing the Klaviyo API as tools (one per operation, plus the workflows). "
            "The API key comes from KLAVIYO_API_KEY."
        ),
    )
    p.add_argument(
        "--namespaces", type=_names, metavar="A,B", help="only these namespaces' tools (profiles,lists,workflows,...)"
    )
    p.add_argument("--read-only", action="store_true", help="only read tools; writes are neither listed nor callable")
    p.add_argument(
        "--scopes", type=_names, metavar="S,T", help="only tools a key with these scopes may call (lists:read,...)"
    )
    p.add_argument(
        "--compact",
        action="store_true",
        help="three meta-tools (search_operations, describe_operation, call_operation) instead of one tool each",
    )
    p.add_argument("--dry-run", action="store_true", help="send nothing: every call returns the request it would send")
    p.add_argument(
        "--max-chars",
        type=_positive,
        default=DEFAULT_MAX_CHARS,
        metavar="N",
        help=f"cut answers longer than N characters, with a note (default {DEFAULT_MAX_CHARS})",
    )
    p.add_argument("--http", action="store_true", help="serve streamable HTTP on 127.0.0.1 instead of stdio")
    p.add_argument("--port", type=_positive, metavar="N", help=f"the --http port (default {DEFAULT_PORT})")
    p.add_argument(
        "--base-url", metavar="URL", help="another API origin (a proxy, or a local fake: http only on 127.0.0.1)"
    )
    return p


def parse_args(argv: Sequence[str] | None = None) -> Options:
    """The options ``argv`` asks for; a bad flag exits 2 with argparse's usage message."""
    p = parser()
    args = p.parse_args(argv)
    if args.port is not None and not args.http:
        p.error("--port needs --http")
    return Options(
        namespaces=args.namespaces,
        read_only=args.read_only,
        scopes=args.scopes,
        compact=args.compact,
        dry_run=args.dry_run,
        max_chars=args.max_chars,
        http=args.http,
        port=DEFAULT_PORT if args.port is None else args.port,
        base_url=args.base_url,
    )
