"""The FHIR R4 facade (US Core DocumentReference; IHE MHD Document Responder: ITI-67 Find
Document References by GET and POST, ITI-68 Retrieve Document, Full-Text Search option).

Errors under /fhir are OperationOutcome resources with the HTTP status FHIR prescribes (400 for
a parameter that cannot be read, 404 for a resource that does not exist, 406 for a format we do
not serve), not the problem+json of the rest of the API: a FHIR client parses OperationOutcome
and nothing else. Every route of this router goes through `FhirRoute`, which does the mapping.
"""
from __future__ import annotations

import logging
from datetime import timezone
from email.utils import format_datetime
from typing import Callable, Iterable
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from api import search_service
from api.deps import context
from api.fhir import FHIR_JSON, params, resources
from api.fhir.capability import capability_statement
from clinidex.errors import NotFound, TransientError
from clinidex.manifest import Manifest, State
from clinidex.patient import Identifier
from clinidex.settings import get_settings
from index import patients as mpi
from index.query import InvalidSearch
from ingest.excerpt import NoExcerpt, page_excerpt
from workers.context import Context

log = logging.getLogger("clinidex.api.fhir")

_JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}
RESOURCE_TYPES = ("DocumentReference", "Binary", "Patient", "metadata")


class FhirError(Exception):
    def __init__(self, status: int, code: str, diagnostics: str, headers: dict | None = None) -> None:
        super().__init__(diagnostics)
        self.status, self.code, self.diagnostics, self.headers = status, code, diagnostics, headers


def fhir_response(body: dict, status: int = 200, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def _outcome(status: int, code: str, diagnostics: str, headers: dict | None = None) -> JSONResponse:
    return fhir_response(resources.operation_outcome(code, diagnostics), status, headers)


class FhirRoute(APIRoute):
    """Every error of a /fhir route as an OperationOutcome."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except FhirError as exc:
                return _outcome(exc.status, exc.code, exc.diagnostics, exc.headers)
            except params.SearchParamError as exc:
                return _outcome(400, exc.code, str(exc))
            except InvalidSearch as exc:  # a cursor we did not hand out, ...
                return _outcome(400, "invalid", str(exc))
            except NotFound:
                return _outcome(404, "not-found", "No such resource.")
            except TransientError:
                return _outcome(503, "transient", "A service this request needs is unavailable; retry later.",
                                {"Retry-After": "30"})
            except RequestValidationError:
                return _outcome(400, "invalid", "The request is not valid.")
            except HTTPException as exc:
                return _outcome(exc.status_code, "processing", str(exc.detail))

        return route


router = APIRouter(prefix="/fhir", tags=["fhir"], route_class=FhirRoute)


def fhir_base(request: Request) -> str:
    # Behind a proxy that rewrites the host, the request's own address is not the one clients
    # use: the configured public address wins.
    public = get_settings().public_base_url
    return (public or str(request.base_url)).rstrip("/") + "/fhir"


def _check_format(request: Request) -> None:
    """JSON only: `_format` (which MHD clients send) must name JSON; an Accept header that
    excludes JSON is answered 406."""
    fmt = request.query_params.get("_format")
    if fmt is not None and fmt.split(";")[0].strip().lower() not in _JSON_FORMATS:
        raise FhirError(406, "not-supported", "Only JSON is served (_format=json).")
    accept = request.headers.get("accept", "").lower()
    if accept and "xml" in accept and not any(t in accept for t in ("json", "*/*")):
        raise FhirError(406, "not-supported", "Only JSON is served (application/fhir+json).")


def _wants_resource(request: Request) -> bool:
    """Binary: the resource (base64 data) when JSON is asked for, else the document's bytes."""
    fmt = request.query_params.get("_format")
    if fmt is not None:
        return fmt.split(";")[0].strip().lower() in _JSON_FORMATS
    accept = request.headers.get("accept", "").lower()
    return "fhir+json" in accept or "application/json" in accept


def _strict(request: Request) -> bool:
    return "handling=strict" in request.headers.get("prefer", "").replace(" ", "").lower()


def _served(ctx: Context, doc_id: str) -> Manifest:
    """The document behind a read: indexed, and not a batch fax."""
    manifest = ctx.docs.find(doc_id) if doc_id.isalnum() else None
    if manifest is not None and manifest.state == State.destroyed:
        raise FhirError(410, "deleted", "The document was destroyed at the end of its retention.")
    if manifest is None or not resources.is_document(manifest):
        raise FhirError(404, "not-found", "No such document.")
    return manifest


def _last_modified(manifest: Manifest) -> dict:
    return {"Last-Modified": format_datetime(manifest.updated_at.astimezone(timezone.utc), usegmt=True)}


@router.get("/metadata")
def metadata(request: Request) -> Response:
    _check_format(request)
    return fhir_response(capability_statement(fhir_base(request), request.app.version))


@router.get("/DocumentReference")
def search_documents(request: Request, ctx: Context = Depends(context)) -> Response:
    """ITI-67 Find Document References / US Core DocumentReference searches."""
    _check_format(request)
    return fhir_response(run_search(ctx, request, request.query_params.multi_items()))


@router.post("/DocumentReference/_search")
async def search_documents_post(request: Request, ctx: Context = Depends(context)) -> Response:
    """The same search with the parameters in a form-encoded body (and any in the URL): no
    identifiers or words in the request URL."""
    _check_format(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if body and kind != "application/x-www-form-urlencoded":
        raise FhirError(415, "not-supported", "POST _search takes an application/x-www-form-urlencoded body.")
    try:
        form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise FhirError(400, "invalid", "The form body is not UTF-8.") from None
    pairs = [*request.query_params.multi_items(), *form]
    return fhir_response(await run_in_threadpool(run_search, ctx, request, pairs))


def run_search(ctx: Context, request: Request, pairs: Iterable[tuple[str, str]]) -> dict:
    base = fhir_base(request)

    def lookup(system: str, value: str) -> list[str]:
        return [r.patient_id for r in ctx.patients.by_identifier(Identifier(system=system, value=value))]

    parsed = params.parse(pairs, base=base, identifiers=lookup)
    if parsed.ignored and _strict(request):
        raise FhirError(400, "not-supported", f"Unknown search parameters: {', '.join(sorted(set(parsed.ignored)))}.")
    link_params = list(parsed.link_params)
    query = parsed.query
    cursor = params.page_cursor(parsed.seen, query.cursor) if query and query.cursor else None
    self_url = f"{base}/DocumentReference?{urlencode(link_params + ([('_cursor', cursor)] if cursor else []))}"
    if query is None:
        return resources.searchset([], 0, base, self_url, None)
    result = search_service.run(ctx, query, request)
    found = []
    if not parsed.count_only:
        for hit in result.hits:
            manifest = ctx.docs.find(hit.doc_id)
            # A hit whose manifest is gone was destroyed since the search; a batch fax never shows.
            if manifest is not None and not manifest.children:
                found.append(resources.document_reference(manifest, base))
    next_url = None
    shown = parsed.seen + len(result.hits)
    # The index hands out a cursor after every full page; past the total there is nothing to get.
    if result.next_cursor and not parsed.count_only and shown < result.total:
        next_cursor = params.page_cursor(shown, result.next_cursor)
        next_url = f"{base}/DocumentReference?{urlencode(link_params + [('_cursor', next_cursor)])}"
    outcome = None
    if result.fuzzy:
        outcome = resources.operation_outcome(
            "informational", "No document matched the words exactly; these match OCR-damaged spellings of them.",
            severity="information")
    return resources.searchset(found, result.total, base, self_url, next_url, outcome)


@router.get("/DocumentReference/{doc_id}")
def read_document(doc_id: str, request: Request, ctx: Context = Depends(context)) -> Response:
    _check_format(request)
    manifest = _served(ctx, doc_id)
    return fhir_response(resources.document_reference(manifest, fhir_base(request)), headers=_last_modified(manifest))


@router.get("/Binary/{doc_id}")
def read_binary(doc_id: str, request: Request, ctx: Context = Depends(context)) -> Response:
    """ITI-68 Retrieve Document: the original as it arrived (a batch-fax piece: its own pages)."""
    manifest = _served(ctx, doc_id)
    data = None
    if manifest.parent_id and manifest.page_range:
        try:
            data = page_excerpt(ctx.docs.original(manifest), manifest.media_type, *manifest.page_range)
        except NoExcerpt:
            data = None  # a single image cannot have been split: its original is the document
    if _wants_resource(request):
        return fhir_response(resources.binary(manifest, data if data is not None else ctx.docs.original(manifest)),
                             headers=_last_modified(manifest))
    extension = {"application/pdf": "pdf", "image/tiff": "tif", "image/png": "png", "image/jpeg": "jpg"}
    # Named by document id: a stored file name may carry a patient's name.
    name = f"{manifest.doc_id}.{extension.get(manifest.media_type, 'bin')}"
    headers = {"Content-Disposition": f'inline; filename="{name}"',
               "X-Content-Type-Options": "nosniff", **_last_modified(manifest)}
    if data is not None:
        return Response(data, media_type=manifest.media_type, headers=headers)
    return StreamingResponse(ctx.docs.stream_original(manifest), media_type=manifest.media_type,
                             headers={**headers, "Content-Length": str(manifest.size)})


@router.get("/Patient/{patient_id}")
def read_patient(patient_id: str, request: Request, ctx: Context = Depends(context)) -> Response:
    _check_format(request)
    record = mpi.get(ctx.patients, patient_id) if patient_id.isalnum() else None
    if record is None:
        raise FhirError(404, "not-found", "No such patient.")
    replaces = ctx.patients.merged_ids(record.patient_id) if record.merged_into is None else []
    return fhir_response(resources.patient(record, replaces))


@router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def unsupported(rest: str, request: Request) -> Response:
    first = rest.split("/", 1)[0]
    if first in RESOURCE_TYPES:
        raise FhirError(405, "not-supported", f"{request.method} is not supported here.")
    raise FhirError(404, "not-supported", "This server serves DocumentReference, Binary and Patient.")
