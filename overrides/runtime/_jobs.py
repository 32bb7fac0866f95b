"""Bulk jobs: submit, poll to the end, collect the outcome.

``kv.profiles.submit_bulk_import_profiles(body=...)`` sends the job and returns a ``Job``;
``job.wait()`` polls its status endpoint (through the client, so the rate limiter and retries
apply) at growing intervals until the job is ``complete`` or ``cancelled``. A cancelled job, or one
that reports failed items, raises ``JobFailedError`` carrying the job (and, for profile imports,
every page of its import errors); running out of ``timeout`` raises ``JobTimeoutError`` and leaves
the job running. ``kv.profiles.attach_bulk_import_profiles(job_id)`` picks a job up again by id.

Which operations form a job come with the submit operation itself (``Operation.job``: the status,
cancel, errors and result operations and the cancel body's resource type, found by the generator
in the spec, see ``generator/jobs.py``); its documented per-request limits are checked by the
client when the body is encoded (``_request_body``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs

from ._binding import JobOperations, Operation
from ._exceptions import ConfigurationError, JobFailedError, JobLimitError, JobTimeoutError, KlaviyoError
from ._jsonapi import attribute
from ._response import Accepted

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = [
    "Accepted",
    "AsyncJob",
    "Job",
    "JobFailedError",
    "JobLimitError",
    "JobTimeoutError",
    "Progress",
    "job_id_of",
]

T = TypeVar("T")
TERMINAL: Final = frozenset({"complete", "cancelled"})


@attrs.frozen
class Progress:
    """A job's counters as last polled (``None`` where the job type has no such counter)."""

    status: str | None
    completed: int | None = None
    failed: int | None = None
    total: int | None = None

    @property
    def fraction(self) -> float | None:
        """Share of items processed (completed + failed) / total, when the job reports counts."""
        if not self.total:
            return None
        return ((self.completed or 0) + (self.failed or 0)) / self.total


def job_id_of(created: object) -> str:
    ident = attribute(attribute(created, "data"), "id")
    if not isinstance(ident, str) or not ident:
        raise KlaviyoError("the job submission was accepted but its answer carries no job id")
    return ident


class _Polling:
    """What the sync and async handles share: the model, the counters, the waiting schedule."""

    def __init__(self, operation: Operation[Any], job_id: str, model: Any) -> None:
        if operation.job is None:
            raise ConfigurationError(f"{operation.name} does not submit a job with a status to poll")
        self.operation = operation
        self.jobs: JobOperations = operation.job
        self.id = job_id
        self.model = model

    def __reduce__(self) -> tuple[Any, ...]:
        # A handle travels in a pickled JobFailedError or ChunkFailedError, but its client (connections,
        # locks) cannot: the copy keeps the job's id, operation and last state, and cannot poll.
        return (_unpickled, (type(self), self.operation, self.id, self.model))

    @property
    def progress(self) -> Progress:
        attributes = attribute(attribute(self.model, "data"), "attributes")
        status = attribute(attributes, "status")
        return Progress(
            status=None if status is None else str(status),
            completed=attribute(attributes, "completed_count"),
            failed=attribute(attributes, "failed_count"),
            total=attribute(attributes, "total_count"),
        )

    @property
    def done(self) -> bool:
        return self.progress.status in TERMINAL

    @property
    def failed(self) -> bool:
        progress = self.progress
        return progress.status == "cancelled" or bool(progress.failed)

    def _action(self, action: str) -> tuple[Operation[Any], dict[str, Any]]:
        """The cancel operation and its request arguments for ``action`` (cancel or revert)."""
        cancel = self.jobs.cancel
        if cancel is None or cancel.body is None:
            raise ConfigurationError(f"{self.operation.name} jobs cannot be cancelled through the API")
        document = {"data": {"type": self.jobs.resource_type, "id": self.id, "attributes": {"action": action}}}
        return cancel, cancel.build(self.id, body=cancel.body.from_dict(document))

    def _result_operation(self) -> Operation[Any]:
        if self.jobs.result is None:
            raise ConfigurationError(f"{self.operation.name} jobs have no separate result resource")
        return self.jobs.result


class _Unattached:
    """The client of an unpickled job handle: reading the handle works, calling the API does not."""

    def __init__(self, operation: Operation[Any], job_id: str) -> None:
        self._what = f"{operation.name} job {job_id}"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy and pickle probe for hooks; they must see none
            raise AttributeError(name)
        raise ConfigurationError(
            f"this handle of {self._what} was unpickled and has no client; "
            "pick the job up again by its id with the client's attach_... method"
        )


def _unpickled(cls: type[_Polling], operation: Operation[Any], job_id: str, model: Any) -> _Polling:
    job = cls.__new__(cls)
    _Polling.__init__(job, operation, job_id, model)
    job._client = _Unattached(operation, job_id)  # type: ignore[attr-defined]
    return job


class _Schedule:
    """When to poll next: growing intervals, never past ``timeout`` (checked up front)."""

    def __init__(
        self,
        clock: Callable[[], float],
        timeout: float | None,
        poll_interval: float,
        max_interval: float,
        backoff: float,
    ) -> None:
        if timeout is not None and not timeout >= 0:
            raise ConfigurationError(f"timeout must be seconds >= 0 or None, got {timeout!r}")
        if not 0 < poll_interval <= max_interval:
            raise ConfigurationError(f"need 0 < poll_interval <= max_interval, got {poll_interval!r}, {max_interval!r}")
        if not backoff >= 1:
            raise ConfigurationError(f"backoff must be >= 1, got {backoff!r}")
        self._clock, self._timeout, self._max, self._backoff = clock, timeout, max_interval, backoff
        self._started, self._interval = clock(), poll_interval

    def next_wait(self, job: Job[Any] | AsyncJob[Any]) -> float:
        """The wait before the next poll; ``JobTimeoutError`` once ``timeout`` has passed."""
        waited = self._clock() - self._started
        if self._timeout is not None and waited >= self._timeout:
            raise JobTimeoutError(job, waited)
        wait = self._interval if self._timeout is None else min(self._interval, self._timeout - waited)
        self._interval = min(self._interval * self._backoff, self._max)
        return wait


class Job(_Polling, Generic[T]):
    """A submitted job on the synchronous client."""

    def __init__(self, client: SyncAPIClient, operation: Operation[Any], job_id: str, model: Any = None) -> None:
        super().__init__(operation, job_id, model)
        self._client = client

    def __repr__(self) -> str:
        return f"Job({self.operation.name!r}, id={self.id!r}, status={self.progress.status!r})"

    def refresh(self) -> T:
        """Fetch the job's current state (one status call)."""
        status = self.jobs.status
        self.model = self._client._call(status, status.build(self.id))
        return self.model  # type: ignore[no-any-return]

    def wait(
        self,
        *,
        timeout: float | None = 600.0,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
        backoff: float = 1.5,
        on_progress: Callable[[Progress], object] | None = None,
    ) -> T:
        """Poll until the job ends; return its final state. See the module docstring for what raises."""
        schedule = _Schedule(self._client._clock, timeout, poll_interval, max_interval, backoff)
        while True:
            self.refresh()
            if on_progress is not None:
                on_progress(self.progress)
            if self.done:
                break
            self._client._sleep(schedule.next_wait(self))
        if self.failed:
            raise JobFailedError(self, self.errors())
        return self.model  # type: ignore[no-any-return]

    def errors(self) -> tuple[Any, ...]:
        """Every per-item error the job reports (all pages), for job types that have them."""
        errors = self.jobs.errors
        if errors is None:
            return ()
        from ._pagination import Pager

        def fetch(cursor: str | None) -> Any:
            kwargs = errors.build(self.id, **({} if cursor is None else {"page_cursor": cursor}))
            return self._client._call(errors, kwargs)

        return tuple(Pager(fetch, origin=self._client.base_url))

    def cancel(self) -> None:
        """Ask Klaviyo to cancel the job (only where the API allows it: campaign sends)."""
        self._act("cancel")

    def revert(self) -> None:
        """Revert a cancelled campaign send back to a draft (where the API allows it)."""
        self._act("revert")

    def _act(self, action: str) -> None:
        self._client._call(*self._action(action))

    def result(self) -> Any:
        """The job's result resource, for job types that have one (e.g. a recipient estimation)."""
        result = self._result_operation()
        return self._client._call(result, result.build(self.id))


class AsyncJob(_Polling, Generic[T]):
    """A submitted job on the asyncio client: ``await job.wait()``."""

    def __init__(self, client: AsyncAPIClient, operation: Operation[Any], job_id: str, model: Any = None) -> None:
        super().__init__(operation, job_id, model)
        self._client = client

    def __repr__(self) -> str:
        return f"AsyncJob({self.operation.name!r}, id={self.id!r}, status={self.progress.status!r})"

    async def refresh(self) -> T:
        status = self.jobs.status
        self.model = await self._client._call(status, status.build(self.id))
        return self.model  # type: ignore[no-any-return]

    async def wait(
        self,
        *,
        timeout: float | None = 600.0,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
        backoff: float = 1.5,
        on_progress: Callable[[Progress], object] | None = None,
    ) -> T:
        schedule = _Schedule(self._client._clock, timeout, poll_interval, max_interval, backoff)
        while True:
            await self.refresh()
            if on_progress is not None:
                on_progress(self.progress)
            if self.done:
                break
            await self._client._sleep(schedule.next_wait(self))
        if self.failed:
            raise JobFailedError(self, await self.errors())
        return self.model  # type: ignore[no-any-return]

    async def errors(self) -> tuple[Any, ...]:
        errors = self.jobs.errors
        if errors is None:
            return ()
        from ._pagination import AsyncPager

        async def fetch(cursor: str | None) -> Any:
            kwargs = errors.build(self.id, **({} if cursor is None else {"page_cursor": cursor}))
            return await self._client._call(errors, kwargs)

        pager: AsyncPager[Any, Any] = AsyncPager(fetch, origin=self._client.base_url)
        return tuple([item async for item in pager])

    async def cancel(self) -> None:
        await self._act("cancel")

    async def revert(self) -> None:
        await self._act("revert")

    async def _act(self, action: str) -> None:
        await self._client._call(*self._action(action))

    async def result(self) -> Any:
        result = self._result_operation()
        return await self._client._call(result, result.build(self.id))
