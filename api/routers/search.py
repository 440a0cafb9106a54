"""Full-text search over OCR text."""
from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Query

from api.deps import context
from workers.context import Context

router = APIRouter(tags=["search"])


@router.get("/search")
def search(
    q: str = Query(..., min_length=1, max_length=500, description="Words to find; all must match"),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=10_000),
    ctx: Context = Depends(context),
) -> dict:
    result = ctx.index.search(q, limit=limit, offset=offset)
    return {
        "total": result.total,
        "backend": ctx.index.name,
        "hits": [{**asdict(hit), "links": {"document": f"/documents/{hit.doc_id}"}} for hit in result.hits],
    }
