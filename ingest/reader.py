"""Read a page the cheapest way that is right: its own text layer if it has one, otherwise
render, clean up and OCR it."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

from ingest import preprocess
from ingest.ocr import OcrPage, OcrWord, engine, read_upright
from ingest.render import Limits, PagePlan, inspect, render_page

# Words taken from a PDF's text layer are exact; they carry full confidence.
TEXT_LAYER_CONFIDENCE = 100.0


@dataclass(frozen=True)
class ReadOptions:
    language: str = "eng"
    engine: str = "tesserocr"
    timeout_s: float = 120
    preprocess: bool = True


class PageReader:
    def __init__(self, options: ReadOptions | None = None, **fields) -> None:
        self.options = options or ReadOptions(**fields)

    def read_page(self, data: bytes, media_type: str, plan: PagePlan) -> OcrPage:
        if plan.text_layer is not None:
            return from_text_layer(plan)
        started = time.perf_counter()
        page = render_page(data, media_type, plan.number)
        applied = preprocess.Applied()
        if self.options.preprocess:
            page, applied = preprocess.prepare(page)
        result = read_upright(
            engine(self.options.engine, self.options.language),
            plan.number,
            page.image,
            dpi=page.dpi,
            timeout_s=self.options.timeout_s,
            correct_orientation=self.options.preprocess,
        )
        return replace(result, skew=applied.skew, despeckled=applied.despeckled,
                       seconds=round(time.perf_counter() - started, 3))

    def read_document(self, data: bytes, media_type: str, preprocess: bool | None = None,
                      limits: Limits = Limits(500, 200_000_000)) -> list[OcrPage]:
        """Every page in order, in this process (benchmarks and tests; the pipeline fans out)."""
        reader = self
        if preprocess is not None and preprocess != self.options.preprocess:
            reader = PageReader(replace(self.options, preprocess=preprocess))
        return [reader.read_page(data, media_type, plan) for plan in inspect(data, media_type, limits).pages]


def from_text_layer(plan: PagePlan) -> OcrPage:
    layer = plan.text_layer
    assert layer is not None
    words = [OcrWord(text=w.text, left=w.left, top=w.top, width=w.width, height=w.height,
                     confidence=TEXT_LAYER_CONFIDENCE) for w in layer.words]
    return OcrPage(
        number=plan.number,
        text=layer.text.strip(),
        words=words,
        mean_confidence=TEXT_LAYER_CONFIDENCE if words else None,
        width=layer.width,
        height=layer.height,
        source="text_layer",
    )
