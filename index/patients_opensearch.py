"""The MPI as an OpenSearch index. Entries hold the record (stored, not indexed) and the
blocking keys; a candidate query is one constant-score clause per query key, so a patient's
score is the sum of the weights of the keys it shares — the same sum the embedded backend
computes in SQL."""
from __future__ import annotations

from typing import Iterable, Iterator

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError

from clinidex.patient import Demographics, Identifier, PatientRecord
from index.opensearch_backend import ensure_aliased, transient_call
from index.patients import CANDIDATES, identifier_keys, stored_keys
from ingest.match_keys import query_keys

MAPPING_VERSION = 1
MAPPING = {
    "settings": {"number_of_shards": 1, "number_of_replicas": 0},
    "mappings": {
        "dynamic": False,
        "properties": {
            "patient_id": {"type": "keyword"},
            "keys": {"type": "keyword"},
            "merged_into": {"type": "keyword"},
            "record": {"type": "object", "enabled": False},
        },
    },
}


class OpenSearchPatients:
    name = "opensearch"

    def __init__(self, url: str, alias: str) -> None:
        self.client = OpenSearch(hosts=[url], timeout=60, max_retries=2, retry_on_timeout=True)
        self.alias = alias
        self.concrete = f"{alias}-v{MAPPING_VERSION}"

    def setup(self) -> None:
        ensure_aliased(self.client, self.alias, self.concrete, MAPPING)

    def put_many(self, records: Iterable[PatientRecord]) -> int:
        actions = ({"_op_type": "index", "_index": self.alias, "_id": r.patient_id, "_source": _entry(r)}
                   for r in records)
        written, errors = transient_call(helpers.bulk, client=self.client, actions=actions, chunk_size=2000,
                                         raise_on_error=False, max_retries=3)
        if errors:
            # Only the first error's type: the entries themselves are patient data.
            raise RuntimeError(f"MPI bulk write: {len(errors)} entries refused "
                               f"({next(iter(errors[0].values())).get('error', {}).get('type')})")
        return written

    def get_many(self, patient_ids: Iterable[str]) -> dict[str, PatientRecord]:
        ids = list(dict.fromkeys(patient_ids))
        if not ids:
            return {}
        response = transient_call(self.client.mget, index=self.alias, body={"ids": ids}, _source=["record"])
        return {d["_id"]: PatientRecord.model_validate(d["_source"]["record"])
                for d in response["docs"] if d.get("found")}

    def candidates(self, query: Demographics, limit: int = CANDIDATES) -> list[tuple[PatientRecord, float]]:
        weights = query_keys(query)
        if not weights:
            return []
        should = [{"constant_score": {"filter": {"term": {"keys": key}}, "boost": weight}}
                  for key, weight in weights.items()]
        body = {
            "size": limit,
            "_source": ["record"],
            "query": {"bool": {"should": should, "minimum_should_match": 1,
                               "must_not": [{"exists": {"field": "merged_into"}}]}},
            # Score order only: sorting ties by id as well cost ~1 ms a query (a tie at the cut-off
            # may then differ from the embedded backend's; both rank by the same sums).
            "track_total_hits": False,
        }
        response = transient_call(self.client.search, index=self.alias, body=body)
        return [(PatientRecord.model_validate(h["_source"]["record"]), float(h["_score"]))
                for h in response["hits"]["hits"]]

    def by_identifier(self, identifier: Identifier) -> list[PatientRecord]:
        keys = identifier_keys(identifier)
        if not keys:
            return []
        body = {"size": 50, "_source": ["record"], "query": {"terms": {"keys": keys}},
                "sort": [{"patient_id": "asc"}]}
        response = transient_call(self.client.search, index=self.alias, body=body)
        return [PatientRecord.model_validate(h["_source"]["record"]) for h in response["hits"]["hits"]]

    def merged_ids(self, patient_id: str) -> list[str]:
        body = {"size": 1000, "_source": False, "query": {"term": {"merged_into": patient_id}},
                "sort": [{"patient_id": "asc"}]}
        response = transient_call(self.client.search, index=self.alias, body=body)
        return [h["_id"] for h in response["hits"]["hits"]]

    def scan(self) -> Iterator[PatientRecord]:
        for hit in helpers.scan(self.client, index=self.alias, query={"_source": ["record"]}, size=2000,
                                preserve_order=False):
            yield PatientRecord.model_validate(hit["_source"]["record"])

    def count(self) -> int:
        self.refresh()
        return transient_call(self.client.count, index=self.alias)["count"]

    def refresh(self) -> None:
        transient_call(self.client.indices.refresh, index=self.alias)

    def clear(self) -> None:
        try:
            transient_call(self.client.delete_by_query, index=self.alias, body={"query": {"match_all": {}}},
                           refresh=True, conflicts="proceed")
        except NotFoundError:
            pass


def _entry(record: PatientRecord) -> dict:
    return {"patient_id": record.patient_id, "keys": stored_keys(record), "merged_into": record.merged_into,
            "record": record.model_dump(mode="json")}
