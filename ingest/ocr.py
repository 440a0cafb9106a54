"""OCR one page image with Tesseract, once per page for text, word boxes and confidences.

The default engine is Tesseract's in-process API (tesserocr): the model is loaded once per
worker process and images are handed over in memory. pytesseract (one `tesseract` process per
page, image passed through a temporary file) remains as the fallback engine.
"""
from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from PIL import Image

from clinidex.manifest import Word as OcrWord  # the stored word box, made here once
from ingest.errors import IntakeError

# One Tesseract per worker process, each single-threaded: with several processes per machine,
# OpenMP threads inside Tesseract only fight each other for the same cores. Must be set before
# libtesseract is loaded.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class PageTimeout(IntakeError):
    code = "ocr_timeout"


@dataclass(frozen=True)
class OcrPage:
    number: int
    text: str
    words: list[OcrWord] = field(default_factory=list)
    mean_confidence: float | None = None
    width: int = 0
    height: int = 0
    seconds: float = 0.0
    rotation: int = 0  # degrees the page was turned (counter-clockwise) before reading
    skew: float = 0.0  # degrees of skew corrected before reading
    despeckled: bool = False
    source: str = "ocr"  # or "text_layer": read from the PDF's own text, no OCR

    @property
    def evidence(self) -> float:
        """How much confidently read text the page yielded; compares readings of one page."""
        return sum(w.confidence for w in self.words if len(w.text) > 1 and w.confidence > 50)


@lru_cache
def tessdata_dir() -> str:
    """Where the installed language models are, as the `tesseract` CLI reports it (Debian puts
    them under a versioned path)."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    found = re.search(r'"([^"]+)"', out.stdout + out.stderr)
    if not found:
        raise RuntimeError("cannot find Tesseract's tessdata folder; set TESSDATA_PREFIX")
    return found.group(1).rstrip("/") + "/"


def _mean(words: list[OcrWord]) -> float | None:
    return round(sum(w.confidence for w in words) / len(words), 1) if words else None


class TesserocrEngine:
    name = "tesserocr"

    def __init__(self, language: str) -> None:
        import tesserocr

        self._t = tesserocr
        self.api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=language, psm=tesserocr.PSM.AUTO)
        # Wide gaps stay wide in the text: "Chart #:     01105607", table columns. Extraction
        # reads layout from them; search and CER see the same words either way.
        self.api.SetVariable("preserve_interword_spaces", "1")
        self._osd = None

    def read(self, number: int, image: Image.Image, *, dpi: int, timeout_s: float) -> OcrPage:
        t = self._t
        started = time.perf_counter()
        # Raw 8-bit pixels: SetImage would first encode the page to an image file in memory.
        gray = image if image.mode == "L" else image.convert("L")
        pixels = gray.tobytes()  # must outlive Recognize: Tesseract does not copy it
        self.api.SetImageBytes(pixels, gray.width, gray.height, 1, gray.width)
        self.api.SetSourceResolution(dpi)
        if not self.api.Recognize(timeout=max(1, int(timeout_s * 1000))):
            raise PageTimeout(f"OCR of page {number} took longer than {timeout_s} s.")
        words: list[OcrWord] = []
        iterator = self.api.GetIterator()
        level = t.RIL.WORD
        if iterator is not None:
            for word in t.iterate_level(iterator, level):
                box = word.BoundingBox(level)
                if box is None or word.Empty(level):
                    continue
                token = (word.GetUTF8Text(level) or "").strip()
                if not token:
                    continue
                left, top, right, bottom = box
                words.append(OcrWord(text=token, left=left, top=top, width=right - left, height=bottom - top,
                                     confidence=round(word.Confidence(level), 1)))
        # Tesseract raises rather than return an empty string for a blank page.
        text = self.api.GetUTF8Text().strip() if words else ""
        return OcrPage(number, text, words, _mean(words), image.width, image.height,
                       round(time.perf_counter() - started, 3))

    def orientation(self, image: Image.Image) -> tuple[int, float]:
        """Clockwise rotation Tesseract sees in the page (0, 90, 180, 270) and its confidence."""
        if self._osd is None:
            self._osd = self._t.PyTessBaseAPI(path=tessdata_dir(), lang="osd", psm=self._t.PSM.OSD_ONLY)
        self._osd.SetImage(image)
        found = self._osd.DetectOrientationScript()
        if not found:
            return 0, 0.0
        return int(found["orient_deg"]), float(found["orient_conf"])


class PytesseractEngine:
    name = "pytesseract"

    def __init__(self, language: str) -> None:
        self.language = language

    def read(self, number: int, image: Image.Image, *, dpi: int, timeout_s: float) -> OcrPage:
        import pytesseract

        started = time.perf_counter()
        try:
            data = pytesseract.image_to_data(image, lang=self.language, config=f"--psm 3 --dpi {dpi}",
                                             output_type=pytesseract.Output.DICT, timeout=timeout_s)
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise PageTimeout(f"OCR of page {number} took longer than {timeout_s} s.") from exc
            raise
        words: list[OcrWord] = []
        lines: dict[tuple[int, int, int], list[str]] = {}
        for i, raw in enumerate(data["text"]):
            token, conf = raw.strip(), float(data["conf"][i])
            if not token or conf < 0:
                continue
            words.append(OcrWord(text=token, left=data["left"][i], top=data["top"][i], width=data["width"][i],
                                 height=data["height"][i], confidence=conf))
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(token)
        text = "\n".join(" ".join(tokens) for tokens in lines.values())
        return OcrPage(number, text, words, _mean(words), image.width, image.height,
                       round(time.perf_counter() - started, 3))

    def orientation(self, image: Image.Image) -> tuple[int, float]:
        import pytesseract

        try:
            found = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT)
        except pytesseract.TesseractError:
            return 0, 0.0
        return int(found["orientation"]), float(found["orientation_conf"])


Engine = TesserocrEngine | PytesseractEngine


@lru_cache
def engine(name: str, language: str) -> Engine:
    """One engine per process and language, created on first use (after a worker forks)."""
    if name == "tesserocr":
        return TesserocrEngine(language)
    if name == "pytesseract":
        return PytesseractEngine(language)
    raise ValueError(f"unknown OCR engine {name!r}")


# A page read this poorly may be upside down or sideways: only then is orientation detection
# worth its cost. Upright pages, nearly all of them, pay nothing.
DOUBTFUL_CONFIDENCE = 75.0
DOUBTFUL_WORDS = 8
MIN_ORIENTATION_CONFIDENCE = 2.0


def doubtful(page: OcrPage) -> bool:
    return page.mean_confidence is None or page.mean_confidence < DOUBTFUL_CONFIDENCE or len(page.words) < DOUBTFUL_WORDS


def read_upright(ocr: Engine, number: int, image: Image.Image, *, dpi: int, timeout_s: float,
                 correct_orientation: bool = True) -> OcrPage:
    """Read a page; if the reading is doubtful, ask Tesseract which way up the page is, read it
    turned that way too, and keep whichever reading found more confident text."""
    first = ocr.read(number, image, dpi=dpi, timeout_s=timeout_s)
    if not correct_orientation or not doubtful(first):
        return first
    clockwise, confidence = ocr.orientation(image)
    if clockwise == 0 or confidence < MIN_ORIENTATION_CONFIDENCE:
        return first
    turned = ocr.read(number, image.rotate(clockwise, expand=True), dpi=dpi, timeout_s=timeout_s)
    if turned.evidence <= first.evidence:
        return replace(first, seconds=round(first.seconds + turned.seconds, 3))
    return replace(turned, rotation=clockwise, seconds=round(first.seconds + turned.seconds, 3))


def ocr_page(number: int, image: Image.Image, *, dpi: int, language: str, timeout_s: float,
             engine_name: str = "tesserocr") -> OcrPage:
    """Read one page with the process's engine (no orientation handling)."""
    return engine(engine_name, language).read(number, image, dpi=dpi, timeout_s=timeout_s)
