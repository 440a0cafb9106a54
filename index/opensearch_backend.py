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

MAPPING_VERSION = 1


def load_mapping() -> dict:
    return json.loads(resources.files("index").joinpath("mappings/documents.json").read_text())


def _transient(exc: Exception) -> bool:
    if isinstance(exc, (OSConnectionError, ConnectionTimeout)):
        return True
    return isinstance(exc, TransportError) and exc.status_code in (429, 502, 503, 504)


class OpenSearchBackend:
    name = "opensearch"

    def __init__(self, url: str, alias: str) -> None:
        self.client = OpenSearch(hosts=[url], timeout=30, max_retries=2, retry_on_timeout=True)
        self.alias = alias
        self.concrete = f"{alias}-v{MAPPING_VERSION}"

    def _do(self, fn, **kwargs):
        try:
            return fn(**kwargs)
        except Exception as exc:
            if _transient(exc):
                raise TransientError(f"search index unavailable: {type(exc).__name__}") from exc
            raise

    def setup(self) -> None:
        if self._do(self.client.indices.exists_alias, name=self.alias):
            return
        if not self._do(self.client.indices.exists, index=self.concrete):
            try:
                self._do(self.client.indices.create, index=self.concrete, body=load_mapping())
            except TransportError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        self._do(self.client.indices.put_alias, index=self.concrete, name=self.alias)

    def put(self, doc: IndexDocument) -> None:
        body = {
            "doc_id": doc.doc_id,
            "state": doc.state,
            "media_type": doc.media_type,
            "received_at": doc.received_at.isoformat(),
            "page_count": doc.page_count,
            "mean_confidence": doc.mean_confidence,
            "text": doc.text,
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
            "_source": ["doc_id", "media_type", "page_count", "received_at"],
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
