import io

import pytest
from PIL import Image

from clinidex import synthetic
from ingest.detect import PDF, PNG, TIFF
from ingest.errors import CorruptDocument, ImageTooLarge, TooManyPages
from ingest.render import Limits, render_pages

LIMITS = Limits(max_pages=50, max_image_pixels=50_000_000)


def test_multipage_fine_fax_renders_every_page_as_is():
    pages = render_pages(synthetic.fax_tiff([["one"], ["two"], ["three"]], synthetic.FINE), TIFF, LIMITS)
    assert [p.number for p in pages] == [1, 2, 3]
    # 204x196 dpi is 4% off square: left alone, as Tesseract reads it as well either way.
    assert pages[0].dpi == 204
    assert pages[0].image.size == (1728, 11 * 196)


def test_standard_fax_rows_are_doubled():
    (page,) = render_pages(synthetic.fax_tiff([["one"]], synthetic.STANDARD), TIFF, LIMITS)
    assert page.image.size == (1728, round(11 * 98 * 204 / 98))


def test_scanned_pdf_renders_at_300_dpi():
    pages = render_pages(synthetic.scanned_pdf([["a"], ["b"]]), PDF, LIMITS)
    assert len(pages) == 2 and pages[0].dpi == 300
    assert pages[0].image.width == pytest.approx(8.64 * 300, abs=3)


def test_truncated_tiff_is_corrupt():
    data = synthetic.fax_tiff([["x"]])
    with pytest.raises(CorruptDocument):
        render_pages(data[: len(data) // 3], TIFF, LIMITS)


def test_truncated_pdf_is_corrupt():
    with pytest.raises(CorruptDocument):
        render_pages(b"%PDF-1.4\n1 0 obj <<", PDF, LIMITS)


def test_pixel_limit_refuses_before_decoding():
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000), 1).save(out, format="PNG")
    with pytest.raises(ImageTooLarge):
        render_pages(out.getvalue(), PNG, LIMITS)


def test_page_limit():
    with pytest.raises(TooManyPages):
        render_pages(synthetic.fax_tiff([["p"]] * 3), TIFF, Limits(max_pages=2, max_image_pixels=10**8))
