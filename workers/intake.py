"""Receive original bytes from any source: validate, store durably, record, enqueue."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from clinidex.manifest import Manifest, ReceiptRecord, State, document_id_for, sha256_hex
from ingest.detect import check_upload
from workers.context import Context

log = logging.getLogger("clinidex.intake")


@dataclass(frozen=True)
class Receipt:
    manifest: Manifest
    created: bool
    receipt_id: str


def receive(ctx: Context, data: bytes, *, filename: str | None, source: str,
            receipt_id: str | None = None) -> Receipt:
    """Store the original and its manifest, or find the document these bytes already are;
    either way record the arrival as a receipt.

    Raises an IntakeError for bad input before anything is stored. The original is written
    before the manifest, so a manifest never points at missing bytes. A caller that may see
    the same arrival twice (a drop watcher after a crash) passes a stable `receipt_id`, so the
    second time rewrites the same receipt instead of adding one.
    """
    media_type = check_upload(data, ctx.settings.max_upload_bytes)
    digest = sha256_hex(data)
    receipt_id = receipt_id or uuid.uuid4().hex
    existing = ctx.docs.find(document_id_for(digest))
    if existing is not None and existing.state == State.destroyed:
        # The same bytes sent again after their retention ran out: a new arrival, processed
        # afresh. The destruction stays on record in the audit trail (and is noted here).
        gone = existing.destruction.at.isoformat() if existing.destruction else None
        existing = None
    else:
        gone = None
    if existing is None:
        manifest = Manifest.new(data=data, media_type=media_type, filename=filename, source=source)
        if gone:
            manifest.metadata["previously_destroyed_at"] = gone
        ctx.docs.put_original(digest, data)
        # Marked in flight before the manifest exists, so no document escapes the reconciler.
        ctx.docs.mark_inflight(manifest.doc_id)
        ctx.docs.save(manifest)
    else:
        manifest = existing
    ctx.docs.save_receipt(ReceiptRecord(receipt_id=receipt_id, doc_id=manifest.doc_id, source=source, name=filename))
    log.info("document %s %s from %s", manifest.doc_id, "received again" if existing else "received", source)
    return Receipt(manifest, created=existing is None, receipt_id=receipt_id)


def enqueue(receipt: Receipt) -> bool:
    """Start processing a new document, or restart one that was stored but never queued
    (e.g. the broker was down at upload time). Returns whether a task was sent."""
    from workers.app import reset_broker_connections
    from workers.tasks import prepare_document

    if receipt.created or receipt.manifest.state == State.received:
        try:
            prepare_document.delay(receipt.manifest.doc_id)
        except Exception:
            reset_broker_connections()
            raise
        return True
    return False
