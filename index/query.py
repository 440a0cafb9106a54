"""What a search asks for and what it answers, shared by every backend and every caller (the
search API, the FHIR facade, the web pages, the CLI).

Both backends apply the same filters and the same matching rule (every query word, or one of
its synonyms, must match; when nothing matches, the words are matched again with the edit
distances of `index/query_text.py`); they may rank differently. Paging is by cursor
(`search_after`): a page's cursor holds the sort values of its last hit, so page 500 costs what
page 1 does and a document indexed meanwhile never shifts a page.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum


class Sort(StrEnum):
    relevance = "relevance"
    newest = "newest"  # by the document's clinical date (document date, else service, else received)
    oldest = "oldest"


# Facets every search counts over its filtered results (value -> documents).
FACETS = ("doc_type", "facility", "match_status", "year", "low_confidence", "on_hold", "review_pending")
MATCH_STATUSES = ("linked", "review", "unmatched")


@dataclass(frozen=True)
class Filters:
    """All given conditions must hold; a tuple matches any of its values."""

    patient_ids: tuple[str, ...] = ()  # the caller expands merged patients (api/search_service.py)
    doc_types: tuple[str, ...] = ()  # keys of clinidex/doctypes.json
    loinc_codes: tuple[str, ...] = ()
    # On the clinical date (document date, else service date, else the day it was received).
    date_from: date | None = None
    date_to: date | None = None
    # On the day the document was received.
    received_from: date | None = None
    received_to: date | None = None
    facilities: tuple[str, ...] = ()  # the sending facility, exactly as the facet lists it
    match_statuses: tuple[str, ...] = ()  # linked | review | unmatched
    review_pending: bool | None = None  # type or field values wait for records staff
    on_hold: bool | None = None
    low_confidence: bool | None = None
    doc_ids: tuple[str, ...] = ()
    # Types the caller may not see (sensitive types, api/access.py): never listed or counted.
    exclude_doc_types: tuple[str, ...] = ()
    # A batch fax is split into its documents; the fax itself is hidden unless asked for.
    include_batches: bool = False


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""  # empty: every document the filters allow
    filters: Filters = field(default_factory=Filters)
    sort: Sort = Sort.relevance
    limit: int = 20
    cursor: str | None = None  # from the previous page's SearchResult.next_cursor
    facets: bool = False

    @property
    def effective_sort(self) -> Sort:
        # Relevance means nothing without words: a patient's documents come newest first.
        return Sort.newest if self.sort == Sort.relevance and not self.text.strip() else self.sort

    def next_page(self, cursor: str) -> "SearchQuery":
        return replace(self, cursor=cursor)


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    """Raises BadCursor for anything a previous page did not hand out."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("The page cursor is not one this service handed out.") from exc
    if not isinstance(values, list) or len(values) != 2 or not isinstance(values[1], str):
        raise BadCursor("The page cursor is not one this service handed out.")
    return values


class InvalidSearch(ValueError):
    """A search that cannot be run as asked (the API answers 400 with this message)."""


class BadCursor(InvalidSearch):
    pass


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
