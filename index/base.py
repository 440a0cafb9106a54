"""The index interface every backend implements, and the records that cross it."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from clinidex.manifest import Manifest

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

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> "IndexDocument":
        confidences = [p.mean_confidence for p in manifest.pages if p.mean_confidence is not None]
        return cls(
            doc_id=manifest.doc_id,
            state=manifest.state.value,
            media_type=manifest.media_type,
            received_at=manifest.received_at,
            page_count=len(manifest.pages),
            text=manifest.text,
            mean_confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
        )


@dataclass(frozen=True)
class Hit:
    doc_id: str
    score: float
    # HTML-escaped document text with matches wrapped in <em>...</em>.
    snippets: list[str] = field(default_factory=list)
    media_type: str | None = None
    page_count: int | None = None
    received_at: str | None = None


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]


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

    def search(self, query: str, limit: int = 20, offset: int = 0) -> SearchResult: ...

    def count(self) -> int: ...

    def clear(self) -> None:
        """Remove every document (tests and `clinidex reindex --fresh`)."""


def escape_with_marks(text: str, start: str, end: str) -> str:
    """HTML-escape text whose matches are delimited by private marker characters."""
    return html.escape(text).replace(start, HIGHLIGHT_PRE).replace(end, HIGHLIGHT_POST)
