"""Recognise a document's type from its content. The file name and the client's claimed type
are ignored: fax servers and scanners name files however they like."""
from __future__ import annotations

from ingest.errors import EmptyDocument, TooLarge, UnsupportedMediaType

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)

SUPPORTED = frozenset(media for _, media in _MAGIC)


def sniff(head: bytes) -> str | None:
    # Some PDF writers put junk before the header; readers accept it within the first KiB.
    if b"%PDF-" in head[:1024]:
        return PDF
    for magic, media in _MAGIC:
        if head.startswith(magic):
            return media
    return None


def check_upload(data: bytes, max_bytes: int) -> str:
    """Validate raw intake bytes and return their media type."""
    if not data:
        raise EmptyDocument("The file is empty.")
    if len(data) > max_bytes:
        raise TooLarge(f"The file is {len(data)} bytes; the limit is {max_bytes} bytes.")
    media = sniff(data[:1024])
    if media is None:
        raise UnsupportedMediaType(
            "Unsupported file type: Clinidex accepts PDF, TIFF, PNG and JPEG, recognised by content."
        )
    return media
