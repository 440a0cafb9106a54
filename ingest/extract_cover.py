"""A fax cover sheet: who sent it (sender, and the sender's fax number), to whom (recipient),
and how many pages (page_count).

Cover sheets come as two columns ("To: ... From: ..." on one line, then "Fax: ... Fax: ..."),
as stacked blocks ("TO:" block, then "FROM:" block), or as a grid; a fax or phone label belongs
to the party whose column it sits in, or else to the party whose label came last above it.
The fax machine's header line, when the page has one, supplies the sender's number and name
as a fallback.
"""
from __future__ import annotations

import re

from clinidex.fields import norm_text
from ingest.extract_fax import parse_transmission_header
from ingest.extract_layout import Layout
from ingest.extract_page import Page
from ingest.extract_values import Extracted, parse_phone, same_length_clean
from ingest.extract_vocab import ORG_WORDS

MAX_CHARS = 50_000
# "Pages: 6", "# of pages 6", "Number of pages (including this cover sheet): 6".
_NUMBER = re.compile(r"[ \t]*(?:\([^()\n]{0,40}\)[ \t]*)?[:.]?[ \t]*(?:#[ \t]*)?([0-9Ol]{1,3})(?![\d/:.-]\d)")
_FROM_PROSE = re.compile(r"(?i:\bfrom)[ \t\n]+([A-Z][A-Za-z&.'’ -]{3,60}?)[ \t]*(?:\.[ \t]*(?:\n|$| [A-Z])|\n\n)")
_PAGE_OF = re.compile(r"(?i)\bpage[ \t]*1[ \t]*(?:of|/)[ \t]*(\d{1,3})\b")


def _cell(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The value in a label's window: up to a column gap or the window's end."""
    m = re.match(r"[ \t]*([^\s][^\t\n]*?)(?=[ \t]{3,}|\t|[ \t]*\||[ \t]*$)", text[start:end] + "\n")
    if not m:
        return None
    raw = m.group(1).rstrip(" ,;:")
    if not re.search(r"[A-Za-z]{2,}", raw):
        return None
    s = start + m.start(1)
    return s, s + len(raw)


def extract_cover(page: str) -> dict[str, Extracted]:
    """Sender, recipient, page_count and the sender's fax number from a fax cover sheet page."""
    if not isinstance(page, str) or not page.strip():
        return {}
    original = page[:MAX_CHARS]
    text = same_length_clean(original)
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    header: dict[str, Extracted] = {}
    skip: set[int] = set()
    for i in dict.fromkeys(nonempty[:2] + nonempty[-1:]):
        got = parse_transmission_header(lines[i])
        if got:
            skip.add(i)
            for key, e in got.items():
                s, t = e.start + offsets[i], e.end + offsets[i]
                header.setdefault(key, Extracted(e.name, e.value, original[s:t], e.confidence, 1, s, t, e.rule))
    layout = Layout(text, skip)
    cands: dict[str, list[Extracted]] = {}

    def add(name: str, value: str, s: int, e: int, conf: float, rule: str) -> None:
        cands.setdefault(name, []).append(Extracted(name, value, original[s:e], round(conf, 3), 1, s, e, rule))

    party: str | None = None  # whose block we are in: "to" | "from"
    columns: list[str] = []  # left-to-right parties of a two-column header row
    for line in sorted({f.line for f in layout.found}):
        found = [f for f in layout.found if f.line == line]
        parties = [f.kind for f in found if f.kind in ("to", "from")]
        if len(parties) >= 2:
            columns = parties
        faxes = [f for f in found if f.kind in ("fax", "fax_short", "fax_from", "fax_other")]
        for f in found:
            conf = f.label.confidence - (0.03 if f.label.fuzzy else 0) - (0.02 if f.via != "line" else 0)
            if f.kind in ("to", "from"):
                party = f.kind
                cell = _cell(text, f.start, f.end)
                if cell:
                    name = "recipient" if f.kind == "to" else "sender"
                    add(name, norm_text(text[cell[0]:cell[1]]), *cell, conf, f"label:{f.kind}")
            elif f.kind == "pages":
                m = _NUMBER.match(text, f.start, f.end)
                if m:
                    digits = m.group(1).replace("O", "0").replace("l", "1")
                    if digits.isdigit() and 0 < int(digits) < 1000:
                        repaired = digits != m.group(1)
                        add("page_count", str(int(digits)), m.start(1), m.end(1), conf - 0.1 * repaired,
                            "label:pages")
            elif f in faxes:
                v = parse_phone(text, f.start, f.end)
                if v is None:
                    continue
                if f.kind == "fax_from":
                    owner, sure = "from", True
                elif f.kind == "fax_other" or f.qualifier == "to":
                    owner, sure = "to", True
                elif f.qualifier == "from":
                    owner, sure = "from", True
                elif len(faxes) >= 2 and len(columns) >= 2:
                    owner, sure = columns[min(faxes.index(f), len(columns) - 1)], True
                else:
                    owner, sure = party, party is not None
                if owner == "from" or (owner is None and not header.get("fax")):
                    add("fax", v.value, v.start, v.end, (0.95 if sure else 0.7) - 0.1 * v.repaired, "label:fax")
    if "sender" not in cands:
        # "... 4 pages (including this one) from BRIGHTWATER ENT & ALLERGY."
        m = _FROM_PROSE.search(text)
        if m and ORG_WORDS.search(m.group(1)):
            add("sender", norm_text(m.group(1)), m.start(1), m.end(1), 0.85, "pattern:from")
        # The cover's letterhead is the sender's.
        page_ = Page(text, 1, original=original)
        org = page_.letterhead_name()
        if org is not None:
            add("sender", org.value, org.start, org.end, min(org.confidence, 0.85), "letterhead")
    if "sender" not in cands and "facility" in header:
        h = header["facility"]
        add("sender", h.value, h.start, h.end, 0.75, "header:name")
    if "fax" in header:
        h = header["fax"]
        agree = [c for c in cands.get("fax", []) if c.value == h.value]
        if agree:
            best = agree[0]
            cands["fax"] = [Extracted("fax", best.value, best.raw, min(0.99, best.confidence + 0.03), 1, best.start,
                                      best.end, best.rule)]
        elif not cands.get("fax") or max(c.confidence for c in cands["fax"]) < 0.9:
            add("fax", h.value, h.start, h.end, 0.9, "header:fax")
    if "page_count" not in cands:
        m = _PAGE_OF.search(text)
        total = header.get("total")
        if total:
            add("page_count", total.value, total.start, total.end, 0.8, "header:page")
        elif m:
            add("page_count", str(int(m.group(1))), m.start(1), m.end(1), 0.75, "pattern:page_of")
    out = {}
    for name, group in cands.items():
        group.sort(key=lambda c: (-c.confidence, c.start))
        best = group[0]
        rivals = [c for c in group if c.value != best.value]
        if rivals:
            best = Extracted(best.name, best.value, best.raw, round(best.confidence - 0.1 * rivals[0].confidence, 3),
                             1, best.start, best.end, best.rule)
        out[name] = best
    return out
