# Copied from overrides/runtime/progress.py by `python -m generator sync`; edit that file, not this one.
"""A progress bar for jobs: ``job.wait(on_progress=progress_bar(desc="Importing"))``.

Uses tqdm, an optional dependency (``pip install klaviyo-generated[progress]``): the bar's total is
the job's item count once the job reports it, its position the items processed so far (completed +
failed), and its postfix the job's status, except that a job still ``processing`` with every item
counted shows ``finishing``; a ``complete`` job closes the bar at 100 %. Any ``tqdm`` keyword
(``desc``, ``file``, ``disable``, ...) is passed through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._auth import ConfigurationError
from ._jobs import TERMINAL, Progress

__all__ = ["progress_bar"]


def progress_bar(**tqdm_options: Any) -> Callable[[Progress], None]:
    """An ``on_progress`` callback drawing a tqdm bar; it closes itself when the job ends."""
    try:
        from tqdm import tqdm
    except ImportError:
        raise ConfigurationError(
            "progress_bar needs tqdm: pip install 'klaviyo-generated[progress]' (or pass your own on_progress)"
        ) from None
    bar = tqdm(total=None, unit="item", **tqdm_options)

    def update(progress: Progress) -> None:
        if progress.total is not None and bar.total != progress.total:
            bar.total = progress.total
        done = (progress.completed or 0) + (progress.failed or 0)
        if progress.status == "complete" and bar.total:
            done = int(bar.total)  # a complete job has processed every item, whatever its counters last said
        # Count and status first, then one redraw (or the closing one) showing both together.
        bar.set_postfix_str(_shown_status(progress, done), refresh=False)
        bar.n = max(bar.n, done)
        if progress.status in TERMINAL:
            bar.close()
        else:
            bar.refresh()

    return update


def _shown_status(progress: Progress, done: int) -> str:
    """The job's status as the bar shows it: every item counted but the job not yet complete is
    ``finishing`` (Klaviyo still writes the results), not a bar at 100 % that says ``processing``."""
    if progress.status == "processing" and progress.total and done >= progress.total:
        return "finishing"
    return progress.status or ""
