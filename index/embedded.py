"""Embedded backend: SQLite FTS5 in one file, for a single machine with no services."""
from __future__ import annotations

import re

from index.base import INDEXED_FIELDS, Hit, IndexDocument, SearchResult, escape_with_marks
from index.sqlite_file import SqliteFile

# Private-use characters mark matches inside snippet(); they cannot occur in OCR text, so the
# text can be HTML-escaped safely before the marks become <em> tags.
_START, _END = "\ue000", "\ue001"
_TOKEN = re.compile(r"\w+", re.UNICODE)

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    media_type TEXT NOT NULL,
    received_at TEXT NOT NULL,
    page_count INTEGER NOT NULL,
    mean_confidence REAL
);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    doc_id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2'
);
"""


# Columns added after the first schema; setup() adds whichever an older file lacks.
ADDED_COLUMNS = ("doc_type", "loinc_code", "parent_id", "review_pending", "low_confidence", *INDEXED_FIELDS,
                 "patient_id", "match_status")
COLUMNS = ("doc_id", "state", "media_type", "received_at", "page_count", "mean_confidence", *ADDED_COLUMNS)


def fts_query(query: str) -> str | None:
    """Every word of the user's query must match; quoting each token keeps FTS5 syntax
    (AND, NEAR, column filters, stray quotes) out of the user's hands."""
    tokens = _TOKEN.findall(query)
    if not tokens:
        return None
    return " AND ".join(f'"{t}"' for t in tokens)


class EmbeddedBackend(SqliteFile):
    name = "embedded"

    def setup(self) -> None:
        self.db.executescript(SCHEMA)
        present = {row[1] for row in self.db.execute("PRAGMA table_info(documents)")}
        for column in ADDED_COLUMNS:
            if column not in present:
                self.db.execute(f"ALTER TABLE documents ADD COLUMN {column}")

    def put(self, doc: IndexDocument) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM documents_fts WHERE doc_id = ?", (doc.doc_id,))
            values = (doc.doc_id, doc.state, doc.media_type, doc.received_at.isoformat(), doc.page_count,
                      doc.mean_confidence, doc.doc_type, doc.loinc_code, doc.parent_id, int(doc.review_pending),
                      int(doc.low_confidence), *(doc.fields.get(name) for name in INDEXED_FIELDS),
                      doc.patient_id, doc.match_status)
            db.execute(f"INSERT OR REPLACE INTO documents ({', '.join(COLUMNS)}) "
                       f"VALUES ({', '.join('?' * len(COLUMNS))})", values)
            db.execute("INSERT INTO documents_fts (doc_id, text) VALUES (?, ?)", (doc.doc_id, doc.text))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def delete(self, doc_id: str) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM documents_fts WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        db.execute("COMMIT")

    def search(self, query: str, limit: int = 20, offset: int = 0) -> SearchResult:
        match = fts_query(query)
        if match is None:
            return SearchResult(total=0, hits=[])
        total = self.db.execute(
            "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", (match,)
        ).fetchone()[0]
        rows = self.db.execute(
            f"""
            SELECT f.doc_id, bm25(documents_fts) AS rank,
                   snippet(documents_fts, 1, '{_START}', '{_END}', '…', 24),
                   d.media_type, d.page_count, d.received_at, d.doc_type, d.parent_id, d.patient_id
            FROM documents_fts f JOIN documents d ON d.doc_id = f.doc_id
            WHERE documents_fts MATCH ?
            ORDER BY rank LIMIT ? OFFSET ?
            """,
            (match, limit, offset),
        ).fetchall()
        hits = [
            Hit(
                doc_id=doc_id,
                # bm25() is lower-is-better; negate so scores rank like OpenSearch's.
                score=-rank,
                snippets=[escape_with_marks(snippet, _START, _END)],
                media_type=media_type,
                page_count=page_count,
                received_at=received_at,
                doc_type=doc_type,
                parent_id=parent_id,
                patient_id=patient_id,
            )
            for doc_id, rank, snippet, media_type, page_count, received_at, doc_type, parent_id, patient_id in rows
        ]
        return SearchResult(total=total, hits=hits)

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def clear(self) -> None:
        self.db.executescript("DELETE FROM documents_fts; DELETE FROM documents;")
