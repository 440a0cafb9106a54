"""Embedded backend: SQLite FTS5 in one file, for a single machine with no services."""
from __future__ import annotations

import json
from datetime import date, timedelta

from index.base import INDEXED_FIELDS, Hit, IndexDocument, SearchResult, escape_with_marks
from index.query import FACETS, FacetValue, Filters, SearchQuery, Sort, decode_cursor, encode_cursor
from index.query_text import Clause, fuzzy_matches, parse
from index.sqlite_file import SqliteFile

# Private-use characters mark matches inside snippet(); they cannot occur in OCR text, so the
# text can be HTML-escaped safely before the marks become <em> tags.
_START, _END = "\ue000", "\ue001"
# Facet values listed per facet, as OpenSearch's terms aggregation is asked for.
FACET_SIZE = 20

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
CREATE VIRTUAL TABLE IF NOT EXISTS documents_terms USING fts5vocab(documents_fts, 'row');
"""
INDICES = """
CREATE INDEX IF NOT EXISTS documents_by_patient ON documents (patient_id, clinical_date);
CREATE INDEX IF NOT EXISTS documents_by_date ON documents (clinical_date, doc_id);
CREATE INDEX IF NOT EXISTS documents_by_retention ON documents (retain_until, doc_id);
"""


# Columns added after the first schema; setup() adds whichever an older file lacks.
ADDED_COLUMNS = ("doc_type", "loinc_code", "parent_id", "review_pending", "low_confidence", *INDEXED_FIELDS,
                 "patient_id", "match_status", "clinical_date", "facility_name", "holds", "on_hold", "batch",
                 "retain_until")
COLUMNS = ("doc_id", "state", "media_type", "received_at", "page_count", "mean_confidence", *ADDED_COLUMNS)
_HIT_COLUMNS = ("doc_id", "media_type", "page_count", "received_at", "doc_type", "parent_id", "patient_id",
                "clinical_date", "facility_name", "match_status", "loinc_code", "low_confidence", "review_pending",
                "on_hold", "batch", *INDEXED_FIELDS)
# Facet name -> the SQL expression it counts.
_FACET_SQL = {
    "doc_type": "d.doc_type",
    "facility": "d.facility_name",
    "match_status": "d.match_status",
    "year": "substr(d.clinical_date, 1, 4)",
    "low_confidence": "CASE d.low_confidence WHEN 1 THEN 'true' ELSE 'false' END",
    "on_hold": "CASE d.on_hold WHEN 1 THEN 'true' ELSE 'false' END",
    "review_pending": "CASE d.review_pending WHEN 1 THEN 'true' ELSE 'false' END",
}


def fts_query(clauses: list[Clause]) -> str | None:
    """Every clause must match, any of its phrases. Each token is quoted, which keeps FTS5
    syntax (AND, NEAR, column filters, stray quotes) out of the user's hands."""
    parts = []
    for clause in clauses:
        # FTS5 joins the strings of a phrase with "+".
        phrases = [" + ".join(f'"{w}"' for w in phrase) for phrase in clause.phrases]
        phrases = [f"({p})" if len(phrase) > 1 else p for p, phrase in zip(phrases, clause.phrases)]
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " AND ".join(parts) if parts else None


def _row(doc: IndexDocument) -> tuple:
    return (doc.doc_id, doc.state, doc.media_type, doc.received_at.isoformat(), doc.page_count,
            doc.mean_confidence, doc.doc_type, doc.loinc_code, doc.parent_id, int(doc.review_pending),
            int(doc.low_confidence), *(doc.fields.get(name) for name in INDEXED_FIELDS),
            doc.patient_id, doc.match_status, doc.clinical_date.isoformat(), doc.facility,
            json.dumps(list(doc.holds)), int(bool(doc.holds)), int(doc.batch),
            doc.retain_until.isoformat() if doc.retain_until else None)


def _where(filters: Filters) -> tuple[list[str], list]:
    conditions, args = [], []

    def any_of(column: str, values) -> None:
        if values:
            conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
            args.extend(values)

    def flag(column: str, value: bool | None) -> None:
        if value is not None:
            conditions.append(f"coalesce({column}, 0) = ?")
            args.append(int(value))

    any_of("d.patient_id", filters.patient_ids)
    any_of("d.doc_type", filters.doc_types)
    any_of("d.loinc_code", filters.loinc_codes)
    any_of("d.facility_name", filters.facilities)
    any_of("d.match_status", filters.match_statuses)
    any_of("d.doc_id", filters.doc_ids)
    if filters.exclude_doc_types:
        conditions.append(f"coalesce(d.doc_type, '') NOT IN ({', '.join('?' * len(filters.exclude_doc_types))})")
        args.extend(filters.exclude_doc_types)
    flag("d.review_pending", filters.review_pending)
    flag("d.on_hold", filters.on_hold)
    flag("d.low_confidence", filters.low_confidence)
    if not filters.include_batches:
        conditions.append("coalesce(d.batch, 0) = 0")
    if filters.date_from:
        conditions.append("d.clinical_date >= ?")
        args.append(filters.date_from.isoformat())
    if filters.date_to:
        conditions.append("d.clinical_date <= ?")
        args.append(filters.date_to.isoformat())
    # received_at is an ISO instant in UTC: compare against day boundaries.
    if filters.received_from:
        conditions.append("d.received_at >= ?")
        args.append(filters.received_from.isoformat())
    if filters.received_to:
        conditions.append("d.received_at < ?")
        args.append((filters.received_to + timedelta(days=1)).isoformat())
    return conditions, args


class EmbeddedBackend(SqliteFile):
    name = "embedded"

    def setup(self) -> None:
        self.db.executescript(SCHEMA)
        present = {row[1] for row in self.db.execute("PRAGMA table_info(documents)")}
        for column in ADDED_COLUMNS:
            if column not in present:
                self.db.execute(f"ALTER TABLE documents ADD COLUMN {column}")
        self.db.executescript(INDICES)

    def put(self, doc: IndexDocument) -> None:
        self.put_many([doc])

    def put_many(self, docs: list[IndexDocument]) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM documents_fts WHERE doc_id = ?", [(d.doc_id,) for d in docs])
            db.executemany(f"INSERT OR REPLACE INTO documents ({', '.join(COLUMNS)}) "
                           f"VALUES ({', '.join('?' * len(COLUMNS))})", [_row(d) for d in docs])
            db.executemany("INSERT INTO documents_fts (doc_id, text) VALUES (?, ?)",
                           [(d.doc_id, d.text) for d in docs])
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

    def search(self, query: SearchQuery) -> SearchResult:
        if not query.text.strip():
            return self._search(query, None)
        clauses = parse(query.text)
        if not clauses:
            return SearchResult(total=0, hits=[])
        result = self._search(query, fts_query(clauses))
        if result.total or query.cursor:
            return result
        fuzzy = self._fuzzy(query.text)
        if fuzzy is None:
            return result
        found = self._search(query, fuzzy)
        return SearchResult(found.total, found.hits, found.facets, found.next_cursor, fuzzy=True)

    def _fuzzy(self, text: str) -> str | None:
        """The words again, each standing for the indexed terms within its edit distance."""
        clauses = parse(text, synonyms=False)
        vocabulary = [row[0] for row in self.db.execute("SELECT term FROM documents_terms")]
        expanded = []
        for clause in clauses:
            for word in clause.words:
                terms = fuzzy_matches(word, vocabulary)
                if not terms:
                    return None
                expanded.append(Clause(tuple((t,) for t in terms)))
        return fts_query(expanded)

    def _search(self, query: SearchQuery, match: str | None) -> SearchResult:
        conditions, args = _where(query.filters)
        source = "documents d"
        rank = "0.0"
        if match is not None:
            # bm25() is lower-is-better; negated so scores rank like OpenSearch's.
            source = ("(SELECT doc_id AS fid, -bm25(documents_fts) AS score, "
                      f"snippet(documents_fts, 1, '{_START}', '{_END}', '…', 24) AS snip "
                      "FROM documents_fts WHERE documents_fts MATCH ?) f JOIN documents d ON d.doc_id = f.fid")
            args = [match, *args]
            rank = "f.score"
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        total = self.db.execute(f"SELECT count(*) FROM {source} {where}", args).fetchone()[0]
        facets = self._facets(source, where, args) if query.facets else {}

        sort = query.effective_sort
        key = {Sort.relevance: rank, Sort.newest: "d.clinical_date", Sort.oldest: "d.clinical_date"}[sort]
        descending = sort in (Sort.relevance, Sort.newest)
        page_conditions, page_args = list(conditions), list(args)
        if query.cursor:
            last, last_id = decode_cursor(query.cursor)
            op = "<" if descending else ">"
            page_conditions.append(f"({key} {op} ? OR ({key} = ? AND d.doc_id > ?))")
            page_args += [last, last, last_id]
        page_where = f"WHERE {' AND '.join(page_conditions)}" if page_conditions else ""
        snippet = "f.snip" if match is not None else "NULL"
        columns = ", ".join(f"d.{c}" for c in _HIT_COLUMNS)
        rows = self.db.execute(
            f"SELECT {rank}, {key}, {snippet}, {columns} FROM {source} {page_where} "
            f"ORDER BY {key} {'DESC' if descending else 'ASC'}, d.doc_id ASC LIMIT ?",
            [*page_args, query.limit + 1],  # one more than asked: is there a next page?
        ).fetchall()
        more, rows = len(rows) > query.limit, rows[:query.limit]
        hits = [_hit(row) for row in rows]
        next_cursor = encode_cursor([rows[-1][1], rows[-1][3]]) if more else None
        return SearchResult(total=total, hits=hits, facets=facets, next_cursor=next_cursor)

    def _facets(self, source: str, where: str, args: list) -> dict[str, list[FacetValue]]:
        facets = {}
        for name in FACETS:
            expr = _FACET_SQL[name]
            rows = self.db.execute(
                f"SELECT {expr} AS v, count(*) AS n FROM {source} {where} "
                f"GROUP BY v HAVING v IS NOT NULL ORDER BY n DESC, v ASC LIMIT {FACET_SIZE}", args).fetchall()
            facets[name] = [FacetValue(str(v), n) for v, n in rows]
        return facets

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def retention_due(self, today: date, after: tuple[str, str] | None = None,
                      limit: int = 500) -> list[tuple[str, date]]:
        condition, args = "retain_until < ?", [today.isoformat()]
        if after is not None:
            condition += " AND (retain_until > ? OR (retain_until = ? AND doc_id > ?))"
            args += [after[0], after[0], after[1]]
        rows = self.db.execute(f"SELECT doc_id, retain_until FROM documents WHERE {condition} "
                               "ORDER BY retain_until, doc_id LIMIT ?", [*args, limit]).fetchall()
        return [(doc_id, date.fromisoformat(until)) for doc_id, until in rows]

    def clear(self) -> None:
        self.db.executescript("DELETE FROM documents_fts; DELETE FROM documents;")


def _hit(row: tuple) -> Hit:
    score, _, snippet, *values = row
    d = dict(zip(_HIT_COLUMNS, values))
    return Hit(
        doc_id=d["doc_id"],
        score=float(score),
        snippets=[escape_with_marks(snippet, _START, _END)] if snippet else [],
        media_type=d["media_type"],
        page_count=d["page_count"],
        received_at=d["received_at"],
        doc_type=d["doc_type"],
        parent_id=d["parent_id"],
        patient_id=d["patient_id"],
        date=d["clinical_date"],
        facility=d["facility_name"],
        match_status=d["match_status"],
        loinc_code=d["loinc_code"],
        low_confidence=bool(d["low_confidence"]),
        review_pending=bool(d["review_pending"]),
        on_hold=bool(d["on_hold"]),
        batch=bool(d["batch"]),
        fields={name: d[name] for name in INDEXED_FIELDS if d[name] is not None},
    )
