"""The index interface every backend implements, and the records that cross it."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from clinidex.manifest import Manifest
from index.query import FacetValue, SearchQuery

HIGHLIGHT_PRE = "<em>"
HIGHLIGHT_POST = "</em>"


@dataclass(frozen=True)
class IndexDocument:
    doc_id: str
    state: str
    media_type: str
    received_at: datetime
    page_count: int
    text: str
    mean_confidence: float | None = None
    doc_type: str | None = None  # a key of clinidex/doctypes.json; None while unsure
    loinc_code: str | None = None
    parent_id: str | None = None  # the batch fax this document was split from
    review_pending: bool = False
    low_confidence: bool = False
    # Applied metadata only (values left empty by the confidence tiers are not indexed).
    fields: dict[str, str] = field(default_factory=dict)
    patient_id: str | None = None  # the linked patient (MPI id); None unless linked
    match_status: str | None = None  # linked | review | unmatched; None before matching
    holds: tuple[str, ...] = ()  # active legal holds (issue 8 sets them)
    batch: bool = False  # a batch fax split into documents: hidden from search unless asked for
    sender: str | None = None  # the fax cover's sender, when the document came with one
    # The last day it is kept (Manifest.retention); None: permanent or not computed. The
    # retention sweep finds what is due by it (`retention_due`); the manifest stays the truth.
    retain_until: date | None = None

    @property
    def clinical_date(self) -> date:
        """The date a clinician means by "when": the document's own date, else the date of
        service, else the day it was received."""
        for name in ("document_date", "service_date"):
            value = self.fields.get(name)
            if value:
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
        return self.received_at.date()

    @property
    def facility(self) -> str | None:
        """The sending facility: as extracted from the document, else the fax's sender."""
        return self.fields.get("facility") or self.sender

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> "IndexDocument":
        pages = manifest.pages
        if manifest.children:
            # A batch fax is searchable by its cover sheet only; its documents are their own entries.
            cover = set(manifest.metadata.get("cover_pages", []))
            pages = [p for p in pages if p.number in cover]
        confidences = [p.mean_confidence for p in pages if p.mean_confidence is not None]
        doc_type = manifest.doc_type.key if manifest.doc_type else None
        return cls(
            doc_id=manifest.doc_id,
            state=manifest.state.value,
            media_type=manifest.media_type,
            received_at=manifest.received_at,
            page_count=len(manifest.pages),
            text="\n\n".join(p.text for p in pages),
            mean_confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
            doc_type=doc_type,
            loinc_code=_loinc(doc_type),
            parent_id=manifest.parent_id,
            review_pending=bool(manifest.review),
            low_confidence=bool(manifest.metadata.get("low_confidence")),
            fields={k: v.value for k, v in manifest.fields.items() if v.applied and k in INDEXED_FIELDS},
            patient_id=manifest.match.patient_id if manifest.match and manifest.match.outcome == "linked" else None,
            match_status=manifest.match.outcome if manifest.match else None,
            holds=tuple(manifest.holds),
            batch=bool(manifest.children),
            sender=_sender(manifest),
            retain_until=manifest.retention.retain_until if manifest.retention else None,
        )


# The extracted fields an index entry carries (what search filters and result lists need).
INDEXED_FIELDS = ("patient_name", "birth_date", "mrn", "document_date", "service_date", "provider", "facility")


def _sender(manifest: Manifest) -> str | None:
    found = manifest.fax_fields.get("sender")
    return found.value if found is not None and found.applied else None


def _loinc(key: str | None) -> str | None:
    from clinidex.doctypes import types_by_key

    found = types_by_key().get(key) if key else None
    return found.loinc_code if found else None


@dataclass(frozen=True)
class Hit:
    doc_id: str
    score: float
    # HTML-escaped document text with matches wrapped in <em>...</em>.
    snippets: list[str] = field(default_factory=list)
    media_type: str | None = None
    page_count: int | None = None
    received_at: str | None = None
    doc_type: str | None = None
    parent_id: str | None = None
    patient_id: str | None = None
    date: str | None = None  # the clinical date (IndexDocument.clinical_date), YYYY-MM-DD
    facility: str | None = None
    match_status: str | None = None
    loinc_code: str | None = None
    low_confidence: bool = False
    review_pending: bool = False
    on_hold: bool = False
    batch: bool = False
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    next_cursor: str | None = None  # None on the last page
    fuzzy: bool = False  # nothing matched exactly; these hits matched OCR-damaged spellings


class SearchBackend(Protocol):
    name: str

    def setup(self) -> None:
        """Create indices or tables if missing. Idempotent."""

    def put(self, doc: IndexDocument) -> None:
        """Insert or replace one document; searchable after the next refresh (OpenSearch
        refreshes every second; the embedded backend at once)."""

    def delete(self, doc_id: str) -> None: ...

    def refresh(self) -> None:
        """Make every write so far visible to search now (tests, `clinidex reindex`)."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def put_many(self, docs: list[IndexDocument]) -> None:
        """Insert or replace documents in one bulk write (`clinidex reindex`)."""

    def count(self) -> int: ...

    def retention_due(self, today: date, after: tuple[str, str] | None = None,
                      limit: int = 500) -> list[tuple[str, date]]:
        """Entries whose retention is over (retain_until before `today`), as (doc_id,
        retain_until) in (retain_until, doc_id) order, starting after `after` =
        (retain_until as YYYY-MM-DD, doc_id). Held entries are included: the sweep checks holds
        on the manifest, which stays the truth."""

    def clear(self) -> None:
        """Remove every document (tests and `clinidex reindex --fresh`)."""


def escape_with_marks(text: str, start: str, end: str) -> str:
    """HTML-escape text whose matches are delimited by private marker characters."""
    return html.escape(text).replace(start, HIGHLIGHT_PRE).replace(end, HIGHLIGHT_POST)
