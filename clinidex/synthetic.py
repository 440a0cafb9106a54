"""Synthetic patients and faxes with known text, for tests, benchmarks and the demo.

Everything is made up from a seed: no real patient data is ever needed or used.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw, ImageFont

FIRST_NAMES = ["Avery", "Jordan", "Morgan", "Riley", "Casey", "Quinn", "Harper", "Rowan", "Elena", "Marcus",
               "Priya", "Tomas", "Ingrid", "Kofi", "Mei", "Dmitri", "Leila", "Oscar", "Nadia", "Felix"]
LAST_NAMES = ["Whitfield", "Okafor", "Lindqvist", "Castellano", "Nakamura", "Brennan", "Abernathy", "Petrov",
              "Delacroix", "Haldane", "Moreau", "Vasquez", "Kowalski", "Thornbury", "Achebe", "Sorensen"]
FACILITIES = ["Riverside Cardiology Associates", "Northgate Family Practice", "Lakeview Orthopedics",
              "St. Brendan Regional Hospital", "Summit Pulmonary Clinic", "Harbor Imaging Center"]
FINDINGS = [
    "Patient reports intermittent chest pain on exertion relieved by rest.",
    "Echocardiogram shows preserved ejection fraction with mild mitral regurgitation.",
    "Blood pressure remains elevated despite lisinopril twenty milligrams daily.",
    "Shortness of breath has improved since starting furosemide.",
    "Hemoglobin A1c improved to seven point two percent.",
    "Right knee effusion with reduced range of motion after a fall.",
    "Chest radiograph shows no acute cardiopulmonary process.",
    "Recommend follow up with repeat lipid panel in three months.",
    "Continue metoprolol and aspirin; smoking cessation counselling given.",
    "Referred for evaluation of persistent atrial fibrillation.",
]

# Fax resolutions (horizontal, vertical dpi) and the standard fax page width in pixels.
FINE = (204, 196)
STANDARD = (204, 98)
FAX_WIDTH = 1728
LETTER_HEIGHT_IN = 11


@dataclass(frozen=True)
class Patient:
    given: str
    family: str
    birth_date: date
    mrn: str

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


def make_patient(rng: random.Random) -> Patient:
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 65))
    return Patient(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), birth, f"MRN{rng.randrange(10**6, 10**7)}")


def referral_pages(seed: int, pages: int = 2) -> tuple[Patient, list[list[str]]]:
    """Text lines of a referral letter, page by page. Each page carries a distinct keyword
    (`marker`) so tests can prove that every page was read."""
    rng = random.Random(seed)
    patient = make_patient(rng)
    sender = rng.choice(FACILITIES)
    result: list[list[str]] = []
    for number in range(1, pages + 1):
        lines = [
            f"FROM {sender.upper()}    PAGE {number} OF {pages}",
            "",
            "REFERRAL LETTER" if number == 1 else "REFERRAL LETTER (CONTINUED)",
            f"Patient: {patient.name}",
            f"Date of birth: {patient.birth_date:%m/%d/%Y}    {patient.mrn}",
            "",
        ]
        lines += rng.sample(FINDINGS, 4)
        lines += ["", f"Reference marker {marker_word(seed, number)}", "", "Sincerely,", "Dr. Helen Marsh"]
        result.append(lines)
    return patient, result


def marker_word(seed: int, page: int) -> str:
    """A made-up word that occurs in no other document, so a search for it has one right answer."""
    rng = random.Random(seed * 1000 + page)
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(4)).capitalize()


def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled font: identical on every machine, so OCR figures are reproducible.
    return ImageFont.load_default(size=size)


def render_page(lines: list[str], resolution: tuple[int, int] = FINE) -> Image.Image:
    """A bilevel page as a fax machine would send it, at the given (x, y) dpi."""
    xdpi, ydpi = resolution
    # Draw at square pixels, then squash vertically as the fax's coarser row pitch does.
    page = Image.new("L", (FAX_WIDTH, LETTER_HEIGHT_IN * xdpi), 255)
    draw = ImageDraw.Draw(page)
    top = round(xdpi * 0.6)
    # 11 pt, or smaller (down to 7 pt) when that many lines would run off the page, as a
    # dense printout does.
    points = max(7.0, min(11.0, (page.height - top - xdpi * 0.4) / max(1, len(lines)) / (xdpi / 72 * 1.5)))
    font = _font(round(xdpi * points / 72))
    y = top
    for line in lines:
        draw.text((round(xdpi * 0.75), y), line, font=font, fill=0)
        y += round(xdpi * points / 72 * 1.5)
    if ydpi != xdpi:
        page = page.resize((FAX_WIDTH, LETTER_HEIGHT_IN * ydpi), Image.Resampling.LANCZOS)
    return page.point(lambda v: 255 if v > 160 else 0).convert("1")


# TIFF encodings fax servers and scanners write, as Pillow/libtiff names them (+ T4 options).
TIFF_ENCODINGS = {
    "g3_1d": ("group3", None),
    "g3_2d": ("group3", 1),  # T4Options bit 0: two-dimensional coding
    "g4": ("group4", None),
    "lzw": ("tiff_lzw", None),
    "uncompressed": ("raw", None),
}


def fax_tiff(pages: list[list[str]], resolution: tuple[int, int] = FINE, encoding: str = "g4") -> bytes:
    """A multi-page bilevel TIFF, as fax servers store received faxes (CCITT G4 by default)."""
    from PIL import TiffImagePlugin

    compression, t4_options = TIFF_ENCODINGS[encoding]
    extra = {}
    if t4_options is not None:
        tags = TiffImagePlugin.ImageFileDirectory_v2()
        tags[292] = t4_options
        extra["tiffinfo"] = tags
    images = [render_page(lines, resolution) for lines in pages]
    out = io.BytesIO()
    images[0].save(out, format="TIFF", compression=compression, dpi=resolution, save_all=True,
                   append_images=images[1:], **extra)
    return out.getvalue()


def scanned_pdf(pages: list[list[str]]) -> bytes:
    """An image-only PDF, as a scanner produces: no text layer, OCR is the only way in."""
    images = [render_page(lines, (200, 200)).convert("L") for lines in pages]
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=200, save_all=True, append_images=images[1:])
    return out.getvalue()


def page_png(lines: list[str]) -> bytes:
    out = io.BytesIO()
    render_page(lines, (200, 200)).save(out, format="PNG", dpi=(200, 200))
    return out.getvalue()
