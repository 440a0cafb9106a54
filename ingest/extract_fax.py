"""The fax machine's transmission header line and the fax cover sheet.

A header line is what the sending machine prints across the top of every page: some of date
and time, the sender's fax number (its station id), the sender's name, the recipient, and the
page number. Formats vary by machine and fax server, so the line is read by elimination: find
the date, time, page marker and phone numbers, drop the recipient part ("TO: ...", "-> ..."),
and what is left with letters in it is the sender's name.
"""
from __future__ import annotations

import re

from clinidex.fields import norm_text
from ingest.extract_values import Extracted, find_dates, find_phones, same_length_clean

_TIME = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp]\.?[Mm]\.?)?(?![\d:])")
_PAGE = re.compile(
    r"(?i)(?<![\w])(?:p(?:age|g|\.)?\.?:? ?#? ?|#)(?P<n>\d{1,3}) ?(?:/|of) ?(?P<t>\d{1,3})(?!\d)"
    r"|(?<![\w])(?:page|pg\.?|p\.):? ?(?P<n2>\d{1,3})(?!\d)"
    r"|(?<![\w/])(?P<n3>\d{1,3})/(?P<t3>\d{1,3})(?![\w/])")
_FROM = re.compile(r"(?i)(?<![\w])(?:from|fm|sender)\b ?[:;]?")
_TO = re.compile(r"(?i)(?<![\w])(?:to|attn)\b ?[:;]?|->|=>|-->|>>|→")
_NOISE = re.compile(
    r"(?i)(?:fax|facsimile|received|rcvd|sent|tx|rx|job|no\.?|id|station|pages?|p\.?|am|pm|tel|ph|phone|ok|"
    r"date|time|mon|tue|wed|thu|fri|sat|sun|[a-z]{3,6}day|from|to|pg|sent|via|[#:;|,*()./-]+)[#:.,]*")


def _signals(line: str):
    dates = [v for v, _ in find_dates(line, 0, len(line), "document")]
    times = list(_TIME.finditer(line))
    page = _PAGE.search(line)
    phones = [p for p in find_phones(line, 0, len(line))
              if not any(d.start <= p.start < d.end for d in dates)]
    frm = _FROM.search(line)
    return dates, times, page, phones, frm


def parse_transmission_header(line: str) -> dict[str, Extracted] | None:
    """The fax header line at the top (or bottom) of a faxed page -> 'facility' (the sender's
    name as the machine prints it), 'fax' (the sender's number), and 'page'/'total' where printed;
    None when the line is not a header line."""
    if not isinstance(line, str) or not line.strip() or len(line) > 240 or "\n" in line.strip():
        return None
    original, line = line, same_length_clean(line)
    found = _read_header(line)
    if found is None:
        return None
    return {k: Extracted(e.name, e.value, original[e.start:e.end], e.confidence, e.page, e.start, e.end, e.rule)
            for k, e in found.items()}


def _read_header(line: str) -> dict[str, Extracted] | None:
    dates, times, page, phones, frm = _signals(line)
    if page is not None and page.group("n3") and not (dates or times):
        page = None  # a bare "2/7" counts only beside a date or time
    strength = sum(map(bool, (dates, times, page, phones, frm)))
    if not (times or page):
        return None
    if not ((strength >= 3 and (phones or frm)) or (frm and page)):
        return None
    # The recipient part: from "TO"/"->" up to the next signal (or the end).
    to = _TO.search(line)
    taken: list[tuple[int, int]] = [(d.start, d.end) for d in dates] + [m.span() for m in times]
    if page:
        taken.append(page.span())
    if frm:
        taken.append(frm.span())
    marks = sorted(taken + [(p.start, p.end) for p in phones])
    to_span = None
    if to:
        first = next((m for m in marks if m[0] >= to.end()), None)
        if first is not None and line[to.end():first[0]].strip() == "":
            stop = next((s for s, _ in marks if s >= first[1]), len(line))  # "TO: 6175550000"
        else:
            stop = first[0] if first else len(line)
        if frm and frm.start() > to.end():
            stop = min(stop, frm.start())
        to_span = (to.start(), stop)
    out: dict[str, Extracted] = {}
    sender_phones = [p for p in phones if not (to_span and to_span[0] <= p.start < to_span[1])]
    if to_span and not frm and sender_phones and phones and phones[0].start > to_span[0]:
        sender_phones = []
    if sender_phones:
        p = sender_phones[0]
        out["fax"] = Extracted("fax", p.value, line[p.start:p.end], 0.9 if not p.repaired else 0.8, 1,
                               p.start, p.end, "header:fax")
    # The sender's name: letters left once everything recognised is blanked out.
    blank = list(line)
    for s, e in marks + ([to_span] if to_span else []):
        for i in range(s, e):
            blank[i] = "\0"
    rest = "".join(blank)
    best = None
    # Runs of words (single spaces between) that survived; noise words end a run.
    run: list[tuple[int, int]] = []
    runs: list[list[tuple[int, int]]] = []
    last_end = -1
    for m in re.finditer(r"[^\0\s]+", rest):
        word = m.group()
        noise = bool(_NOISE.fullmatch(word)) or not re.search(r"[A-Za-z]", word) and word not in ("&", "+")
        if noise or (run and (m.start() - last_end > 1 or "\0" in rest[last_end:m.start()])):
            if run:
                runs.append(run)
            run = []
        if not noise:
            run.append(m.span())
        last_end = m.end()
    if run:
        runs.append(run)
    for r in runs:
        s, e = r[0][0], r[-1][1]
        raw = line[s:e]
        core = raw.strip(" -:,|.")
        if core != raw:
            s = s + raw.index(core)
            raw = core
        if len(re.sub(r"[^A-Za-z]", "", raw)) < 3:
            continue
        if best is None or len(raw) > len(best[2]):
            best = (s, s + len(raw), raw)
    if best:
        s, e, raw = best
        out["facility"] = Extracted("facility", norm_text(raw), raw, 0.8, 1, s, e, "header:name")
    if page:
        n = page.group("n") or page.group("n2") or page.group("n3")
        t = page.group("t") or page.group("t3")
        ns = page.start("n") if page.group("n") else page.start("n2") if page.group("n2") else page.start("n3")
        out["page"] = Extracted("page", str(int(n)), n, 0.9, 1, ns, ns + len(n), "header:page")
        if t:
            ts = page.start("t") if page.group("t") else page.start("t3")
            out["total"] = Extracted("total", str(int(t)), t, 0.9, 1, ts, ts + len(t), "header:page")
    if "fax" not in out and "facility" not in out:
        return None
    return out

