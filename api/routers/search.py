"""Full-text search over OCR text, with filters, facets and cursor paging."""
from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from api import search_service
from api.deps import context
from index.query import MATCH_STATUSES, Filters, InvalidSearch, SearchQuery, Sort
from workers.context import Context

router = APIRouter(tags=["search"])

MAX_LIMIT = 100


class SearchFilters(BaseModel):
    patient: list[str] = Field(default_factory=list, description="MPI ids; a merged patient's documents count")
    type: list[str] = Field(default_factory=list, description="Document type keys")
    loinc: list[str] = Field(default_factory=list, description="LOINC document codes")
    date_from: date | None = Field(None, description="Clinical date (document, else service, else received) from")
    date_to: date | None = None
    received_from: date | None = None
    received_to: date | None = None
    facility: list[str] = Field(default_factory=list, description="Sending facility, as the facet lists it")
    status: list[str] = Field(default_factory=list, description="Patient match status: linked, review, unmatched")
    needs_review: bool | None = Field(None, description="Type or field values wait for records staff")
    on_hold: bool | None = None
    low_confidence: bool | None = None
    include_batches: bool = Field(False, description="Also list batch faxes (their documents are listed anyway)")

    def to_filters(self) -> Filters:
        unknown = sorted(set(self.status) - set(MATCH_STATUSES))
        if unknown:
            raise InvalidSearch(f"status must be one of {', '.join(MATCH_STATUSES)}")
        return Filters(patient_ids=tuple(self.patient), doc_types=tuple(self.type), loinc_codes=tuple(self.loinc),
                       date_from=self.date_from, date_to=self.date_to, received_from=self.received_from,
                       received_to=self.received_to, facilities=tuple(self.facility),
                       match_statuses=tuple(self.status), review_pending=self.needs_review, on_hold=self.on_hold,
                       low_confidence=self.low_confidence, include_batches=self.include_batches)


class SearchBody(SearchFilters):
    q: str = Field("", max_length=500, description='Words to find (all must match); "quoted phrases"; '
                                                     "empty: every document the filters allow")
    sort: Sort = Sort.relevance
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, description="next_cursor of the previous page")
    facets: bool = True


def _run(ctx: Context, body: SearchBody, request: Request) -> dict:
    query = SearchQuery(text=body.q, filters=body.to_filters(), sort=body.sort, limit=body.limit,
                        cursor=body.cursor, facets=body.facets)
    result = search_service.run(ctx, query, request)
    next_link = None
    if result.next_cursor:
        # The next page's link repeats the query the client sent (GET), with the new cursor.
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        next_link = f"/search?{urlencode([*params, ('cursor', result.next_cursor)])}" if request.method == "GET" else None
    return search_service.result_view(result, ctx.index.name, next_link)


@router.get("/search")
def search(
    request: Request,
    body: Annotated[SearchBody, Query()],
    ctx: Context = Depends(context),
) -> dict:
    """Search documents. Clinical abbreviations match their words and back (MI, myocardial
    infarction); when nothing matches exactly, OCR-damaged spellings are tried (`fuzzy: true`)."""
    return _run(ctx, body, request)


@router.post("/search")
def search_post(body: SearchBody, request: Request, ctx: Context = Depends(context)) -> dict:
    """The same search with a JSON body: long filter lists, and no query words in URLs (which
    end up in proxy logs)."""
    return _run(ctx, body, request)


@router.get("/patients/{patient_id}/documents", tags=["patients"])
def patient_documents(
    patient_id: str,
    request: Request,
    q: str = Query("", max_length=500),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
    ctx: Context = Depends(context),
) -> dict:
    """Everything filed for one patient (and anyone merged into them), newest first."""
    body = SearchBody(q=q, patient=[patient_id], limit=limit, cursor=cursor, sort=Sort.newest, facets=True)
    return _run(ctx, body, request)
