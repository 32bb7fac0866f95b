# Copied from overrides/runtime/progress.py by `python -m generator sync`; edit that file, not this one.
"""A progress bar for jobs: ``job.wait(on_progress=progress_bar(desc="Importing"))``.

Uses tqdm, an optional dependency (``pip install klaviyo-generated[progress]``): the bar's total is
the job's item count once the job reports it, and its position the items processed so far
(completed + failed). Any ``tqdm`` keyword (``desc``, ``file``, ``disable``, ...) is passed through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._auth import ConfigurationError
from ._jobs import Progress

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
        if done > bar.n:
            bar.update(done - bar.n)
        bar.set_postfix_str(str(progress.status), refresh=False)
        if progress.status in ("complete", "cancelled"):
            bar.close()
        else:
            bar.refresh()

    return update
