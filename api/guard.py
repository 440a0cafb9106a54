"""The one gate every request passes: find the route's rule (api/access.py), verify the caller's
token, check the role, hide sensitive document types from roles not cleared for them, and
write the audit event once the response is known.

Tokens come as `Authorization: Bearer ...`, or for the web workbench from the HttpOnly session
cookie its sign-in page sets (browsers cannot add headers to a page load). A cookie is sent by
the browser on its own, so a state-changing request carried by the cookie must come from our
own pages (Origin/Referer), which stops cross-site forgery.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api import problems
from api.access import Rule, rule_for
from api.deps import context
from api.auth import AuthError, Principal, Role, verifier
from clinidex.audit import AuditEntry
from clinidex.doctypes import load_types
from clinidex.errors import ClinidexError, NotFound
from clinidex.manifest import State
from clinidex.logs import request_id
from workers.audit_trail import record
from workers.context import Context, get_context

log = logging.getLogger("clinidex.api.access")

SESSION_COOKIE = "clinidex_session"
_SAFE = {"GET", "HEAD", "OPTIONS"}


@dataclass
class AuditNote:
    """What one request did, filled in as it goes; written once the outcome is known."""

    rule: Rule | None
    principal: Principal | None = None
    object_type: str | None = None
    object_id: str | None = None
    patient_ids: set[str] = field(default_factory=set)
    details: dict = field(default_factory=dict)


class Gone(ClinidexError):
    http_status = 410
    code = "destroyed"


# What may still be asked of a destroyed document: its tombstone, and delete (which says 410).
_TOMBSTONE_ROUTES = {("GET", "/documents/{doc_id}"), ("DELETE", "/documents/{doc_id}"),
                     ("GET", "/fhir/DocumentReference/{doc_id}"), ("GET", "/ui/documents/{doc_id}")}


class Unauthenticated(Exception):
    pass


class Forbidden(Exception):
    pass


def sensitive_types(ctx: Context) -> tuple[str, ...]:
    marked = {t.key for t in load_types() if t.sensitive}
    marked |= {k.strip() for k in ctx.settings.sensitive_types.split(",") if k.strip()}
    return tuple(sorted(marked))


def cleared_for_sensitive(ctx: Context, principal: Principal | None) -> bool:
    allowed = {r.strip() for r in ctx.settings.sensitive_roles.split(",") if r.strip()}
    return principal is not None and any(r.value in allowed for r in principal.roles)


def hidden_types(ctx: Context, request: Request) -> tuple[str, ...]:
    """The document types this caller may not see, for search filters."""
    return () if cleared_for_sensitive(ctx, principal_of(request)) else sensitive_types(ctx)


def principal_of(request: Request) -> Principal | None:
    return getattr(request.state, "principal", None)


def note_of(request: Request) -> AuditNote | None:
    return getattr(request.state, "audit", None)


def _token(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else (None, False)


def _same_origin(request: Request) -> bool:
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return False
    theirs = urlsplit(source)
    return (theirs.scheme, theirs.netloc) == (request.url.scheme, request.url.netloc)


async def authorize(request: Request, ctx: Context = Depends(context)) -> None:
    """The app-wide dependency (api/app.py)."""
    request.state.ctx = ctx
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    found = rule_for(request.method, path)
    note = AuditNote(rule=found)
    request.state.audit = note
    if found is None:
        raise Forbidden("No access rule is declared for this endpoint.")
    if found.public:
        return
    token, from_cookie = _token(request)
    if not token:
        raise Unauthenticated("Sign-in is required (a bearer token).")
    try:
        principal = verifier(ctx.settings).verify(token)
    except AuthError as exc:
        raise Unauthenticated(str(exc)) from exc
    request.state.principal = note.principal = principal
    if from_cookie and request.method not in _SAFE and not _same_origin(request):
        raise Forbidden("This request did not come from a Clinidex page.")
    # What the request names is noted first, so a refusal is audited with it too.
    manifest = await run_in_threadpool(_note_objects, ctx, request, note)
    if not principal.roles & found.roles:
        raise Forbidden("Your role does not allow this.")
    if manifest is not None and manifest.state == State.destroyed and (request.method, path) not in _TOMBSTONE_ROUTES:
        # Its pages, words, images and original (which a batch fax may still hold) are gone
        # for every caller; only the tombstone itself is shown.
        raise Gone(f"Document {manifest.doc_id} was destroyed.")
    if manifest is not None:
        key = manifest.doc_type.key if manifest.doc_type else None
        if key in sensitive_types(ctx) and not cleared_for_sensitive(ctx, principal):
            # As if it did not exist: a refusal would tell that it does.
            raise NotFound(manifest.doc_id)


def _note_objects(ctx: Context, request: Request, note: AuditNote):
    """The objects a request names and the patients they belong to; the document's manifest
    when it names one."""
    params = request.path_params
    if "doc_id" in params:
        note.object_type, note.object_id = "document", params["doc_id"]
        manifest = ctx.docs.find(params["doc_id"])
        if manifest is not None and manifest.match and manifest.match.patient_id:
            note.patient_ids.add(manifest.match.patient_id)
        return manifest
    elif "patient_id" in params:
        note.object_type, note.object_id = "patient", params["patient_id"]
        note.patient_ids.add(params["patient_id"])
    else:
        for name in ("hold_id", "load_id", "actor", "object_id"):
            if name in params:
                note.object_type, note.object_id = name.removesuffix("_id"), params[name]
                break
    return None


def denial(request: Request, exc: Exception) -> Response:
    """401 or 403: problem+json for the API, a sign-in page for the workbench, and for FHIR
    the router's own OperationOutcome (api/routers/fhir.py maps HTTP errors)."""
    path = request.url.path
    status = 401 if isinstance(exc, Unauthenticated) else 403
    if path.startswith("/fhir"):
        from api.fhir.resources import operation_outcome

        code = "login" if status == 401 else "forbidden"
        response = JSONResponse(operation_outcome(code, str(exc)), status_code=status,
                                media_type="application/fhir+json")
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="clinidex"'
        return response
    if path.startswith("/ui"):
        if isinstance(exc, Unauthenticated) and request.method in _SAFE:
            return RedirectResponse(f"/ui/sign-in?next={quote(path)}", status_code=303)
        from api.web.templating import render

        return render(request, "problem.html", status_code=status, title="Not allowed",
                      message=f"{exc} Sign in as someone whose role allows it.", back="/ui")
    if isinstance(exc, Unauthenticated):
        response = problems.problem(401, "Unauthorized", str(exc), "unauthorized", path)
        response.headers["WWW-Authenticate"] = 'Bearer realm="clinidex"'
        return response
    return problems.problem(403, "Forbidden", str(exc), "forbidden", path)


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status in (401, 403):
        return "denied"
    return "not_found" if status == 404 else "error"


async def write_audit(request: Request, status: int) -> None:
    note = note_of(request)
    if note is None or (note.rule is not None and note.rule.public):
        return
    action = note.rule.action if note.rule else None
    if status == 401 or note.rule is None:
        action = "auth_denied"
    elif status == 403 and action is None:
        action = "auth_denied"
    if action is None:
        return
    principal = note.principal
    outcome = outcome_of(status)
    if note.details.get("refused"):
        outcome = "denied"  # e.g. a delete refused because of a legal hold (409)
    entry = AuditEntry(
        actor=principal.subject if principal else "anonymous",
        role=principal.role if principal else "",
        action=action,
        object_type=note.object_type,
        object_id=note.object_id,
        patient_ids=tuple(sorted(note.patient_ids)),
        request_id=request_id.get(),
        outcome=outcome,
        details={"method": request.method, "route": getattr(request.scope.get("route"), "path", None),
                 "status": status, **note.details},
    )
    await run_in_threadpool(record, getattr(request.state, "ctx", None) or get_context(), entry)


__all__ = ["AuditNote", "Forbidden", "Role", "SESSION_COOKIE", "Unauthenticated", "authorize", "denial",
           "hidden_types", "note_of", "principal_of", "write_audit"]
