"""The MPI in SQLite, beside the embedded document index: one row per patient (its record as
JSON) and one row per (blocking key, patient)."""
from __future__ import annotations

from typing import Iterable, Iterator

from clinidex.patient import Demographics, Identifier, PatientRecord
from index.patients import CANDIDATES, identifier_keys, stored_keys
from index.sqlite_file import SqliteFile
from ingest.match_keys import query_keys

SCHEMA = """
CREATE TABLE IF NOT EXISTS patients (
    patient_id TEXT PRIMARY KEY,
    merged_into TEXT,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS patient_keys (
    key TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    PRIMARY KEY (key, patient_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS patient_keys_by_patient ON patient_keys (patient_id);
"""


class EmbeddedPatients(SqliteFile):
    name = "embedded"

    def setup(self) -> None:
        self.db.executescript(SCHEMA)

    def put_many(self, records: Iterable[PatientRecord]) -> int:
        records = list(records)
        if not records:
            return 0
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            ids = [(r.patient_id,) for r in records]
            db.executemany("DELETE FROM patient_keys WHERE patient_id = ?", ids)
            db.executemany("INSERT OR REPLACE INTO patients (patient_id, merged_into, record) VALUES (?, ?, ?)",
                           [(r.patient_id, r.merged_into, r.model_dump_json()) for r in records])
            db.executemany("INSERT OR IGNORE INTO patient_keys (key, patient_id) VALUES (?, ?)",
                           [(key, r.patient_id) for r in records for key in stored_keys(r)])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return len(records)

    def get_many(self, patient_ids: Iterable[str]) -> dict[str, PatientRecord]:
        ids = list(dict.fromkeys(patient_ids))
        found: dict[str, PatientRecord] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.db.execute(
                f"SELECT record FROM patients WHERE patient_id IN ({', '.join('?' * len(chunk))})", chunk)
            for (record,) in rows:
                parsed = PatientRecord.model_validate_json(record)
                found[parsed.patient_id] = parsed
        return found

    def candidates(self, query: Demographics, limit: int = CANDIDATES) -> list[tuple[PatientRecord, float]]:
        weights = query_keys(query)
        if not weights:
            return []
        values = ", ".join("(?, ?)" for _ in weights)
        params = [v for pair in weights.items() for v in pair]
        rows = self.db.execute(
            f"""
            WITH q(key, weight) AS (VALUES {values})
            SELECT k.patient_id, SUM(q.weight) AS score
            FROM q JOIN patient_keys k ON k.key = q.key
            JOIN patients p ON p.patient_id = k.patient_id AND p.merged_into IS NULL
            GROUP BY k.patient_id ORDER BY score DESC, k.patient_id LIMIT ?
            """,
            (*params, limit),
        ).fetchall()
        records = self.get_many(pid for pid, _ in rows)
        return [(records[pid], score) for pid, score in rows if pid in records]

    def by_identifier(self, identifier: Identifier) -> list[PatientRecord]:
        keys = identifier_keys(identifier)
        if not keys:
            return []
        rows = self.db.execute(
            f"SELECT DISTINCT patient_id FROM patient_keys WHERE key IN ({', '.join('?' * len(keys))})", keys)
        return sorted(self.get_many(pid for (pid,) in rows).values(), key=lambda r: r.patient_id)

    def merged_ids(self, patient_id: str) -> list[str]:
        rows = self.db.execute("SELECT patient_id FROM patients WHERE merged_into = ? ORDER BY patient_id",
                               (patient_id,))
        return [pid for (pid,) in rows]

    def scan(self) -> Iterator[PatientRecord]:
        for (record,) in self.db.execute("SELECT record FROM patients ORDER BY patient_id"):
            yield PatientRecord.model_validate_json(record)

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM patients").fetchone()[0]

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""

    def clear(self) -> None:
        self.db.executescript("DELETE FROM patient_keys; DELETE FROM patients;")

