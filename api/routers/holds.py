"""Legal holds: compliance places a hold (matter, reason, and a scope of patients, documents or
a query with a clinical-date range), lists and reads them, and releases them. Placing and
releasing run in the request: they touch each named document once (a manifest, an index entry
and, on S3, the original's Object Lock legal hold).

The request's audit event (api/guard.py writes one per request) is filled in here: the hold,
its scope, how many documents it touched, and whose documents they are.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import context
from api.guard import note_of, principal_of
from api.problems import problem
from clinidex.audit import AuditEntry
from clinidex.errors import NotFound
from clinidex.holds import Hold, HoldReleased, HoldScope, InvalidHold
from clinidex.logs import request_id
from workers import holds
from workers.context import Context

router = APIRouter(tags=["holds"])

DOCS_PAGE = 100
MAX_DOCS_PAGE = 1000


class HoldIn(BaseModel):
    matter_id: str = Field(min_length=1, max_length=200, description="The legal matter (case) this hold is for")
    reason: str = Field(min_length=1, max_length=2000)
    scope: HoldScope = Field(description="Exactly one of: patient_ids, doc_ids, or query {text, date_from, date_to} "
                                         "(dates on the clinical date, inclusive)")


class ReleaseIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


def hold_view(hold: Hold) -> dict:
    return {
        **hold.model_dump(mode="json"),
        "active": hold.active,
        "links": {"self": f"/holds/{hold.id}", "release": f"/holds/{hold.id}/release"},
    }


def outcome_view(outcome: holds.HoldOutcome) -> dict:
    return {
        **hold_view(outcome.hold),
        "documents_affected": len(outcome.documents),
        "storage": outcome.storage,
        "notice": outcome.notice,
        "originals_missing": outcome.originals_missing,
        "originals_kept_locked": outcome.originals_kept_locked,
    }


def actor(request: Request) -> tuple[str, str]:
    principal = principal_of(request)
    return (principal.subject, principal.role) if principal else ("anonymous", "")


def audit(request: Request, ctx: Context, action: str, outcome: holds.HoldOutcome) -> None:
    details = {"hold_id": outcome.hold.id, "matter_id": outcome.hold.matter_id,
               "scope_kind": outcome.hold.scope.kind.value, "scope": outcome.hold.scope.model_dump(mode="json"),
               "documents": len(outcome.documents), "storage": outcome.storage}
    note = note_of(request)
    if note is not None:
        note.object_type, note.object_id = "hold", outcome.hold.id
        note.patient_ids.update(outcome.patient_ids)
        note.details.update(details)
        return
    # Outside the app's gate (nothing in production): record it here so no hold goes unaudited.
    from workers.audit_trail import record

    who, role = actor(request)
    record(ctx, AuditEntry(actor=who, role=role, action=action, object_type="hold", object_id=outcome.hold.id,
                           patient_ids=tuple(sorted(outcome.patient_ids)), request_id=request_id.get(),
                           details=details))


@router.post("/holds", status_code=201)
async def create_hold(body: HoldIn, request: Request, ctx: Context = Depends(context)):
    """Place a legal hold. It applies at once to every stored document in its scope and, until
    it is released, to every matching document ingested later. A held document cannot be
    deleted (409), the retention sweep skips it, and on S3 its original carries an Object Lock
    legal hold (`storage: "object_lock"`; `"application"` with a `notice` where storage cannot)."""
    who, _ = actor(request)
    try:
        outcome = await run_in_threadpool(holds.create, ctx, matter_id=body.matter_id, reason=body.reason,
                                          scope=body.scope, actor=who)
    except InvalidHold as exc:
        return problem(422, "The hold cannot be placed", str(exc), exc.code, request.url.path)
    audit(request, ctx, "hold_create", outcome)
    return JSONResponse(outcome_view(outcome), status_code=201, headers={"Location": f"/holds/{outcome.hold.id}"})


Active = Annotated[bool | None, Query(description="Only holds in force (true) or released (false)")]


@router.get("/holds")
def list_holds(ctx: Context = Depends(context), active: Active = None) -> dict:
    found = holds.list_holds(ctx, active)
    return {"total": len(found), "items": [hold_view(h) for h in found]}


@router.get("/holds/{hold_id}")
def get_hold(hold_id: str, request: Request, ctx: Context = Depends(context),
             limit: Annotated[int, Query(ge=1, le=MAX_DOCS_PAGE)] = DOCS_PAGE,
             cursor: Annotated[str | None, Query(description="The last document id of the previous page")] = None,
             ) -> dict:
    """The hold and the documents it was placed on (by id, a page at a time), each with its
    status and whether this hold is on it now (false once released)."""
    try:
        hold = holds.get_hold(ctx, hold_id)
    except NotFound:
        return problem(404, "Not found", "No such hold.", "not_found", request.url.path)
    doc_ids = holds.documents_of(ctx, hold_id)
    page = [d for d in doc_ids if cursor is None or d > cursor][:limit]
    documents = []
    for doc_id in page:
        manifest = ctx.docs.find(doc_id)
        documents.append({
            "id": doc_id,
            "status": manifest.state.value if manifest else "missing",
            "held": bool(manifest and hold.id in manifest.holds),
            "links": {"self": f"/documents/{doc_id}"},
        })
    more = bool(page) and page[-1] != (doc_ids[-1] if doc_ids else None)
    return {**hold_view(hold), "documents_total": len(doc_ids), "documents": documents,
            "next_cursor": page[-1] if more else None}


@router.post("/holds/{hold_id}/release")
async def release_hold(hold_id: str, request: Request, ctx: Context = Depends(context),
                       body: Annotated[ReleaseIn | None, Body()] = None):
    """Release the hold: only this hold's id is lifted from its documents. An original's Object
    Lock legal hold is turned off only when no other hold in force covers any document sharing
    it (a batch fax and the documents split from it share one)."""
    who, _ = actor(request)
    try:
        outcome = await run_in_threadpool(holds.release, ctx, hold_id, actor=who, reason=body.reason if body else None)
    except NotFound:
        return problem(404, "Not found", "No such hold.", "not_found", request.url.path)
    except HoldReleased as exc:
        return problem(409, "The hold was released already", str(exc), exc.code, request.url.path)
    audit(request, ctx, "hold_release", outcome)
    return outcome_view(outcome)
