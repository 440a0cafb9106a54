"""OpenSearch backend. Writes and reads go through an alias so a mapping change can be rolled
out by building a new index and swapping the alias, without downtime."""
from __future__ import annotations

import json
from importlib import resources

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, TransportError

from clinidex.errors import TransientError
from index.base import HIGHLIGHT_POST, HIGHLIGHT_PRE, Hit, IndexDocument, SearchResult

MAPPING_VERSION = 3


def load_mapping() -> dict:
    return json.loads(resources.files("index").joinpath("mappings/documents.json").read_text())


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

    def _aliased(self) -> list[str]:
        try:
            return sorted(self._do(self.client.indices.get_alias, name=self.alias))
        except NotFoundError:
            return []

    def put(self, doc: IndexDocument) -> None:
        body = {
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
            **doc.fields,
        }
        # No refresh wait: waiting held a worker slot idle for up to the 1 s refresh interval
        # per document (bench/ocr_speed.py). A document is searchable within that second.
        self._do(self.client.index, index=self.alias, id=doc.doc_id, body=body)

    def delete(self, doc_id: str) -> None:
        try:
            self._do(self.client.delete, index=self.alias, id=doc_id)
        except NotFoundError:
            pass

    def search(self, query: str, limit: int = 20, offset: int = 0) -> SearchResult:
        body = {
            "from": offset,
            "size": limit,
            "track_total_hits": True,
            "_source": ["doc_id", "media_type", "page_count", "received_at", "doc_type", "parent_id", "patient_id"],
            # Plain words, all required: the same rule the embedded backend applies, so the two
            # backends may rank differently but never filter differently.
            "query": {"match": {"text": {"query": query, "operator": "and"}}},
            "highlight": {
                "encoder": "html",
                "pre_tags": [HIGHLIGHT_PRE],
                "post_tags": [HIGHLIGHT_POST],
                "fields": {"text": {"fragment_size": 160, "number_of_fragments": 3}},
            },
        }
        response = self._do(self.client.search, index=self.alias, body=body)
        hits = [
            Hit(
                doc_id=h["_source"]["doc_id"],
                score=float(h["_score"] or 0.0),
                snippets=h.get("highlight", {}).get("text", []),
                media_type=h["_source"].get("media_type"),
                page_count=h["_source"].get("page_count"),
                received_at=h["_source"].get("received_at"),
                doc_type=h["_source"].get("doc_type"),
                parent_id=h["_source"].get("parent_id"),
                patient_id=h["_source"].get("patient_id"),
            )
            for h in response["hits"]["hits"]
        ]
        return SearchResult(total=response["hits"]["total"]["value"], hits=hits)

    def refresh(self) -> None:
        self._do(self.client.indices.refresh, index=self.alias)

    def count(self) -> int:
        self.refresh()
        return self._do(self.client.count, index=self.alias)["count"]

    def clear(self) -> None:
        self._do(
            self.client.delete_by_query,
            index=self.alias,
            body={"query": {"match_all": {}}},
            refresh=True,
            conflicts="proceed",
        )
