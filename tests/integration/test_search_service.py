"""Search as the API runs it: a patient's documents include those filed under anyone merged
into them (embedded stack; the same code runs over OpenSearch in tests/e2e)."""
from datetime import datetime, timezone

from api.search_service import patient_scope, run
from clinidex.patient import Identifier, PatientRecord
from clinidex.settings import Settings
from index.base import IndexDocument
from index.query import Filters, SearchQuery
from workers.context import build_context


def record(mrn: str, merged_into: str | None = None) -> PatientRecord:
    r = PatientRecord.create(Identifier(system="urn:mrn:test", value=mrn), family="Doe",
                             given="Jo", birth_date="1970-01-01")
    return r.model_copy(update={"merged_into": merged_into})


def entry(doc_id: str, patient_id: str, day: int) -> IndexDocument:
    return IndexDocument(doc_id=doc_id, state="indexed", media_type="image/tiff",
                         received_at=datetime(2026, 1, day, tzinfo=timezone.utc), page_count=1,
                         text="clinic letter", patient_id=patient_id, match_status="linked")


def test_patient_filter_follows_merges(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    survivor = record("1")
    merged = record("2", merged_into=survivor.patient_id)
    merged_again = record("3", merged_into=merged.patient_id)  # a chain, as years of merges leave
    stranger = record("4")
    ctx.patients.put_many([survivor, merged, merged_again, stranger])
    ctx.index.put_many([entry("a", survivor.patient_id, 3), entry("b", merged.patient_id, 5),
                        entry("c", merged_again.patient_id, 4), entry("d", stranger.patient_id, 6)])

    assert set(patient_scope(ctx, merged_again.patient_id)) == {survivor.patient_id, merged.patient_id,
                                                                 merged_again.patient_id}
    for asked in (survivor, merged, merged_again):
        result = run(ctx, SearchQuery(filters=Filters(patient_ids=(asked.patient_id,))))
        assert [h.doc_id for h in result.hits] == ["b", "c", "a"]  # newest first
    assert run(ctx, SearchQuery(filters=Filters(patient_ids=("no-such-patient",)))).total == 0
    assert [h.doc_id for h in run(ctx, SearchQuery(filters=Filters(patient_ids=(stranger.patient_id,)))).hits] == ["d"]
