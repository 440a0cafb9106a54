"""The workbench's review queues and the decisions taken on them: type and field values
(workers.review.decide, as POST /review/{id}), and which patient a document belongs to
(workers.patient_links.link / unlink, as PUT and DELETE /documents/{id}/patient).

Who decided: the signed-in user, recorded with each decision as the JSON API records it."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import context
from api.web.security import reviewer_of, same_origin
from api.web.shared import find_document, not_found, people_for
from api.web.templating import render
from clinidex.doctypes import load_types
from clinidex.manifest import Manifest
from clinidex.patient import Demographics
from workers.context import Context
from workers.patient_links import InvalidLink, link, unlink, waiting
from workers.review import DATE_FIELDS, Decision, InvalidDecision, decide, queue

router = APIRouter(include_in_schema=False)

PAGE = 50
MATCH_QUEUES = {"matches": "match-review", "unmatched": "unmatched"}
# Where a decision sends the reviewer back to: a fixed list, never a URL taken from the form.
BACK = {"review": "/ui/review", "matches": "/ui/matches", "unmatched": "/ui/unmatched"}


def _back(back: str, doc_id: str) -> str:
    if back in BACK:
        return f"{BACK[back]}?done={doc_id}"
    return f"/ui/documents/{doc_id}"


def sentence(message: str) -> str:
    """An error message as the page shows it: capital first letter, full stop."""
    message = message.strip().rstrip(".")
    return f"{message[:1].upper()}{message[1:]}."


def _redirect(url: str, reviewer: str) -> Response:
    return RedirectResponse(url, status_code=303)


# Type and fields ----------------------------------------------------------------------------

def review_item(manifest: Manifest) -> dict:
    """What the decision form for one document shows."""
    values = manifest.fax_fields if manifest.children else manifest.fields
    fields = []
    for item in manifest.review:
        if item.startswith("field:"):
            name = item.removeprefix("field:")
            found = values.get(name)
            fields.append({"name": name, "value": found.value if found else "", "found": found,
                           "date": name in DATE_FIELDS})
    suggested = None
    if manifest.doc_type is not None:
        suggested = manifest.doc_type.key or manifest.doc_type.suggested
    return {"doc": manifest, "type_pending": "type" in manifest.review, "suggested": suggested, "fields": fields}


def _type_options() -> list[tuple[str, str]]:
    return [(t.key, t.label) for t in load_types()]


def _review_page(request: Request, items: list[Manifest], total: int, *, single: bool = False,
                 error: str | None = None, errored: str | None = None, done: Manifest | None = None,
                 status_code: int = 200) -> HTMLResponse:
    return render(request, "review.html", status_code=status_code, nav="review",
                  items=[review_item(m) for m in items], total=total, single=single, error=error, errored=errored,
                  done=done, types=_type_options(), reviewer=reviewer_of(request))


@router.get("/ui/review", response_class=HTMLResponse)
def review_page(request: Request, done: str | None = Query(None, max_length=64),
                ctx: Context = Depends(context)) -> HTMLResponse:
    items = queue(ctx)
    finished = find_document(ctx, done) if done else None
    return _review_page(request, items[:PAGE], len(items), done=finished)


@router.get("/ui/review/{doc_id}", response_class=HTMLResponse)
def review_one(doc_id: str, request: Request, ctx: Context = Depends(context)) -> HTMLResponse:
    manifest = find_document(ctx, doc_id)
    if manifest is None:
        return not_found(request, "No such document.")
    return _review_page(request, [manifest] if manifest.review else [], 1 if manifest.review else 0,
                        single=True)


@router.post("/ui/review/{doc_id}", dependencies=[Depends(same_origin)])
async def review_decision(doc_id: str, request: Request, ctx: Context = Depends(context)) -> Response:
    # The form's field names depend on what waits for review, so it is read whole; the store
    # and index work then runs off the event loop, as the JSON API's plain `def` routes do.
    form = await request.form()
    values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_review_decision, ctx, request, doc_id, values)


def _review_decision(ctx: Context, request: Request, doc_id: str, form: dict[str, str]) -> Response:
    manifest = find_document(ctx, doc_id)
    if manifest is None:
        return not_found(request, "No such document.")
    back = form.get("back", "review")
    reviewer = reviewer_of(request)

    def again(message: str) -> HTMLResponse:
        return _review_page(request, [manifest], 1, single=True, error=message, errored=doc_id,
                            status_code=422)

    if not manifest.review:
        # Decided meanwhile (by someone else, or this form sent twice): nothing left to record.
        return RedirectResponse(_back(back, doc_id), status_code=303)
    if not reviewer:
        return again("Enter your name as the reviewer: it is recorded with the decision.")
    # Only what the form showed is decided: an item that joined the queue after the page was
    # drawn stays queued rather than being cleared by a field the reviewer never saw.
    doc_type = None
    if "type" in manifest.review and "type" in form:
        doc_type = form["type"] or None
        if doc_type is None:
            return again("Choose the document's type.")
    fields = {item.removeprefix("field:"): " ".join(form[item].split()) or None
              for item in manifest.review if item.startswith("field:") and item in form}
    if doc_type is None and not fields:
        return again("Nothing to decide: the form did not hold any of what waits for review.")
    try:
        decide(ctx, doc_id, Decision(reviewer=reviewer, doc_type=doc_type, fields=fields))
    except InvalidDecision as exc:
        return again(sentence(str(exc)))
    return _redirect(_back(back, doc_id), reviewer)


# Patient match ------------------------------------------------------------------------------

def _match_page(request: Request, ctx: Context, which: str, done: str | None) -> HTMLResponse:
    items = waiting(ctx, MATCH_QUEUES[which])
    shown = items[:PAGE]
    people = people_for(ctx, (c.patient_id for m in shown for c in m.match.candidates))
    return render(request, "matches.html", nav=which, which=which, items=shown, total=len(items), people=people,
                  done=find_document(ctx, done) if done else None, reviewer=reviewer_of(request))


@router.get("/ui/matches", response_class=HTMLResponse)
def match_review_page(request: Request, done: str | None = Query(None, max_length=64),
                      ctx: Context = Depends(context)) -> HTMLResponse:
    return _match_page(request, ctx, "matches", done)


@router.get("/ui/unmatched", response_class=HTMLResponse)
def unmatched_page(request: Request, done: str | None = Query(None, max_length=64),
                   ctx: Context = Depends(context)) -> HTMLResponse:
    return _match_page(request, ctx, "unmatched", done)


@router.post("/ui/patients/find", response_class=HTMLResponse, dependencies=[Depends(same_origin)])
def find_patient(
    request: Request,
    doc_id: str = Form(..., max_length=64),
    given: str = Form("", max_length=100),
    family: str = Form("", max_length=100),
    birth_date: str = Form("", max_length=10),
    mrn: str = Form("", max_length=64),
    back: str = Form("unmatched", max_length=20),
    ctx: Context = Depends(context),
) -> HTMLResponse:
    """Patients resembling the given demographics, to link the document to one. A post, so the
    demographics stay out of URLs and the browser's history."""
    manifest = find_document(ctx, doc_id)
    if manifest is None:
        return not_found(request, "No such document.")
    fields = {"patient_name": " ".join(p for p in (given.strip(), family.strip()) if p),
              "birth_date": birth_date.strip(), "mrn": mrn.strip()}
    asked = {k: v for k, v in fields.items() if v}
    found = ctx.patients.candidates(Demographics.from_fields(asked), limit=20) if asked else []
    return render(request, "find_patient.html", nav=back if back in BACK else "unmatched", doc=manifest,
                  asked={"given": given, "family": family, "birth_date": birth_date, "mrn": mrn},
                  found=[(record, None) for record, _ in found], back=back, reviewer=reviewer_of(request))


def _patient_decision(request: Request, ctx: Context, doc_id: str, reviewer: str, back: str, act,
                      failed: str) -> Response:
    who = reviewer_of(request)
    if find_document(ctx, doc_id) is None:
        return not_found(request, "No such document.")
    origin = _back(back, doc_id).split("?")[0]
    if not who:
        return render(request, "problem.html", status_code=422, title="Who is deciding?",
                      message="Enter your name as the reviewer: it is recorded with the decision.", back=origin)
    try:
        act(who)
    except InvalidLink as exc:
        return render(request, "problem.html", status_code=422, title=failed, message=sentence(str(exc)),
                      back=origin)
    return _redirect(_back(back, doc_id), who)


@router.post("/ui/documents/{doc_id}/patient", dependencies=[Depends(same_origin)])
def link_patient(doc_id: str, request: Request, patient_id: str = Form(..., max_length=64),
                 reviewer: str = Form("", max_length=200), back: str = Form("document", max_length=20),
                 ctx: Context = Depends(context)) -> Response:
    """File the document under a patient (a first link or a reassignment)."""
    return _patient_decision(request, ctx, doc_id, reviewer, back, lambda who: link(ctx, doc_id, patient_id, who),
                             "The document was not linked")


@router.post("/ui/documents/{doc_id}/patient/unlink", dependencies=[Depends(same_origin)])
def unlink_patient(doc_id: str, request: Request, reviewer: str = Form("", max_length=200),
                   back: str = Form("document", max_length=20), ctx: Context = Depends(context)) -> Response:
    """"Not this patient": the document leaves its patient (or the match-review queue) for the
    unmatched queue."""
    return _patient_decision(request, ctx, doc_id, reviewer, back, lambda who: unlink(ctx, doc_id, who),
                             "The document was not unlinked")
