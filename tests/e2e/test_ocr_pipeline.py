"""OCR through real worker processes: page fan-out, orientation, text layers, hostile input."""
from __future__ import annotations

import io
import re

from clinidex import synthetic
from tests.support import documents


def fax_with_a_page_upside_down(seed: int, pages: int, upside_down: int) -> bytes:
    _, text = synthetic.referral_pages(seed, pages=pages)
    images = [synthetic.render_page(lines, synthetic.FINE) for lines in text]
    images[upside_down - 1] = images[upside_down - 1].rotate(180)
    out = io.BytesIO()
    images[0].save(out, format="TIFF", compression="group4", dpi=synthetic.FINE, save_all=True,
                   append_images=images[1:])
    return out.getvalue()


def test_long_fax_is_read_by_every_worker_process_and_reassembled_in_order(stack):
    seed = 601 if stack.kind == "services" else 602
    pages = 8
    response = stack.upload(fax_with_a_page_upside_down(seed, pages, upside_down=3), "long.tif")
    body = stack.wait_for(response.json()["id"])
    assert body["status"] == "indexed"
    assert body["page_count"] == pages and [p["number"] for p in body["pages"]] == list(range(1, pages + 1))
    for page in body["pages"]:
        assert synthetic.marker_word(seed, page["number"]) in page["text"], page["number"]
        assert page["source"] == "ocr"
    assert body["pages"][2]["rotation"] == 180
    assert body["low_confidence"] is False

    # Each page was its own task, and both pool processes took some.
    records = stack.log_records()
    page_runs = [r["process"] for r in records if re.match(r"Task clinidex\.page\[.+\] succeeded", r["message"])]
    assert len(page_runs) >= pages and len(set(page_runs)) >= 2
    # Structured logs carry the document id as a field of their own.
    assert any(r["logger"] == "clinidex.stages" and r["doc_id"] == body["id"] for r in records)

    words = stack.client.get(f"/documents/{body['id']}/pages/3").json()["words"]
    marker = [w for w in words if w["text"] == synthetic.marker_word(seed, 3)]
    assert len(marker) == 1 and marker[0]["width"] > 0


def test_born_digital_and_mixed_pdfs_skip_ocr_where_text_exists(stack):
    seed = 611 if stack.kind == "services" else 612
    _, text = synthetic.referral_pages(seed, pages=2)
    born = stack.wait_for(stack.upload(documents.born_digital_pdf(text), "letter.pdf").json()["id"])
    assert [p["source"] for p in born["pages"]] == ["text_layer", "text_layer"]
    mixed = stack.wait_for(stack.upload(
        documents.mixed_pdf(text[0], text[1], banner="FAX 555-0100 PAGE 2/2"), "mixed.pdf").json()["id"])
    assert [p["source"] for p in mixed["pages"]] == ["text_layer", "ocr"]
    hits = stack.search_until(synthetic.marker_word(seed, 2), expected=2)
    assert {h["doc_id"] for h in hits["hits"]} == {born["id"], mixed["id"]}


def test_hostile_input_fails_with_a_reason_and_the_queue_moves_on(stack):
    seed = 621 if stack.kind == "services" else 622
    _, text = synthetic.referral_pages(seed, pages=1)
    bomb = io.BytesIO()
    # 40000 x 40000 bilevel pixels compress to a few kB and would decode to 1.6 GB.
    from PIL import Image

    Image.new("1", (40_000, 40_000), 1).save(bomb, format="TIFF", compression="group4")
    cases = {
        "encrypted": (documents.encrypted_pdf(text[0]), "password"),
        "no pages": (documents.zero_page_pdf(), "no pages"),
        "bomb": (bomb.getvalue(), "over the limit"),
    }
    ids = {name: stack.upload(data, f"{name}.bin").json()["id"] for name, (data, _) in cases.items()}
    good = stack.upload(synthetic.fax_tiff(text), "good.tif").json()["id"]
    for name, (data, reason) in cases.items():
        body = stack.wait_for(ids[name])
        assert body["status"] == "failed" and reason in body["failure_reason"], name
        assert stack.client.get(f"/documents/{ids[name]}/original").content == data
    assert stack.wait_for(good)["status"] == "indexed"
