"""Prometheus metrics for the pipeline as a whole (each worker serves its stage timings)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from api.deps import context
from clinidex.manifest import State
from workers.context import Context
from workers.health import pipeline_status

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response)
def metrics(ctx: Context = Depends(context)) -> Response:
    status = pipeline_status(ctx)
    registry = CollectorRegistry()
    if status.queue_depth is not None:
        Gauge("clinidex_queue_depth", "Tasks waiting in the broker queue", registry=registry).set(status.queue_depth)
    documents = Gauge("clinidex_documents", "Documents by state (in flight, indexed, failed)", ["state"],
                      registry=registry)
    for state in State:
        documents.labels(state.value).set(status.by_state.get(state.value, 0))
    failed = Gauge("clinidex_documents_failed", "Failed documents by reason code", ["reason"], registry=registry)
    for reason, count in status.failed_by_reason.items():
        failed.labels(reason).set(count)
    Gauge("clinidex_dead_letters", "Tasks in the dead-letter store", registry=registry).set(status.dead_letters)
    Gauge("clinidex_review_pending", "Documents waiting for records staff to review a type or field",
          registry=registry).set(status.review_pending)
    waiting = Gauge("clinidex_waiting_for_patient", "Documents waiting for records staff to choose their patient",
                    ["queue"], registry=registry)
    waiting.labels("review").set(status.match_review)
    waiting.labels("unmatched").set(status.unmatched)
    if status.patients is not None:
        Gauge("clinidex_mpi_patients", "Patients in the master patient index", registry=registry).set(status.patients)
    Gauge("clinidex_up", "1 when the store, index and broker all answered", registry=registry).set(
        0 if status.problems else 1)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
