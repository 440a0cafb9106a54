"""What a labelled document is, how a page records where its field values sit, what a family
of templates provides, and how documents become a batch fax.

Field names and normal forms: `clinidex.fields`.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from clinidex.fields import norm_digits, norm_text


@dataclass(frozen=True)
class FieldSpan:
    name: str
    value: str  # exactly as written on the page
    normalized: str  # the form extraction is scored against (`clinidex.fields`)
    page: int  # 1-based
    start: int  # character offsets in the page's text ("\n".join(lines))
    end: int


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    sex: str  # "female" | "male"
    birth_date: date
    mrn: str  # as the issuing facility prints it
    phone: str  # 10 digits
    street: str
    city: str
    state: str
    postcode: str

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(frozen=True)
class Sender:
    facility: str
    fax: str  # 10 digits
    phone: str  # 10 digits


@dataclass(frozen=True)
class LabelledDocument:
    type_key: str
    pages: list[list[str]]  # each page's lines
    fields: list[FieldSpan]  # every field value on every page (a value may appear on several)
    patient: Person | None  # None for documents about no patient (some `other` letters)
    sender: Sender

    def page_text(self, number: int) -> str:
        return "\n".join(self.pages[number - 1])

    def truth(self) -> dict[str, set[str]]:
        """Field name -> the normalised values the document states."""
        out: dict[str, set[str]] = {}
        for f in self.fields:
            out.setdefault(f.name, set()).add(f.normalized)
        return out


class PageBuilder:
    """Builds one page's lines while recording where each field value lands."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.lines: list[str] = []
        self.fields: list[FieldSpan] = []
        self._length = 0

    def add(self, *parts: str | tuple[str, str, str]) -> None:
        """A line made of plain text and (field name, value as written, normalised value) parts."""
        line = ""
        for part in parts:
            if isinstance(part, tuple):
                name, value, normalized = part
                start = self._length + len(line)
                self.fields.append(FieldSpan(name, value, normalized, self.number, start, start + len(value)))
                line += value
            else:
                line += part
        if "\n" in line:
            raise ValueError("one line at a time")
        self.lines.append(line)
        self._length += len(line) + 1

    def blank(self) -> None:
        self.add("")


class Family(Protocol):
    """What a family of templates provides. Each is a module with these names."""

    NAME: str

    def make_document(self, rng: random.Random, type_key: str, patient: Person | None = None,
                      sender: Sender | None = None) -> LabelledDocument: ...

    def make_patient(self, rng: random.Random) -> Person: ...

    def make_sender(self, rng: random.Random) -> Sender: ...

    def cover_sheet(self, rng: random.Random, sender: Sender, total_pages: int) -> PageBuilder: ...

    def transmission_header(self, sent: datetime, sender: Sender, page: int, total: int) -> str: ...


def documents(family: Family, seed: int, n: int, types: list[str]) -> list[LabelledDocument]:
    """`n` documents cycling through `types` in order, reproducibly from `seed`."""
    rng = random.Random(seed)
    return [family.make_document(rng, types[i % len(types)]) for i in range(n)]


@dataclass(frozen=True)
class BatchFax:
    pages: list[list[str]]  # every page starts with the transmission header line
    cover_fields: list[FieldSpan]  # on page 1
    documents: list[tuple[LabelledDocument, int, int]]  # (document, first page, last page), 1-based
    header_fields: list[FieldSpan]  # the sender and fax number in each page's header line


def _shift(fields: list[FieldSpan], page: int, by: int) -> list[FieldSpan]:
    return [FieldSpan(f.name, f.value, f.normalized, page, f.start + by, f.end + by) for f in fields]


def _header_fields(header: str, sender: Sender, page: int) -> list[FieldSpan]:
    """Where the sender's name and fax number sit in a header line (if the format prints them)."""
    found = []
    name = sender.facility.upper()
    for width in (len(name), 28, 24, 20):
        cut = name[:width].rstrip()
        at = header.upper().find(cut)
        if at >= 0:
            end = at + len(cut)
            found.append(FieldSpan("facility", header[at:end], norm_text(sender.facility), page, at, end))
            break
    digits = [(m.start(), m.end()) for m in re.finditer(r"[\d()+ .-]{10,}", header)
              if norm_digits(m.group()) == sender.fax]
    for start, end in digits:
        raw = header[start:end]
        lead = len(raw) - len(raw.lstrip())
        raw = raw.strip()
        found.append(FieldSpan("fax", raw, sender.fax, page, start + lead, start + lead + len(raw)))
    return found


def batch_fax(family: Family, seed: int, types: list[str], *, min_docs: int = 2, max_docs: int = 4,
              same_patient: float = 0.6) -> BatchFax:
    """A cover sheet and `min_docs`..`max_docs` documents from one sender, sometimes for different
    patients, with the fax machine's header line on top of every page."""
    rng = random.Random(seed)
    sender = family.make_sender(rng)
    first_patient = family.make_patient(rng)
    docs = [family.make_document(rng, rng.choice(types),
                                 first_patient if rng.random() < same_patient else None, sender)
            for _ in range(rng.randint(min_docs, max_docs))]
    total = 1 + sum(len(d.pages) for d in docs)
    sent = datetime(2026, 1, 1, 7) + timedelta(minutes=rng.randrange(60 * 24 * 300))
    cover = family.cover_sheet(rng, sender, total)
    pages, cover_fields, header_fields, ranges = [], [], [], []

    def add_page(lines: list[str]) -> int:
        """Adds a page under its header line; returns how far the page's text moved."""
        number = len(pages) + 1
        header = family.transmission_header(sent, sender, number, total)
        pages.append([header, *lines])
        header_fields.extend(_header_fields(header, sender, number))
        return len(header) + 1

    cover_fields = _shift(cover.fields, 1, add_page(cover.lines))
    for doc in docs:
        first = len(pages) + 1
        moved: list[FieldSpan] = []
        for number, lines in enumerate(doc.pages, start=1):
            by = add_page(lines)
            moved += _shift([f for f in doc.fields if f.page == number], number, by)
        # The document's own fields keep its own page numbers (1 = its first page).
        placed = LabelledDocument(doc.type_key, pages[first - 1:], moved, doc.patient, doc.sender)
        ranges.append((placed, first, len(pages)))
    return BatchFax(pages, cover_fields, ranges, header_fields)
