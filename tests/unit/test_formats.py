"""Every intake format a fax server or scanner produces is read, recognised by content."""
import pytest

from clinidex import synthetic
from ingest.detect import check_upload
from ingest.reader import PageReader

READER = PageReader()


@pytest.mark.parametrize("encoding", sorted(synthetic.TIFF_ENCODINGS))
@pytest.mark.parametrize("resolution", [synthetic.FINE, synthetic.STANDARD], ids=["fine", "standard"])
def test_fax_tiff_encodings_and_resolutions(encoding, resolution):
    seed = 40 + sorted(synthetic.TIFF_ENCODINGS).index(encoding)
    _, pages = synthetic.referral_pages(seed, pages=1)
    data = synthetic.fax_tiff(pages, resolution, encoding)
    (page,) = READER.read_document(data, check_upload(data, 10**8))
    assert synthetic.marker_word(seed, 1) in page.text
    assert page.source == "ocr" and page.mean_confidence > 80


def test_png_and_jpeg_photos_of_a_page():
    from io import BytesIO

    _, pages = synthetic.referral_pages(61, pages=1)
    image = synthetic.render_page(pages[0], (200, 200)).convert("L")
    for fmt in ("PNG", "JPEG"):
        out = BytesIO()
        image.save(out, format=fmt, dpi=(200, 200), quality=85)
        (page,) = READER.read_document(out.getvalue(), check_upload(out.getvalue(), 10**8))
        assert synthetic.marker_word(61, 1) in page.text, fmt
