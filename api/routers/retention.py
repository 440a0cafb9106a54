"""Retention for compliance: the policy in force, applying a changed policy to documents
already stored (shortening needs the compliance role and is audited per document), and the
sweep, dry run first."""
from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.deps import context
from api.guard import note_of, principal_of
from workers import retention
from workers.context import Context

router = APIRouter(prefix="/retention", tags=["retention"])


class ApplyBody(BaseModel):
    shorten: bool = Field(False, description="Also shorten retention the new policy shortens (compliance only)")
    dry_run: bool = Field(True, description="Count what would change; change nothing")


class SweepBody(BaseModel):
    dry_run: bool = Field(True, description="List what is due; destroy nothing")


@router.get("/policy")
def policy(ctx: Context = Depends(context)) -> dict:
    """The policy in force (its digest and source), and the last file refused, with its line."""
    return retention.policy_status(ctx)


@router.post("/policy/apply")
async def apply(body: ApplyBody, request: Request, ctx: Context = Depends(context)) -> dict:
    who = principal_of(request)
    report = await run_in_threadpool(retention.apply_policy, ctx, actor=who.subject, role=who.role,
                                     allow_shorten=body.shorten, dry_run=body.dry_run)
    found = asdict(report)
    note = note_of(request)
    if note is not None:
        note.details.update({"shorten": body.shorten, "dry_run": body.dry_run, "shortened": report.shortened})
    return found


@router.post("/sweep")
async def sweep(body: SweepBody, request: Request, ctx: Context = Depends(context)) -> dict:
    """Destroy what is past its retention with no hold in force; a dry run lists it."""
    who = principal_of(request)
    report = await run_in_threadpool(retention.sweep, ctx, dry_run=body.dry_run, actor=who.subject, role=who.role)
    return report.summary()
