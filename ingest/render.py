"""Know a document's pages, then turn one page at a time into an image ready for OCR.

`inspect` reads only what it must (headers, page sizes, text layers) and refuses bad input
before any page is decoded; `render_page` decodes a single page, so pages can be spread over
worker processes that each fetch the original and render just their own page.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageSequence, UnidentifiedImageError

from ingest import pdf
from ingest.detect import PDF
from ingest.errors import CorruptDocument, EmptyDocument, ImageTooLarge, TooManyPages

# Pillow's own bomb check is a warning below 2x its limit; ours is explicit and configurable.
Image.MAX_IMAGE_PIXELS = None


@dataclass(frozen=True)
class PageImage:
    number: int  # 1-based
    image: Image.Image
    dpi: int


@dataclass(frozen=True)
class Limits:
    max_pages: int
    max_image_pixels: int


@dataclass(frozen=True)
class PagePlan:
    number: int
    text_layer: pdf.TextLayer | None = None


@dataclass(frozen=True)
class DocumentPlan:
    media_type: str
    pages: list[PagePlan]

    @property
    def ocr_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.text_layer is None]


def _check_pixels(width: int, height: int, limits: Limits, number: int) -> None:
    if width * height > limits.max_image_pixels:
        raise ImageTooLarge(
            f"Page {number} is {width}x{height} pixels, over the limit of {limits.max_image_pixels} pixels."
        )


def _check_count(count: int, limits: Limits) -> None:
    if count == 0:
        raise EmptyDocument("The document has no pages.")
    if count > limits.max_pages:
        raise TooManyPages(f"The document has {count} pages; the limit is {limits.max_pages}.")


_DAMAGED_IMAGE = "The image file is damaged or truncated and cannot be read."


def inspect(data: bytes, media_type: str, limits: Limits) -> DocumentPlan:
    if media_type == PDF:
        return _inspect_pdf(data, limits)
    try:
        with Image.open(io.BytesIO(data)) as img:
            count = getattr(img, "n_frames", 1)
            _check_count(count, limits)
            # Headers only: a decompression bomb is refused before a pixel is decoded.
            for number, frame in enumerate(ImageSequence.Iterator(img), start=1):
                _check_pixels(frame.width, frame.height, limits, number)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptDocument(_DAMAGED_IMAGE) from exc
    return DocumentPlan(media_type, [PagePlan(n) for n in range(1, count + 1)])


def _inspect_pdf(data: bytes, limits: Limits) -> DocumentPlan:
    doc = pdf.open_pdf(data)
    try:
        _check_count(len(doc), limits)
        plans = []
        for index in range(len(doc)):
            page = doc[index]
            try:
                _check_pixels(*pdf.page_pixels(page), limits, index + 1)
                plans.append(PagePlan(index + 1, pdf.text_layer(page)))
            finally:
                page.close()
        return DocumentPlan(PDF, plans)
    finally:
        doc.close()


def render_page(data: bytes, media_type: str, number: int) -> PageImage:
    """Decode one page (1-based). Raises CorruptDocument when that page cannot be decoded."""
    if media_type == PDF:
        doc = pdf.open_pdf(data)
        try:
            page = doc[number - 1]
            try:
                return PageImage(number, pdf.render(page), pdf.RENDER_DPI)
            finally:
                page.close()
        except pdf.pdfium.PdfiumError as exc:
            raise CorruptDocument(f"Page {number} of the PDF cannot be rendered.") from exc
        finally:
            doc.close()
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.seek(number - 1)
            page = img.copy()
            page.load()
            return _square_pixels(number, page, img.info.get("dpi"))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptDocument(f"Page {number} is damaged or truncated and cannot be read.") from exc


def render_pages(data: bytes, media_type: str, limits: Limits) -> list[PageImage]:
    """Every page, in order (tests and benchmarks; the pipeline renders page by page)."""
    plan = inspect(data, media_type, limits)
    return [render_page(data, media_type, p.number) for p in plan.pages]


# Fine faxes (204x196) are 4% off square, which Tesseract reads as well as square pixels
# (measured: same CER); correcting them would cost a resample of every page.
MAX_ASPECT_LEFT_ALONE = 1.1


def _square_pixels(number: int, page: Image.Image, dpi: tuple[float, float] | None) -> PageImage:
    """Fax standard resolution is 204x98 dpi: stretch it to square pixels or every glyph is
    half height to Tesseract."""
    if not dpi or not dpi[0] or not dpi[1]:
        return PageImage(number, page, 300)
    xdpi, ydpi = round(float(dpi[0])), round(float(dpi[1]))
    if min(xdpi, ydpi) > 0 and max(xdpi, ydpi) / min(xdpi, ydpi) > MAX_ASPECT_LEFT_ALONE:
        if page.mode == "1":
            page = page.convert("L")
        target = max(xdpi, ydpi)
        page = page.resize(
            (round(page.width * target / xdpi), round(page.height * target / ydpi)), Image.Resampling.LANCZOS
        )
        return PageImage(number, page, target)
    return PageImage(number, page, xdpi)
