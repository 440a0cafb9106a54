import pytest

from clinidex import synthetic
from ingest.detect import JPEG, PDF, PNG, TIFF, check_upload
from ingest.errors import EmptyDocument, TooLarge, UnsupportedMediaType


def test_types_are_recognised_by_content():
    pages = [["hello"]]
    assert check_upload(synthetic.fax_tiff(pages), 10**8) == TIFF
    assert check_upload(synthetic.scanned_pdf(pages), 10**8) == PDF
    assert check_upload(synthetic.page_png(pages[0]), 10**8) == PNG
    assert check_upload(b"\xff\xd8\xff\xe0" + b"\0" * 20, 10**8) == JPEG


def test_text_is_refused_whatever_it_is_called():
    with pytest.raises(UnsupportedMediaType) as err:
        check_upload(b"Patient: nobody\nThis is not a PDF", 10**8)
    assert err.value.http_status == 415
    assert "PDF, TIFF, PNG and JPEG" in str(err.value)


def test_empty_and_oversized():
    with pytest.raises(EmptyDocument):
        check_upload(b"", 100)
    with pytest.raises(TooLarge) as err:
        check_upload(b"%PDF-" + b"x" * 200, 100)
    assert err.value.http_status == 413
