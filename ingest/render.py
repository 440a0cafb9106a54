"""Turn an original into page images ready for OCR."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageSequence, UnidentifiedImageError

from ingest.detect import PDF
from ingest.errors import CorruptDocument, EmptyDocument, EncryptedDocument, ImageTooLarge, TooManyPages

PDF_DPI = 300


@dataclass(frozen=True)
class PageImage:
    number: int  # 1-based
    image: Image.Image
    dpi: int


@dataclass(frozen=True)
class Limits:
    max_pages: int
    max_image_pixels: int


def render_pages(data: bytes, media_type: str, limits: Limits) -> list[PageImage]:
    pages = list(_render_pdf(data, limits) if media_type == PDF else _render_image(data, limits))
    if not pages:
        raise EmptyDocument("The document has no pages.")
    return pages


def _check_pixels(width: int, height: int, limits: Limits, number: int) -> None:
    if width * height > limits.max_image_pixels:
        raise ImageTooLarge(
            f"Page {number} is {width}x{height} pixels, over the limit of {limits.max_image_pixels} pixels."
        )


def _render_image(data: bytes, limits: Limits) -> Iterator[PageImage]:
    try:
        # Image.open only reads the header; the pixel check below runs before any decoding,
        # so a decompression bomb is refused without being expanded.
        with Image.open(io.BytesIO(data)) as img:
            frames = getattr(img, "n_frames", 1)
            if frames > limits.max_pages:
                raise TooManyPages(f"The document has {frames} pages; the limit is {limits.max_pages}.")
            for number, frame in enumerate(ImageSequence.Iterator(img), start=1):
                _check_pixels(frame.width, frame.height, limits, number)
                page = frame.copy()
                page.load()
                yield _square_pixels(number, page, frame.info.get("dpi"))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptDocument("The image file is damaged or truncated and cannot be read.") from exc
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge("An image in the file is too large to process safely.") from exc


def _square_pixels(number: int, page: Image.Image, dpi: tuple[float, float] | None) -> PageImage:
    """Fax standard resolution is 204x98 dpi: stretch it to square pixels or every glyph is
    half height to Tesseract."""
    if not dpi or not dpi[0] or not dpi[1]:
        return PageImage(number, page, 300)
    xdpi, ydpi = round(float(dpi[0])), round(float(dpi[1]))
    if xdpi != ydpi and min(xdpi, ydpi) > 0:
        if page.mode == "1":
            page = page.convert("L")
        target = max(xdpi, ydpi)
        page = page.resize(
            (round(page.width * target / xdpi), round(page.height * target / ydpi)), Image.Resampling.LANCZOS
        )
        return PageImage(number, page, target)
    return PageImage(number, page, xdpi)


_PAGE_SIZE = re.compile(r"Page size:\s+([\d.]+) x ([\d.]+) pts")


def _render_pdf(data: bytes, limits: Limits) -> Iterator[PageImage]:
    from pdf2image import convert_from_bytes, pdfinfo_from_bytes
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    try:
        info = pdfinfo_from_bytes(data)
    except PDFPageCountError as exc:
        message = str(exc).lower()
        if "password" in message or "encrypt" in message:
            raise EncryptedDocument("The PDF is password-protected; send it without a password.") from exc
        raise CorruptDocument("The PDF is damaged or truncated and cannot be read.") from exc
    except PDFSyntaxError as exc:
        raise CorruptDocument("The PDF is damaged or truncated and cannot be read.") from exc
    count = int(info.get("Pages", 0))
    if count > limits.max_pages:
        raise TooManyPages(f"The document has {count} pages; the limit is {limits.max_pages}.")
    size = _PAGE_SIZE.search(f"Page size: {info.get('Page size', '')}")
    if size:
        # Refuse an absurd page size before rendering it, not after.
        width, height = (round(float(v) / 72 * PDF_DPI) for v in size.groups())
        _check_pixels(width, height, limits, 1)
    # One page at a time keeps memory flat for long faxes.
    for number in range(1, count + 1):
        try:
            images = convert_from_bytes(data, dpi=PDF_DPI, first_page=number, last_page=number, grayscale=True)
        except (PDFPageCountError, PDFSyntaxError) as exc:
            raise CorruptDocument(f"Page {number} of the PDF cannot be rendered.") from exc
        if not images:
            raise CorruptDocument(f"Page {number} of the PDF cannot be rendered.")
        _check_pixels(images[0].width, images[0].height, limits, number)
        yield PageImage(number, images[0], PDF_DPI)
