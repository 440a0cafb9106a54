"""Filters, facets, synonyms, the fuzzy fallback and cursor paging: every backend answers the
same queries with the same documents (ranking may differ)."""
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from index.base import IndexDocument
from index.query import Filters, SearchQuery, Sort
from tests.contract.test_index_contract import backend  # noqa: F401  (the parametrised fixture)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def make(doc_id: str, text: str, **kw) -> IndexDocument:
    base = dict(doc_id=doc_id, state="indexed", media_type="image/tiff", received_at=T0, page_count=1, text=text)
    return IndexDocument(**{**base, **kw})


def ids(result) -> set[str]:
    return {h.doc_id for h in result.hits}


def corpus() -> list[IndexDocument]:
    return [
        make("mi-words", "Admitted with acute myocardial infarction, troponin rising.", doc_type="discharge_summary",
             patient_id="p1", match_status="linked", fields={"document_date": "2024-05-02", "facility": "Mercy"}),
        make("mi-abbr", "History of MI in 2019, stable since.", doc_type="progress_note", patient_id="p1",
             match_status="linked", fields={"service_date": "2025-01-10"}, sender="Lakeside Clinic"),
        make("chf", "Known CHF with reduced ejection fraction; SOB on exertion.", doc_type="progress_note",
             patient_id="p2", match_status="linked", low_confidence=True, received_at=T0 + timedelta(days=3)),
        make("apart", "Infarction was ruled out; myocardial perfusion normal.", doc_type="imaging_report",
             match_status="review", review_pending=True, fields={"facility": "Mercy"}),
        make("ocr", "Echo shows hypertensiom and mild LVH.", doc_type="imaging_report", match_status="unmatched",
             holds=("matter-7",), fields={"document_date": "2023-12-31"}),
        make("batch", "Fax cover sheet, 3 documents, myocardial infarction follow-up.", batch=True,
             fields={"facility": "Mercy"}),
        make("child", "Referral for chest pain evaluation.", doc_type="referral_note", parent_id="batch",
             patient_id="p3", match_status="linked", received_at=T0 + timedelta(days=40)),
    ]


@pytest.fixture
def loaded(backend):  # noqa: F811
    backend.put_many(corpus())
    return backend


def test_synonyms_match_both_ways(loaded):
    assert ids(loaded.search("MI")) == {"mi-words", "mi-abbr"}
    assert ids(loaded.search("acute myocardial infarction")) == {"mi-words"}
    assert ids(loaded.search("heart attack")) == {"mi-words", "mi-abbr"}
    assert ids(loaded.search("congestive heart failure")) == {"chf"}
    assert ids(loaded.search("shortness of breath exertion")) == {"chf"}


def test_phrases_need_their_words_together(loaded):
    # "apart" has both words, not together: a synonym entry matches as a phrase, as OpenSearch's
    # synonym graph makes it; quoted words too.
    assert ids(loaded.search("myocardial infarction")) == {"mi-words", "mi-abbr"}
    assert ids(loaded.search('"myocardial infarction"')) == {"mi-words", "mi-abbr"}
    assert ids(loaded.search("heart attack")) == {"mi-words", "mi-abbr"}
    assert ids(loaded.search('"chest pain" evaluation')) == {"child"}
    assert ids(loaded.search('"pain chest" referral')) == {"child"}  # the fallback reads words
    assert loaded.search('"pain chest" referral').fuzzy
    assert ids(loaded.search("infarction myocardial perfusion")) == {"apart"}


def test_fuzzy_fallback_only_when_nothing_matches(loaded):
    exact = loaded.search("hypertensiom")
    assert ids(exact) == {"ocr"} and not exact.fuzzy
    damaged = loaded.search("hypertension")  # the text has it OCR-damaged
    assert ids(damaged) == {"ocr"} and damaged.fuzzy
    # One edit allowed up to five letters: "trop0nin" is two away from nothing indexed -> no hit.
    assert loaded.search("zzqqxx").total == 0
    assert loaded.search("ejecton fraktion").fuzzy
    assert ids(loaded.search("ejecton fraktion")) == {"chf"}


def test_filters(loaded):
    def found(**f):
        return ids(loaded.search(SearchQuery(filters=Filters(**f))))

    everything = {"mi-words", "mi-abbr", "chf", "apart", "ocr", "child"}
    assert found() == everything  # the batch fax is hidden by default
    assert found(include_batches=True) == everything | {"batch"}
    assert found(patient_ids=("p1",)) == {"mi-words", "mi-abbr"}
    assert found(doc_types=("imaging_report", "referral_note")) == {"apart", "ocr", "child"}
    # Clinical date: document date, else service date, else the day received.
    assert found(date_from=date(2024, 1, 1), date_to=date(2025, 12, 31)) == {"mi-words", "mi-abbr"}
    assert found(date_to=date(2023, 12, 31)) == {"ocr"}
    assert found(received_from=date(2026, 3, 4), received_to=date(2026, 3, 4)) == {"chf"}
    assert found(received_from=date(2026, 4, 1)) == {"child"}
    # Sending facility: as extracted, else the fax's sender.
    assert found(facilities=("Mercy",)) == {"mi-words", "apart"}
    assert found(facilities=("Lakeside Clinic",)) == {"mi-abbr"}
    assert found(match_statuses=("review", "unmatched")) == {"apart", "ocr"}
    assert found(review_pending=True) == {"apart"}
    assert found(on_hold=True) == {"ocr"}
    assert found(on_hold=False) == everything - {"ocr"}
    assert found(low_confidence=True) == {"chf"}
    assert found(exclude_doc_types=("imaging_report", "progress_note")) == {"mi-words", "child"}
    assert ids(loaded.search("MI", filters=Filters(patient_ids=("p1",), doc_types=("progress_note",)))) == {"mi-abbr"}


def test_facets_count_the_filtered_results(loaded):
    result = loaded.search(SearchQuery(facets=True))
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    docs = [d for d in corpus() if not d.batch]
    assert facets["doc_type"] == Counter(d.doc_type for d in docs)
    assert facets["match_status"] == Counter(d.match_status for d in docs)
    assert facets["facility"] == Counter(d.facility for d in docs if d.facility)
    assert facets["year"] == Counter(str(d.clinical_date.year) for d in docs)
    assert facets["on_hold"] == {"true": 1, "false": 5}
    assert facets["low_confidence"] == {"true": 1, "false": 5}
    narrowed = loaded.search(SearchQuery(text="MI", facets=True))
    assert {v.value: v.count for v in narrowed.facets["doc_type"]} == {"discharge_summary": 1, "progress_note": 1}


def test_newest_first_without_words(loaded):
    result = loaded.search(SearchQuery(filters=Filters(patient_ids=("p1",)), sort=Sort.relevance))
    assert [h.doc_id for h in result.hits] == ["mi-abbr", "mi-words"]  # 2025-01-10, then 2024-05-02
    hit = result.hits[0]
    assert hit.date == "2025-01-10" and hit.patient_id == "p1" and hit.facility == "Lakeside Clinic"
    oldest = loaded.search(SearchQuery(sort=Sort.oldest, limit=2))
    assert [h.doc_id for h in oldest.hits] == ["ocr", "mi-words"]


@pytest.mark.parametrize("sort", [Sort.relevance, Sort.newest, Sort.oldest])
def test_cursor_walks_every_document_once(backend, sort):  # noqa: F811
    docs = [make(f"d{i:02d}", "warfarin " * (1 + i % 4) + f"note {i}",
                 fields={"document_date": (date(2020, 1, 1) + timedelta(days=i % 9)).isoformat()})
            for i in range(23)]
    backend.put_many(docs)
    seen, cursor, pages = [], None, 0
    while True:
        page = backend.search(SearchQuery(text="warfarin", sort=sort, limit=5, cursor=cursor))
        assert page.total == 23
        seen += [h.doc_id for h in page.hits]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(d.doc_id for d in docs) and len(seen) == 23
    assert pages == 5  # the last page says so: no empty page after it
    if sort != Sort.relevance:
        dates = [next(d for d in docs if d.doc_id == i).clinical_date for i in seen]
        assert dates == sorted(dates, reverse=sort == Sort.newest)
