"""Fax-aware clean-up before OCR: grayscale, resolution and skew.

Orientation (upside-down or sideways pages) is decided by the OCR stage with Tesseract's own
orientation detection, which needs the recogniser that stage already holds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ingest.render import PageImage

# Width of the thumbnail the skew search runs on: enough to resolve text lines, small enough
# that trying a couple of dozen angles costs about ten milliseconds.
_SKEW_WIDTH = 300
_COARSE = np.arange(-5.0, 5.01, 1.0)
_FINE = np.arange(-0.6, 0.61, 0.1)
# Below this the rotation costs more (resampling blur) than the skew does.
MIN_CORRECTED_SKEW = 0.4


@dataclass(frozen=True)
class Options:
    target_dpi: int = 300
    # Fax resolution (204 dpi) is read as well as its 300-dpi resample and 40% faster
    # (BENCHMARKS.md), so only coarser scans are scaled up.
    min_dpi: int = 200
    deskew: bool = True


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
    return round(max((coarse + float(f) for f in _FINE), key=lambda a: _profile_score(ink, a)), 2)


def deskew(page: PageImage) -> tuple[PageImage, float]:
    angle = estimate_skew(page.image)
    if abs(angle) < MIN_CORRECTED_SKEW:
        return page, 0.0
    rotated = grayscale(page.image).rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return PageImage(page.number, rotated, page.dpi), angle


def prepare(page: PageImage, options: Options = Options()) -> tuple[PageImage, float]:
    """Returns the page ready for OCR and the skew angle corrected (0 when none)."""
    page = resample(page, options)
    if not options.deskew:
        return page, 0.0
    return deskew(page)
