"""Upload, status and originals."""
from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse

from api.deps import context
from api.views import detail, summary
from clinidex.errors import NotFound
from clinidex.store import original_key
from ingest.errors import TooLarge
from ingest.excerpt import NoExcerpt, page_excerpt
from workers.context import Context
from workers.intake import Receipt, enqueue, receive

router = APIRouter(tags=["documents"])
log = logging.getLogger("clinidex.api")

READ_CHUNK = 1024 * 1024


async def read_limited(upload: UploadFile, limit: int) -> bytes:
    chunks, total = [], 0
    while chunk := await upload.read(READ_CHUNK):
        total += len(chunk)
        if total > limit:
            raise TooLarge(f"The file is larger than the limit of {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def accept_upload(ctx: Context, file: UploadFile) -> Receipt:
    """Store an uploaded file and queue it (the JSON API and the workbench's upload form)."""
    data = await read_limited(file, ctx.settings.max_upload_bytes)
    # Storing and queuing block on the store and the broker: off the event loop, so one slow
    # service does not hold up every other request.
    receipt = await run_in_threadpool(receive, ctx, data, filename=file.filename, source="upload")
    try:
        await run_in_threadpool(enqueue, receipt)
    except Exception as exc:
        # Stored durably and marked in flight: the reconciler queues it once the broker is back.
        log.warning("document %s stored but not queued: %s", receipt.manifest.doc_id, type(exc).__name__)
    return receipt


@router.post("/documents", status_code=202, responses={200: {"description": "Already received"}})
async def upload_document(
    request: Request,
    file: Annotated[UploadFile, File(description="PDF, TIFF, PNG or JPEG; the type is read from the content")],
    ctx: Context = Depends(context),
):
    """Store the original, record the document and queue it for processing.

    Identical bytes sent again return the existing document with 200 and `duplicate: true`.
    """
    receipt = await accept_upload(ctx, file)
    body = {**summary(receipt.manifest), "duplicate": not receipt.created}
    status = 202 if receipt.created else 200
    return JSONResponse(body, status_code=status, headers={"Location": f"/documents/{receipt.manifest.doc_id}"})


@router.get("/documents/{doc_id}")
def get_document(doc_id: str, ctx: Context = Depends(context)) -> dict:
    manifest = ctx.docs.load(doc_id)
    receipts = [r.model_dump(mode="json", exclude={"doc_id"}) for r in ctx.docs.receipts(doc_id)]
    return {**detail(manifest), "receipts": receipts}


@router.get("/documents/{doc_id}/pages/{number}")
def get_page(doc_id: str, number: int, ctx: Context = Depends(context)) -> dict:
    """One page's reading with its word boxes (pixels of the page image as read, after any
    rotation and deskew the page record names)."""
    manifest = ctx.docs.load(doc_id)
    if manifest.parent_id and manifest.page_range:
        # A document split from a batch fax reads its pages from the fax (numbered its own way).
        first, last = manifest.page_range
        if not 1 <= number <= last - first + 1:
            raise NotFound(f"{doc_id}/{number}")
        page = ctx.docs.find_page(manifest.parent_id, first + number - 1)
        page = page.model_copy(update={"number": number}) if page else None
    else:
        page = ctx.docs.find_page(doc_id, number)
    if page is None:
        raise NotFound(f"{doc_id}/{number}")
    return page.model_dump(mode="json", exclude={"version"})


@router.get("/documents/{doc_id}/original", response_class=StreamingResponse)
def get_original(doc_id: str, ctx: Context = Depends(context)) -> Response:
    """The original as it arrived. A document split from a batch fax downloads as its own pages
    only: the fax may carry other patients' documents."""
    manifest = ctx.docs.load(doc_id)
    extension = {"application/pdf": "pdf", "image/tiff": "tif", "image/png": "png", "image/jpeg": "jpg"}
    # The stored file name may carry a patient's name, and headers end up in proxy logs: the
    # download is named by document id.
    name = f"{manifest.doc_id}.{extension.get(manifest.media_type, 'bin')}"
    if manifest.parent_id and manifest.page_range:
        try:
            data = page_excerpt(ctx.docs.original(manifest), manifest.media_type, *manifest.page_range)
        except NoExcerpt:
            data = None  # a single image cannot have been split: the original is the document
        if data is not None:
            return Response(data, media_type=manifest.media_type,
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    if not ctx.docs.objects.exists(original_key(manifest.sha256)):
        # Checked before streaming: once the headers are out, a missing object is a broken download.
        raise NotFound(doc_id)
    return StreamingResponse(
        ctx.docs.stream_original(manifest),
        media_type=manifest.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Content-Length": str(manifest.size)},
    )
