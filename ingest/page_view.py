"""A page as people see it in the viewer: the image its word boxes were measured on.

Word boxes are pixels of the image the page was read from, and that image is not the original
page: OCR pages were resampled, deskewed and turned upright first (ingest/preprocess.py,
ingest/ocr.py), and text-layer pages are measured at the PDF render resolution (ingest/pdf.py).
The page record says what was done (rotation, skew, despeckled, width, height), so the same
steps are replayed on the original bytes here; nothing is estimated again.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image

from clinidex.manifest import PageSummary
from ingest import preprocess
from ingest.render import render_page

if TYPE_CHECKING:
    from ingest.ocr import OcrPage

# Part of every cached image's fingerprint: raise it when the view or its encoding changes, so
# images rendered the old way are never served again.
VIEW_VERSION = 1

# PDFium sizes its bitmap with ceil() while the text layer's page size is round()ed
# (ingest/pdf.py): a pixel or two of edge, not a change of scale, so it is cropped or padded
# rather than the whole page resampled.
EDGE_SLACK = 2


@dataclass(frozen=True)
class Geometry:
    """What was done to a page before it was read, as its page record tells it."""

    source: str = "ocr"  # "ocr" or "text_layer"
    width: int | None = None  # of the image read, which word boxes are pixels of
    height: int | None = None
    rotation: int = 0  # the turn read_upright gave the page: PIL degrees, counter-clockwise
    skew: float = 0.0  # the deskew angle, PIL degrees
    despeckled: bool = False

    @classmethod
    def of(cls, page: "PageSummary | OcrPage") -> "Geometry":
        return cls(source=page.source, width=page.width, height=page.height, rotation=page.rotation,
                   skew=page.skew, despeckled=page.despeckled)

    @property
    def key(self) -> str:
        """A short fingerprint of the geometry, for cache keys and ETags: a page read again
        with a different result gets a different image."""
        return f"v{VIEW_VERSION}-{self.source}-{self.width}x{self.height}-r{self.rotation}-s{self.skew:g}" \
               f"-{'d' if self.despeckled else 'n'}"


def replay(image: Image.Image, dpi: int, geometry: Geometry,
           options: preprocess.Options = preprocess.Options()) -> Image.Image:
    """The steps the reader took on a rendered page, with the recorded angles: despeckle (cheap,
    and the page then looks as it was read), resample, deskew, turn upright."""
    if geometry.source == "text_layer":
        # Read from the PDF's own text at the render resolution: the rendered page is the view.
        return image
    page = preprocess.PageImage(1, image, dpi)
    if geometry.despeckled:
        page = preprocess.PageImage(1, preprocess.despeckle(page.image), page.dpi)
    page = preprocess.resample(page, options)
    image = page.image
    if geometry.skew:
        # Exactly as preprocess.deskew rotates, so the expanded canvas has the same size.
        image = preprocess.grayscale(image).rotate(geometry.skew, resample=Image.Resampling.BILINEAR,
                                                   expand=True, fillcolor=255)
    if geometry.rotation % 360:
        # As read_upright turns a page (multiples of 90 degrees: an exact transpose).
        image = image.rotate(geometry.rotation, expand=True)
    return image


def _fit_edges(image: Image.Image, width: int, height: int) -> Image.Image:
    """Crop or pad (white) at the right and bottom: boxes are measured from the top left."""
    canvas = Image.new("L", (width, height), 255)
    canvas.paste(image.crop((0, 0, min(width, image.width), min(height, image.height))), (0, 0))
    return canvas


def to_recorded_size(image: Image.Image, geometry: Geometry) -> Image.Image:
    """The image at exactly the size the page record gives, the space of its word boxes."""
    image = preprocess.grayscale(image)
    if not geometry.width or not geometry.height or image.size == (geometry.width, geometry.height):
        return image
    if abs(image.width - geometry.width) <= EDGE_SLACK and abs(image.height - geometry.height) <= EDGE_SLACK:
        return _fit_edges(image, geometry.width, geometry.height)
    # A larger difference means the page was read under other settings than today's (another
    # render or target resolution, or with preprocessing off and so never resampled). Those
    # change the scale, not the angles, so scaling to the recorded size puts the boxes back on
    # the words.
    return image.resize((geometry.width, geometry.height), Image.Resampling.LANCZOS)


def page_view(data: bytes, media_type: str, number: int, geometry: Geometry) -> Image.Image:
    """Page `number` (1-based) of the original, in the geometry of its word boxes, 8-bit grey.
    Raises CorruptDocument when the page cannot be decoded."""
    page = render_page(data, media_type, number)
    return to_recorded_size(replay(page.image, page.dpi, geometry), geometry)


def scaled(image: Image.Image, width: int) -> Image.Image:
    """The image at `width` pixels wide, its aspect kept."""
    height = max(1, round(image.height * width / image.width))
    if (width, height) == image.size:
        return image
    # reducing_gap: a box reduction first, then Lanczos on the last factor of two; near the
    # quality of Lanczos all the way at a fraction of its cost on a 2500-pixel page.
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)


# Wide enough to tell a letter from a form or a lab table in a page strip, and a few kB.
THUMBNAIL_WIDTH = 160


def thumbnail(image: Image.Image) -> Image.Image:
    return scaled(image, THUMBNAIL_WIDTH)


def encode_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # Level 6 (zlib's default) is within a few per cent of 9 on text pages at a third the time.
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()
