"""Deleting a document on request (compliance): destroyed the way the retention sweep destroys
an expired one (original, derived data, index entry; a destruction record in the audit trail),
unless a legal hold is in force on it or on a document sharing its original, which answers 409
naming the holds. Nobody can delete a held document: the hold must be released first.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.deps import context
from api.guard import note_of, principal_of
from api.problems import problem
from clinidex.manifest import State
from clinidex.store import ObjectLocked
from workers.context import Context
from workers.holds import Blocking, blocking_holds
from workers.retention import DocumentHeld, NotAtRest, destroy

router = APIRouter(tags=["documents"])


class DeleteIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000, description="Why (kept in the audit trail)")


def _held(request: Request, doc_id: str, blocking: list[Blocking]):
    listed = [{"id": b.hold_id, "matter_id": b.matter_id, "document": b.doc_id, "link": f"/holds/{b.hold_id}"}
              for b in blocking]
    names = ", ".join(dict.fromkeys(f"{b.hold_id} (matter {b.matter_id or 'unknown'})" for b in blocking))
    shared = any(b.doc_id != doc_id for b in blocking)
    detail = (f"The document is under legal hold and cannot be deleted: {names}."
              + (" A hold on a document sharing its original (a batch fax and its documents) keeps it too."
                 if shared else "")
              + " Release the hold first.")
    note = note_of(request)
    if note is not None:
        note.details.update({"refused": "legal_hold", "holds": sorted({b.hold_id for b in blocking})})
    return problem(409, "The document is on legal hold", detail, "held", request.url.path, holds=listed)


RESPONSES = {409: {"description": "On legal hold (problem details naming the holds), or still being processed"},
             410: {"description": "Destroyed already"}}


@router.delete("/documents/{doc_id}", responses=RESPONSES)
async def delete_document(doc_id: str, request: Request, ctx: Context = Depends(context),
                          body: Annotated[DeleteIn | None, Body()] = None):
    """Destroy the document now: its original (unless a document split from the same batch fax
    still needs it), its pages and derived data and its index entry. The audit events about it
    are kept, with its destruction record."""
    manifest = await run_in_threadpool(ctx.docs.load, doc_id)
    if manifest.state == State.destroyed:
        return problem(410, "Gone", "The document was destroyed already.", "destroyed", request.url.path)
    blocking = await run_in_threadpool(blocking_holds, ctx, manifest)
    if blocking:
        return _held(request, doc_id, blocking)
    principal = principal_of(request)
    reason = (body.reason if body else None) or "deleted on request"
    note = note_of(request)
    if note is not None:
        note.details.update({"reason": reason})
    actor, role = (principal.subject, principal.role) if principal else ("anonymous", "")
    try:
        await run_in_threadpool(destroy, ctx, manifest, actor=actor, role=role, reason=reason)
    except (DocumentHeld, ObjectLocked):
        # A hold placed between the check and the destruction: nothing was destroyed.
        blocking = await run_in_threadpool(blocking_holds, ctx, await run_in_threadpool(ctx.docs.load, doc_id))
        if blocking:
            return _held(request, doc_id, blocking)
        return problem(409, "The original is locked in storage", "Storage refused to delete the original: it "
                       "carries an Object Lock (a legal hold or retention period set outside Clinidex).",
                       "object_locked", request.url.path)
    except NotAtRest as exc:
        return problem(409, "The document is still being processed", str(exc), exc.code, request.url.path)
    tomb = await run_in_threadpool(ctx.docs.load, doc_id)
    destruction = tomb.destruction
    return {"id": doc_id, "status": tomb.state.value, "reason": reason,
            "destroyed_at": destruction.at.isoformat() if destruction else None,
            "original": destruction.original if destruction else None,
            "links": {"self": f"/documents/{doc_id}"}}
