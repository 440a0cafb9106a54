"""Receive original bytes from any source: validate, store durably, record, enqueue."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from clinidex.manifest import Manifest, State, document_id_for, sha256_hex
from ingest.detect import check_upload
from workers.context import Context

log = logging.getLogger("clinidex.intake")


@dataclass(frozen=True)
class Receipt:
    manifest: Manifest
    created: bool


def receive(ctx: Context, data: bytes, *, filename: str | None, source: str) -> Receipt:
    """Store the original and its manifest, or find the document these bytes already are.

    Raises an IntakeError for bad input before anything is stored. The original is written
    before the manifest, so a manifest never points at missing bytes.
    """
    media_type = check_upload(data, ctx.settings.max_upload_bytes)
    digest = sha256_hex(data)
    existing = ctx.docs.find(document_id_for(digest))
    if existing is not None:
        log.info("document %s received again from %s", existing.doc_id, source)
        return Receipt(existing, created=False)
    manifest = Manifest.new(data=data, media_type=media_type, filename=filename, source=source)
    ctx.docs.put_original(digest, data)
    ctx.docs.save(manifest)
    log.info("document %s received from %s", manifest.doc_id, source)
    return Receipt(manifest, created=True)


def enqueue(receipt: Receipt) -> bool:
    """Start processing a new document, or restart one that was stored but never queued
    (e.g. the broker was down at upload time). Returns whether a task was sent."""
    from workers.tasks import prepare_document

    if receipt.created or receipt.manifest.state == State.received:
        prepare_document.delay(receipt.manifest.doc_id)
        return True
    return False
