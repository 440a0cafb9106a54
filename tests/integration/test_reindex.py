"""`clinidex reindex` (workers/reindex.py): the index is rebuilt from the manifests in the store.

Documents go through the pipeline's own index stage first; the searches they answer are
recorded; the index is emptied and rebuilt from the store, and the same searches must return the
same documents. Documents still in the pipeline are skipped; a manifest that cannot be read is
counted and named, and the rest is indexed anyway. Embedded store and index, and (marked
services) MinIO and OpenSearch.
"""
from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from bench.search import drop_bucket
from bench.search_corpus import generate, manifest, patients, pool
from clinidex.manifest import State
from clinidex.settings import Settings
from index.query import Filters, SearchQuery, Sort
from tests.support.services import s3_env, services_or_skip, unique
from workers.context import build_context
from workers.reindex import reindex
from workers.stages import index_stage

INDEXED, PENDING = 23, 3


@pytest.fixture(scope="module")
def specs():
    made = list(generate(INDEXED + PENDING, seed=31, docs_pool=pool(size=40, seed=31, cache=None),
                         mpi=patients(60, seed=31)))
    return made[:INDEXED], made[INDEXED:]


def fill(ctx, specs) -> list[str]:
    """Index documents the way the pipeline does, leave a few mid-pipeline, damage two manifests."""
    indexed, pending = specs
    for spec in indexed:
        ctx.docs.save(manifest(spec, State.matched))
        index_stage(ctx, spec.doc_id)
    for spec, state in zip(pending, (State.received, State.ocr_done, State.extracted)):
        ctx.docs.save(manifest(spec, state))
    broken = ["0" * 31 + "1", "0" * 31 + "2"]
    ctx.docs.objects.put(f"manifests/{broken[0]}.json", b'{"doc_id": "' + broken[0].encode() + b'", "pages": [')
    ctx.docs.objects.put(f"manifests/{broken[1]}.json", b'{"doc_id": "' + broken[1].encode() + b'", "state": 7}')
    ctx.index.refresh()
    return broken


def queries(indexed) -> list[SearchQuery]:
    linked = next(s for s in indexed if s.patient_id)
    typed = next(s for s in indexed if s.type_key)
    return [
        SearchQuery(limit=100),  # everything, newest first
        SearchQuery(text="patient", limit=100),
        SearchQuery(text="HTN", limit=100),  # synonyms: hypertension too
        SearchQuery(filters=Filters(patient_ids=(linked.patient_id,)), sort=Sort.newest),
        SearchQuery(filters=Filters(doc_types=(typed.type_key,)), sort=Sort.oldest, limit=100),
        SearchQuery(filters=Filters(date_from=date(2020, 1, 1), match_statuses=("linked", "review")), limit=100),
        SearchQuery(filters=Filters(low_confidence=False, facilities=(typed.facility,)), limit=100),
        SearchQuery(filters=Filters(doc_ids=tuple(s.doc_id for s in indexed[:5])), limit=100, facets=True),
    ]


def answers(index, asked: list[SearchQuery]) -> list:
    """Per query: total, the documents (in order unless ranked by relevance, whose scores may move
    when an index has deleted entries), their dates and patients, and the facets."""
    out = []
    for query in asked:
        result = index.search(query)
        hits = [(h.doc_id, h.date, h.patient_id, h.doc_type, h.match_status, tuple(sorted(h.fields.items())))
                for h in result.hits]
        if query.effective_sort == Sort.relevance:
            hits = sorted(hits)
        out.append((result.total, hits, result.facets))
    return out


def check_rebuild(ctx, specs) -> None:
    indexed, pending = specs
    broken = fill(ctx, specs)
    asked = queries(indexed)
    before = answers(ctx.index, asked)
    assert before[0][0] == INDEXED and {h[0] for h in before[0][1]} == {s.doc_id for s in indexed}
    assert all(total > 0 for total, _, _ in before), "every query should find something to compare"

    ctx.index.clear()
    ctx.index.refresh()
    assert ctx.index.search(SearchQuery()).total == 0

    report = reindex(ctx.docs, ctx.index, readers=4, batch=5)
    assert (report.indexed, report.skipped, report.failed) == (INDEXED, PENDING, 2)
    assert sorted(report.failed_ids) == broken
    assert answers(ctx.index, asked) == before
    assert ctx.index.search(SearchQuery(filters=Filters(doc_ids=tuple(s.doc_id for s in pending)))).total == 0

    # Run again over a full index: entries are replaced, not doubled.
    again = reindex(ctx.docs, ctx.index, readers=2, batch=500)
    assert again.indexed == INDEXED and ctx.index.count() == INDEXED
    assert answers(ctx.index, asked) == before


def test_reindex_rebuilds_the_embedded_index_from_the_local_store(tmp_path, specs):
    check_rebuild(build_context(Settings(data_dir=tmp_path)), specs)


def test_cli_reindex_reports_unreadable_manifests(tmp_path, monkeypatch, specs):
    from clinidex.cli import app
    from clinidex.settings import get_settings
    from workers.context import get_context

    fill(build_context(Settings(data_dir=tmp_path)), specs)
    monkeypatch.setenv("CLINIDEX_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    get_context.cache_clear()
    try:
        result = CliRunner().invoke(app, ["reindex"])
        assert result.exit_code == 1, result.output
        said = " ".join(result.output.split())  # as the console wrapped it
        assert f"{INDEXED} document(s) reindexed" in said
        assert f"{PENDING} not indexed yet" in said
        assert "2 manifest(s) could not be read" in said and "0" * 31 + "1" in said
        assert get_context().index.count() == INDEXED
    finally:
        get_settings.cache_clear()
        get_context.cache_clear()


@pytest.mark.services
def test_reindex_rebuilds_opensearch_from_s3(tmp_path, monkeypatch, specs):
    svc = services_or_skip()
    for key, value in s3_env().items():
        monkeypatch.setenv(key, value)
    settings = Settings(data_dir=tmp_path, s3_endpoint_url=svc.s3_endpoint, s3_bucket=unique("reindex"),
                        opensearch_url=svc.opensearch_url, index_name=unique("reindex"),
                        patients_index_name=unique("reindex-patients"))
    ctx = build_context(settings)
    try:
        check_rebuild(ctx, specs)
    finally:
        from tests.support.services import drop_indices

        drop_indices(svc.opensearch_url, settings.index_name, settings.patients_index_name)
        drop_bucket(ctx.docs.objects)

