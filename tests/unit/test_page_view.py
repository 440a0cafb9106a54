"""The page image a viewer shows is the image the page was read from, so word boxes land on
their words: replayed from the page record, checked pixel for pixel against what the reader
handed to OCR."""
import io

import numpy as np
import pytest
from PIL import Image

from clinidex import degrade, synthetic
from clinidex.manifest import PageResult, Word
from ingest import page_view
from ingest.detect import PDF, PNG, TIFF
from ingest.ocr import OcrPage, OcrWord
from ingest.page_view import Geometry
from ingest.reader import PageReader, from_text_layer
from ingest.render import Limits, PagePlan, inspect
from workers.page_images import hit_boxes

LIMITS = Limits(max_pages=10, max_image_pixels=100_000_000)


class RecordingEngine:
    """Stands in for Tesseract: keeps every image it is handed, reports the page turned by
    `turn`, and reads confidently only the upright image."""

    def __init__(self, turn: int = 0) -> None:
        self.turn = turn
        self.images: list[Image.Image] = []

    def read(self, number, image, *, dpi, timeout_s):
        self.images.append(image.copy())
        upright = not self.turn or len(self.images) > 1
        words = [OcrWord(text="word", left=0, top=0, width=9, height=9, confidence=95.0)] * 10 if upright else []
        return OcrPage(number, "", words, 95.0 if words else None, image.width, image.height)

    def orientation(self, image):
        return self.turn, 10.0


def read_with(monkeypatch, data: bytes, media_type: str, turn: int = 0) -> tuple[OcrPage, Image.Image]:
    recorder = RecordingEngine(turn)
    monkeypatch.setattr("ingest.reader.engine", lambda name, language: recorder)
    result = PageReader().read_page(data, media_type, PagePlan(1))
    return result, recorder.images[-1]


def tiff(image: Image.Image, dpi=synthetic.FINE) -> bytes:
    out = io.BytesIO()
    image.save(out, format="TIFF", compression="group4", dpi=dpi)
    return out.getvalue()


def crooked_and_sideways(seed: int, angle: float = 2.3) -> bytes:
    """A page fed in crooked and landscape: skewed, then turned a quarter."""
    _, pages = synthetic.referral_pages(seed, pages=1)
    page = synthetic.render_page(pages[0], (204, 204)).convert("L")
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255).transpose(Image.Transpose.ROTATE_90)
    return tiff(page.point(lambda v: 255 if v > 160 else 0).convert("1"), (204, 204))


def low_resolution_png(seed: int) -> bytes:
    _, pages = synthetic.referral_pages(seed, pages=1)
    out = io.BytesIO()
    synthetic.render_page(pages[0], (150, 150)).save(out, format="PNG", dpi=(150, 150))
    return out.getvalue()


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


CASES = {
    # name: (bytes, media type, the turn the page needs)
    "skewed fax": lambda: (degrade.skewed(31).data, TIFF, 0),
    "sideways fax": lambda: (degrade.sideways(32).data, TIFF, 270),
    "upside-down fax": lambda: (degrade.upside_down(33).data, TIFF, 180),
    "standard-resolution fax": lambda: (degrade.standard(34).data, TIFF, 0),
    "noisy fax": lambda: (degrade.noisy(35).data, TIFF, 0),
    "crooked and sideways": lambda: (crooked_and_sideways(36), TIFF, 270),
    "150-dpi scan": lambda: (low_resolution_png(37), PNG, 0),
    "scanned PDF": lambda: (synthetic.scanned_pdf(synthetic.referral_pages(38, pages=1)[1]), PDF, 0),
}


@pytest.mark.parametrize("case", CASES)
def test_view_is_the_image_that_was_read(monkeypatch, case):
    data, media_type, turn = CASES[case]()
    result, read_image = read_with(monkeypatch, data, media_type, turn)
    assert result.rotation == turn
    view = page_view.page_view(data, media_type, 1, Geometry.of(result))
    assert view.size == (result.width, result.height) == read_image.size
    assert view.mode == "L"
    assert np.array_equal(pixels(view), pixels(read_image))


def test_the_cases_exercise_every_step(monkeypatch):
    """The pixel test above proves something only if the pages were really resampled,
    deskewed, despeckled and turned."""
    seen = {name: read_with(monkeypatch, *CASES[name]())[0] for name in
            ("skewed fax", "noisy fax", "crooked and sideways", "150-dpi scan")}
    assert abs(seen["skewed fax"].skew) >= 0.4
    assert seen["noisy fax"].despeckled
    assert abs(seen["crooked and sideways"].skew) >= 0.4 and seen["crooked and sideways"].rotation == 270
    original = Image.open(io.BytesIO(CASES["150-dpi scan"]()[0]))
    assert seen["150-dpi scan"].width == 2 * original.width


def ink(image: Image.Image, word: Word | OcrWord) -> float:
    box = pixels(image)[word.top:word.top + word.height, word.left:word.left + word.width]
    return float((box < 128).mean()) if box.size else 0.0


def margins_ink(image: Image.Image, word: Word | OcrWord, band: int = 5) -> float:
    """Ink in the bands just above and below a word box: a box on its word has the white
    between text lines there, a box off its word mostly has not."""
    grid = pixels(image)[:, word.left:word.left + word.width]
    above = grid[max(0, word.top - band - 1):max(0, word.top - 1)]
    below = grid[word.top + word.height + 1:word.top + word.height + band + 1]
    both = np.concatenate([above, below])
    return float((both < 128).mean()) if both.size else 1.0


def test_a_word_read_by_tesseract_sits_on_ink_in_the_view():
    seed = 36
    data = crooked_and_sideways(seed)
    result = PageReader().read_page(data, TIFF, PagePlan(1))
    assert result.rotation and result.skew  # both steps were needed to read it
    marker = synthetic.marker_word(seed, 1)
    (word,) = [w for w in result.words if w.text == marker]
    view = page_view.page_view(data, TIFF, 1, Geometry.of(result))
    assert view.size == (result.width, result.height)
    assert ink(view, word) > 0.12 and margins_ink(view, word) < 0.02
    # The same box on the page as it arrived does not frame a word: the replay lines it up.
    arrived = Image.open(io.BytesIO(data))
    assert margins_ink(arrived, word) > 0.05


def test_text_layer_words_sit_on_ink_in_the_rendered_page():
    from tests.support import documents

    seed = 39
    _, pages = synthetic.referral_pages(seed, pages=1)
    data = documents.born_digital_pdf(pages)
    (plan,) = inspect(data, PDF, LIMITS).pages
    result = from_text_layer(plan)
    view = page_view.page_view(data, PDF, 1, Geometry.of(result))
    assert view.size == (result.width, result.height)
    (word,) = [w for w in result.words if w.text == synthetic.marker_word(seed, 1)]
    assert ink(view, word) > 0.12 and margins_ink(view, word) < 0.02
    words_on_ink = [ink(view, w) > 0.05 for w in result.words]
    assert sum(words_on_ink) / len(words_on_ink) > 0.95


def test_an_image_off_by_an_edge_pixel_is_cropped_and_one_off_in_scale_is_resized():
    image = Image.new("L", (1001, 1300), 255)
    image.putpixel((0, 0), 0)
    image.putpixel((1000, 1299), 0)
    edge = page_view.to_recorded_size(image, Geometry(width=1000, height=1299))
    assert edge.size == (1000, 1299)
    assert np.array_equal(pixels(edge), pixels(image)[:1299, :1000])  # not resampled
    halved = page_view.to_recorded_size(image, Geometry(width=500, height=650))
    assert halved.size == (500, 650)
    assert page_view.to_recorded_size(image, Geometry()).size == image.size  # no record: as rendered


def test_scaling_keeps_the_aspect_and_png_round_trips():
    image = Image.new("L", (1728, 2156), 255)
    small = page_view.thumbnail(image)
    assert small.size == (160, round(2156 * 160 / 1728))
    data = page_view.encode_png(page_view.scaled(image, 1200))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(data)).size == (1200, round(2156 * 1200 / 1728))


def test_geometry_key_changes_with_anything_that_moves_pixels():
    base = Geometry(width=1728, height=2156, rotation=0, skew=1.2)
    keys = {base.key, Geometry(width=1728, height=2156, rotation=90, skew=1.2).key,
            Geometry(width=1728, height=2156, rotation=0, skew=1.3).key,
            Geometry(width=1728, height=2157, rotation=0, skew=1.2).key,
            Geometry(source="text_layer", width=1728, height=2156, skew=1.2).key}
    assert len(keys) == 5


# Hit boxes -----------------------------------------------------------------------------------

def page(number: int, *texts: str) -> PageResult:
    words = [Word(text=t, left=10 * i, top=number, width=8, height=8, confidence=90.0) for i, t in enumerate(texts)]
    return PageResult(number=number, text=" ".join(texts), words=words, width=100, height=100)


def lefts(boxes: dict[int, list[dict]]) -> dict[int, list[int]]:
    return {n: [b["left"] for b in found] for n, found in boxes.items() if found}


def test_exact_hits_with_punctuation_and_case():
    pages = [page(1, "Seen", "for", "Hypertension,"), page(2, "no", "hypertension")]
    assert hit_boxes(pages, "hypertension") == (False, {1: [{"left": 20, "top": 1, "width": 8, "height": 8}],
                                                        2: [{"left": 10, "top": 2, "width": 8, "height": 8}]})


def test_synonyms_count_as_exact():
    fuzzy, boxes = hit_boxes([page(1, "history", "of", "HTN", "and", "high", "blood", "pressure")], "hypertension")
    assert fuzzy is False and lefts(boxes) == {1: [20, 40, 50, 60]}


def test_fuzzy_only_when_a_clause_is_not_found_as_written():
    pages = [page(1, "Echocardiogram", "shows", "mitral"), page(2, "regurgltation", "noted")]
    assert lefts(hit_boxes(pages, "mitral")[1]) == {1: [20]}
    fuzzy, boxes = hit_boxes(pages, "mitral regurgitation")
    assert fuzzy is True and lefts(boxes) == {1: [20], 2: [0]}
    assert hit_boxes(pages, "zzyzx") == (False, {1: [], 2: []})
    assert hit_boxes(pages, "!!!") == (False, {})
