"""The audit log in a SQLite file: one row per event (the stored event as JSON, with copies of
the fields queries filter on), one row per (patient, event), the head marker and the seal
records. Writers serialise on `BEGIN IMMEDIATE`; see index/audit_log.py."""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Sequence

from clinidex.audit import GENESIS, AuditEntry, AuditEvent, ChainHead, SealRecord, chain
from index.audit_log import PAGE, AuditPage, Filters, filters, page, patient_list
from index.sqlite_file import SqliteFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_events (actor, seq);
CREATE INDEX IF NOT EXISTS audit_by_object ON audit_events (object_id, seq);
CREATE TABLE IF NOT EXISTS audit_patients (
    patient_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (patient_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_seals (
    first_seq INTEGER PRIMARY KEY,
    record TEXT NOT NULL
);
"""


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class EmbeddedAuditLog(SqliteFile):
    name = "embedded"

    def setup(self) -> None:
        self.db.executescript(SCHEMA)

    def append(self, entry: AuditEntry) -> AuditEvent:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT seq, hash FROM audit_head").fetchone()
            seq, prev = (row[0], row[1]) if row else (0, GENESIS)
            event = chain(entry, seq + 1, prev)
            db.execute("INSERT INTO audit_events (seq, at, actor, action, object_type, object_id, event) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (event["seq"], event["at"], event["actor"], event["action"], event["object_type"],
                        event["object_id"], _dumps(event)))
            db.executemany("INSERT INTO audit_patients (patient_id, seq) VALUES (?, ?)",
                           [(pid, event["seq"]) for pid in event["patient_ids"]])
            db.execute("INSERT OR REPLACE INTO audit_head (one, seq, hash) VALUES (1, ?, ?)",
                       (event["seq"], event["hash"]))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return AuditEvent.from_stored(event)

    def head(self) -> ChainHead | None:
        row = self.db.execute("SELECT seq, hash FROM audit_head").fetchone()
        return ChainHead(row[0], row[1]) if row else None

    def events(self, first_seq: int, last_seq: int) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT event FROM audit_events WHERE seq BETWEEN ? AND ? ORDER BY seq",
                               (first_seq, last_seq))
        return [json.loads(event) for (event,) in rows]

    def scan(self, after_seq: int = 0) -> Iterator[dict[str, Any]]:
        # In chunks, so a writer is never held up by a long read.
        while True:
            rows = self.db.execute("SELECT seq, event FROM audit_events WHERE seq > ? ORDER BY seq LIMIT 2000",
                                   (after_seq,)).fetchall()
            if not rows:
                return
            for _, event in rows:
                yield json.loads(event)
            after_seq = rows[-1][0]

    def _query(self, base: str, params: list[Any], where: Filters) -> AuditPage:
        sql, args = [base], list(params)
        if where.since:
            sql.append("AND e.at >= ?")
            args.append(where.since)
        if where.until:
            sql.append("AND e.at < ?")
            args.append(where.until)
        if where.actions is not None:
            sql.append(f"AND e.action IN ({', '.join('?' * len(where.actions)) or 'NULL'})")
            args += where.actions
        if where.before_seq is not None:
            sql.append("AND e.seq < ?")
            args.append(where.before_seq)
        sql.append("ORDER BY e.seq DESC LIMIT ?")
        args.append(where.limit + 1)
        rows = self.db.execute(" ".join(sql), args).fetchall()
        return page([json.loads(event) for (event,) in rows], where.limit)

    def accesses_to_patient(self, patient_ids: str | Sequence[str], since=None, until=None, *,
                            actions: Iterable[str] | None = None, limit: int = PAGE,
                            cursor: str | None = None) -> AuditPage:
        ids = patient_list(patient_ids)
        base = ("SELECT e.event FROM audit_events e WHERE e.seq IN (SELECT seq FROM audit_patients "
                f"WHERE patient_id IN ({', '.join('?' * len(ids))}))")
        return self._query(base, ids, filters(since, until, actions, limit, cursor))

    def accesses_by_actor(self, actor: str, since=None, until=None, *, actions: Iterable[str] | None = None,
                          limit: int = PAGE, cursor: str | None = None) -> AuditPage:
        return self._query("SELECT e.event FROM audit_events e WHERE e.actor = ?", [actor],
                           filters(since, until, actions, limit, cursor))

    def events_for_object(self, object_id: str, object_type: str | None = None, *, limit: int = PAGE,
                          cursor: str | None = None) -> AuditPage:
        base, params = "SELECT e.event FROM audit_events e WHERE e.object_id = ?", [object_id]
        if object_type is not None:
            base += " AND e.object_type = ?"
            params.append(object_type)
        return self._query(base, params, filters(None, None, None, limit, cursor))

    def claim_seal(self, claim: SealRecord) -> bool:
        cursor = self.db.execute("INSERT OR IGNORE INTO audit_seals (first_seq, record) VALUES (?, ?)",
                                 (claim.first_seq, _dumps(claim.to_dict())))
        return cursor.rowcount == 1

    def confirm_seal(self, sealed: SealRecord) -> None:
        self.db.execute("UPDATE audit_seals SET record = ? WHERE first_seq = ?",
                        (_dumps(sealed.to_dict()), sealed.first_seq))

    def last_seal(self) -> SealRecord | None:
        row = self.db.execute("SELECT record FROM audit_seals ORDER BY first_seq DESC LIMIT 1").fetchone()
        return SealRecord.from_dict(json.loads(row[0])) if row else None

    def seals(self) -> Iterator[SealRecord]:
        for (record,) in self.db.execute("SELECT record FROM audit_seals ORDER BY first_seq").fetchall():
            yield SealRecord.from_dict(json.loads(record))

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""
