"""Page images, thumbnails and hit boxes for a document viewer.

Images are drawn in the geometry of the page's word boxes (GET /documents/{id}/pages/{n}), so
a box scaled by image width / page width lands on its word. The endpoints are plain `def`:
FastAPI runs them in its threadpool, so rendering never holds up the event loop.
"""
from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response

from api import problems
from api.deps import context
from workers import page_images
from workers.context import Context

router = APIRouter(tags=["pages"])

# Not `immutable`: the original never changes, but a page read again by a newer OCR version
# may change geometry behind the same URL. An hour in the browser, then a cheap revalidation
# (the ETag is known before any pixel is drawn). Private: a page image is patient data.
CACHE_CONTROL = "private, max-age=3600"
PNG_RESPONSES = {
    200: {"content": {"image/png": {}}, "description": "PNG image"},
    304: {"description": "Not modified (If-None-Match named the current ETag)"},
    422: {"description": "Invalid width, or the page cannot be rendered (problem details)",
          "content": {problems.PROBLEM_JSON: {"schema": problems.PROBLEM_SCHEMA}}},
}


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    return if_none_match.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]


def _image(request: Request, ctx: Context, doc_id: str, number: int, width: int) -> Response:
    pic = page_images.picture(ctx, doc_id, number, width)
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": pic.etag, "X-Content-Type-Options": "nosniff"}
    if _matches(request.headers.get("if-none-match"), pic.etag):
        return Response(status_code=304, headers=headers)
    try:
        data = page_images.png(ctx, pic)
    except page_images.UnrenderablePage as exc:
        return problems.problem(422, "The page cannot be shown", str(exc), "page_unrenderable", request.url.path)
    return Response(data, media_type="image/png", headers=headers)


@router.get("/documents/{doc_id}/pages/{number}/image", response_class=Response, responses=PNG_RESPONSES)
def page_image(
    request: Request,
    doc_id: str,
    number: int,
    width: int = Query(page_images.DEFAULT_WIDTH, ge=page_images.MIN_WIDTH, le=page_images.MAX_WIDTH,
                       description="Width of the image in pixels; the height keeps the page's aspect"),
    ctx: Context = Depends(context),
) -> Response:
    """Page `number` as a PNG, in the geometry of its word boxes (turned upright and
    deskewed as it was read), scaled to `width`."""
    return _image(request, ctx, doc_id, number, width)


@router.get("/documents/{doc_id}/pages/{number}/thumbnail", response_class=Response, responses=PNG_RESPONSES)
def page_thumbnail(request: Request, doc_id: str, number: int, ctx: Context = Depends(context)) -> Response:
    """Page `number` as a small PNG (160 pixels wide)."""
    return _image(request, ctx, doc_id, number, page_images.THUMBNAIL_WIDTH)


Q = Query(..., min_length=1, max_length=500, description="The search's words, as given to /search")


@router.get("/documents/{doc_id}/hits")
def document_hits(doc_id: str, q: str = Q, ctx: Context = Depends(context)) -> dict:
    """The word boxes of `q`'s hits on each page (pixels of the page as read: scale by the
    shown image's width / `width`). Pages without a hit are left out. `fuzzy` is true when the
    words were matched with OCR-damaged spellings, as search does when nothing matches as written."""
    return page_images.document_hits(ctx, doc_id, q)


@router.post("/documents/{doc_id}/hits")
def document_hits_post(doc_id: str, q: str = Body(..., embed=True, min_length=1, max_length=500),
                       ctx: Context = Depends(context)) -> dict:
    """As GET, with the words in the body ({"q": ...}), which keeps them out of URLs."""
    return page_images.document_hits(ctx, doc_id, q)
