"""What each task does, as plain functions of (context, document id).

Each stage loads the manifest, skips work a previous delivery already saved (tasks are
idempotent per document, stage and stage version), runs the pure stage from `ingest`, and
persists its result before the caller enqueues the next task.

OCR fans out: `prepare` inspects the document and reads any text-layer pages, one `page`
task per remaining page runs anywhere in the worker pool, and whichever page task finds the
set complete triggers `assemble`, which puts the pages in order into the manifest.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded

from clinidex.manifest import Manifest, PageResult, PageSummary, State, Transition, child_id_for, utcnow
from index import IndexDocument
from ingest.errors import CorruptDocument, IntakeError
from ingest.ocr import OcrPage, PageTimeout
from ingest.reader import PageReader, ReadOptions, from_text_layer
from ingest.render import PagePlan, inspect
from workers import metrics
from workers.context import Context

log = logging.getLogger("clinidex.stages")

INSPECT_VERSION = 1
PAGE_VERSION = 1
ASSEMBLE_VERSION = 1
UNDERSTAND_VERSION = 1
MATCH_VERSION = 1
INDEX_VERSION = 4


def fail_document(ctx: Context, manifest: Manifest, reason: str, code: str) -> None:
    """Persist `failed` with a reason people can act on, and take the document out of flight."""
    manifest.move_to(State.failed, reason=reason)
    manifest.metadata["failure_code"] = code
    ctx.docs.save(manifest)
    ctx.docs.clear_inflight(manifest.doc_id)
    ctx.docs.mark_failed(manifest.doc_id, code)
    metrics.failures().labels(code).inc()
    log.warning("document %s failed: %s", manifest.doc_id, code)


def _fail(ctx: Context, manifest: Manifest, exc: IntakeError) -> None:
    fail_document(ctx, manifest, str(exc), exc.code)


def _done(manifest: Manifest, state: State, stage: str, version: int) -> bool:
    return manifest.reached(state) and manifest.stage_versions.get(stage) == version


@dataclass(frozen=True)
class PageJob:
    """What a page task needs, carried in its message so it need not load the manifest."""

    doc_id: str
    number: int
    sha256: str
    media_type: str
    page_count: int


_cached_original: tuple[str, bytes] | None = None


def _original(ctx: Context, sha256: str) -> bytes:
    """The pages of one document usually reach a worker process back to back: keep the last
    original instead of fetching it once per page."""
    global _cached_original
    if _cached_original is None or _cached_original[0] != sha256:
        _cached_original = (sha256, ctx.docs.original_by_hash(sha256))
    return _cached_original[1]


def _result(page: OcrPage) -> PageResult:
    return PageResult(
        number=page.number,
        text=page.text,
        source=page.source,
        mean_confidence=page.mean_confidence,
        width=page.width,
        height=page.height,
        rotation=page.rotation,
        skew=page.skew,
        despeckled=page.despeckled,
        seconds=page.seconds,
        words=page.words,
        version=PAGE_VERSION,
    )


def prepare_stage(ctx: Context, doc_id: str) -> list[PageJob] | None:
    """Inspect the document and read its text-layer pages. Returns the pages still to OCR (an
    empty list: go on to assembly), or None when the document failed or is already indexed."""
    manifest = ctx.docs.load(doc_id)
    if manifest.state in (State.failed, State.indexed):
        return None
    if manifest.reached(State.ocr_done):
        return []  # a redelivery after assembly: the chain goes on from there

    def jobs(numbers) -> list[PageJob]:
        return [PageJob(doc_id, n, manifest.sha256, manifest.media_type, manifest.page_count or 0) for n in numbers]

    if _done(manifest, State.rendered, "inspect", INSPECT_VERSION):
        stored = ctx.docs.stored_pages(doc_id)
        return jobs(n for n in range(1, (manifest.page_count or 0) + 1) if n not in stored)
    try:
        plan = inspect(_original(ctx, manifest.sha256), manifest.media_type, ctx.limits)
    except IntakeError as exc:
        _fail(ctx, manifest, exc)
        return None
    read = [_result(from_text_layer(page)) for page in plan.pages if page.text_layer is not None]
    for page in read:
        ctx.docs.save_page(doc_id, page)
    manifest.page_count = len(plan.pages)
    manifest.stage_versions["inspect"] = INSPECT_VERSION
    manifest.move_to(State.rendered)
    log.info("document %s: %d pages, %d to OCR", doc_id, len(plan.pages), len(plan.ocr_pages))
    if not plan.ocr_pages:
        # Born-digital: every page is in hand, so assemble now rather than read them back.
        _assemble(ctx, manifest, read)
        return []
    ctx.docs.save(manifest)
    return jobs(plan.ocr_pages)


def page_stage(ctx: Context, job: PageJob, maybe_done: bool = True) -> bool:
    """OCR one page. Returns True when this call finds every page of the document stored.

    `maybe_done` is False on a task's first delivery, which skips looking for a stored result
    that cannot be there yet. Reading a page twice is only wasted work: the result is the same.
    """
    doc_id, number = job.doc_id, job.number
    stored = ctx.docs.find_page(doc_id, number) if maybe_done else None
    if stored is None or stored.version != PAGE_VERSION:
        reader = PageReader(ReadOptions(
            language=ctx.settings.ocr_language,
            engine=ctx.settings.ocr_engine,
            timeout_s=ctx.settings.ocr_page_timeout_s,
        ))
        try:
            result = _result(reader.read_page(_original(ctx, job.sha256), job.media_type, PagePlan(number)))
        except (PageTimeout, CorruptDocument, SoftTimeLimitExceeded) as exc:
            # One bad page does not sink the fax: it is kept, marked, and the rest is read.
            reason = str(exc) if isinstance(exc, IntakeError) else f"Reading page {number} took too long."
            result = PageResult(number=number, text="", unreadable=reason, version=PAGE_VERSION)
            log.warning("document %s page %d unreadable: %s", doc_id, number, type(exc).__name__)
        ctx.docs.save_page(doc_id, result)
    return len(ctx.docs.stored_pages(doc_id)) >= job.page_count


def assemble_stage(ctx: Context, doc_id: str) -> bool:
    """Put the stored pages into the manifest in order. Returns True when indexing should follow."""
    manifest = ctx.docs.load(doc_id)
    if manifest.state == State.failed:
        return False
    if _done(manifest, State.ocr_done, "assemble", ASSEMBLE_VERSION):
        return True
    pages = [ctx.docs.find_page(doc_id, n) for n in range(1, (manifest.page_count or 0) + 1)]
    if any(p is None for p in pages):
        return False  # a page task is still running; the last one to finish assembles
    return _assemble(ctx, manifest, pages)


def _assemble(ctx: Context, manifest: Manifest, pages: list[PageResult]) -> bool:
    count = len(pages)
    manifest.pages = [p.summary() for p in sorted(pages, key=lambda p: p.number)]
    unreadable = [p.number for p in manifest.pages if p.unreadable]
    if len(unreadable) == count:
        _fail(ctx, manifest, CorruptDocument("No page of the document could be read."))
        return False
    threshold = ctx.settings.low_confidence_threshold
    low = [p.number for p in manifest.pages
           if p.unreadable or (p.mean_confidence is not None and p.mean_confidence < threshold)]
    manifest.metadata["low_confidence"] = bool(low)
    manifest.metadata["low_confidence_pages"] = low
    manifest.stage_versions["assemble"] = ASSEMBLE_VERSION
    manifest.move_to(State.ocr_done)
    ctx.docs.save(manifest)
    log.info("document %s: %d pages assembled, %d low confidence", manifest.doc_id, count, len(low))
    return True


def _classifier(ctx: Context):
    from ingest.classify import load_classifier

    model = ctx.settings.classifier_model_dir
    return load_classifier(str(model) if model else None)


def _thresholds(ctx: Context):
    from ingest.understand import Thresholds

    return Thresholds(apply=ctx.settings.apply_threshold, review=ctx.settings.review_threshold)


def _apply(ctx: Context, manifest: Manifest, understanding) -> None:
    manifest.doc_type = understanding.doc_type
    manifest.fields = understanding.fields
    manifest.review = understanding.review
    if manifest.review:
        ctx.docs.mark_review(manifest.doc_id)
    else:
        ctx.docs.clear_review(manifest.doc_id)
    manifest.stage_versions["understand"] = UNDERSTAND_VERSION
    for state in (State.classified, State.extracted):
        if not manifest.reached(state):
            manifest.move_to(state)


def _child(parent: Manifest, first: int, last: int) -> Manifest:
    """A document split from a batch fax: the fax's bytes and page text, its own id and pages
    numbered from 1. It enters the lifecycle where the fax stands (read), so every transition
    it has not made itself is recorded as inherited."""
    now = utcnow()
    pages = [PageSummary.model_validate({**p.model_dump(), "number": p.number - first + 1})
             for p in parent.pages if first <= p.number <= last]
    history = [Transition(state=s, at=now, reason=f"split from {parent.doc_id}")
               for s in (State.received, State.rendered, State.ocr_done)]
    return Manifest(doc_id=child_id_for(parent.doc_id, first, last), sha256=parent.sha256,
                    media_type=parent.media_type, size=parent.size, filename=parent.filename, source=parent.source,
                    state=State.ocr_done, received_at=parent.received_at, updated_at=now,
                    page_count=len(pages), pages=pages, history=history, parent_id=parent.doc_id,
                    page_range=(first, last), stage_versions={"assemble": ASSEMBLE_VERSION})


def understand_stage(ctx: Context, doc_id: str) -> list[str]:
    """Classify, split a batch fax into its documents, extract each one's metadata and apply
    the confidence tiers. Returns the documents to index: this one and any pieces split from it.

    A redelivery finds the pieces by their ids (derived from the fax and the page range) and
    writes them again unchanged; pieces are saved, and marked in flight, before the fax moves on.
    """
    # Imported here: spaCy loads only in processes that run this stage.
    from ingest.classify import TypeGuess
    from ingest.understand import Understanding, split_fax, type_result, understand

    manifest = ctx.docs.load(doc_id)
    if manifest.state == State.failed or not manifest.reached(State.ocr_done):
        return []
    if _done(manifest, State.extracted, "understand", UNDERSTAND_VERSION):
        return [doc_id, *manifest.children]
    classifier, limits = _classifier(ctx), _thresholds(ctx)
    texts = [p.text for p in manifest.pages]
    split = split_fax(texts, classifier, limits) if manifest.parent_id is None else None
    if split is None:
        _apply(ctx, manifest, understand(texts, classifier, limits))
        ctx.docs.save(manifest)
        log.info("document %s understood: review %d item(s)", doc_id, len(manifest.review))
        return [doc_id]
    children = []
    for piece in split.pieces:
        child = ctx.docs.find(child_id_for(doc_id, piece.first, piece.last)) or _child(manifest, piece.first, piece.last)
        if not _done(child, State.extracted, "understand", UNDERSTAND_VERSION):
            known = TypeGuess(piece.type_key, piece.confidence)
            _apply(ctx, child, understand(texts[piece.first - 1:piece.last], classifier, limits, known, source="split"))
            # Each piece keeps who faxed it: the sending facility its searches filter on.
            child.fax_fields = {k: v for k, v in split.fax_fields.items() if k == "sender"}
            ctx.docs.mark_inflight(child.doc_id)
            ctx.docs.save(child)
        children.append(child.doc_id)
    # The fax itself is not a clinical document: it holds its cover sheet and its pieces.
    cover = TypeGuess("fax_cover_sheet" if split.cover_pages else "other", 1.0)
    manifest.children = children
    manifest.fax_fields = split.fax_fields
    manifest.metadata["cover_pages"] = split.cover_pages
    fax_review = [f"field:{k}" for k, v in split.fax_fields.items() if v.tier != "automate"]
    _apply(ctx, manifest, Understanding(type_result(cover, limits, "split", classifier.version), {}, fax_review))
    ctx.docs.save(manifest)
    log.info("document %s split into %d document(s)", doc_id, len(children))
    return [doc_id, *children]


def match_stage(ctx: Context, doc_id: str) -> bool:
    """Find the document's patient in the MPI. Returns True when indexing should follow.

    A batch fax that was split is not matched (its pieces are), and a fax never creates a
    patient: no candidate good enough means the unmatched queue. A decision records staff
    already made stands over a replayed task.
    """
    from workers.matching import match_document
    from workers.patient_links import set_match

    manifest = ctx.docs.load(doc_id)
    if manifest.state == State.failed or not manifest.reached(State.extracted):
        return False
    if manifest.children or _done(manifest, State.matched, "match", MATCH_VERSION):
        return True
    if manifest.match is None or manifest.match.decided_by == "machine":
        set_match(ctx, manifest, match_document(ctx, manifest), "match")
    manifest.stage_versions["match"] = MATCH_VERSION
    if not manifest.reached(State.matched):
        manifest.move_to(State.matched)
    ctx.docs.save(manifest)
    log.info("document %s matched: %s", doc_id, manifest.match.outcome)
    return True


def _retention(ctx: Context, manifest: Manifest) -> None:
    """Set the document's retention (type, dates and patient are all known once matched)."""
    from workers.retention import PolicyUnavailable, compute

    try:
        compute(ctx, manifest)
    except PolicyUnavailable:
        # No valid policy has ever loaded: the document is indexed without a date (never
        # destroyed meanwhile), and the next sweep computes it once a policy loads.
        log.error("document %s indexed without retention: no valid retention policy", manifest.doc_id)


def index_stage(ctx: Context, doc_id: str) -> None:
    manifest = ctx.docs.load(doc_id)
    if manifest.state == State.failed or _done(manifest, State.indexed, "index", INDEX_VERSION):
        return
    from workers.holds import apply_holds

    apply_holds(ctx, manifest)  # legal holds in force that name it (saved with the manifest below)
    _retention(ctx, manifest)  # retain_until, so the index entry carries it from the start
    entry = IndexDocument.from_manifest(manifest)
    # The index entry says `indexed` before the manifest does; if the worker dies in between,
    # the redelivered task writes the same entry again.
    ctx.index.put(IndexDocument(**{**entry.__dict__, "state": State.indexed.value}))
    manifest.stage_versions["index"] = INDEX_VERSION
    manifest.move_to(State.indexed)
    ctx.docs.save(manifest)
    ctx.docs.clear_inflight(doc_id)
    log.info("document %s indexed", doc_id)
