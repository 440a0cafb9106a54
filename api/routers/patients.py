"""The master patient index and which patient each document is filed under.

Loads: `POST /patients/imports` keeps the file and queues it; `GET /patients/imports/{id}`
gives its summary (how many loaded, merged and rejected, with each rejection's line or
segment). Matches: the two queues records staff work (`/matches/review`: candidates found but
no safe decision; `/matches/unmatched`: nobody good enough, or too little to go on), and
link / reassign (`PUT /documents/{id}/patient`) and unlink (`DELETE`). The deciding person
comes from the signed-in user's token.
"""
from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import context
from api.guard import principal_of
from api.problems import problem
from api.routers.documents import read_limited
from api.views import patient_view, summary
from clinidex.errors import NotFound
from clinidex.patient import Demographics
from index.patients import get, resolve
from workers.context import Context
from workers.mpi import new_load_id, source_key, summary_key
from workers.patient_links import InvalidLink, link, patient_docs, unlink, waiting

router = APIRouter(tags=["patients"])

FORMATS = ("csv", "fhir-ndjson", "fhir-bundle", "hl7")


@router.post("/patients/imports", status_code=202)
async def import_patients(
    file: Annotated[UploadFile, File(description="CSV, FHIR Patient NDJSON or Bundle, or HL7 v2 ADT messages")],
    format: Annotated[str | None, Query(description=f"One of {', '.join(FORMATS)}; read from the content when unset")] = None,
    ctx: Context = Depends(context),
):
    if format is not None and format not in FORMATS:
        return problem(422, "Unknown format", f"format must be one of {', '.join(FORMATS)}", "unknown_format")
    data = await read_limited(file, ctx.settings.max_upload_bytes)
    load_id = new_load_id()
    await run_in_threadpool(ctx.docs.objects.put, source_key(load_id), data)
    from workers.tasks import load_patients

    await run_in_threadpool(load_patients.delay, load_id, format)
    return JSONResponse({"load_id": load_id, "status": "queued", "links": {"self": f"/patients/imports/{load_id}"}},
                        status_code=202, headers={"Location": f"/patients/imports/{load_id}"})


@router.get("/patients/imports/{load_id}")
def import_status(load_id: str, ctx: Context = Depends(context)) -> dict:
    if ctx.docs.objects.exists(summary_key(load_id)):
        return {"status": "done", **json.loads(ctx.docs.objects.get(summary_key(load_id)))}
    if ctx.docs.objects.exists(source_key(load_id)):
        return {"load_id": load_id, "status": "queued"}
    raise NotFound("No such patient import.")


@router.get("/patients")
def find_patients(
    ctx: Context = Depends(context),
    given: str | None = None, family: str | None = None, birth_date: str | None = None,
    mrn: str | None = None, issuer: str | None = None, limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> dict:
    """Patients that look like the given demographics, best first (for picking whom to link)."""
    fields = {"patient_name": " ".join(p for p in (given, family) if p), "birth_date": birth_date or "",
              "mrn": mrn or "", "mrn_issuer": issuer or ""}
    query = Demographics.from_fields({k: v for k, v in fields.items() if v})
    found = ctx.patients.candidates(query, limit=limit)
    return {"total": len(found), "items": [patient_view(record) for record, _ in found]}


@router.get("/patients/{patient_id}")
def get_patient(patient_id: str, ctx: Context = Depends(context)) -> dict:
    record = get(ctx.patients, patient_id)
    if record is None:
        raise NotFound("No such patient.")
    current = resolve(ctx.patients, patient_id) if record.merged_into else record
    return {**patient_view(record),
            "survivor": patient_view(current) if current is not None and current is not record else None,
            "documents": sorted(ctx.docs.marked(patient_docs(record.patient_id)))}


def _queue(ctx: Context, queue: str, limit: int) -> dict:
    items = waiting(ctx, queue)
    return {"total": len(items), "items": [_match_item(ctx, m) for m in items[:limit]]}


def _match_item(ctx: Context, manifest) -> dict:
    match = manifest.match
    people = ctx.patients.get_many(c.patient_id for c in match.candidates)
    return {
        **summary(manifest),
        "type": manifest.doc_type.key if manifest.doc_type else None,
        "fields": {k: v.value for k, v in manifest.fields.items() if v.applied},
        "match": {**match.model_dump(mode="json", exclude={"candidates"}),
                  "candidates": [{**c.model_dump(mode="json", exclude={"vector"}),
                                  "patient": patient_view(people[c.patient_id]) if c.patient_id in people else None}
                                 for c in match.candidates]},
        "links": {"self": f"/documents/{manifest.doc_id}/patient"},
    }


@router.get("/matches/review")
def review_queue(ctx: Context = Depends(context), limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    return _queue(ctx, "match-review", limit)


@router.get("/matches/unmatched")
def unmatched_queue(ctx: Context = Depends(context), limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    return _queue(ctx, "unmatched", limit)


@router.get("/documents/{doc_id}/patient")
def document_patient(doc_id: str, ctx: Context = Depends(context)) -> dict:
    manifest = ctx.docs.load(doc_id)
    if manifest.match is None:
        return {**summary(manifest), "match": None, "decisions": []}
    return {**_match_item(ctx, manifest), "decisions": ctx.docs.link_decisions(doc_id)}


class LinkBody(BaseModel):
    patient_id: str = Field(description="The MPI id of the patient to file the document under")


@router.put("/documents/{doc_id}/patient")
def put_document_patient(doc_id: str, body: LinkBody, request: Request, ctx: Context = Depends(context)):
    try:
        manifest = link(ctx, doc_id, body.patient_id, principal_of(request).subject)
    except InvalidLink as exc:
        return problem(422, "Cannot link the document", str(exc), "invalid_link")
    return _match_item(ctx, manifest)


@router.delete("/documents/{doc_id}/patient")
def delete_document_patient(doc_id: str, request: Request, ctx: Context = Depends(context)):
    try:
        manifest = unlink(ctx, doc_id, principal_of(request).subject)
    except InvalidLink as exc:
        return problem(422, "Cannot unlink the document", str(exc), "invalid_link")
    return _match_item(ctx, manifest)
