"""What the pipeline is doing, for `/metrics` and `clinidex status`."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workers.app import queue_depth
from workers.context import Context
from workers.deadletter import letters


@dataclass
class PipelineStatus:
    queue_depth: int | None
    by_state: Counter = field(default_factory=Counter)
    failed_by_reason: Counter = field(default_factory=Counter)
    dead_letters: int = 0
    review_pending: int = 0
    match_review: int = 0  # documents with candidates but no safe link
    unmatched: int = 0  # documents with no candidate good enough, or too little to go on
    patients: int | None = None
    problems: list[str] = field(default_factory=list)


def pipeline_status(ctx: Context) -> PipelineStatus:
    """Reads the in-flight and failure markers and the dead letters (cost grows with those, not
    with the archive), and the index's own count of indexed documents. A service that cannot be
    reached is reported, not raised."""
    status = PipelineStatus(queue_depth=queue_depth())
    try:
        for doc_id in ctx.docs.inflight():
            manifest = ctx.docs.find(doc_id)
            if manifest is not None:
                status.by_state[manifest.state.value] += 1
        status.failed_by_reason.update(ctx.docs.failure_codes().values())
        status.by_state["failed"] = sum(status.failed_by_reason.values())
        status.dead_letters = len(letters(ctx))
        status.review_pending = len(ctx.docs.review_ids())
        status.match_review = len(ctx.docs.marked("match-review"))
        status.unmatched = len(ctx.docs.marked("unmatched"))
    except Exception as exc:
        status.problems.append(f"object store: {type(exc).__name__}")
    try:
        status.by_state["indexed"] = ctx.index.count()
    except Exception as exc:
        status.problems.append(f"search index: {type(exc).__name__}")
    try:
        status.patients = ctx.patients.count()
    except Exception as exc:
        status.problems.append(f"patient index: {type(exc).__name__}")
    if ctx.settings.broker_url and status.queue_depth is None:
        status.problems.append("broker: unreachable")
    return status
