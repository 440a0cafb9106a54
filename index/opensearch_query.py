"""OpenSearch query bodies for a SearchQuery: the filters, the text clauses and the facet
aggregations (the embedded backend states the same rules in SQL, index/embedded.py)."""
from __future__ import annotations

from datetime import timedelta

from index.query import FACETS, FacetValue, Filters
from index.query_text import QUOTED, MAX_EXPANSIONS, parse

# Facet values listed per facet (the embedded backend lists as many).
FACET_SIZE = 20


def filters(f: Filters) -> list[dict]:
    out: list[dict] = []
    for field, values in (("patient_id", f.patient_ids), ("doc_type", f.doc_types), ("loinc_code", f.loinc_codes),
                          ("facility_name", f.facilities), ("match_status", f.match_statuses),
                          ("doc_id", f.doc_ids)):
        if values:
            out.append({"terms": {field: list(values)}})
    for field, value in (("review_pending", f.review_pending), ("on_hold", f.on_hold),
                         ("low_confidence", f.low_confidence)):
        if value is not None:
            # Entries written before a flag existed lack it: they count as false, as in SQL.
            out.append({"term": {field: True}} if value else
                       {"bool": {"must_not": {"term": {field: True}}}})
    clinical = {k: v.isoformat() for k, v in (("gte", f.date_from), ("lte", f.date_to)) if v}
    if clinical:
        out.append({"range": {"clinical_date": clinical}})
    received = {}
    if f.received_from:
        received["gte"] = f.received_from.isoformat()
    if f.received_to:
        received["lt"] = (f.received_to + timedelta(days=1)).isoformat()
    if received:
        out.append({"range": {"received_at": received}})
    return out


def must_not(f: Filters) -> list[dict]:
    out = [] if f.include_batches else [{"term": {"batch": True}}]
    if f.exclude_doc_types:
        out.append({"terms": {"doc_type": list(f.exclude_doc_types)}})
    return out


def text_query(text: str) -> dict:
    """Words outside quotes must all match, each or one of its synonyms (the search analyzer's
    synonym_graph filter); each quoted phrase must match as a phrase."""
    must = []
    plain = QUOTED.sub(" ", text)
    if parse(plain):
        must.append({"match": {"text": {"query": plain, "operator": "and"}}})
    for quoted in QUOTED.finditer(text):
        if parse(quoted.group(1)):
            must.append({"match_phrase": {"text": {"query": quoted.group(1)}}})
    return {"bool": {"must": must}}


def fuzzy_query(text: str) -> dict:
    """Every word, within its edit distance (AUTO), synonyms off, quotes ignored."""
    return {"match": {"text": {"query": text.replace('"', " "), "operator": "and", "analyzer": "clinical_text",
                               "fuzziness": "AUTO", "prefix_length": 0, "max_expansions": MAX_EXPANSIONS,
                               "fuzzy_transpositions": True}}}


def _flag(field: str) -> dict:
    return {"terms": {"field": field, "size": 2, "missing": False}}


AGGREGATIONS = {
    "doc_type": {"terms": {"field": "doc_type", "size": FACET_SIZE}},
    "facility": {"terms": {"field": "facility_name", "size": FACET_SIZE}},
    "match_status": {"terms": {"field": "match_status", "size": FACET_SIZE}},
    "year": {"date_histogram": {"field": "clinical_date", "calendar_interval": "year", "format": "yyyy",
                                "min_doc_count": 1}},
    "low_confidence": _flag("low_confidence"),
    "on_hold": _flag("on_hold"),
    "review_pending": _flag("review_pending"),
}


def facets(aggregations: dict) -> dict[str, list[FacetValue]]:
    out = {}
    for name in FACETS:
        buckets = aggregations.get(name, {}).get("buckets", [])
        values = [FacetValue(b.get("key_as_string", str(b["key"])), b["doc_count"]) for b in buckets]
        # Ties in the order the embedded backend gives them: count, then value (the year
        # histogram comes in date order, and whole).
        out[name] = sorted(values, key=lambda v: (-v.count, v.value))[:FACET_SIZE]
    return out
