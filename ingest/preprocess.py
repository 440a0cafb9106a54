"""Fax-aware clean-up before OCR: grayscale, resolution and skew.

Orientation (upside-down or sideways pages) is decided by the OCR stage with Tesseract's own
orientation detection, which needs the recogniser that stage already holds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from ingest.render import PageImage

# Width of the thumbnail the skew search runs on: enough to resolve text lines, small enough
# that trying a couple of dozen angles costs about ten milliseconds.
_SKEW_WIDTH = 300
_COARSE = np.arange(-5.0, 5.01, 1.0)
_FINE = np.arange(-0.3, 0.31, 0.1)
# Below this the rotation costs more (resampling blur) than the skew does.
MIN_CORRECTED_SKEW = 0.4


# Share of black pixels with at most one black neighbour above which a bilevel page counts as
# speckled: line noise gives about 0.2, clean faxes 0.000 (BENCHMARKS.md).
SPECKLE_RATIO = 0.05


@dataclass(frozen=True)
class Options:
    target_dpi: int = 300
    # Fax resolution (204 dpi) is read as well as its 300-dpi resample and 40% faster
    # (BENCHMARKS.md), so only coarser scans are scaled up.
    min_dpi: int = 200
    deskew: bool = True
    despeckle: bool = True


@dataclass(frozen=True)
class Applied:
    """What preprocessing did to a page, kept with the page's reading."""

    skew: float = 0.0
    despeckled: bool = False


def grayscale(image: Image.Image) -> Image.Image:
    return image if image.mode == "L" else image.convert("L")


def resample(page: PageImage, options: Options) -> PageImage:
    """Low-resolution scans are scaled up to the resolution Tesseract's models read best."""
    if page.dpi >= options.min_dpi:
        return page
    factor = options.target_dpi / page.dpi
    size = (round(page.image.width * factor), round(page.image.height * factor))
    return PageImage(page.number, grayscale(page.image).resize(size, Image.Resampling.BICUBIC), options.target_dpi)


def _profile_score(ink: Image.Image, angle: float) -> float:
    rotated = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float32)
    rows = rotated.sum(axis=1)
    # Aligned text lines give sharp peaks and empty gaps between them.
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(image: Image.Image) -> float:
    """Angle in degrees (counter-clockwise positive, as PIL rotates) that levels the text lines."""
    gray = grayscale(image)
    # reduce() averages blocks: fast, and thin strokes survive as grey rather than vanish.
    small = gray.reduce(max(1, gray.width // _SKEW_WIDTH))
    ink = small.point(lambda v: 255 if v < 200 else 0)
    if not np.asarray(ink).any():
        return 0.0
    coarse = float(max(_COARSE, key=lambda a: _profile_score(ink, float(a))))
    # Half-degree steps first; tenths only where the page is skewed enough to be corrected.
    half = max((coarse + f for f in (-0.5, 0.0, 0.5)), key=lambda a: _profile_score(ink, a))
    if abs(half) < MIN_CORRECTED_SKEW / 2:
        return round(half, 2)
    return round(max((half + float(f) for f in _FINE), key=lambda a: _profile_score(ink, a)), 2)


def deskew(page: PageImage) -> tuple[PageImage, float]:
    angle = estimate_skew(page.image)
    if abs(angle) < MIN_CORRECTED_SKEW:
        return page, 0.0
    # Bilinear on grey: on skewed faxes it reads best (CER 0.07% against 0.45% for
    # nearest-neighbour on the bilevel page and 0.09% for bicubic, which takes twice as long).
    rotated = grayscale(page.image).rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return PageImage(page.number, rotated, page.dpi), angle


def speckle_ratio(image: Image.Image) -> float:
    """Share of black pixels that stand (nearly) alone, measured on a band across the middle
    of the page: line noise is spread evenly, so a band tells as much as the page."""
    top = image.height * 2 // 5
    band = np.asarray(image.crop((0, top, image.width, top + image.height // 8)).convert("L")) < 128
    ink = int(band.sum())
    if ink == 0:
        return 0.0
    padded = np.pad(band, 1).astype(np.uint8)
    h, w = band.shape
    neighbours = sum(padded[1 + dy:h + 1 + dy, 1 + dx:w + 1 + dx]
                     for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0))
    return float((band & (neighbours < 2)).sum()) / ink


def despeckle(image: Image.Image) -> Image.Image:
    """3x3 majority vote on a bilevel page: a box blur then a threshold at half, which equals a
    median filter on two-level pixels at a fraction of its cost."""
    return grayscale(image).filter(ImageFilter.BoxBlur(1)).point(lambda v: 255 if v >= 128 else 0).convert("1")


def prepare(page: PageImage, options: Options = Options()) -> tuple[PageImage, Applied]:
    """The page ready for OCR, and what was done to it."""
    despeckled = False
    # Only bilevel (fax) pages: on grey scans the threshold would throw away shading.
    if options.despeckle and page.image.mode == "1" and speckle_ratio(page.image) > SPECKLE_RATIO:
        page = PageImage(page.number, despeckle(page.image), page.dpi)
        despeckled = True
    page = resample(page, options)
    angle = 0.0
    if options.deskew:
        page, angle = deskew(page)
    return page, Applied(skew=angle, despeckled=despeckled)
