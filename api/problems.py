"""Errors as RFC 7807 problem details, so every client sees one error shape (the FHIR facade
answers FHIR clients with OperationOutcome instead, api/routers/fhir.py)."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from clinidex.errors import ClinidexError, NotFound, TransientError
from index.query import InvalidSearch
from ingest.errors import IntakeError

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, code: str, instance: str | None = None, **extra) -> JSONResponse:
    body = {"type": f"/problems/{code}", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


# The schema every error response has, for the OpenAPI document.
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "URI reference naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The request path"},
        "errors": {"type": "array", "items": {"type": "object"}, "description": "Invalid parameters (422)"},
    },
}


def _described(description: str) -> dict:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}}


# Error responses every JSON route may give, as the OpenAPI document lists them.
RESPONSES = {
    400: _described("The request cannot be answered as asked (problem details)"),
    404: _described("No such document, page or patient (problem details)"),
    422: _described("Missing or invalid parameters (problem details, with `errors`)"),
    503: _described("A service the request needs is unavailable; retry after the Retry-After seconds"),
}


def _validation_errors(exc: RequestValidationError) -> list[dict]:
    # Where and what, never the rejected value itself (it may be a patient's name).
    return [{"location": [str(p) for p in e.get("loc", ())], "message": e.get("msg", "")} for e in exc.errors()]


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

    from api import guard

    @app.exception_handler(guard.Unauthenticated)
    async def unauthenticated(request: Request, exc: guard.Unauthenticated):
        return guard.denial(request, exc)

    @app.exception_handler(guard.Forbidden)
    async def forbidden(request: Request, exc: guard.Forbidden):
        return guard.denial(request, exc)

    @app.exception_handler(ClinidexError)
    async def declared(request: Request, exc: ClinidexError) -> JSONResponse:
        """Errors that declare their status (a held document 409, retention policy 503, ...)."""
        status = getattr(exc, "http_status", None)
        if status is None:
            raise exc
        extra = {"holds": exc.holds} if hasattr(exc, "holds") else {}
        return problem(status, type(exc).__name__, str(exc), getattr(exc, "code", "error"), request.url.path, **extra)

    @app.exception_handler(InvalidSearch)
    async def invalid_search(request: Request, exc: InvalidSearch) -> JSONResponse:
        return problem(400, "Invalid search", str(exc), "invalid_search", request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(422, "Invalid request", "Some parameters are missing or not valid.", "invalid_request",
                       request.url.path, errors=_validation_errors(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized", 403: "Forbidden"}
        response = problem(exc.status_code, titles.get(exc.status_code, "Request failed"), str(exc.detail),
                           f"http_{exc.status_code}", request.url.path)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response
