"""PDF pages with PDFium (pypdfium2): page count, text layers and rendering, all in process.

PDFium renders a page roughly as fast as poppler's pdftoppm without a process per page, and
it reads the text layer of born-digital pages, which are then not OCR'd at all.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.errors import CorruptDocument, EmptyDocument, EncryptedDocument

RENDER_DPI = 300
# A page has a usable text layer when its body (the page less a band at the top and bottom,
# where fax servers stamp their banner and scanners their footer) holds this many
# non-space characters. Fewer than this is cheaper to OCR than to trust.
BODY_BAND = 0.08
MIN_BODY_CHARS = 50

_EMPTY_PAGE_TREE = re.compile(rb"/Type\s*/Pages\b[^>]*/Count\s+0\b")
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class TextWord:
    text: str
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class TextLayer:
    text: str
    words: list[TextWord]
    width: int  # page size in pixels at RENDER_DPI, the same space as OCR word boxes
    height: int


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # PDFium's error code is process-global and can be stale, so the reason is read from
        # the file: only encrypted PDFs carry /Encrypt, and an empty page tree has /Count 0.
        # (A PDF encrypted with an empty user password opens above and is simply read.)
        if b"/Encrypt" in data:
            raise EncryptedDocument("The PDF is password-protected; send it without a password.") from exc
        if _EMPTY_PAGE_TREE.search(data):
            raise EmptyDocument("The PDF has no pages.") from exc
        raise CorruptDocument("The PDF is damaged or truncated and cannot be read.") from exc


def page_pixels(page: pdfium.PdfPage, dpi: int = RENDER_DPI) -> tuple[int, int]:
    width, height = page.get_size()
    return round(width / 72 * dpi), round(height / 72 * dpi)


def text_layer(page: pdfium.PdfPage) -> TextLayer | None:
    """The page's own text, if it has enough of it to skip OCR."""
    textpage = page.get_textpage()
    try:
        width, height = page.get_size()
        band = height * BODY_BAND
        body = textpage.get_text_bounded(left=0, bottom=band, right=width, top=height - band)
        if len(_SPACE.sub("", body)) < MIN_BODY_CHARS:
            return None
        text = textpage.get_text_range().replace("\r\n", "\n")
        words = _words(textpage, page)
        px_w, px_h = page_pixels(page)
        return TextLayer(text=text, words=words, width=px_w, height=px_h)
    finally:
        textpage.close()


def _words(textpage: pdfium.PdfTextPage, page: pdfium.PdfPage) -> list[TextWord]:
    """Group characters into words with pixel boxes in the rendered page (top-left origin,
    RENDER_DPI). PDFium maps page space to the bitmap, so a page with /Rotate gets boxes in
    the turned page a viewer shows (character boxes are in unrotated page space)."""
    px_w, px_h = page_pixels(page)
    words: list[TextWord] = []
    chars: list[str] = []
    box = [0, 0, 0, 0]  # left, top, right, bottom in pixels
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def device(x: float, y: float) -> tuple[int, int]:
        # Rotation 0: PDFium applies the page's own /Rotate in this mapping.
        pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, px_w, px_h, 0, x, y, dx, dy)
        return dx.value, dy.value

    def flush() -> None:
        if chars:
            words.append(TextWord(text="".join(chars), left=box[0], top=box[1],
                                  width=box[2] - box[0], height=box[3] - box[1]))
            chars.clear()

    for i in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
        if char.isspace() or char == "\x00":
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        (x1, y1), (x2, y2) = device(left, bottom), device(right, top)
        char_box = [min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)]
        if not chars:
            box[:] = char_box
        else:
            box[:] = [min(box[0], char_box[0]), min(box[1], char_box[1]), max(box[2], char_box[2]),
                      max(box[3], char_box[3])]
        chars.append(char)
    flush()
    return words


def render(page: pdfium.PdfPage, dpi: int = RENDER_DPI):
    """The page as an 8-bit grayscale PIL image."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        return bitmap.to_pil().convert("L")
    finally:
        bitmap.close()
