"""A batch-fax piece's own pages, cut out of the fax's bytes.

A document split from a batch fax shares the fax's original (clinidex.manifest: same sha256),
and a batch fax often carries several patients' documents. What a FHIR client retrieves for one
patient's DocumentReference must be that document alone, so Binary answers with its pages only,
in the original's format: PDF pages copied as they are (no re-rendering), TIFF frames re-encoded
losslessly (Group 4 for bilevel fax pages).
"""
from __future__ import annotations

import io

from PIL import Image

from ingest import pdf

PDF = "application/pdf"
TIFF = "image/tiff"


class NoExcerpt(ValueError):
    """The original's format has no pages to cut out (a single image)."""


def page_excerpt(data: bytes, media_type: str, first: int, last: int) -> bytes:
    """Pages first..last (1-based, inclusive) of a PDF or multi-page TIFF."""
    if first < 1 or last < first:
        raise ValueError("page range")
    if media_type == PDF:
        return _pdf_pages(data, first, last)
    if media_type == TIFF:
        return _tiff_pages(data, first, last)
    raise NoExcerpt(media_type)


def _pdf_pages(data: bytes, first: int, last: int) -> bytes:
    source = pdf.open_pdf(data)
    target = pdf.pdfium.PdfDocument.new()
    try:
        target.import_pages(source, pages=list(range(first - 1, last)))
        out = io.BytesIO()
        target.save(out)
        return out.getvalue()
    finally:
        target.close()
        source.close()


def _tiff_pages(data: bytes, first: int, last: int) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        frames = []
        for index in range(first - 1, last):
            img.seek(index)
            frame = img.copy()
            frame.load()
            frames.append(frame)
        dpi = frames[0].info.get("dpi") or img.info.get("dpi")
    compression = "group4" if all(f.mode == "1" for f in frames) else "tiff_lzw"
    out = io.BytesIO()
    extra = {"dpi": dpi} if dpi else {}
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:], compression=compression, **extra)
    return out.getvalue()
