"""PDFs: text layers are read directly, scans are OCR'd, bad PDFs are refused with a reason."""
import pytest

from clinidex import synthetic
from ingest.detect import PDF
from ingest.errors import CorruptDocument, EmptyDocument, EncryptedDocument
from ingest.reader import PageReader
from ingest.render import Limits, inspect
from tests.support import documents

LIMITS = Limits(max_pages=50, max_image_pixels=200_000_000)


def test_born_digital_pages_are_not_ocrd_and_keep_word_boxes():
    _, pages = synthetic.referral_pages(71, pages=2)
    result = PageReader().read_document(documents.born_digital_pdf(pages), PDF)
    assert [p.source for p in result] == ["text_layer", "text_layer"]
    assert synthetic.marker_word(71, 2) in result[1].text and "\r" not in result[1].text
    (marker,) = [w for w in result[1].words if w.text == synthetic.marker_word(71, 2)]
    # Boxes are pixels at 300 dpi from the top-left, like OCR boxes: letter is 2550x3300.
    assert result[1].width == 2550 and result[1].height == 3300
    assert 0 < marker.left < 2550 and 300 < marker.top < 3300 and marker.width > 50


def test_mixed_pdf_reads_each_page_its_own_way_and_a_fax_banner_is_not_a_text_layer():
    _, pages = synthetic.referral_pages(72, pages=2)
    banner = "FAX 555-0100 TO RECORDS 11/25/2026 10:02 PAGE 2/2"
    data = documents.mixed_pdf(pages[0], pages[1], banner=banner)
    assert [p.text_layer is not None for p in inspect(data, PDF, LIMITS).pages] == [True, False]
    result = PageReader().read_document(data, PDF)
    assert [p.source for p in result] == ["text_layer", "ocr"]
    assert synthetic.marker_word(72, 2) in result[1].text


def test_encrypted_empty_and_truncated_pdfs():
    _, pages = synthetic.referral_pages(73, pages=1)
    with pytest.raises(EncryptedDocument, match="password"):
        inspect(documents.encrypted_pdf(pages[0]), PDF, LIMITS)
    with pytest.raises(EmptyDocument, match="no pages"):
        inspect(documents.zero_page_pdf(), PDF, LIMITS)
    whole = documents.born_digital_pdf(pages)
    with pytest.raises(CorruptDocument):
        inspect(whole[: len(whole) // 2], PDF, LIMITS)


def test_absurd_page_size_is_refused_before_rendering():
    _, pages = synthetic.referral_pages(74, pages=1)
    with pytest.raises(Exception, match="pixels"):
        inspect(documents.born_digital_pdf(pages), PDF, Limits(max_pages=5, max_image_pixels=1_000_000))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_text_layer_word_boxes_follow_the_page_rotation(rotation):
    import io

    import numpy as np
    import pypdfium2 as pdfium

    from ingest import pdf

    doc = pdfium.PdfDocument(documents.born_digital_pdf([["ZEBRAWORD alpha beta gamma delta epsilon zeta eta theta"] * 12]))
    doc[0].set_rotation(rotation)
    out = io.BytesIO()
    doc.save(out)
    doc.close()
    page = pdf.open_pdf(out.getvalue())[0]
    layer = pdf.text_layer(page)
    image = np.asarray(pdf.render(page))
    assert image.shape == (layer.height, layer.width) or abs(image.shape[0] - layer.height) <= 2
    word = next(w for w in layer.words if w.text == "ZEBRAWORD")
    ink = image[word.top:word.top + word.height, word.left:word.left + word.width] < 128
    assert ink.size and ink.mean() > 0.1  # the box covers the printed word, not blank paper
