"""Synthetic fax pages in the conditions a records office really receives them.

Each condition is a pure function `(seed) -> Sample`: one synthetic referral page
(`clinidex.synthetic.referral_pages(seed, 1)`) turned into a complete file as it would arrive
(TIFF for faxes, PNG for grayscale scans; the pipeline judges the type by content), with the
page's known text as ground truth. Everything random comes from `random.Random(seed)` (numpy
generators are seeded from it), so the same seed always gives the same bytes.

    from clinidex.degrade import CONDITIONS
    sample = CONDITIONS["skewed"](7)
    sample.data, sample.media_type, sample.truth, sample.info["angle"]
"""
from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter

from clinidex import synthetic

TIFF = "image/tiff"
PNG = "image/png"

PAGES = 1
# A fax machine's scan pitch across the page; all fax renders start from square pixels at this dpi.
FAX_XDPI = synthetic.FINE[0]
# Desktop and copier scanners' usual grayscale resolution.
SCAN_DPI = 200

# Fax line noise, as fractions of pixels (measured on real received faxes it ranges from none to
# ~0.5% specks; this is a bad-but-readable line).
SPECK_RATE = 0.002  # white pixels turned black: isolated dots and 2-pixel clumps
DROPOUT_RATE = 0.01  # black pixels turned white: pinholes inside strokes
STREAKS = (2, 5)  # horizontal streaks per page, inclusive range
SKEW_DEGREES = (1.0, 3.0)  # magnitude of the crooked-feed angle, either direction
LOW_CONTRAST_INK = (150, 170)
LOW_CONTRAST_PAPER = (215, 235)
LOW_CONTRAST_BLUR = (0.8, 1.2)  # Gaussian radius in pixels at 200 dpi
LOW_CONTRAST_GRAIN = 2.0  # standard deviation of the scanner's sensor noise, grey levels


@dataclass(frozen=True)
class Sample:
    name: str
    data: bytes
    media_type: str
    truth: list[str]  # ground-truth text per page: the page's lines joined with "\n"
    info: dict = field(default_factory=dict, hash=False)  # parameters chosen, e.g. {"angle": -2.1}


# ------------------------------------------------------------------------------------- helpers

def _text(seed: int) -> tuple[list[list[str]], list[str]]:
    _, pages = synthetic.referral_pages(seed, PAGES)
    return pages, ["\n".join(lines) for lines in pages]


def _numpy_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(64))


def _square_fax_page(lines: list[str]) -> Image.Image:
    """The page as the fax machine's scanner sees it: square pixels at 204 dpi, 8-bit grey."""
    return synthetic.render_page(lines, (FAX_XDPI, FAX_XDPI)).convert("L")


def _to_fax(page: Image.Image, resolution: tuple[int, int]) -> Image.Image:
    """Square-pixel grey page -> bilevel page at the fax's (x, y) dpi, as `synthetic.render_page`
    does it (LANCZOS squash of the rows, threshold at 160)."""
    xdpi, ydpi = resolution
    if ydpi != xdpi:
        page = page.resize((page.width, round(page.height * ydpi / xdpi)), Image.Resampling.LANCZOS)
    return page.point(lambda v: 255 if v > 160 else 0).convert("1")


def _tiff(images: list[Image.Image], resolution: tuple[int, int]) -> bytes:
    """A CCITT G4 TIFF, as fax servers store received faxes."""
    out = io.BytesIO()
    images[0].save(out, format="TIFF", compression="group4", dpi=resolution, save_all=True,
                   append_images=images[1:])
    return out.getvalue()


def _png(image: Image.Image, dpi: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    # Fast zlib level: grainy grey scans barely compress harder, and the level changes no pixel.
    image.save(out, format="PNG", dpi=dpi, compress_level=1)
    return out.getvalue()


def _fax_sample(name: str, seed: int, degrade: Callable[[list[str], random.Random], tuple[Image.Image, dict]],
                resolution: tuple[int, int] = synthetic.FINE) -> Sample:
    pages, truth = _text(seed)
    rng = random.Random(seed)
    images, info = [], {}
    for lines in pages:
        image, info = degrade(lines, rng)
        images.append(image)
    return Sample(name, _tiff(images, resolution), TIFF, truth, {"resolution": resolution, **info})


# ------------------------------------------------------------------------------------ conditions

def clean(seed: int) -> Sample:
    """The fine-resolution fax page exactly as rendered, stored losslessly as PNG: the baseline."""
    pages, truth = _text(seed)
    (lines,) = pages
    return Sample("clean", _png(synthetic.render_page(lines, synthetic.FINE), synthetic.FINE), PNG, truth,
                  {"resolution": synthetic.FINE})


def fine(seed: int) -> Sample:
    """A fax received at fine resolution (204x196 dpi), stored as G4 TIFF by the fax server."""
    pages, truth = _text(seed)
    return Sample("fine", synthetic.fax_tiff(pages, synthetic.FINE), TIFF, truth,
                  {"resolution": synthetic.FINE})


def standard(seed: int) -> Sample:
    """A fax sent at standard resolution (204x98 dpi, half the rows), the default of many machines."""
    pages, truth = _text(seed)
    return Sample("standard", synthetic.fax_tiff(pages, synthetic.STANDARD), TIFF, truth,
                  {"resolution": synthetic.STANDARD})


def _add_line_noise(lines: list[str], rng: random.Random) -> tuple[Image.Image, dict]:
    page = np.asarray(synthetic.render_page(lines, synthetic.FINE).convert("L")) < 128  # True = ink
    noise = _numpy_rng(rng)
    height, width = page.shape
    # Specks on the paper: single dots, some grown to a 2-pixel clump to the right or below.
    specks = noise.random(page.shape) < SPECK_RATE
    grow = noise.random(page.shape) < 0.3
    right = np.zeros_like(specks)
    right[:, 1:] = (specks & grow)[:, :-1]
    below = np.zeros_like(specks)
    below[1:, :] = (specks & ~grow & (noise.random(page.shape) < 0.3))[:-1, :]
    # Pinholes in the strokes.
    dropouts = page & (noise.random(page.shape) < DROPOUT_RATE)
    ink = (page | specks | right | below) & ~dropouts
    # Streaks: a burst of line noise corrupts one or two scan rows over part of the width, mostly
    # black with gaps where the signal came back.
    streaks = []
    for _ in range(rng.randint(*STREAKS)):
        row = rng.randrange(0, height - 2)
        rows = rng.choice((1, 1, 2))
        length = rng.randint(width // 4, width)
        start = rng.randrange(0, width - length + 1)
        solid = noise.random((rows, length)) < rng.uniform(0.6, 0.95)
        ink[row:row + rows, start:start + length] |= solid
        streaks.append({"row": row, "rows": rows, "start": start, "length": length})
    image = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).convert("1")
    return image, {"speck_rate": SPECK_RATE, "dropout_rate": DROPOUT_RATE, "streaks": streaks}


def noisy(seed: int) -> Sample:
    """A fine fax over a bad phone line: salt-and-pepper specks and a few horizontal streaks."""
    return _fax_sample("noisy", seed, _add_line_noise)


def _crooked(lines: list[str], rng: random.Random) -> tuple[Image.Image, dict]:
    angle = round(rng.uniform(*SKEW_DEGREES) * rng.choice((-1, 1)), 2)
    # The paper turns, the scan line does not: same page size, white where no paper was.
    turned = _square_fax_page(lines).rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    return _to_fax(turned, synthetic.FINE), {"angle": angle}


def skewed(seed: int) -> Sample:
    """A page fed crooked into the sending fax: turned 1-3 degrees either way; `info["angle"]` is
    the turn in degrees, counter-clockwise positive (as PIL rotates)."""
    return _fax_sample("skewed", seed, _crooked)


def _turned(degrees: int) -> Callable[[list[str], random.Random], tuple[Image.Image, dict]]:
    transpose = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180}[degrees]

    def turn(lines: list[str], rng: random.Random) -> tuple[Image.Image, dict]:
        # Turned at square pixels (lossless), then sampled at the fax's row pitch.
        return _to_fax(_square_fax_page(lines).transpose(transpose), synthetic.FINE), {"rotation": degrees}

    return turn


def upside_down(seed: int) -> Sample:
    """A page put into the fax feeder upside down: turned 180 degrees."""
    return _fax_sample("upside_down", seed, _turned(180))


def sideways(seed: int) -> Sample:
    """A page sent in landscape: turned 90 degrees counter-clockwise (`info["rotation"]`)."""
    return _fax_sample("sideways", seed, _turned(90))


def low_contrast(seed: int) -> Sample:
    """A faint photocopy scanned in grayscale at 200 dpi: grey text on light grey paper, slightly
    blurred, with a little sensor grain (8-bit PNG)."""
    pages, truth = _text(seed)
    (lines,) = pages
    rng = random.Random(seed)
    ink_level, paper_level = rng.randint(*LOW_CONTRAST_INK), rng.randint(*LOW_CONTRAST_PAPER)
    blur = round(rng.uniform(*LOW_CONTRAST_BLUR), 2)
    page = np.asarray(synthetic.render_page(lines, (SCAN_DPI, SCAN_DPI)).convert("L")) < 128
    grey = Image.fromarray(np.where(page, ink_level, paper_level).astype(np.uint8))
    grey = np.asarray(grey.filter(ImageFilter.GaussianBlur(blur)), dtype=np.float32)
    grey = grey + _numpy_rng(rng).normal(0.0, LOW_CONTRAST_GRAIN, grey.shape)
    image = Image.fromarray(np.clip(np.rint(grey), 0, 255).astype(np.uint8), mode="L")
    return Sample("low_contrast", _png(image, (SCAN_DPI, SCAN_DPI)), PNG, truth,
                  {"ink": ink_level, "paper": paper_level, "blur": blur, "dpi": SCAN_DPI})


CONDITIONS: dict[str, Callable[[int], Sample]] = {
    "clean": clean,
    "fine": fine,
    "standard": standard,
    "noisy": noisy,
    "skewed": skewed,
    "upside_down": upside_down,
    "sideways": sideways,
    "low_contrast": low_contrast,
}


def fax_of(pages: list[list[str]], condition: str, seed: int) -> bytes:
    """Any pages of text as a received fax (G4 TIFF) under one condition: `fine`, `standard`
    (half the rows), `noisy` (line noise) or `skewed` (fed crooked)."""
    if condition == "fine":
        return synthetic.fax_tiff(pages, synthetic.FINE)
    if condition == "standard":
        return synthetic.fax_tiff(pages, synthetic.STANDARD)
    degrade = {"noisy": _add_line_noise, "skewed": _crooked}[condition]
    rng = random.Random(seed)
    return _tiff([degrade(lines, rng)[0] for lines in pages], synthetic.FINE)
