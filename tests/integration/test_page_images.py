"""Page images, thumbnails and hit boxes on the embedded store: a crooked, sideways fax is read
by the real stages, then served through the pages router in process."""
import io

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from api import problems
from api.deps import context
from api.routers import pages as pages_router
from clinidex import synthetic
from clinidex.settings import Settings
from clinidex.store import original_key
from workers import page_images
from workers.context import build_context
from workers.intake import receive
from workers.stages import _child, assemble_stage, page_stage, prepare_stage

SEED = 71


def crooked(lines: list[str], angle: float, turn: Image.Transpose | None) -> Image.Image:
    page = synthetic.render_page(lines, (204, 204)).convert("L")
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if turn is not None:
        page = page.transpose(turn)
    return page.point(lambda v: 255 if v > 160 else 0).convert("1")


def awkward_fax(seed: int) -> bytes:
    """Page 1 fed in crooked; page 2 crooked the other way and upside down."""
    _, text = synthetic.referral_pages(seed, pages=2)
    images = [crooked(text[0], 2.4, None), crooked(text[1], -1.8, Image.Transpose.ROTATE_180)]
    out = io.BytesIO()
    images[0].save(out, format="TIFF", compression="group4", dpi=(204, 204), save_all=True,
                   append_images=images[1:])
    return out.getvalue()


@pytest.fixture(scope="module")
def read_fax(tmp_path_factory):
    ctx = build_context(Settings(data_dir=tmp_path_factory.mktemp("pages")))
    doc_id = receive(ctx, awkward_fax(SEED), filename=None, source="test").manifest.doc_id
    for job in prepare_stage(ctx, doc_id):
        page_stage(ctx, job)
    assert assemble_stage(ctx, doc_id)
    return ctx, doc_id


@pytest.fixture()
def client(read_fax):
    ctx, _ = read_fax
    app = FastAPI()
    problems.install(app)
    app.include_router(pages_router.router)
    app.dependency_overrides[context] = lambda: ctx
    with TestClient(app) as c:
        yield c


def marker_box(ctx, doc_id: str, number: int):
    record = ctx.docs.load_page(doc_id, number)
    (word,) = [w for w in record.words if w.text == synthetic.marker_word(SEED, number)]
    return record, word


def frames_word(png: bytes, record, word) -> bool:
    """The word's box, scaled to the served image, holds ink, and the thin bands just above
    and below it (the white between text lines) hold next to none."""
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    scale = image.width / record.width
    assert image.height == round(record.height * scale)
    grey = np.asarray(image.convert("L")) < 128
    left, right = round(word.left * scale), round((word.left + word.width) * scale)
    top, bottom = round(word.top * scale), round((word.top + word.height) * scale)
    inside = grey[top:bottom, left:right].mean()
    bands = np.concatenate([grey[top - 5:top - 1, left:right], grey[bottom + 1:bottom + 5, left:right]]).mean()
    return inside > 0.12 and bands < 0.01


@pytest.mark.parametrize("number", [1, 2])
def test_marker_word_box_covers_ink_on_the_served_image(read_fax, client, number):
    ctx, doc_id = read_fax
    record, word = marker_box(ctx, doc_id, number)
    assert abs(record.skew) >= 0.4 and record.rotation == (0 if number == 1 else 180)
    response = client.get(f"/documents/{doc_id}/pages/{number}/image", params={"width": 1600})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert "private" in response.headers["cache-control"] and response.headers["etag"]
    assert frames_word(response.content, record, word)
    # The default width serves too, with the word still under its box.
    default = client.get(f"/documents/{doc_id}/pages/{number}/image")
    assert Image.open(io.BytesIO(default.content)).width == page_images.DEFAULT_WIDTH
    assert frames_word(default.content, record, word)


def test_thumbnail_is_a_small_png(read_fax, client):
    _, doc_id = read_fax
    response = client.get(f"/documents/{doc_id}/pages/1/thumbnail")
    image = Image.open(io.BytesIO(response.content))
    assert response.status_code == 200 and image.format == "PNG" and image.width == 160
    assert len(response.content) < 40_000


def test_cache_is_written_reused_and_rebuilt(read_fax, client):
    ctx, doc_id = read_fax
    url = f"/documents/{doc_id}/pages/1/image"
    params = {"width": 700}
    first = client.get(url, params=params)
    (key,) = [k for k in ctx.docs.objects.keys(page_images.derived_prefix(doc_id)) if "/1-700-" in k]
    assert ctx.docs.objects.get(key) == first.content
    # Served from the cache: replace the cached object and the response follows it.
    marker = page_images.page_view.encode_png(Image.new("L", (700, 10), 128))
    ctx.docs.objects.put(key, marker)
    assert client.get(url, params=params).content == marker
    # The cache is only a cache: deleted, the image is drawn again from the original.
    assert page_images.drop_cached(ctx, doc_id) >= 1
    assert client.get(url, params=params).content == first.content
    assert ctx.docs.objects.exists(key)
    # A browser that has it revalidates for nothing.
    again = client.get(url, params=params, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_missing_documents_and_pages_are_404_problems(read_fax, client):
    _, doc_id = read_fax
    for path in (f"/documents/{'0' * 32}/pages/1/image", f"/documents/{doc_id}/pages/3/image",
                 f"/documents/{doc_id}/pages/0/thumbnail", f"/documents/{'0' * 32}/hits?q=x"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"/documents/{doc_id}/pages/1/image", params={"width": 5000}).status_code == 422


def test_a_piece_of_a_batch_fax_shows_the_fax_pages(read_fax, client):
    ctx, doc_id = read_fax
    piece = _child(ctx.docs.load(doc_id), 2, 2)
    ctx.docs.save(piece)
    mine = client.get(f"/documents/{piece.doc_id}/pages/1/image", params={"width": 640})
    fax = client.get(f"/documents/{doc_id}/pages/2/image", params={"width": 640})
    assert mine.status_code == 200 and mine.content == fax.content
    assert client.get(f"/documents/{piece.doc_id}/pages/2/image").status_code == 404
    hits = client.get(f"/documents/{piece.doc_id}/hits", params={"q": synthetic.marker_word(SEED, 2)}).json()
    assert [p["number"] for p in hits["pages"]] == [1]
    assert client.get(f"/documents/{piece.doc_id}/hits",
                      params={"q": synthetic.marker_word(SEED, 1)}).json()["pages"] == []


def test_hits_exact_absent_and_fuzzy(read_fax, client):
    ctx, doc_id = read_fax
    marker = synthetic.marker_word(SEED, 2)
    record, word = marker_box(ctx, doc_id, 2)
    found = client.get(f"/documents/{doc_id}/hits", params={"q": marker.lower()}).json()
    assert found["fuzzy"] is False and found["q"] == marker.lower()
    assert found["pages"] == [{"number": 2, "width": record.width, "height": record.height,
                               "boxes": [{"left": word.left, "top": word.top, "width": word.width,
                                          "height": word.height}]}]
    assert client.get(f"/documents/{doc_id}/hits", params={"q": "xylophone"}).json() == \
        {"q": "xylophone", "fuzzy": False, "pages": []}
    damaged = marker[:3] + ("x" if marker[3] != "x" else "y") + marker[4:]
    fuzzy = client.post(f"/documents/{doc_id}/hits", json={"q": damaged}).json()
    assert fuzzy["fuzzy"] is True and [p["number"] for p in fuzzy["pages"]] == [2]
    assert word.left in [b["left"] for b in fuzzy["pages"][0]["boxes"]]


def test_a_page_that_cannot_be_drawn_is_a_422_problem_and_others_still_serve(read_fax, client):
    ctx, doc_id = read_fax
    _, text = synthetic.referral_pages(SEED + 1, pages=1)
    other = receive(ctx, synthetic.fax_tiff(text), filename=None, source="test").manifest
    for job in prepare_stage(ctx, other.doc_id):
        page_stage(ctx, job)
    assert assemble_stage(ctx, other.doc_id)
    good = ctx.docs.objects.get(original_key(other.sha256))
    try:
        ctx.docs.objects.put(original_key(other.sha256), good[:200])  # the original damaged in the store
        page_images._originals.clear()
        response = client.get(f"/documents/{other.doc_id}/pages/1/image")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/page_unrenderable"
        assert client.get(f"/documents/{doc_id}/pages/1/thumbnail").status_code == 200
    finally:
        ctx.docs.objects.put(original_key(other.sha256), good)
        page_images._originals.clear()
