"""Classification, batch-fax splitting, extraction, tiers and the review queue as the pipeline
runs them, on the embedded store and index (no broker). Born-digital PDFs keep OCR out of it."""
from clinidex.corpus import training
from clinidex.corpus.base import batch_fax
from clinidex.doctypes import load_types
from clinidex.manifest import State
from clinidex.settings import Settings
from tests.support.documents import born_digital_pdf
from workers.context import build_context
from workers.intake import receive
from workers.review import Decision, decide, queue, training_records
from workers.stages import index_stage, match_stage, prepare_stage, understand_stage
from index.query import SearchQuery

BATCH_TYPES = [t.key for t in load_types() if t.key != "fax_cover_sheet"]


def run_pipeline(ctx, pages: list[list[str]]) -> str:
    doc_id = receive(ctx, born_digital_pdf(pages), filename="fax.pdf", source="test").manifest.doc_id
    assert prepare_stage(ctx, doc_id) == []  # text layer: read and assembled at once
    for target in understand_stage(ctx, doc_id):
        if match_stage(ctx, target):
            index_stage(ctx, target)
    return doc_id


def test_a_batch_fax_is_split_into_documents_that_keep_their_pages_and_the_fax(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    fax = batch_fax(training, 4, BATCH_TYPES)
    fax_id = run_pipeline(ctx, fax.pages)
    parent = ctx.docs.load(fax_id)
    assert parent.state == State.indexed and parent.doc_type.key == "fax_cover_sheet"
    assert parent.fax_fields["page_count"].value == str(len(fax.pages))
    children = [ctx.docs.load(c) for c in parent.children]
    assert [c.page_range for c in children] == [(first, last) for _, first, last in fax.documents]
    for child, (truth, first, last) in zip(children, fax.documents):
        assert child.state == State.indexed and child.parent_id == fax_id
        assert [p.number for p in child.pages] == list(range(1, last - first + 2))
        assert child.doc_type.suggested == truth.type_key
        if "patient_name" in truth.truth():  # some letters name no patient
            assert child.fields["patient_name"].value in truth.truth()["patient_name"]
        assert [s.state for s in child.history][-4:] == ["classified", "extracted", "matched", "indexed"]
    assert ctx.index.count() == 1 + len(children)
    # Redelivered: the same pieces, nothing new.
    assert understand_stage(ctx, fax_id) == [fax_id, *parent.children]
    assert ctx.index.count() == 1 + len(children)
    # The fax's own entry carries its cover sheet only; the documents are found as themselves.
    named = next(c for c in children if "patient_name" in c.fields)
    hits = ctx.index.search(SearchQuery(named.fields["patient_name"].value.split()[-1])).hits
    assert {h.doc_id for h in hits} >= {named.doc_id} and fax_id not in {h.doc_id for h in hits}


def test_unsure_values_wait_for_review_and_a_decision_is_applied_and_kept(tmp_path):
    # An apply threshold above 1, which nothing reaches, puts every type and value in the review band.
    ctx = build_context(Settings(data_dir=tmp_path, apply_threshold=1.01, review_threshold=0.5))
    doc = training.make_document(__import__("random").Random(3), "consult_note")
    doc_id = run_pipeline(ctx, doc.pages)
    manifest = ctx.docs.load(doc_id)
    assert "type" in manifest.review and "field:birth_date" in manifest.review
    assert [m.doc_id for m in queue(ctx)] == [doc_id]
    dob = manifest.fields["birth_date"].value
    after = decide(ctx, doc_id, Decision(reviewer="clerk1", doc_type="consult_note",
                                         fields={"mrn": "X123"}, confirm=["field:birth_date"]))
    assert after.doc_type.key == "consult_note" and after.doc_type.source == "review"
    assert after.fields["mrn"].value == "X123" and after.fields["birth_date"].value == dob
    assert {"type", "field:mrn", "field:birth_date"}.isdisjoint(after.review)
    records = list(ctx.docs.corrections())
    assert records[0]["reviewer"] == "clerk1" and records[0]["after"]["type"] == "consult_note"
    (example,) = training_records(ctx)
    assert example["type"] == "consult_note" and example["fields"]["mrn"] == "X123" and example["text"]
    # Confirm the rest: the document leaves the queue.
    decide(ctx, doc_id, Decision(reviewer="clerk1", confirm=list(after.review)))
    assert queue(ctx) == [] and ctx.docs.load(doc_id).review == []


def test_a_page_with_nothing_to_read_is_other_at_confidence_zero_and_queued(tmp_path):
    from ingest.classify import load_classifier
    from ingest.understand import understand

    result = understand(["", "   \n  "], load_classifier())
    assert result.doc_type.key is None and result.doc_type.suggested == "other"
    assert result.doc_type.confidence == 0.0 and result.review == ["type"] and result.fields == {}
