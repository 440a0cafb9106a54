"""Where each label's value is on a page: after the label on its line (up to the next label),
on the next line when the label ends its line, or in the row under a row of labels (a table).

A label found by `extract_labels` is taken as a label (not a word in a sentence) when a
separator follows it (": ; # ="), when it starts a line or a cell (after a column gap or a
bar) and is capitalised, or when its kind is marked strong (DOB, MRN, NPI, DOS...). A label
directly followed by another ("Emergency Contact Phone", "Referring Physician Address")
qualifies it: the second label keeps its own kind and records the first as `qualifier`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ingest.extract_labels import Label, find_labels

# Kinds that only end the value before them; they carry no field of their own.
BOUNDARY_KINDS = {"boundary", "age", "qualifier", "phone_other", "fax_other"}
# Kinds that, written directly before another label, say whose value it is.
QUALIFYING = {"qualifier", "provider", "provider_sig", "provider_other", "provider_dict", "provider_role",
              "provider_cc", "facility", "to", "from",
              "phone_other", "fax_other"}
# "!" directly after the label is OCR's reading of a colon ("Patient! Smith").
_SEP = re.compile(r"[ \t]*(?:\.[ \t]*)?(?:(?P<colon>[:;=#]|(?<=\w)!(?=[ \t])|[-–—](?=[ \t])|\.{2,})|(?=[ \t]*\S))")
# What stands between a label and its value: separators, and specks OCR reads as © ~ | ! (or a lone _ before the value;
# a run of underscores is a blank to fill in, not a separator)
_LEAD = re.compile(r"[ \t]*(?:(?:[:;=#.\-–—|*!©®~]+|_(?=[ \t]+[^\s_]))[ \t]*)*(?:(?i:no|num|number)\b\.?[ \t]*[:#.]?[ \t]*)?")
_CELL_GAP = re.compile(r"(?:^|[ \t]{2,}|\t|\||\(|[ \t][/•·*][ \t])[ \t]*[*•\-|]?[ \t]*\Z")


# Kinds whose values are typed (a date, a number): "Record No. - M33195476" after a name is a label.
_TYPED_KINDS = {"mrn", "acct", "npi", "dob", "svcdate", "docdate", "dischargedate", "sex", "phone", "phone_home", "fax",
                "fax_from", "fax_short", "printdate"}
_ID_NEXT = re.compile(r"[ \t]*[.:#-]*[ \t]*(?=[A-Za-z0-9-]*\d{3})[A-Za-z0-9][A-Za-z0-9-]{3,}")
_HASH_KINDS = {"mrn", "acct", "npi", "fax", "fax_short", "fax_from", "fax_other", "phone", "phone_home", "pages",
               "boundary", "name", "name_weak"}
_DATE_KINDS = {"svcdate", "docdate", "dischargedate", "date", "dob", "printdate"}
_DATE_NEXT = re.compile(r"[ \t]+(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[ -]?[A-Za-z]{3}|(?i:jan|feb|mar|apr|may|jun|jul|aug|"
                        r"sep|oct|nov|dec)[a-z]*\.? \d)")
_PHONE_KINDS = {"phone", "phone_home", "fax", "fax_from", "fax_short", "fax_other"}
_PHONE_NEXT = re.compile(r"[ \t]*[:#.]?[ \t]*(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}")


@dataclass(frozen=True)
class Found:
    label: Label
    line: int  # index of the label's line
    start: int  # value window in the page text (may be on the next line)
    end: int
    via: str  # "line" | "next" | "table"
    colon: bool
    qualifier: str | None = None  # kind of a label directly before this one

    @property
    def kind(self) -> str:
        return self.label.kind


class Layout:
    def __init__(self, text: str, skip_lines: set[int] | None = None) -> None:
        self.text = text
        self.lines: list[tuple[int, int]] = []
        pos = 0
        for part in text.split("\n"):
            self.lines.append((pos, pos + len(part)))
            pos += len(part) + 1
        self._starts = [s for s, _ in self.lines]
        self.skip = skip_lines or set()
        self.found: list[Found] = []
        self.all_labels: list[Label] = []
        self._read()

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos) - 1

    def line_text(self, index: int) -> str:
        s, e = self.lines[index]
        return self.text[s:e]

    def next_nonempty(self, index: int, limit: int = 2, skip_rules: bool = False) -> int | None:
        for j in range(index + 1, min(len(self.lines), index + 1 + limit + (1 if skip_rules else 0))):
            line = self.line_text(j).strip()
            if line and not (skip_rules and re.fullmatch(r"[-=_*+|~. ]{3,}", line)):
                return j
        return None

    def _read(self) -> None:
        text = self.text
        labels = [lb for lb in find_labels(text) if self.line_of(lb.start) not in self.skip]
        self.all_labels = labels
        rows = self._label_rows(labels)
        accepted: list[tuple[Label, bool, str | None]] = []
        for i, lb in enumerate(labels):
            if id(lb) in rows:
                accepted.append((lb, False, None))
                continue
            line = self.line_of(lb.start)
            ls, le = self.lines[line]
            m = _SEP.match(text, lb.end, le)
            colon = bool(m and m.group("colon"))
            before = text[max(ls, lb.start - 60):lb.start]  # bounded: a page may be one huge line
            if lb.start - ls > 60:
                before = "\x00" + before  # not the line start
            if colon and m.group("colon") == "#" and lb.kind not in _HASH_KINDS:
                colon = False  # "12 Juniper St #380": a unit number, not "St:"
            if colon and m.group("colon") in "-–—" and not _CELL_GAP.search(before) and lb.kind not in _TYPED_KINDS:
                colon = False  # "Riverbend Clinic - Imaging": a dash after a word mid-line is no separator
            # Directly after another label (only spaces, '/', "'s" between): that one qualifies this one.
            qualifier = None
            if i and self.line_of(labels[i - 1].start) == line and labels[i - 1].kind in QUALIFYING:
                between = text[labels[i - 1].end:lb.start]
                if re.fullmatch(r"(?:['’]s)?[ \t]?(?:[/&-][ \t]?)?", between):
                    qualifier = labels[i - 1].kind
            cell = bool(_CELL_GAP.search(before)) or (qualifier is not None and accepted and
                                                       accepted[-1][0] is labels[i - 1] and accepted[-1][1] is False)
            at_end = text[lb.end:le].strip(" \t:;.#=-|") == ""
            if lb.kind in _PHONE_KINDS and _PHONE_NEXT.match(text, lb.end, le):
                ok = True  # "Tel 608-555-0100" in a run-together letterhead
            elif lb.kind in _DATE_KINDS and cell and text[lb.start].isupper() and _DATE_NEXT.match(text, lb.end, le):
                ok = True  # "Collected 05/11/2024", "Arrival 17-JUN-2024"
            elif "colon" in lb.flags:
                # A one-word label of this kind ("Chart", "Home") needs its colon; a phrase at the
                # start of a cell ("Patient ID M8871498", "Chart No. E72025431") is one without.
                phrase = len(re.findall(r"[A-Za-z]+", text[lb.start:lb.end])) >= 2
                ok = colon or (cell and text[lb.start].isupper() and phrase and not at_end) or (
                    # "ASHGROVE SURGICAL SPECIALISTS Chart No. 40612366": an identifier follows
                    lb.kind == "mrn" and phrase and bool(_ID_NEXT.match(text, lb.end, le)))
            elif colon:
                ok = True
            elif "strong" in lb.flags:
                # Without a separator only when a value follows ("DOB 04/12/61", not "Medical Records").
                ok = (not re.search(r"[a-z]{2,}[ \t]*$", before) or text[lb.start].isupper()) and \
                    bool(re.match(r"[ \t]*[.#:-]?[ \t]*(?:(?i:no|number)\.?[ \t]*)?[0-9A-Za-z(]", text[lb.end:le])) and \
                    not re.match(r"[ \t]*[a-z]{3,}", text[lb.end:le])
            else:
                ok = cell and text[lb.start].isupper()
            if ok and not colon and accepted and accepted[-1][1] and self.line_of(accepted[-1][0].start) == line and \
                    re.fullmatch(r"[ \t]*[:;=#.-]*[ \t]*", text[accepted[-1][0].end:lb.start]):
                ok = False  # "To:  Patient Access / Scheduling": the first word of a value, not a label
            if not ok:
                continue
            if qualifier is not None and accepted and accepted[-1][0] is labels[i - 1] and not accepted[-1][1]:
                accepted.pop()  # "Referring Physician Phone:" - one label, qualified
            accepted.append((lb, colon, qualifier))
        self._windows(accepted)

    def _label_rows(self, labels: list[Label]) -> set[int]:
        """Labels of lines made of nothing but labels ("Patient Name  DOB  Sex  MRN"): a table's
        header row, whatever each label would need on its own."""
        by_line: dict[int, list[Label]] = {}
        for lb in labels:
            by_line.setdefault(self.line_of(lb.start), []).append(lb)
        out: set[int] = set()
        for line, items in by_line.items():
            if len(items) < 2:
                continue
            ls, le = self.lines[line]
            rest = list(self.text[ls:le])
            for lb in items:
                rest[lb.start - ls:lb.end - ls] = " " * (lb.end - lb.start)
            if re.fullmatch(r"[\s:;#|/.*_=~!-]*", "".join(rest)):  # OCR specks between header labels
                out.update(id(lb) for lb in items if lb.kind not in ("fax_short",))
        return out

    def _windows(self, accepted: list[tuple[Label, bool, str | None]]) -> None:
        text = self.text
        by_line: dict[int, list[tuple[Label, bool, str | None]]] = {}
        for item in accepted:
            by_line.setdefault(self.line_of(item[0].start), []).append(item)
        for line, items in by_line.items():
            ls, le = self.lines[line]
            empties = []
            for k, (lb, colon, qualifier) in enumerate(items):
                end = items[k + 1][0].start if k + 1 < len(items) else le
                lead = _LEAD.match(text, lb.end, end)
                start = lead.end() if lead else lb.end
                if text[start:end].strip():
                    self.found.append(Found(lb, line, start, end, "line", colon, qualifier))
                else:
                    empties.append((lb, colon, qualifier))
            if not empties:
                continue
            nxt = self.next_nonempty(line, skip_rules=True)
            if nxt is None:
                continue
            ns, ne = self.lines[nxt]
            labels_next = [f for f in accepted if self.line_of(f[0].start) == nxt]
            if labels_next and text[ns:labels_next[0][0].start].strip() == "":
                continue  # the next line is itself labels
            value_end = labels_next[0][0].start if labels_next else ne
            if len(empties) == 1:
                lb, colon, qualifier = empties[0]
                self.found.append(Found(lb, line, ns + _indent(text, ns, value_end), value_end, "next",
                                        colon, qualifier))
                continue
            # A row of labels over a row of values: split the value row into cells.
            self._table(empties, nxt, ns, value_end)

    def _table(self, heads, line: int, ns: int, ne: int) -> None:
        text = self.text
        cells = [(m.start() + ns, m.end() + ns) for m in re.finditer(r"[^\t|]+?(?=[ \t]{2,}|\t|\||$)",
                                                                          text[ns:ne])]
        cells = [(s + _indent(text, s, e), e) for s, e in cells if text[s:e].strip()]
        if len(cells) == len(heads):
            for (lb, colon, qualifier), (s, e) in zip(heads, cells):
                self.found.append(Found(lb, line, s, e, "table", colon, qualifier))
            return
        # Cells not separable by gaps (OCR collapses spaces): hand the whole row to each label in
        # turn; the value parsers read the first value of their type from the given position.
        for lb, colon, qualifier in heads:
            self.found.append(Found(lb, line, ns, ne, "table_seq", colon, qualifier))


def _indent(text: str, start: int, end: int) -> int:
    n = 0
    while start + n < end and text[start + n] in " \t|":
        n += 1
    return n
