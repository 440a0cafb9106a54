"""The review queue: what the machine was unsure of, and records staff's decisions."""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from api.deps import context
from api.guard import principal_of
from api.problems import problem
from api.views import review_view
from workers.context import Context
from workers.review import Decision, InvalidDecision, decide, queue, training_records

router = APIRouter(tags=["review"])


class DecisionBody(BaseModel):
    type: str | None = Field(None, description="Set or confirm the document type (a key of the type list)")
    fields: dict[str, str | None] = Field(default_factory=dict,
                                          description="Set a value (normal form, dates YYYY-MM-DD); null: none")
    confirm: list[str] = Field(default_factory=list, description='Review items accepted as they are, e.g. "field:mrn"')


@router.get("/review")
def list_review(ctx: Context = Depends(context), limit: int = 100) -> dict:
    items = queue(ctx)
    return {"total": len(items), "items": [review_view(m) for m in items[:limit]]}


@router.get("/review/export", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def export_corrections(ctx: Context = Depends(context)) -> StreamingResponse:
    """Reviewed documents as training examples (NDJSON: text, type, fields)."""
    lines = (json.dumps(record) + "\n" for record in training_records(ctx))
    return StreamingResponse(lines, media_type="application/x-ndjson")


@router.get("/review/{doc_id}")
def get_review(doc_id: str, ctx: Context = Depends(context)) -> dict:
    return review_view(ctx.docs.load(doc_id))


@router.post("/review/{doc_id}")
def post_decision(doc_id: str, body: DecisionBody, request: Request, ctx: Context = Depends(context)):
    # Who decided: the signed-in user.
    decision = Decision(reviewer=principal_of(request).subject, doc_type=body.type, fields=body.fields,
                        confirm=body.confirm)
    try:
        manifest = decide(ctx, doc_id, decision)
    except InvalidDecision as exc:
        return problem(422, "Invalid review decision", str(exc), "invalid_decision")
    return review_view(manifest)
