"""Page images and hit boxes for the viewer, rendered on demand from the stored original.

The store is the truth: a page image is derived data, rendered from the original and the
page's reading record, and kept under `derived/<document id>/` only as a cache that can be
deleted at any time and is rebuilt on the next request. A cached image's key carries a
fingerprint of the original, the page's geometry and the view version, so a page read again
differently (or a new way of drawing it) never meets a stale image.

A document split from a batch fax has no pages of its own: its page n is page
first + n - 1 of the fax (`manifest.parent_id`, `page_range`), and its images are the fax's.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from clinidex.errors import ClinidexError, NotFound, TransientError
from clinidex.manifest import Manifest, PageResult, State
from index.query_text import Clause, parse, word_matches
from ingest import page_view
from ingest.errors import IntakeError
from workers.context import Context

log = logging.getLogger("clinidex.page_images")

DEFAULT_WIDTH = 1200
MIN_WIDTH = 100
MAX_WIDTH = 2400
THUMBNAIL_WIDTH = page_view.THUMBNAIL_WIDTH

DERIVED = "derived"


class UnrenderablePage(ClinidexError):
    """The page's bytes cannot be drawn (damaged, or beyond what the decoder takes). The
    message names the page number only."""


def derived_prefix(doc_id: str) -> str:
    """Everything derived from a document's original; retention deletes it with the original."""
    return f"{DERIVED}/{doc_id}/"


@dataclass(frozen=True)
class PageRef:
    """A page as the caller numbers it, and where its reading and bytes are kept."""

    doc_id: str
    number: int
    source_id: str  # the document whose page records hold it: the fax, for a piece of one
    source_number: int
    sha256: str
    media_type: str


def page_numbers(manifest: Manifest) -> range:
    if manifest.parent_id and manifest.page_range:
        first, last = manifest.page_range
        return range(1, last - first + 2)
    return range(1, (manifest.page_count or 0) + 1)


def _ref(manifest: Manifest, number: int) -> PageRef:
    if manifest.parent_id and manifest.page_range:
        source_id, source_number = manifest.parent_id, manifest.page_range[0] + number - 1
    else:
        source_id, source_number = manifest.doc_id, number
    return PageRef(manifest.doc_id, number, source_id, source_number, manifest.sha256, manifest.media_type)


def _manifest(ctx: Context, doc_id: str) -> Manifest:
    manifest = ctx.docs.load(doc_id)
    if manifest.state == State.destroyed:
        # Past retention: a cached image must not outlive the original.
        raise NotFound(doc_id)
    return manifest


def locate(ctx: Context, doc_id: str, number: int) -> tuple[PageRef, PageResult]:
    """The page and its reading. NotFound when the document, the page, or its reading (not
    read yet: without it the geometry of the word boxes is unknown) does not exist."""
    manifest = _manifest(ctx, doc_id)
    if number not in page_numbers(manifest):
        raise NotFound(f"{doc_id}/{number}")
    ref = _ref(manifest, number)
    record = ctx.docs.find_page(ref.source_id, ref.source_number)
    if record is None:
        raise NotFound(f"{doc_id}/{number}")
    return ref, record


@dataclass(frozen=True)
class Picture:
    """One page image at one width: where it is cached and its validator, known before any
    pixel is drawn."""

    ref: PageRef
    geometry: page_view.Geometry
    width: int
    fingerprint: str

    @property
    def key(self) -> str:
        return f"{derived_prefix(self.ref.source_id)}pages/{self.ref.source_number}-{self.width}-{self.fingerprint}.png"

    @property
    def etag(self) -> str:
        return f'"{self.fingerprint}-{self.width}"'


def picture(ctx: Context, doc_id: str, number: int, width: int) -> Picture:
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(f"width must be between {MIN_WIDTH} and {MAX_WIDTH}")
    ref, record = locate(ctx, doc_id, number)
    geometry = page_view.Geometry.of(record)
    # The original's hash and the page's geometry decide the pixels; the document id does not
    # (a piece of a fax shows the fax's page), so pieces and their fax share cached images.
    seed = f"{ref.sha256}:{ref.source_number}:{geometry.key}"
    return Picture(ref, geometry, width, hashlib.sha256(seed.encode()).hexdigest()[:16])


class _Originals:
    """The last few originals, by hash: a viewer asks for every thumbnail of a document at once,
    and each would otherwise fetch the whole original from the store again. Requests for one
    original arriving together wait for a single fetch."""

    def __init__(self, budget_bytes: int = 64 * 1024 * 1024) -> None:
        self.budget = budget_bytes
        self.lock = threading.Lock()
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.fetching: dict[str, threading.Lock] = {}

    def _cached(self, sha256: str) -> bytes | None:
        with self.lock:
            if sha256 in self.items:
                self.items.move_to_end(sha256)
                return self.items[sha256]
            return None

    def get(self, ctx: Context, sha256: str) -> bytes:
        if (data := self._cached(sha256)) is not None:
            return data
        with self.lock:
            fetch = self.fetching.setdefault(sha256, threading.Lock())
        with fetch:
            if (data := self._cached(sha256)) is not None:
                return data
            try:
                data = ctx.docs.original_by_hash(sha256)
                if len(data) <= self.budget // 4:
                    with self.lock:
                        self.items[sha256] = data
                        while sum(len(v) for v in self.items.values()) > self.budget:
                            self.items.popitem(last=False)
                return data
            finally:
                with self.lock:
                    self.fetching.pop(sha256, None)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_originals = _Originals()
# Rendering is CPU work: more at once than there are cores only holds more pages in memory
# (a 300-dpi page is 8 MB of grey) without finishing any sooner.
_renders = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


def render(ctx: Context, ref: PageRef, geometry: page_view.Geometry) -> Image.Image:
    """The page in its word boxes' geometry, at the size its record gives."""
    data = _originals.get(ctx, ref.sha256)
    with _renders:
        try:
            return page_view.page_view(data, ref.media_type, ref.source_number, geometry)
        except (IntakeError, OSError, ValueError, SyntaxError, EOFError, MemoryError,
                Image.DecompressionBombError) as exc:
            log.warning("document %s page %d cannot be rendered: %s", ref.doc_id, ref.number, type(exc).__name__)
            raise UnrenderablePage(f"Page {ref.number} of the document cannot be rendered.") from exc


def png(ctx: Context, pic: Picture) -> bytes:
    """The picture's PNG: from the cache, or rendered and cached."""
    try:
        return ctx.docs.objects.get(pic.key)
    except NotFound:
        pass
    image = render(ctx, pic.ref, pic.geometry)
    with _renders:
        data = page_view.encode_png(page_view.scaled(image, pic.width))
    try:
        ctx.docs.objects.put(pic.key, data)
    except TransientError as exc:
        # The cache is a convenience: the image is served, and rendered again next time.
        log.warning("document %s page %d image not cached: %s", pic.ref.doc_id, pic.ref.number, type(exc).__name__)
    return data


def page_png(ctx: Context, doc_id: str, number: int, width: int = DEFAULT_WIDTH) -> bytes:
    return png(ctx, picture(ctx, doc_id, number, width))


def thumbnail_png(ctx: Context, doc_id: str, number: int) -> bytes:
    return png(ctx, picture(ctx, doc_id, number, THUMBNAIL_WIDTH))


def drop_cached(ctx: Context, doc_id: str) -> int:
    """Delete a document's cached images (they are rebuilt on demand). Returns how many."""
    keys = list(ctx.docs.objects.keys(derived_prefix(doc_id)))
    for key in keys:
        ctx.docs.objects.delete(key)
    return len(keys)


# Hit boxes -----------------------------------------------------------------------------------

def _boxes(page: PageResult, clauses: list[Clause], fuzzy: bool) -> list[dict]:
    return [{"left": w.left, "top": w.top, "width": w.width, "height": w.height}
            for w in page.words if word_matches(w.text, clauses, fuzzy)]


def _covers(pages: list[PageResult], clause: Clause) -> bool:
    return any(word_matches(w.text, [clause], False) for page in pages for w in page.words)


def hit_boxes(pages: list[PageResult], q: str) -> tuple[bool, dict[int, list[dict]]]:
    """Which word boxes on each page a search for `q` matched, and whether it took the fuzzy
    reading. The rule is search's, applied to this document: words as written (with
    synonyms) when every clause is found on some page; otherwise the OCR-damage reading
    (edit distances, synonyms off), if it finds anything."""
    clauses = parse(q)
    if not clauses:
        return False, {}
    exact = {p.number: _boxes(p, clauses, False) for p in pages}
    if all(_covers(pages, c) for c in clauses):
        return False, exact
    loose = {p.number: _boxes(p, parse(q, synonyms=False), True) for p in pages}
    if any(loose.values()):
        return True, loose
    return False, exact


def document_pages(ctx: Context, doc_id: str) -> list[PageResult]:
    """The document's page readings, numbered as the document numbers them (pages not read,
    or unreadable, are left out)."""
    manifest = _manifest(ctx, doc_id)
    refs = [_ref(manifest, number) for number in page_numbers(manifest)]
    # One store read per page: on S3 a long fax's reads overlap rather than queue.
    with ThreadPoolExecutor(max_workers=min(8, max(1, len(refs)))) as pool:
        records = list(pool.map(lambda ref: ctx.docs.find_page(ref.source_id, ref.source_number), refs))
    return [record.model_copy(update={"number": ref.number}) for ref, record in zip(refs, records)
            if record is not None and record.unreadable is None]


def document_hits(ctx: Context, doc_id: str, q: str) -> dict:
    """The word boxes of `q`'s hits, by page, in the pixels of the page as read (each page's
    width and height given, so a viewer scales them to the image it shows). Pages without a
    hit are left out."""
    pages = document_pages(ctx, doc_id)
    fuzzy, boxes = hit_boxes(pages, q)
    return {
        "q": q,
        "fuzzy": fuzzy,
        "pages": [{"number": p.number, "width": p.width, "height": p.height, "boxes": boxes[p.number]}
                  for p in pages if boxes.get(p.number)],
    }
