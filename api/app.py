"""The FastAPI application."""
from __future__ import annotations

from fastapi import FastAPI

from api import logging as access_logging
from api import problems
from api.routers import documents, search


def create_app() -> FastAPI:
    app = FastAPI(
        title="Clinidex",
        version="0.1.0",
        description="Document intake, OCR and search for records offices.",
    )
    access_logging.install()
    problems.install(app)
    app.include_router(documents.router)
    app.include_router(search.router)

    @app.get("/health", tags=["health"])
    def health() -> dict:
        from workers.context import get_context

        ctx = get_context()
        return {"status": "ok", "index": ctx.index.name, "documents_indexed": ctx.index.count()}

    return app


app = create_app()
