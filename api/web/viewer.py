"""The document viewer: page images with the search's hits marked on them, and everything the
store knows about the document (type, fields with confidence, patient, history).

Hit boxes are drawn by the server as percentages of the page's size, so they sit on their
words at whatever width the browser shows the image, with no script."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import context
from api.web.security import reviewer_of
from api.web.shared import find_document, not_found, people_for
from api.web.templating import render
from clinidex.manifest import Manifest, State
from workers import page_images
from workers.context import Context

router = APIRouter(include_in_schema=False)

IMAGE_WIDTH = page_images.DEFAULT_WIDTH


@dataclass(frozen=True)
class Box:
    left: float  # per cent of the page's width or height
    top: float
    width: float
    height: float

    @property
    def style(self) -> str:
        return f"left:{self.left:.3f}%;top:{self.top:.3f}%;width:{self.width:.3f}%;height:{self.height:.3f}%"


@dataclass(frozen=True)
class PageView:
    number: int
    image: str
    thumbnail: str
    boxes: tuple[Box, ...] = ()


def scaled_boxes(page: dict) -> tuple[Box, ...]:
    """A page's hit boxes (pixels of the page as read) as percentages of its size."""
    width, height = page.get("width"), page.get("height")
    if not width or not height:
        return ()
    # A little padding around each word, so the mark frames it rather than cutting its edges.
    pad = 0.004 * width
    return tuple(Box(left=max(0.0, (b["left"] - pad) / width * 100), top=max(0.0, (b["top"] - pad) / height * 100),
                     width=(b["width"] + 2 * pad) / width * 100, height=(b["height"] + 2 * pad) / height * 100)
                 for b in page["boxes"])


def viewable(manifest: Manifest) -> bool:
    """Whether the pages have been read (their images are drawn in the reading's geometry)."""
    if manifest.state == State.destroyed:
        return False
    return bool(manifest.parent_id) or manifest.reached(State.ocr_done) or (
        manifest.state == State.failed and bool(manifest.pages))


def page_views(ctx: Context, manifest: Manifest, q: str) -> tuple[list[PageView], bool, int]:
    """The pages to show, whether the hits took the OCR-damage reading, and how many marks."""
    hits = page_images.document_hits(ctx, manifest.doc_id, q) if q else {"fuzzy": False, "pages": []}
    boxes = {page["number"]: scaled_boxes(page) for page in hits["pages"]}
    base = f"/documents/{manifest.doc_id}/pages"
    pages = [PageView(number=n, image=f"{base}/{n}/image?width={IMAGE_WIDTH}", thumbnail=f"{base}/{n}/thumbnail",
                      boxes=boxes.get(n, ())) for n in page_images.page_numbers(manifest)]
    return pages, hits["fuzzy"], sum(len(b) for b in boxes.values())


@router.get("/ui/documents/{doc_id}", response_class=HTMLResponse)
def document_page(doc_id: str, request: Request, q: str = Query("", max_length=500),
                  ctx: Context = Depends(context)) -> HTMLResponse:
    manifest = find_document(ctx, doc_id)
    if manifest is None:
        return not_found(request, "No such document.")
    q = q.strip()
    pages, fuzzy, marks = page_views(ctx, manifest, q) if viewable(manifest) else ([], False, 0)
    match = manifest.match
    people = people_for(ctx, [match.patient_id, *[c.patient_id for c in match.candidates]] if match else [])
    return render(
        request, "document.html", nav="search", doc=manifest, q=q, pages=pages, fuzzy=fuzzy, marks=marks,
        people=people, decisions=ctx.docs.link_decisions(doc_id) if match else [],
        receipts=ctx.docs.receipts(doc_id), reviewer=reviewer_of(request),
        finished=manifest.state in (State.indexed, State.failed, State.destroyed),
    )
