"""Celery tasks: thin wrappers that run a stage and enqueue the next one."""
from __future__ import annotations

import logging
import time
from dataclasses import asdict

from clinidex import logs
from clinidex.errors import TransientError
from clinidex.manifest import State
from clinidex.settings import get_settings
from workers import deadletter, metrics
from workers.app import app, queue_depth
from workers.context import get_context
from workers.stages import (
    PageJob, assemble_stage, fail_document, index_stage, match_stage, page_stage, prepare_stage, understand_stage,
)

log = logging.getLogger("clinidex.tasks")


class PipelineTask(app.Task):
    """Tasks whose final failure (retries exhausted, or a bug) lands in the dead-letter store."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        try:
            letter = deadletter.record(get_context(), self.name, list(args), exc)
            log.error("task %s for document %s dead-lettered as %s: %s", self.name, letter.doc_id,
                      letter.letter_id, type(exc).__name__)
        except Exception as failure:  # the store itself is down: the worker log is all there is
            log.error("task %s could not be dead-lettered: %s", self.name, type(failure).__name__)


_RETRY = dict(
    base=PipelineTask,
    autoretry_for=(TransientError,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=get_settings().task_max_retries,
)


def _guard(stage, doc_id: str, work=None, label: str | None = None):
    """Run a stage; a bug marks the document failed (so it is not silently stuck) and is
    re-raised so it is loud. Only the exception type is recorded: messages from libraries
    may quote document content."""
    token = logs.doc_id.set(doc_id)
    started = time.perf_counter()
    try:
        result = stage(get_context(), doc_id if work is None else work)
        label = label or stage.__name__.removesuffix("_stage")
        metrics.stage_seconds().labels(label).observe(time.perf_counter() - started)
        return result
    except TransientError:
        raise
    except Exception as exc:
        ctx = get_context()
        manifest = ctx.docs.find(doc_id)
        if manifest is not None and manifest.state != State.failed:
            fail_document(ctx, manifest, f"Internal error ({type(exc).__name__}); reported to engineering.", "internal")
        log.error("document %s: internal error %s", doc_id, type(exc).__name__)
        raise
    finally:
        logs.doc_id.reset(token)


@app.task(name="clinidex.prepare", **_RETRY)
def prepare_document(doc_id: str) -> None:
    jobs = _guard(prepare_stage, doc_id)
    if jobs is None:
        return
    if not jobs:
        assemble_document.delay(doc_id)
    for job in jobs:
        ocr_page.delay(asdict(job))


# The page's own OCR time limit is enforced inside Tesseract; this is the backstop for
# rendering or a stuck call, after which the page is retried elsewhere.
@app.task(name="clinidex.page", bind=True, soft_time_limit=get_settings().ocr_page_timeout_s + 60, **_RETRY)
def ocr_page(self, job: dict) -> None:
    page = PageJob(**job)
    request = self.request
    redelivered = bool((request.delivery_info or {}).get("redelivered"))
    maybe_done = request.is_eager or redelivered or bool(request.retries)
    if _guard(lambda ctx, work: page_stage(ctx, work, maybe_done), page.doc_id, page, label="page"):
        assemble_document.delay(page.doc_id)


@app.task(name="clinidex.assemble", **_RETRY)
def assemble_document(doc_id: str) -> None:
    if _guard(assemble_stage, doc_id):
        understand_document.delay(doc_id)


@app.task(name="clinidex.understand", **_RETRY)
def understand_document(doc_id: str) -> None:
    for target in _guard(understand_stage, doc_id):
        match_patient.delay(target)


@app.task(name="clinidex.match", **_RETRY)
def match_patient(doc_id: str) -> None:
    if _guard(match_stage, doc_id):
        index_document.delay(doc_id)


@app.task(name="clinidex.index", **_RETRY)
def index_document(doc_id: str) -> None:
    _guard(index_stage, doc_id)


@app.task(name="clinidex.mpi_load", **_RETRY)
def load_patients(load_id: str, fmt: str | None = None) -> dict:
    """Apply an MPI file kept in the store, then look again at the documents still waiting for
    a patient: a new registration may be the one they were waiting for."""
    from workers.mpi import run_load, waiting_for_a_patient

    report = run_load(get_context(), load_id, fmt)
    if not report.get("error"):
        for doc_id in waiting_for_a_patient(get_context()):
            rematch_patient.delay(doc_id)
    return report


@app.task(name="clinidex.rematch", **_RETRY)
def rematch_patient(doc_id: str) -> None:
    from workers.matching import rematch

    # Not through _guard: the document is already filed or queued, and a failure here must not
    # mark it failed; a bug still lands in the dead-letter store.
    token = logs.doc_id.set(doc_id)
    try:
        rematch(get_context(), doc_id)
    finally:
        logs.doc_id.reset(token)


@app.task(name="clinidex.reconcile", ignore_result=True)
def reconcile_documents() -> dict:
    from workers.reconcile import reconcile

    settings = get_settings()
    return reconcile(get_context(), settings.reconcile_after_s, queue_depth(), app.send_task)


# Acknowledged on receipt, unlike the pipeline's tasks: a sweep can outlast the broker's
# redelivery timeout, and a second copy running beside it would only race it. A sweep that dies
# is simply the next one's work (an interrupted destruction is finished by it).
@app.task(name="clinidex.retention_sweep", ignore_result=True, acks_late=False)
def retention_sweep(dry_run: bool | None = None) -> dict:
    """Destroy what is past its retention with no hold (workers/retention.py); `dry_run` None:
    as the settings say (a scheduled sweep destroys only under a site policy)."""
    from workers.retention import scheduled_sweep

    return scheduled_sweep(get_context(), dry_run).summary()


@app.task(name="clinidex.audit_seal", ignore_result=True)
def seal_audit_trail() -> int:
    """Seal the audit events written since the last seal into a batch under Object Lock
    (workers/audit_seal.py); several sealers at once are harmless."""
    from workers.audit_seal import AuditOptions, open_trail, seal_pending

    settings = get_settings()
    options = AuditOptions.from_settings(settings)
    return len(seal_pending(*open_trail(settings, options), batch_events=options.batch_events))
