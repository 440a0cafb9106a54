"""OCR one page image with Tesseract."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import pytesseract
from PIL import Image

from ingest.errors import IntakeError

# One Tesseract per worker process, each single-threaded: with several processes per machine,
# OpenMP threads inside Tesseract only fight each other for the same cores.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class PageTimeout(IntakeError):
    code = "ocr_timeout"


@dataclass(frozen=True)
class OcrWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float


@dataclass(frozen=True)
class OcrPage:
    number: int
    text: str
    words: list[OcrWord] = field(default_factory=list)
    mean_confidence: float | None = None
    width: int = 0
    height: int = 0
    seconds: float = 0.0


def ocr_page(number: int, image: Image.Image, *, dpi: int, language: str, timeout_s: int) -> OcrPage:
    """One Tesseract call per page gives both the text and the word boxes."""
    started = time.perf_counter()
    if image.mode not in ("L", "RGB", "1"):
        image = image.convert("L")
    try:
        data = pytesseract.image_to_data(
            image,
            lang=language,
            config=f"--psm 3 --dpi {dpi}",
            output_type=pytesseract.Output.DICT,
            timeout=timeout_s,
        )
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise PageTimeout(f"OCR of page {number} took longer than {timeout_s} s.") from exc
        raise
    words: list[OcrWord] = []
    lines: dict[tuple[int, int, int], list[str]] = {}
    paragraphs: list[tuple[int, int]] = []
    for i, raw in enumerate(data["text"]):
        token = raw.strip()
        conf = float(data["conf"][i])
        if not token or conf < 0:
            continue
        words.append(
            OcrWord(token, data["left"][i], data["top"][i], data["width"][i], data["height"][i], conf)
        )
        line_key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(line_key, []).append(token)
        if line_key[:2] not in paragraphs:
            paragraphs.append(line_key[:2])
    # Lines within a paragraph are joined by newlines, paragraphs by a blank line, the way
    # Tesseract's own plain-text output reads.
    text = "\n\n".join(
        "\n".join(" ".join(tokens) for key, tokens in lines.items() if key[:2] == para) for para in paragraphs
    )
    mean = round(sum(w.confidence for w in words) / len(words), 1) if words else None
    return OcrPage(
        number=number,
        text=text,
        words=words,
        mean_confidence=mean,
        width=image.width,
        height=image.height,
        seconds=round(time.perf_counter() - started, 3),
    )
