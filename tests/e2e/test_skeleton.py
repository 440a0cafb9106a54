"""The walking skeleton end to end: a synthetic fax goes from HTTP upload to a search hit.

`services`: uvicorn and a Celery worker as separate processes on real Redis, OpenSearch and an
S3 server. `embedded`: `clinidex serve` with nothing configured (folder store, SQLite FTS5,
file broker and the worker process it starts itself).
"""
from __future__ import annotations

import re

from clinidex import synthetic
from clinidex.settings import Settings
from clinidex.store import open_store
from tests.support.services import MAX_UPLOAD, Stack


def store_keys(stack: Stack, monkeypatch, prefix: str) -> list[str]:
    for k, v in stack.config.items():
        monkeypatch.setenv(k, v)
    return list(open_store(Settings()).keys(prefix))


def test_fax_from_upload_to_search_hit(stack, monkeypatch):
    seed = 101 if stack.kind == "services" else 202
    patient, pages = synthetic.referral_pages(seed, pages=2)
    fax = synthetic.fax_tiff(pages, synthetic.FINE)

    response = stack.upload(fax, "incoming-fax.tif")
    assert response.status_code == 202, response.text
    doc_id = response.json()["id"]
    assert response.json()["status"] == "received"

    body = stack.wait_for(doc_id)
    assert body["status"] == "indexed", body["failure_reason"]
    assert body["media_type"] == "image/tiff" and body["page_count"] == 2
    assert [h["state"] for h in body["history"]] == ["received", "rendered", "ocr_done", "classified", "extracted",
                                                      "matched", "indexed"]
    for number, page in enumerate(body["pages"], start=1):
        assert synthetic.marker_word(seed, number) in page["text"]
        assert page["mean_confidence"] > 80

    marker = synthetic.marker_word(seed, 2)
    hits = stack.search_until(marker)
    assert hits["total"] == 1 and hits["hits"][0]["doc_id"] == doc_id
    assert any(f"<em>{marker}</em>" in s for s in hits["hits"][0]["snippets"])
    assert hits["backend"] == ("opensearch" if stack.kind == "services" else "embedded")

    phrase = stack.client.get("/search", params={"q": f"{patient.family} {marker}"}).json()
    assert [h["doc_id"] for h in phrase["hits"]] == [doc_id]

    original = stack.client.get(f"/documents/{doc_id}/original")
    assert original.status_code == 200 and original.content == fax
    assert original.headers["content-type"] == "image/tiff"
    # Neither the file name nor the patient's name reaches the worker or API logs.
    assert patient.family not in stack.logs() and "incoming-fax" not in stack.logs()

    again = stack.upload(fax, "resent.tif")
    assert again.status_code == 200 and again.json() == {**again.json(), "id": doc_id, "duplicate": True}
    receipts = stack.client.get(f"/documents/{doc_id}").json()["receipts"]
    assert [r["name"] for r in receipts] == ["incoming-fax.tif", "resent.tif"]
    assert len([k for k in store_keys(stack, monkeypatch, "originals/") if body["sha256"] in k]) == 1


def test_scanned_pdf_and_png_are_read(stack):
    seed = 303 if stack.kind == "services" else 404
    _, pages = synthetic.referral_pages(seed, pages=2)
    pdf = stack.upload(synthetic.scanned_pdf(pages), "scan.pdf").json()["id"]
    png = stack.upload(synthetic.page_png(pages[0]), "photo.dat").json()["id"]
    assert stack.wait_for(pdf)["page_count"] == 2
    assert synthetic.marker_word(seed, 2) in stack.wait_for(pdf)["pages"][1]["text"]
    assert stack.wait_for(png)["media_type"] == "image/png"


def test_bad_input_is_refused_with_a_clear_problem(stack):
    unsupported = stack.upload(b"Dear colleague, this is a plain text letter.", "letter.pdf")
    assert unsupported.status_code == 415
    assert unsupported.headers["content-type"] == "application/problem+json"
    assert "PDF, TIFF, PNG and JPEG" in unsupported.json()["detail"]

    empty = stack.upload(b"", "empty.tif")
    assert empty.status_code == 400

    too_big = stack.upload(b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_UPLOAD, "huge.png")
    assert too_big.status_code == 413
    assert stack.client.get("/documents/0123456789abcdef0123456789abcdef").status_code == 404


def test_corrupt_file_fails_with_reason_keeps_original_and_worker_lives_on(stack):
    corrupt = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + bytes(range(256)) * 8
    bad = stack.upload(corrupt, "broken.pdf")
    assert bad.status_code == 202
    _, pages = synthetic.referral_pages(505, pages=1)
    good = stack.upload(synthetic.fax_tiff(pages, synthetic.STANDARD), "after.tif").json()["id"]

    failed = stack.wait_for(bad.json()["id"])
    assert failed["status"] == "failed"
    assert re.search(r"damaged|truncated", failed["failure_reason"])
    assert stack.client.get(f"/documents/{failed['id']}/original").content == corrupt

    # The same worker goes on to read the next document (a 204x98 standard-resolution fax).
    after = stack.wait_for(good)
    assert after["status"] == "indexed"
    assert synthetic.marker_word(505, 1) in after["pages"][0]["text"]
    # Once the later document is searchable, the failed one would be too had it been indexed.
    assert stack.search_until(synthetic.marker_word(505, 1))["total"] == 1
    assert stack.client.get("/search", params={"q": "Catalog"}).json()["total"] == 0
