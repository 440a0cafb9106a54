"""The FastAPI application."""
from __future__ import annotations

import logging
import uuid

from fastapi import Depends, FastAPI, Request

from api import logging as access_logging
from api import guard, problems
from api.routers import (audit, deletion, documents, fhir, holds, metrics, pages, patients, retention, review,
                         search)
from api.web import routes as web
from clinidex import logs


log = logging.getLogger("clinidex.api")


def create_app() -> FastAPI:
    app = FastAPI(
        title="Clinidex",
        version="0.1.0",
        description="Document intake, OCR and search for records offices. Every call but /health, "
                    "/metrics, the API description and /fhir/metadata needs a bearer token "
                    "(roles: records_staff, clinician, compliance, admin); api/access.py lists who may "
                    "call what.",
        # One gate for every route: no endpoint can be added without passing it.
        dependencies=[Depends(guard.authorize)],
    )
    logs.configure()
    access_logging.install()
    problems.install(app)

    @app.middleware("http")
    async def request_ids(request: Request, call_next):
        # A caller's id is kept when it is a plain token, so logs can be joined across systems.
        given = request.headers.get("x-request-id", "")
        rid = given if given.isalnum() and len(given) <= 64 else uuid.uuid4().hex
        token = logs.request_id.set(rid)
        # The request's state dict exists before routing copies the scope, so the gate, the
        # endpoint and this middleware all share it (the caller, the audit note).
        request.state.ctx = None
        try:
            response = await call_next(request)
            try:
                await guard.write_audit(request, response.status_code)
            except Exception as exc:
                # Nothing leaves unaudited: the answer is withheld when its event cannot be kept.
                log.error("audit event not written: %s", type(exc).__name__)
                response = problems.problem(503, "Service temporarily unavailable",
                                            "The access could not be recorded; try again.", "audit_unavailable",
                                            request.url.path)
        finally:
            logs.request_id.reset(token)
        response.headers["X-Request-ID"] = rid
        return response
    for router in (documents.router, search.router, review.router, patients.router, pages.router, audit.router,
                   holds.router, deletion.router, retention.router):
        app.include_router(router, responses=problems.RESPONSES)
    app.include_router(metrics.router)
    app.include_router(fhir.router)
    app.include_router(web.router)

    @app.get("/health", tags=["health"])
    def health() -> dict:
        from workers.context import get_context

        ctx = get_context()
        return {"status": "ok", "index": ctx.index.name, "documents_indexed": ctx.index.count()}

    return app


app = create_app()
