"""The reconciler: finds documents that stopped moving and sends them on again.

A document can stop between states when its queued task is lost (Redis restarted without
persistence, a message dropped) or when a crash fell between saving a state and enqueuing the
next task. Every task is idempotent, so re-sending `prepare` (which picks up from whatever
state the document reached) is always safe; the cost of a false alarm is repeated work.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from clinidex.manifest import State, utcnow
from workers.context import Context

log = logging.getLogger("clinidex.reconcile")

TERMINAL = (State.indexed, State.failed, State.destroyed)


def reconcile(ctx: Context, stuck_after_s: float, queue_depth: int | None, send) -> dict[str, int]:
    """Re-send documents in flight and unchanged for `stuck_after_s`. While the queue still
    holds work, only documents stuck four times that long are re-sent: they are waiting their
    turn, not lost."""
    counts = {"in_flight": 0, "resent": 0, "cleared": 0}
    now = utcnow()
    patience = stuck_after_s if not queue_depth else 4 * stuck_after_s
    for doc_id in ctx.docs.inflight():
        manifest = ctx.docs.find(doc_id)
        if manifest is None:
            # The marker is written just before the manifest: young, it is an intake under
            # way; old, a crash came between the two and there is nothing to resume.
            if now - ctx.docs.objects.modified(f"inflight/{doc_id}") > timedelta(seconds=stuck_after_s):
                ctx.docs.clear_inflight(doc_id)
                counts["cleared"] += 1
            continue
        if manifest.state in TERMINAL:
            ctx.docs.clear_inflight(doc_id)
            counts["cleared"] += 1
            continue
        counts["in_flight"] += 1
        if (now - manifest.updated_at).total_seconds() >= patience:
            send("clinidex.prepare", [doc_id])
            counts["resent"] += 1
            log.info("document %s re-sent after %s in %s", doc_id, now - manifest.updated_at, manifest.state.value)
    return counts

