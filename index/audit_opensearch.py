"""The audit log as an OpenSearch index behind the `audit` alias (mapping: index/mappings/
audit.json). Events are documents `e<seq>` created with op_type=create, so each position is
taken once; the head marker is the document `head`, moved with external versioning so it only
moves forward; seal records are `s<first_seq>`. How this gives one order to many writers:
index/audit_log.py.

Reads that must see the latest writes (the head, events for the sealer) use real-time GETs;
queries see events within the index's one-second refresh."""
from __future__ import annotations

import json
from importlib import resources
from typing import Any, Iterable, Iterator, Sequence

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConflictError, NotFoundError

from clinidex.audit import GENESIS, AuditEntry, AuditEvent, ChainHead, SealRecord, chain
from index.audit_log import PAGE, AuditBusy, AuditPage, Filters, filters, page, patient_list
from index.opensearch_backend import ensure_aliased, transient_call

MAPPING_VERSION = 1
HEAD_ID = "head"
# Positions a writer may lose in a row before it gives up (and the caller retries later).
MAX_RACE = 1000
SCAN_PAGE = 2000


def load_mapping() -> dict:
    return json.loads(resources.files("index").joinpath("mappings/audit.json").read_text())


def event_id(seq: int) -> str:
    return f"e{seq:012d}"


def seal_id(first_seq: int) -> str:
    return f"s{first_seq:012d}"


def _event(source: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in source.items() if k != "kind"}


class OpenSearchAuditLog:
    name = "opensearch"

    def __init__(self, url: str, alias: str) -> None:
        self.client = OpenSearch(hosts=[url], timeout=30, max_retries=2, retry_on_timeout=True)
        self.alias = alias
        self.concrete = f"{alias}-v{MAPPING_VERSION}"

    def setup(self) -> None:
        ensure_aliased(self.client, self.alias, self.concrete, load_mapping())

    # --- writing ---

    def append(self, entry: AuditEntry) -> AuditEvent:
        hint = self._head_marker() or self._newest_searchable()
        seq, prev = (hint.seq, hint.hash) if hint else (0, GENESIS)
        for _ in range(MAX_RACE):
            event = chain(entry, seq + 1, prev)
            if not self._create(event_id(seq + 1), {"kind": "event", **event}):
                taken = self._get(event_id(seq + 1))
                if taken is None:
                    raise AuditBusy("an audit position was refused but cannot be read") from None
                if taken.get("id") == entry.id:
                    # Our own write, landed by a retry the client made after a timeout.
                    event = taken
                else:
                    seq, prev = seq + 1, taken["hash"]
                    continue
            self._advance_head(event["seq"], event["hash"])
            return AuditEvent.from_stored(event)
        raise AuditBusy("too many concurrent audit writers")

    def _create(self, doc_id: str, body: dict[str, Any]) -> bool:
        """Create a document that must not exist; False when it does. (A lost race is normal
        here, so the 409 is taken as an answer, not logged as a failed request.)"""
        answer = transient_call(self.client.create, index=self.alias, id=doc_id, body=body, ignore=409)
        if answer.get("status") == 409:
            return False
        if answer.get("result") != "created":
            raise ConflictError(409, "audit write refused", answer)
        return True

    def _advance_head(self, seq: int, hash_: str) -> None:
        # Only forward: a 409 means a later event moved it further already.
        transient_call(self.client.index, index=self.alias, id=HEAD_ID,
                       body={"kind": "head", "head": {"seq": seq, "hash": hash_}},
                       version=seq, version_type="external", ignore=409)

    def _get(self, doc_id: str) -> dict[str, Any] | None:
        # Absence is an answer here (the position after the head), not a failed request.
        found = transient_call(self.client.get, index=self.alias, id=doc_id, ignore=404)
        if not found.get("found"):
            if found.get("status") == 404 and "error" in found:
                raise NotFoundError(404, "audit index missing", found)
            return None
        return _event(found["_source"])

    def _head_marker(self) -> ChainHead | None:
        marker = self._get(HEAD_ID)
        if marker is None:
            return None
        return ChainHead(marker["head"]["seq"], marker["head"]["hash"])

    def _newest_searchable(self) -> ChainHead | None:
        """Without a head marker (a log whose first writer died before setting it)."""
        self.refresh()
        hits = self._search({"size": 1, "query": {"term": {"kind": "event"}}, "sort": [{"seq": "desc"}]})
        return ChainHead(hits[0]["seq"], hits[0]["hash"]) if hits else None

    # --- reading the chain ---

    def head(self) -> ChainHead | None:
        head = self._head_marker() or self._newest_searchable()
        if head is None:
            return None
        # A writer that died between its event and the marker left the marker behind.
        while (after := self._get(event_id(head.seq + 1))) is not None:
            head = ChainHead(after["seq"], after["hash"])
        return head

    def events(self, first_seq: int, last_seq: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(first_seq, last_seq + 1, 1000):
            ids = [event_id(s) for s in range(start, min(last_seq, start + 999) + 1)]
            response = transient_call(self.client.mget, index=self.alias, body={"ids": ids})
            found += [_event(d["_source"]) for d in response["docs"] if d.get("found")]
        return found

    def scan(self, after_seq: int = 0) -> Iterator[dict[str, Any]]:
        self.refresh()
        while True:
            hits = self._search({"size": SCAN_PAGE, "sort": [{"seq": "asc"}], "query": {"bool": {"filter": [
                {"term": {"kind": "event"}}, {"range": {"seq": {"gt": after_seq}}}]}}})
            if not hits:
                return
            yield from hits
            after_seq = hits[-1]["seq"]

    def _search(self, body: dict) -> list[dict[str, Any]]:
        response = transient_call(self.client.search, index=self.alias, body=body)
        return [_event(h["_source"]) for h in response["hits"]["hits"]]

    # --- the accounting queries ---

    def _query(self, conditions: list[dict], where: Filters) -> AuditPage:
        clauses = [{"term": {"kind": "event"}}, *conditions]
        if where.since or where.until:
            bounds = {"gte": where.since} if where.since else {}
            if where.until:
                bounds["lt"] = where.until
            clauses.append({"range": {"at": bounds}})
        if where.actions is not None:
            clauses.append({"terms": {"action": list(where.actions)}})
        if where.before_seq is not None:
            clauses.append({"range": {"seq": {"lt": where.before_seq}}})
        body = {"size": where.limit + 1, "sort": [{"seq": "desc"}], "track_total_hits": False,
                "query": {"bool": {"filter": clauses}}}
        return page(self._search(body), where.limit)

    def accesses_to_patient(self, patient_ids: str | Sequence[str], since=None, until=None, *,
                            actions: Iterable[str] | None = None, limit: int = PAGE,
                            cursor: str | None = None) -> AuditPage:
        return self._query([{"terms": {"patient_ids": patient_list(patient_ids)}}],
                           filters(since, until, actions, limit, cursor))

    def accesses_by_actor(self, actor: str, since=None, until=None, *, actions: Iterable[str] | None = None,
                          limit: int = PAGE, cursor: str | None = None) -> AuditPage:
        return self._query([{"term": {"actor": actor}}], filters(since, until, actions, limit, cursor))

    def events_for_object(self, object_id: str, object_type: str | None = None, *, limit: int = PAGE,
                          cursor: str | None = None) -> AuditPage:
        conditions: list[dict] = [{"term": {"object_id": object_id}}]
        if object_type is not None:
            conditions.append({"term": {"object_type": object_type}})
        return self._query(conditions, filters(None, None, None, limit, cursor))

    # --- seal records ---

    def claim_seal(self, claim: SealRecord) -> bool:
        return self._create(seal_id(claim.first_seq),
                            {"kind": "seal", "first_seq": claim.first_seq, "seal": claim.to_dict()})

    def confirm_seal(self, sealed: SealRecord) -> None:
        transient_call(self.client.index, index=self.alias, id=seal_id(sealed.first_seq),
                       body={"kind": "seal", "first_seq": sealed.first_seq, "seal": sealed.to_dict()})

    def last_seal(self) -> SealRecord | None:
        self.refresh()
        hits = self._search({"size": 1, "query": {"term": {"kind": "seal"}}, "sort": [{"first_seq": "desc"}]})
        return SealRecord.from_dict(hits[0]["seal"]) if hits else None

    def seals(self) -> Iterator[SealRecord]:
        self.refresh()
        after = 0
        while True:
            hits = self._search({"size": SCAN_PAGE, "sort": [{"first_seq": "asc"}], "query": {"bool": {"filter": [
                {"term": {"kind": "seal"}}, {"range": {"first_seq": {"gt": after}}}]}}})
            if not hits:
                return
            for hit in hits:
                yield SealRecord.from_dict(hit["seal"])
            after = hits[-1]["first_seq"]

    def refresh(self) -> None:
        transient_call(self.client.indices.refresh, index=self.alias)
