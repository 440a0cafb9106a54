"""The FastAPI application."""
from __future__ import annotations

import uuid

from fastapi import FastAPI, Request

from api import logging as access_logging
from api import problems
from api.routers import documents, fhir, metrics, pages, patients, review, search
from api.web import routes as web
from clinidex import logs


def create_app() -> FastAPI:
    app = FastAPI(
        title="Clinidex",
        version="0.1.0",
        description="Document intake, OCR and search for records offices.",
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
        try:
            response = await call_next(request)
        finally:
            logs.request_id.reset(token)
        response.headers["X-Request-ID"] = rid
        return response
    for router in (documents.router, search.router, review.router, patients.router, pages.router):
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
