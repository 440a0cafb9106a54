"""What each task does, as plain functions of (context, document id).

Each stage loads the manifest, skips work a previous delivery already saved (tasks are
idempotent per document, stage and stage version), runs the pure stage from `ingest`, and
persists the transition before the caller enqueues the next task.
"""
from __future__ import annotations

import logging

from clinidex.manifest import Manifest, Page, State, Word
from index import IndexDocument
from ingest.errors import IntakeError
from ingest.ocr import ocr_page
from ingest.render import render_pages
from workers.context import Context

log = logging.getLogger("clinidex.stages")

OCR_VERSION = 1
INDEX_VERSION = 1


def _fail(ctx: Context, manifest: Manifest, exc: IntakeError) -> None:
    manifest.move_to(State.failed, reason=str(exc))
    manifest.metadata["failure_code"] = exc.code
    ctx.docs.save(manifest)
    log.warning("document %s failed: %s", manifest.doc_id, exc.code)


def _done(manifest: Manifest, state: State, stage: str, version: int) -> bool:
    return manifest.reached(state) and manifest.stage_versions.get(stage) == version


def ocr_stage(ctx: Context, doc_id: str) -> bool:
    """Render and OCR every page. Returns True when the document should go on to indexing."""
    manifest = ctx.docs.load(doc_id)
    if manifest.state == State.failed:
        return False
    if _done(manifest, State.ocr_done, "ocr", OCR_VERSION):
        return True
    try:
        images = render_pages(ctx.docs.original(manifest), manifest.media_type, ctx.limits)
        if manifest.state == State.received:
            manifest.move_to(State.rendered)
            ctx.docs.save(manifest)
        pages = [
            ocr_page(
                img.number,
                img.image,
                dpi=img.dpi,
                language=ctx.settings.ocr_language,
                timeout_s=ctx.settings.ocr_page_timeout_s,
            )
            for img in images
        ]
    except IntakeError as exc:
        _fail(ctx, manifest, exc)
        return False
    manifest.pages = [
        Page(
            number=p.number,
            text=p.text,
            mean_confidence=p.mean_confidence,
            width=p.width,
            height=p.height,
            seconds=p.seconds,
            words=[Word(text=w.text, left=w.left, top=w.top, width=w.width, height=w.height,
                        confidence=w.confidence) for w in p.words],
        )
        for p in pages
    ]
    manifest.stage_versions["ocr"] = OCR_VERSION
    manifest.move_to(State.ocr_done)
    ctx.docs.save(manifest)
    log.info("document %s: %d pages read", doc_id, len(pages))
    return True


def index_stage(ctx: Context, doc_id: str) -> None:
    manifest = ctx.docs.load(doc_id)
    if manifest.state == State.failed or _done(manifest, State.indexed, "index", INDEX_VERSION):
        return
    entry = IndexDocument.from_manifest(manifest)
    # The index entry says `indexed` before the manifest does; if the worker dies in between,
    # the redelivered task writes the same entry again.
    ctx.index.put(IndexDocument(**{**entry.__dict__, "state": State.indexed.value}))
    manifest.stage_versions["index"] = INDEX_VERSION
    manifest.move_to(State.indexed)
    ctx.docs.save(manifest)
    log.info("document %s indexed", doc_id)
