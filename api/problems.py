"""Errors as RFC 7807 problem details, so every client sees one error shape."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from clinidex.errors import NotFound, TransientError
from ingest.errors import IntakeError

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, code: str, instance: str | None = None) -> JSONResponse:
    body = {"type": f"/problems/{code}", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install(app: FastAPI) -> None:
    @app.exception_handler(IntakeError)
    async def intake_error(request: Request, exc: IntakeError) -> JSONResponse:
        return problem(exc.http_status, "The document was not accepted", str(exc), exc.code, request.url.path)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Not found", "No such document or page.", "not_found", request.url.path)

    @app.exception_handler(TransientError)
    async def unavailable(request: Request, exc: TransientError) -> JSONResponse:
        response = problem(503, "Service temporarily unavailable", str(exc), "unavailable", request.url.path)
        response.headers["Retry-After"] = "30"
        return response
