"""``progress_bar``: what the bar shows at each poll of a job, frame by frame (no sleeping, no job)."""

from __future__ import annotations

import io

from klaviyo_generated._jobs import Progress
from klaviyo_generated.progress import progress_bar

FORMAT = "{desc}: {percentage:3.0f}% {n}/{total} {postfix}"


def frames(*polls: Progress) -> list[str]:
    """The bar's text after each redraw, in order (tqdm redraws in place with a carriage return)."""
    out = io.StringIO()
    update = progress_bar(file=out, desc="Importing", mininterval=0, bar_format=FORMAT)
    for progress in polls:
        update(progress)
    return [frame.rstrip() for frame in out.getvalue().split("\r") if frame.strip()]


def test_every_item_counted_while_processing_reads_finishing_and_complete_closes_at_100() -> None:
    shown = frames(
        Progress("queued", completed=0, failed=0, total=2500),
        Progress("processing", completed=1000, failed=0, total=2500),
        Progress("processing", completed=2490, failed=10, total=2500),
        Progress("processing", completed=2490, failed=10, total=2500),
        Progress("complete", completed=2490, failed=10, total=2500),
    )
    assert shown[1:] == [
        "Importing:   0% 0/2500 , queued",
        "Importing:  40% 1000/2500 , processing",
        "Importing: 100% 2500/2500 , finishing",
        "Importing: 100% 2500/2500 , finishing",
        "Importing: 100% 2500/2500 , complete",
    ]


def test_a_complete_job_whose_counters_lag_still_closes_at_100() -> None:
    shown = frames(
        Progress("processing", completed=100, failed=0, total=400),
        Progress("complete", completed=390, failed=0, total=400),
    )
    assert shown[-2:] == ["Importing:  25% 100/400 , processing", "Importing: 100% 400/400 , complete"]


def test_a_cancelled_job_stays_where_it_stopped() -> None:
    shown = frames(
        Progress("processing", completed=100, failed=0, total=400),
        Progress("cancelled", completed=150, failed=0, total=400),
    )
    assert shown[-1] == "Importing:  38% 150/400 , cancelled"
