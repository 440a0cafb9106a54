"""A viewer's view of a document through the real API and worker on both stacks: page images
in the geometry of the word boxes, thumbnails cached in the store, and the boxes of a search's
hits (exact, absent, and OCR-damaged spellings)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clinidex import synthetic

pytestmark = pytest.mark.services


def crooked(lines: list[str], angle: float, upside_down: bool) -> Image.Image:
    page = synthetic.render_page(lines, (204, 204)).convert("L")
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if upside_down:
        page = page.transpose(Image.Transpose.ROTATE_180)
    return page.point(lambda v: 255 if v > 160 else 0).convert("1")


def awkward_fax(seed: int) -> bytes:
    """Page 1 fed in crooked; page 2 crooked the other way and upside down."""
    _, text = synthetic.referral_pages(seed, pages=2)
    images = [crooked(text[0], 2.2, False), crooked(text[1], -1.6, True)]
    out = io.BytesIO()
    images[0].save(out, format="TIFF", compression="group4", dpi=(204, 204), save_all=True,
                   append_images=images[1:])
    return out.getvalue()


def derived_keys(stack, doc_id: str) -> list[str]:
    """What the stack's object store holds under the document's derived-data prefix."""
    prefix = f"derived/{doc_id}/"
    if stack.kind == "embedded":
        root = Path(stack.config["CLINIDEX_DATA_DIR"]) / "store"
        return sorted(p.relative_to(root).as_posix() for p in (root / prefix).rglob("*.png"))
    import boto3

    s3 = boto3.client("s3", endpoint_url=stack.config["CLINIDEX_S3_ENDPOINT_URL"], region_name="us-east-1",
                      aws_access_key_id=stack.config["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=stack.config["AWS_SECRET_ACCESS_KEY"])
    listed = s3.list_objects_v2(Bucket=stack.config["CLINIDEX_S3_BUCKET"], Prefix=prefix)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def frames_word(png: bytes, page: dict, word: dict) -> bool:
    """The word's box, scaled to the image, holds ink and the white between lines borders it."""
    image = Image.open(io.BytesIO(png))
    scale = image.width / page["width"]
    assert image.format == "PNG" and image.height == round(page["height"] * scale)
    ink = np.asarray(image.convert("L")) < 128
    left, right = round(word["left"] * scale), round((word["left"] + word["width"]) * scale)
    top, bottom = round(word["top"] * scale), round((word["top"] + word["height"]) * scale)
    bands = np.concatenate([ink[top - 5:top - 1, left:right], ink[bottom + 1:bottom + 5, left:right]])
    return ink[top:bottom, left:right].mean() > 0.12 and bands.mean() < 0.01


def test_page_images_thumbnails_and_hit_boxes(stack):
    seed = 641 if stack.kind == "services" else 642
    body = stack.wait_for(stack.upload(awkward_fax(seed), "crooked.tif").json()["id"])
    assert body["status"] == "indexed"
    doc_id, client = body["id"], stack.client
    marker = synthetic.marker_word(seed, 2)

    page = client.get(f"/documents/{doc_id}/pages/2").json()
    assert page["rotation"] == 180 and abs(page["skew"]) >= 0.4
    (word,) = [w for w in page["words"] if w["text"] == marker]

    image = client.get(f"/documents/{doc_id}/pages/2/image", params={"width": 1000})
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.headers["etag"] and "private" in image.headers["cache-control"]
    assert Image.open(io.BytesIO(image.content)).width == 1000
    assert frames_word(image.content, page, word)
    assert client.get(f"/documents/{doc_id}/pages/2/image", params={"width": 1000},
                      headers={"If-None-Match": image.headers["etag"]}).status_code == 304

    for number in (1, 2):
        thumb = client.get(f"/documents/{doc_id}/pages/{number}/thumbnail")
        picture = Image.open(io.BytesIO(thumb.content))
        assert thumb.status_code == 200 and picture.format == "PNG" and picture.width == 160
        assert len(thumb.content) < 40_000
    keys = derived_keys(stack, doc_id)
    assert sum("-160-" in k for k in keys) == 2 and sum("/2-1000-" in k for k in keys) == 1

    hits = client.get(f"/documents/{doc_id}/hits", params={"q": marker}).json()
    assert hits["fuzzy"] is False
    assert hits["pages"] == [{"number": 2, "width": page["width"], "height": page["height"],
                              "boxes": [{k: word[k] for k in ("left", "top", "width", "height")}]}]
    assert client.get(f"/documents/{doc_id}/hits", params={"q": "xylophone"}).json()["pages"] == []
    damaged = marker[:2] + ("q" if marker[2] != "q" else "x") + marker[3:]
    fuzzy = client.get(f"/documents/{doc_id}/hits", params={"q": damaged}).json()
    assert fuzzy["fuzzy"] is True and [p["number"] for p in fuzzy["pages"]] == [2]
    assert {k: word[k] for k in ("left", "top", "width", "height")} in fuzzy["pages"][0]["boxes"]

    missing = client.get(f"/documents/{doc_id}/pages/3/image")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert client.get(f"/documents/{'f' * 32}/pages/1/thumbnail").status_code == 404
