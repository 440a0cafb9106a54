"""The audit trail, read by compliance: who accessed a patient's records between two dates
(the HIPAA accounting question), what one user accessed, and what happened to one object.
Reading it is itself an audited access (api/access.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import context
from api.search_service import patient_scope
from index.audit_log import AuditPage
from workers.audit_trail import audit_log
from workers.context import Context

router = APIRouter(prefix="/audit", tags=["audit"])

Since = Annotated[datetime | None, Query(description="From this instant (inclusive; ISO 8601 with zone)")]
Until = Annotated[datetime | None, Query(description="Up to this instant (exclusive)")]
Limit = Annotated[int, Query(ge=1, le=500)]


def _view(page: AuditPage) -> dict:
    return {"events": [e.model_dump(mode="json") for e in page.events], "next_cursor": page.next_cursor}


@router.get("/patients/{patient_id}")
def patient_accesses(patient_id: str, since: Since = None, until: Until = None, limit: Limit = 100,
                     cursor: str | None = None, ctx: Context = Depends(context)) -> dict:
    """Every recorded access to this patient's records (and to anyone merged into them),
    newest first: who, in what role, what they did, to which object, when, and how it ended."""
    page = audit_log(ctx).accesses_to_patient(list(patient_scope(ctx, patient_id)), since, until, limit=limit,
                                              cursor=cursor)
    return _view(page)


@router.get("/actors/{actor}")
def actor_accesses(actor: str, since: Since = None, until: Until = None, limit: Limit = 100,
                   cursor: str | None = None, ctx: Context = Depends(context)) -> dict:
    """Everything one user (the token's subject) did, newest first."""
    return _view(audit_log(ctx).accesses_by_actor(actor, since, until, limit=limit, cursor=cursor))


@router.get("/objects/{object_id}")
def object_events(object_id: str, limit: Limit = 100, cursor: str | None = None,
                  ctx: Context = Depends(context)) -> dict:
    """Everything that happened to one document (or hold, or load), newest first; kept after
    the document itself is destroyed."""
    return _view(audit_log(ctx).events_for_object(object_id, limit=limit, cursor=cursor))
