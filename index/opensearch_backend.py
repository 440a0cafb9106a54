"""OpenSearch backend. Writes and reads go through an alias so a mapping change can be rolled
out by building a new index and swapping the alias, without downtime."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from importlib import resources

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, TransportError

from clinidex.errors import TransientError
from index.base import HIGHLIGHT_POST, HIGHLIGHT_PRE, INDEXED_FIELDS, Hit, IndexDocument, SearchResult
from index.opensearch_query import AGGREGATIONS, facets as _facets, filters, fuzzy_query, must_not, text_query
from index.query import SearchQuery, Sort, decode_cursor, encode_cursor
from index.query_text import parse, synonym_lines

MAPPING_VERSION = 5


def load_mapping() -> dict:
    """The mapping with the synonym list (index/data/synonyms.txt) in its search analyzer."""
    mapping = json.loads(resources.files("index").joinpath("mappings/documents.json").read_text())
    mapping["settings"]["analysis"]["filter"]["clinical_synonyms"]["synonyms"] = list(synonym_lines())
    mapping["mappings"]["_meta"]["synonyms_sha256"] = synonyms_digest()
    return mapping


def synonyms_digest() -> str:
    return hashlib.sha256("\n".join(synonym_lines()).encode()).hexdigest()


def _transient(exc: Exception) -> bool:
    if isinstance(exc, (OSConnectionError, ConnectionTimeout)):
        return True
    return isinstance(exc, TransportError) and exc.status_code in (429, 502, 503, 504)


def transient_call(fn, **kwargs):
    """Call the client; an unreachable or overloaded node becomes a TransientError (retried by
    the task), anything else stays as it is."""
    try:
        return fn(**kwargs)
    except Exception as exc:
        if _transient(exc):
            raise TransientError(f"search index unavailable: {type(exc).__name__}") from exc
        raise


def ensure_aliased(client: OpenSearch, alias: str, concrete: str, body: dict) -> None:
    """Create `concrete` with `alias` pointing at it unless the alias exists (the MPI and the
    audit log: no older versions to move over yet). Two processes starting at once is fine."""
    if transient_call(client.indices.exists_alias, name=alias):
        return
    try:
        transient_call(client.indices.create, index=concrete, body={**body, "aliases": {alias: {}}})
    except TransportError as exc:
        if exc.error != "resource_already_exists_exception":
            raise


class OpenSearchBackend:
    name = "opensearch"

    def __init__(self, url: str, alias: str) -> None:
        self.client = OpenSearch(hosts=[url], timeout=30, max_retries=2, retry_on_timeout=True)
        self.alias = alias
        self.concrete = f"{alias}-v{MAPPING_VERSION}"

    def _do(self, fn, **kwargs):
        return transient_call(fn, **kwargs)

    def setup(self) -> None:
        """Create this mapping version's index and point the alias at it. An alias still on an
        older version is moved after copying its entries over (the reindex module), in one
        alias update, so searches never see an empty index; `clinidex reindex` then fills the
        fields the old entries lack from the manifests."""
        current = self._aliased()
        if current == [self.concrete]:
            self._update_synonyms()
            return
        if not self._do(self.client.indices.exists, index=self.concrete):
            try:
                self._do(self.client.indices.create, index=self.concrete, body=load_mapping())
            except TransportError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        for old in current:
            self._do(self.client.reindex, body={"source": {"index": old}, "dest": {"index": self.concrete}},
                     wait_for_completion=True, refresh=True)
        actions = [{"remove": {"index": old, "alias": self.alias}} for old in current]
        actions.append({"add": {"index": self.concrete, "alias": self.alias}})
        self._do(self.client.indices.update_aliases, body={"actions": actions})

    def _update_synonyms(self) -> None:
        """A changed synonym list reaches the index without a reindex: synonyms apply at search
        time only, so closing the index, swapping the filter and reopening it is enough."""
        meta = self._do(self.client.indices.get_mapping, index=self.concrete)[self.concrete]["mappings"].get("_meta", {})
        if meta.get("synonyms_sha256") == synonyms_digest():
            return
        analysis = {"filter": {"clinical_synonyms": load_mapping()["settings"]["analysis"]["filter"]["clinical_synonyms"]}}
        self._do(self.client.indices.close, index=self.concrete)
        try:
            self._do(self.client.indices.put_settings, index=self.concrete, body={"analysis": analysis})
        finally:
            self._do(self.client.indices.open, index=self.concrete, wait_for_active_shards=1)
        self._do(self.client.indices.put_mapping, index=self.concrete,
                 body={"_meta": {"synonyms_sha256": synonyms_digest()}})

    def _aliased(self) -> list[str]:
        try:
            return sorted(self._do(self.client.indices.get_alias, name=self.alias))
        except NotFoundError:
            return []

    def put(self, doc: IndexDocument) -> None:
        # No refresh wait: waiting held a worker slot idle for up to the 1 s refresh interval
        # per document (bench/ocr_speed.py). A document is searchable within that second.
        self._do(self.client.index, index=self.alias, id=doc.doc_id, body=_source(doc))

    def put_many(self, docs: list[IndexDocument]) -> None:
        if not docs:
            return
        lines = []
        for doc in docs:
            lines.append({"index": {"_index": self.alias, "_id": doc.doc_id}})
            lines.append(_source(doc))
        response = self._do(self.client.bulk, body=lines)
        if response.get("errors"):
            failed = [item["index"] for item in response["items"] if item["index"].get("error")]
            statuses = {f.get("status") for f in failed}
            if statuses & {429, 502, 503, 504}:
                raise TransientError(f"search index refused {len(failed)} of {len(docs)} documents")
            reason = failed[0]["error"].get("type", "error")
            raise RuntimeError(f"search index refused {len(failed)} of {len(docs)} documents: {reason}")

    def delete(self, doc_id: str) -> None:
        try:
            self._do(self.client.delete, index=self.alias, id=doc_id)
        except NotFoundError:
            pass

    def search(self, query: SearchQuery) -> SearchResult:
        if not query.text.strip():
            return self._search(query, None)
        if not parse(query.text):
            return SearchResult(total=0, hits=[])
        result = self._search(query, text_query(query.text))
        if result.total or query.cursor:
            return result
        found = self._search(query, fuzzy_query(query.text))
        return SearchResult(found.total, found.hits, found.facets, found.next_cursor, fuzzy=True)

    def _search(self, query: SearchQuery, text: dict | None) -> SearchResult:
        sort = query.effective_sort
        order = {
            Sort.relevance: [{"_score": "desc"}, {"doc_id": "asc"}],
            Sort.newest: [{"clinical_date": {"order": "desc", "missing": "_last"}}, {"doc_id": "asc"}],
            Sort.oldest: [{"clinical_date": {"order": "asc", "missing": "_last"}}, {"doc_id": "asc"}],
        }[sort]
        body: dict = {
            "size": query.limit + 1,  # one more than asked: is there a next page?
            "track_total_hits": True,
            "_source": list(_HIT_SOURCE),
            "query": {"bool": {"filter": filters(query.filters), "must_not": must_not(query.filters),
                               "must": [text] if text else [{"match_all": {}}]}},
            "sort": order,
        }
        if text:
            body["highlight"] = {
                "encoder": "html",
                "pre_tags": [HIGHLIGHT_PRE],
                "post_tags": [HIGHLIGHT_POST],
                "fields": {"text": {"fragment_size": 160, "number_of_fragments": 3}},
            }
        if query.cursor:
            body["search_after"] = decode_cursor(query.cursor)
        if query.facets:
            body["aggs"] = AGGREGATIONS
        response = self._do(self.client.search, index=self.alias, body=body)
        raw = response["hits"]["hits"]
        more, raw = len(raw) > query.limit, raw[:query.limit]
        hits = [_hit(h) for h in raw]
        next_cursor = encode_cursor(raw[-1]["sort"]) if more else None
        facets = _facets(response.get("aggregations", {})) if query.facets else {}
        return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=facets,
                            next_cursor=next_cursor)

    def refresh(self) -> None:
        self._do(self.client.indices.refresh, index=self.alias)

    def count(self) -> int:
        self.refresh()
        return self._do(self.client.count, index=self.alias)["count"]

    def retention_due(self, today: date, after: tuple[str, str] | None = None,
                      limit: int = 500) -> list[tuple[str, date]]:
        body: dict = {
            "size": limit,
            "_source": False,
            "query": {"range": {"retain_until": {"lt": today.isoformat()}}},
            "sort": [{"retain_until": "asc"}, {"doc_id": "asc"}],
            "docvalue_fields": [{"field": "retain_until", "format": "strict_date"}],
        }
        if after is not None:
            # A date sorts as epoch milliseconds (UTC midnight).
            day = date.fromisoformat(after[0])
            millis = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp() * 1000)
            body["search_after"] = [millis, after[1]]
        response = self._do(self.client.search, index=self.alias, body=body)
        return [(h["_id"], date.fromisoformat(h["fields"]["retain_until"][0])) for h in response["hits"]["hits"]]

    def clear(self) -> None:
        self._do(
            self.client.delete_by_query,
            index=self.alias,
            body={"query": {"match_all": {}}},
            refresh=True,
            conflicts="proceed",
        )


_HIT_SOURCE = ("doc_id", "media_type", "page_count", "received_at", "doc_type", "parent_id", "patient_id",
               "clinical_date", "facility_name", "match_status", "loinc_code", "low_confidence", "review_pending",
               "on_hold", "batch", *INDEXED_FIELDS)


def _source(doc: IndexDocument) -> dict:
    return {
        "doc_id": doc.doc_id,
        "state": doc.state,
        "media_type": doc.media_type,
        "received_at": doc.received_at.isoformat(),
        "page_count": doc.page_count,
        "mean_confidence": doc.mean_confidence,
        "text": doc.text,
        "doc_type": doc.doc_type,
        "loinc_code": doc.loinc_code,
        "parent_id": doc.parent_id,
        "review_pending": doc.review_pending,
        "low_confidence": doc.low_confidence,
        "patient_id": doc.patient_id,
        "match_status": doc.match_status,
        "clinical_date": doc.clinical_date.isoformat(),
        "facility_name": doc.facility,
        "holds": list(doc.holds),
        "on_hold": bool(doc.holds),
        "batch": doc.batch,
        "retain_until": doc.retain_until.isoformat() if doc.retain_until else None,
        **doc.fields,
    }


def _hit(h: dict) -> Hit:
    src = h["_source"]
    return Hit(
        doc_id=src["doc_id"],
        score=float(h["_score"] or 0.0),
        snippets=h.get("highlight", {}).get("text", []),
        media_type=src.get("media_type"),
        page_count=src.get("page_count"),
        received_at=src.get("received_at"),
        doc_type=src.get("doc_type"),
        parent_id=src.get("parent_id"),
        patient_id=src.get("patient_id"),
        date=src.get("clinical_date"),
        facility=src.get("facility_name"),
        match_status=src.get("match_status"),
        loinc_code=src.get("loinc_code"),
        low_confidence=bool(src.get("low_confidence")),
        review_pending=bool(src.get("review_pending")),
        on_hold=bool(src.get("on_hold")),
        batch=bool(src.get("batch")),
        fields={name: src[name] for name in INDEXED_FIELDS if src.get(name) is not None},
    )
