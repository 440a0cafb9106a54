"""The stages the Celery tasks run, on the embedded store and index (no broker): idempotency,
unreadable pages and the low-confidence flag."""
import pytest

from clinidex import synthetic
from clinidex.manifest import PageResult, State
from clinidex.settings import Settings
from workers.context import build_context
from workers.intake import receive
from workers.stages import PAGE_VERSION, assemble_stage, index_stage, page_stage, prepare_stage
from index.query import SearchQuery


def context(tmp_path, **overrides):
    return build_context(Settings(data_dir=tmp_path, **overrides))


def received(ctx, seed: int, pages: int = 2) -> str:
    _, text = synthetic.referral_pages(seed, pages=pages)
    return receive(ctx, synthetic.fax_tiff(text), filename=None, source="test").manifest.doc_id


def test_every_stage_can_run_twice_without_doing_work_twice(tmp_path):
    ctx = context(tmp_path)
    doc_id = received(ctx, 91)
    first, second = prepare_stage(ctx, doc_id)
    assert (first.number, second.number, first.page_count) == (1, 2, 2)
    assert page_stage(ctx, second) is False  # page 1 still missing
    assert page_stage(ctx, first) is True
    stored = ctx.docs.objects.get("pages/%s/00001.json" % doc_id)
    assert page_stage(ctx, first) is True  # redelivered: nothing re-read
    assert ctx.docs.objects.get("pages/%s/00001.json" % doc_id) == stored
    assert prepare_stage(ctx, doc_id) == []  # redelivered prepare finds both pages done
    assert assemble_stage(ctx, doc_id) and assemble_stage(ctx, doc_id)
    index_stage(ctx, doc_id)
    index_stage(ctx, doc_id)
    manifest = ctx.docs.load(doc_id)
    assert manifest.state == State.indexed
    assert [t.state for t in manifest.history] == ["received", "rendered", "ocr_done", "indexed"]
    assert [p.number for p in manifest.pages] == [1, 2]
    assert ctx.index.count() == 1
    assert ctx.docs.load_page(doc_id, 2).words  # word boxes kept with the page


def test_pages_over_the_time_limit_are_unreadable_and_a_fax_of_only_those_fails(tmp_path):
    ctx = context(tmp_path, ocr_page_timeout_s=0.001)
    doc_id = received(ctx, 92)
    for job in prepare_stage(ctx, doc_id):
        page_stage(ctx, job)
    assert "took longer" in ctx.docs.load_page(doc_id, 1).unreadable
    assert assemble_stage(ctx, doc_id) is False
    manifest = ctx.docs.load(doc_id)
    assert manifest.state == State.failed
    assert manifest.failure_reason == "No page of the document could be read."
    assert ctx.docs.original(manifest)  # the original is kept


@pytest.mark.parametrize("second_page, flagged", [
    (PageResult(number=2, text="", unreadable="Page 2 is damaged or truncated and cannot be read."), [2]),
    (PageResult(number=2, text="smudge", mean_confidence=41.0), [2]),
    (PageResult(number=2, text="clear", mean_confidence=93.0), []),
])
def test_low_confidence_flag(tmp_path, second_page, flagged):
    ctx = context(tmp_path)
    doc_id = received(ctx, 93)
    page_stage(ctx, prepare_stage(ctx, doc_id)[0])
    ctx.docs.save_page(doc_id, second_page.model_copy(update={"version": PAGE_VERSION}))
    assert assemble_stage(ctx, doc_id)
    manifest = ctx.docs.load(doc_id)
    assert manifest.metadata["low_confidence"] is bool(flagged)
    assert manifest.metadata["low_confidence_pages"] == flagged


def test_bad_input_fails_the_document_with_a_reason(tmp_path):
    from tests.support import documents

    ctx = context(tmp_path)
    _, text = synthetic.referral_pages(94, pages=1)
    doc_id = receive(ctx, documents.encrypted_pdf(text[0]), filename=None, source="test").manifest.doc_id
    assert prepare_stage(ctx, doc_id) is None
    manifest = ctx.docs.load(doc_id)
    assert manifest.state == State.failed and "password" in manifest.failure_reason
    assert manifest.metadata["failure_code"] == "encrypted"


def test_born_digital_pdf_is_assembled_by_prepare_and_a_redelivery_keeps_the_chain_going(tmp_path):
    from tests.support import documents

    ctx = context(tmp_path)
    _, text = synthetic.referral_pages(95, pages=3)
    doc_id = receive(ctx, documents.born_digital_pdf(text), filename=None, source="test").manifest.doc_id
    assert prepare_stage(ctx, doc_id) == []
    manifest = ctx.docs.load(doc_id)
    assert manifest.state == State.ocr_done and [p.source for p in manifest.pages] == ["text_layer"] * 3
    assert ctx.docs.stored_pages(doc_id) == {1, 2, 3}
    assert prepare_stage(ctx, doc_id) == []  # redelivered: go on to assembly, which is done
    assert assemble_stage(ctx, doc_id)
    index_stage(ctx, doc_id)
    assert prepare_stage(ctx, doc_id) is None
    assert ctx.index.search(SearchQuery(synthetic.marker_word(95, 3))).total == 1
