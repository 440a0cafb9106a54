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
# that trying dozens of angles costs a few milliseconds.
_SKEW_WIDTH = 500
_COARSE = np.arange(-5.0, 5.01, 0.5)
_FINE_STEP = 0.1
# Below this the rotation costs more (resampling blur) than the skew does.
MIN_CORRECTED_SKEW = 0.4


@dataclass(frozen=True)
class Options:
    target_dpi: int = 300
    min_dpi: int = 250
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
    small = grayscale(image)
    scale = _SKEW_WIDTH / small.width
    small = small.resize((_SKEW_WIDTH, max(1, round(small.height * scale))), Image.Resampling.BILINEAR)
    ink = small.point(lambda v: 255 if v < 128 else 0)
    if not np.asarray(ink).any():
        return 0.0
    coarse = max(_COARSE, key=lambda a: _profile_score(ink, float(a)))
    fine = np.arange(coarse - 0.5, coarse + 0.51, _FINE_STEP)
    return round(float(max(fine, key=lambda a: _profile_score(ink, float(a)))), 2)


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
