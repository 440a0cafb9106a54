from clinidex import synthetic
from ingest.detect import TIFF
from ingest.ocr import ocr_page
from ingest.render import Limits, render_pages


def test_fax_page_text_words_and_confidence_from_one_call():
    patient, pages = synthetic.referral_pages(seed=11, pages=1)
    (image,) = render_pages(synthetic.fax_tiff(pages), TIFF, Limits(10, 10**8))
    result = ocr_page(1, image.image, dpi=image.dpi, language="eng", timeout_s=60)
    assert synthetic.marker_word(11, 1) in result.text
    assert patient.family in result.text
    assert result.mean_confidence is not None and result.mean_confidence > 80
    marker = [w for w in result.words if w.text == synthetic.marker_word(11, 1)]
    assert len(marker) == 1 and marker[0].width > 0 and marker[0].height > 0
    # The marker line sits below the header lines, so its box is not at the top of the page.
    assert marker[0].top > result.words[0].top


def test_blank_page_has_no_words():
    (image,) = render_pages(synthetic.fax_tiff([[]]), TIFF, Limits(10, 10**8))
    result = ocr_page(1, image.image, dpi=image.dpi, language="eng", timeout_s=60)
    assert result.text == "" and result.words == [] and result.mean_confidence is None


def test_both_engines_read_the_same_page():
    from ingest.ocr import engine

    _, pages = synthetic.referral_pages(seed=12, pages=1)
    (image,) = render_pages(synthetic.fax_tiff(pages), TIFF, Limits(10, 10**8))
    readings = {name: engine(name, "eng").read(1, image.image, dpi=image.dpi, timeout_s=60)
                for name in ("tesserocr", "pytesseract")}
    for name, page in readings.items():
        assert synthetic.marker_word(12, 1) in page.text, name
        assert page.mean_confidence > 80 and len(page.words) > 30, name
