"""The web workbench: server-rendered pages under /ui for records staff (search, upload, the
document viewer, the review queues, holds). Pages call the same functions the JSON API calls;
the only script (static/workbench.js) adds upload progress and live status on top of forms
that work without it."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api import search_service
from api.deps import context
from api.routers import holds as holds_api
from api.routers.documents import accept_upload
from api.web import queues, signin, viewer
from api.web.search_form import SearchForm, facet_options, flag_count
from api.web.security import same_origin
from api.web.shared import not_found, people_for
from api.web.templating import HERE, render
from clinidex.errors import NotFound, TransientError
from clinidex.holds import HoldReleased, InvalidHold, scope_from
from index.base import SearchResult
from index.patients import get, resolve
from index.query import InvalidSearch, Sort
from ingest.errors import IntakeError
from workers import holds
from workers.context import Context


router = APIRouter(include_in_schema=False)
router.include_router(queues.router)
router.include_router(viewer.router)
router.include_router(signin.router)

STATIC = {"workbench.css": "text/css", "workbench.js": "text/javascript"}


@router.get("/ui/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        return Response(status_code=404)
    return FileResponse(HERE / "static" / name, media_type=STATIC[name],
                        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def run_search(ctx: Context, form: SearchForm, request: Request,
               patient_ids: tuple[str, ...] = ()) -> tuple[SearchResult | None, str | None, int]:
    """The result, or what to tell the user instead (with the status the page answers)."""
    try:
        return search_service.run(ctx, form.query(patient_ids), request), None, 200
    except InvalidSearch as exc:
        return None, str(exc), 400
    except TransientError:
        return None, "Search is unavailable at the moment. Try again in a minute.", 503


def result_page(request: Request, ctx: Context, template: str, form: SearchForm, base: str,
                patient_ids: tuple[str, ...] = (), **extra) -> HTMLResponse:
    result, error, status = run_search(ctx, form, request, patient_ids)
    people = people_for(ctx, (h.patient_id for h in result.hits)) if result else {}
    return render(request, template, status_code=status, form=form, result=result, error=error, people=people,
                  base=base, facet_options=facet_options, flag_count=flag_count, **extra)


@router.get("/ui", response_class=HTMLResponse)
def search_page(request: Request, ctx: Context = Depends(context)) -> HTMLResponse:
    form = SearchForm.read(request.query_params)
    return result_page(request, ctx, "search.html", form, "/ui", nav="search")


@router.get("/ui/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(patient_id: str, request: Request, ctx: Context = Depends(context)) -> HTMLResponse:
    record = get(ctx.patients, patient_id) if patient_id.isalnum() else None
    if record is None:
        return not_found(request, "No such patient.")
    current = resolve(ctx.patients, patient_id) if record.merged_into else record
    form = SearchForm.read(request.query_params)
    if "sort" not in request.query_params:
        # A patient's documents read newest first unless asked otherwise.
        form = replace(form, sort=Sort.newest)
    return result_page(request, ctx, "patient.html", form, f"/ui/patients/{patient_id}",
                       patient_ids=(patient_id,), patient=record, survivor=current if current is not record else None,
                       nav="search")


@router.get("/ui/holds", response_class=HTMLResponse)
def holds_page(request: Request, ctx: Context = Depends(context)) -> HTMLResponse:
    placed, released = request.query_params.get("placed", ""), request.query_params.get("released", "")
    return holds_view(request, ctx, placed=placed if placed.isalnum() else None,
                      released=released if released.isalnum() else None)


def holds_view(request: Request, ctx: Context, status_code: int = 200, **extra) -> HTMLResponse:
    """The holds in force with their release forms, the form to place one, and the held documents."""
    read = SearchForm.read(request.query_params)
    form = SearchForm(on_hold=True, sort=Sort.newest, cursor=read.cursor)
    page = result_page(request, ctx, "holds.html", form, "/ui/holds", nav="holds",
                       holds=holds.list_holds(ctx, active=True), **{"hold_form": {}, **extra})
    if page.status_code == 200:
        page.status_code = status_code
    return page


def _ids(value: str) -> list[str]:
    return value.replace(",", " ").split()


def _actor(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    return principal.subject if principal is not None else "anonymous"


@router.post("/ui/holds", dependencies=[Depends(same_origin)])
async def place_hold_form(request: Request, ctx: Context = Depends(context)) -> Response:
    """The hold form: the same `workers.holds.create` the JSON API calls."""
    posted = {k: str(v) for k, v in (await request.form()).items()}
    kind, ids = posted.get("kind", ""), _ids(posted.get("ids", ""))
    try:
        dates = {name: date.fromisoformat(posted[name]) if posted.get(name) else None
                 for name in ("date_from", "date_to")}
    except ValueError:
        return holds_view(request, ctx, 422, hold_form=posted, hold_error="Dates are written YYYY-MM-DD.")
    try:
        scope = scope_from(patient_ids=ids if kind == "patients" else (), doc_ids=ids if kind == "documents" else (),
                           text=posted.get("text", "") if kind == "query" else "",
                           **(dates if kind == "query" else {}))
        outcome = await run_in_threadpool(holds.create, ctx, matter_id=posted.get("matter_id", ""),
                                          reason=posted.get("reason", ""), scope=scope, actor=_actor(request))
    except InvalidHold as exc:
        return holds_view(request, ctx, 422, hold_form=posted, hold_error=str(exc))
    holds_api.audit(request, ctx, "hold_create", outcome)
    return RedirectResponse(f"/ui/holds?placed={outcome.hold.id}", status_code=303)


@router.post("/ui/holds/{hold_id}/release", dependencies=[Depends(same_origin)])
async def release_hold_form(hold_id: str, request: Request, ctx: Context = Depends(context)) -> Response:
    reason = str((await request.form()).get("reason") or "").strip() or None
    try:
        outcome = await run_in_threadpool(holds.release, ctx, hold_id, actor=_actor(request), reason=reason)
    except NotFound:
        return not_found(request, "No such hold.")
    except HoldReleased:
        return RedirectResponse("/ui/holds", status_code=303)
    holds_api.audit(request, ctx, "hold_release", outcome)
    return RedirectResponse(f"/ui/holds?released={hold_id}", status_code=303)


@router.get("/ui/upload", response_class=HTMLResponse)
def upload_page(request: Request, ctx: Context = Depends(context)) -> HTMLResponse:
    return render(request, "upload.html", nav="upload", max_bytes=ctx.settings.max_upload_bytes)


@router.post("/ui/upload", dependencies=[Depends(same_origin)])
async def upload_form(request: Request, file: UploadFile = File(...), ctx: Context = Depends(context)) -> Response:
    """The upload form without script: store, queue, and show the document's page."""
    try:
        receipt = await accept_upload(ctx, file)
    except IntakeError as exc:
        return render(request, "upload.html", status_code=exc.http_status, nav="upload",
                      max_bytes=ctx.settings.max_upload_bytes, error=str(exc))
    return RedirectResponse(f"/ui/documents/{receipt.manifest.doc_id}", status_code=303)
