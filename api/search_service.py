"""Search as every caller in the API runs it (the JSON API, the FHIR facade, the web pages):
patient ids widened to everyone merged into the patient, results in one JSON shape."""
from __future__ import annotations

from dataclasses import asdict, replace

from fastapi import Request

from api import guard
from index.base import Hit, SearchResult
from index.patients import scope
from index.query import SearchQuery
from workers.context import Context


def patient_scope(ctx: Context, patient_id: str) -> tuple[str, ...]:
    """The ids a patient's documents may be filed under. An unknown id stays as given, so a
    search for it answers nothing rather than everything."""
    return scope(ctx.patients, patient_id) or (patient_id,)


def run(ctx: Context, query: SearchQuery, request: Request | None = None) -> SearchResult:
    """With the request: types the caller is not cleared for are left out, and the audit event
    keeps the query, its filters and whose documents it showed (the accounting of disclosures
    needs all three)."""
    if query.filters.patient_ids:
        ids = tuple(dict.fromkeys(i for pid in query.filters.patient_ids for i in patient_scope(ctx, pid)))
        query = replace(query, filters=replace(query.filters, patient_ids=ids))
    if request is not None:
        hidden = guard.hidden_types(ctx, request)
        if hidden:
            query = replace(query, filters=replace(query.filters, exclude_doc_types=hidden))
    result = ctx.index.search(query)
    note = guard.note_of(request) if request is not None else None
    if note is not None:
        note.patient_ids.update(query.filters.patient_ids)
        note.patient_ids.update(h.patient_id for h in result.hits if h.patient_id)
        note.details.update({"query": query.text, "filters": _filters_for_audit(query), "total": result.total,
                             "shown": [h.doc_id for h in result.hits]})
    return result


def _filters_for_audit(query: SearchQuery) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else list(v) if isinstance(v, tuple) else v)
            for k, v in asdict(query.filters).items() if v not in (None, (), False)}


def hit_view(hit: Hit) -> dict:
    return {**asdict(hit), "links": {"document": f"/documents/{hit.doc_id}",
                                     "viewer": f"/ui/documents/{hit.doc_id}"}}


def result_view(result: SearchResult, backend: str, next_link: str | None) -> dict:
    return {
        "total": result.total,
        "backend": backend,
        "fuzzy": result.fuzzy,
        "hits": [hit_view(h) for h in result.hits],
        "facets": {name: [asdict(v) for v in values] for name, values in result.facets.items()},
        "next_cursor": result.next_cursor,
        "links": {"next": next_link},
    }
