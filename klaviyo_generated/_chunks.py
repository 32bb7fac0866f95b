# Copied from overrides/runtime/_chunks.py by `python -m generator sync`; edit that file, not this one.
"""Inputs larger than one job takes: split into chunks, one job each, waited for together.

``kv.profiles.submit_bulk_import_profiles_in_chunks(body=...)`` splits the body's item list
(``data.attributes.<items>.data``) so that every chunk is within the operation's documented item and
payload limits, submits one job per chunk and returns a ``JobGroup``. ``group.wait()`` waits for all of
them, reporting combined progress; when any chunk fails, ``ChunkFailedError`` lists which ones
(with their item ranges and errors) and still carries every other chunk's result.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import attrs

from ._arguments import check_body
from ._binding import Operation
from ._exceptions import ChunkFailedError, KlaviyoError
from ._jobs import AsyncJob, Job, JobLimitError, Progress
from ._request_body import encode_json

__all__ = ["AsyncJobGroup", "ChunkFailedError", "ChunkOutcome", "JobGroup", "split_body"]

T = TypeVar("T")
_ENVELOPE_MARGIN = 1024  # bytes kept free for the envelope around the items


def _size(value: object) -> int:
    return len(encode_json(value))


def split_body(submit: Operation[Any], body: Any, chunk_size: int | None = None) -> tuple[list[Any], list[range]]:
    """``body`` split into bodies of the same type within the ``submit`` operation's documented limits,
    and each one's item range."""
    operation = submit.name
    if submit.body is None:
        raise JobLimitError(f"{operation} takes no body to split")
    limits = submit.spec.limits
    max_items = limits.max_items if limits is not None else None
    max_bytes = limits.max_bytes if limits is not None else None
    body = check_body(operation, body, submit.body)
    document = body.to_dict()
    attributes = document.get("data", {}).get("attributes", {})
    lists = {k: v["data"] for k, v in attributes.items() if isinstance(v, dict) and isinstance(v.get("data"), list)}
    if not lists:
        raise JobLimitError(f"{operation}: the body has no list of items to split")
    key = max(lists, key=lambda k: len(lists[k]))
    items = lists[key]
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1):
        raise JobLimitError(f"chunk_size must be an int >= 1, got {chunk_size!r}")
    most = min(chunk_size or math.inf, max_items or math.inf)
    budget = (max_bytes or math.inf) - _size({**document, "data": {**document["data"], "attributes": {}}})
    budget -= _ENVELOPE_MARGIN
    ranges: list[range] = []
    start, used = 0, 0
    for index, item in enumerate(items):
        size = _size(item) + 1
        if size > budget:
            raise JobLimitError(
                f"{operation}: item {index} alone is {size} bytes; with the request around it, that is over "
                f"the {max_bytes} bytes one request may carry (nothing was sent)"
            )
        if index > start and (index - start >= most or used + size > budget):
            ranges.append(range(start, index))
            start, used = index, 0
        used += size
    if items:
        ranges.append(range(start, len(items)))
    bodies = []
    for chunk in ranges:
        copied = {**attributes, key: {**attributes[key], "data": items[chunk.start : chunk.stop]}}
        bodies.append(type(body).from_dict({**document, "data": {**document["data"], "attributes": copied}}))
    return bodies, ranges


@attrs.frozen
class ChunkOutcome:
    """One chunk: its item range, its job (``None`` if the submission itself failed), result or error."""

    index: int
    items: range
    job: Job[Any] | AsyncJob[Any] | None
    result: Any = None
    error: BaseException | None = None


def _combined(progresses: Sequence[Progress | None]) -> Progress:
    known = [p for p in progresses if p is not None]
    statuses = {p.status for p in known}
    status = "complete" if statuses == {"complete"} and len(known) == len(progresses) else "processing"

    def total(name: str) -> int | None:
        values = [getattr(p, name) for p in known if getattr(p, name) is not None]
        return sum(values) if values else None

    return Progress(status=status, completed=total("completed"), failed=total("failed"), total=total("total"))


class JobGroup(Generic[T]):
    """The jobs of one chunked submission on the synchronous client."""

    def __init__(self, operation: str, outcomes: list[ChunkOutcome]) -> None:
        self.operation = operation
        self.outcomes = outcomes

    @property
    def jobs(self) -> list[Job[T]]:
        return [o.job for o in self.outcomes if isinstance(o.job, Job)]

    def wait(self, *, on_progress: Callable[[Progress], object] | None = None, **wait: Any) -> list[T]:
        """Wait for every chunk's job; the results in chunk order, or ``ChunkFailedError``."""
        latest: list[Progress | None] = [None] * len(self.outcomes)
        finished = []
        for position, outcome in enumerate(self.outcomes):
            if outcome.job is None or not isinstance(outcome.job, Job):
                finished.append(outcome)
                continue

            def report(progress: Progress, position: int = position) -> None:
                latest[position] = progress
                if on_progress is not None:
                    on_progress(_combined(latest))

            try:
                finished.append(attrs.evolve(outcome, result=outcome.job.wait(on_progress=report, **wait)))
            except KlaviyoError as error:
                finished.append(attrs.evolve(outcome, error=error))
        self.outcomes = finished
        if any(o.error is not None for o in finished):
            raise ChunkFailedError(self.operation, finished)
        return [o.result for o in finished]


class AsyncJobGroup(Generic[T]):
    """The jobs of one chunked submission on the asyncio client, waited for concurrently."""

    def __init__(self, operation: str, outcomes: list[ChunkOutcome]) -> None:
        self.operation = operation
        self.outcomes = outcomes

    async def wait(self, *, on_progress: Callable[[Progress], object] | None = None, **wait: Any) -> list[T]:
        latest: list[Progress | None] = [None] * len(self.outcomes)

        async def one(position: int, outcome: ChunkOutcome) -> ChunkOutcome:
            if outcome.job is None or not isinstance(outcome.job, AsyncJob):
                return outcome

            def report(progress: Progress) -> None:
                latest[position] = progress
                if on_progress is not None:
                    on_progress(_combined(latest))

            try:
                return attrs.evolve(outcome, result=await outcome.job.wait(on_progress=report, **wait))
            except KlaviyoError as error:
                return attrs.evolve(outcome, error=error)

        finished = list(await asyncio.gather(*(one(i, o) for i, o in enumerate(self.outcomes))))
        self.outcomes = finished
        if any(o.error is not None for o in finished):
            raise ChunkFailedError(self.operation, finished)
        return [o.result for o in finished]


def submit_chunks(
    operation: str, bodies: list[Any], ranges: list[range], submit: Callable[[Any], Any]
) -> JobGroup[Any]:
    """Submit each chunk in turn; a submission that fails is recorded, and the others still go."""
    outcomes = []
    for index, (chunk, items) in enumerate(zip(bodies, ranges, strict=True)):
        try:
            outcomes.append(ChunkOutcome(index, items, submit(chunk)))
        except KlaviyoError as error:
            outcomes.append(ChunkOutcome(index, items, None, error=error))
    return JobGroup(operation, outcomes)


async def asubmit_chunks(
    operation: str, bodies: list[Any], ranges: list[range], submit: Callable[[Any], Any], *, concurrency: int
) -> AsyncJobGroup[Any]:
    """Submit the chunks with at most ``concurrency`` submissions in flight."""
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise JobLimitError(f"concurrency must be an int >= 1, got {concurrency!r}")
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int, chunk: Any, items: range) -> ChunkOutcome:
        async with gate:
            try:
                return ChunkOutcome(index, items, await submit(chunk))
            except KlaviyoError as error:
                return ChunkOutcome(index, items, None, error=error)

    outcomes = await asyncio.gather(*(one(i, b, r) for i, (b, r) in enumerate(zip(bodies, ranges, strict=True))))
    return AsyncJobGroup(operation, list(outcomes))
