"""One page read for metadata: the fax header lines on it, its labels and their values (with
whose value each is: the patient's, a clinician's, the sender's), then the unlabelled evidence
(`extract_unlabelled`). Produces candidates (`Extracted`); `extract` picks among them."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from clinidex.fields import norm_text
from ingest.extract_fax import parse_transmission_header
from ingest.extract_layout import Found, Layout
from ingest.extract_unlabelled import UnlabelledEvidence
from ingest.extract_names import parse_name
from ingest.extract_values import (
    Extracted, Value, find_dates, parse_address, parse_date, parse_id, parse_npi, parse_phone, parse_sex,
)
from ingest.extract_vocab import (
    DOC_TITLE, GENERIC, LOCATION_KINDS, NOT_PATIENT, OTHER_PERSON, ORG_WORDS, PATIENT_FIELDS, PAYER, PAYER_DEPT,
    PROVIDER_KINDS, SECTION, SIGNERS, STRONG_ORG, TITLE_WORDS,
)

NAME_KINDS = ("name", "name_re", "name_weak")
# Where a typed cell starts in a value row: a word with a digit, or a month name before a day.
_TYPED_CELL = re.compile(r"(?<!\S)(?:[A-Za-z]{0,3}[0-9][\w/.,-]*|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                         r"[a-z]*\.?[ -]?[0-9OIl]{1,2}\b)")


class Page(UnlabelledEvidence):
    """Candidates from one page's text (`number` is 1-based); see `read_labels`, `read_patterns`."""

    def __init__(self, text: str, number: int, original: str | None = None) -> None:
        self.text = text  # cleaned (`same_length_clean`): what is read
        self.original = text if original is None else original  # what spans and raw refer to
        self.number = number
        self.out: list[Extracted] = []
        self.header_lines: set[int] = set()
        self.org_block: set[int] = set()
        self._addressee = (-1, -1)
        self._find_headers()
        self.layout = Layout(text, self.header_lines)
        self.labels_by_line: dict[int, list] = defaultdict(list)
        for lb in self.layout.all_labels:
            self.labels_by_line[self.layout.line_of(lb.start)].append(lb)
        self.found_by_line: dict[int, list[Found]] = defaultdict(list)
        for f in self.layout.found:
            self.found_by_line[f.line].append(f)
        self.used: list[tuple[int, int]] = []  # value spans read through labels
        self.patient_lines: list[int] = []
        self.zone_end = self._letterhead_end()
        self.sections = self._sections()
        self.payer = self._from_payer()

    # -- helpers
    def add(self, name: str, v: Value, conf: float, rule: str) -> None:
        if v.repaired:
            conf -= 0.10
        raw = self.original[v.start:v.end]
        if not raw.strip() or not v.value:
            return
        self.out.append(Extracted(name, v.value, raw, round(max(0.0, min(conf, 0.99)), 3), self.number,
                                  v.start, v.end, rule))
        self.used.append((v.start, v.end))

    def _find_headers(self) -> None:
        lines = self.text.split("\n")
        nonempty = [i for i, line in enumerate(lines) if line.strip()]
        candidates = nonempty[:2] + nonempty[-1:]
        pos = [0]
        for line in lines:
            pos.append(pos[-1] + len(line) + 1)
        for i in dict.fromkeys(candidates):
            got = parse_transmission_header(lines[i])
            if got:
                self.header_lines.add(i)
                shifted = {}
                for key, e in got.items():
                    s, t = e.start + pos[i], e.end + pos[i]
                    shifted[key] = Extracted(e.name, e.value, self.original[s:t], e.confidence, self.number, s, t,
                                             e.rule)
                for key in ("fax", "facility"):
                    if key in shifted:
                        self.out.append(shifted[key])

    def _letterhead_end(self) -> int:
        """Index of the first line after the letterhead: the first patient-labelled line, or after
        eight non-empty lines."""
        lay = self.layout
        count = 0
        limit = len(lay.lines)
        for i in range(len(lay.lines)):
            if i in self.header_lines:
                continue
            if i in self.patient_lines[:1]:
                return i
            if lay.line_text(i).strip():
                count += 1
                if count > 8:
                    return i
        return limit

    def _from_payer(self) -> bool:
        """Is the letterhead an insurer's (a payer writing to the provider)?"""
        lay = self.layout
        top = [lay.line_text(i).strip() for i in range(len(lay.lines))
               if i not in self.header_lines and lay.line_text(i).strip()][:3]
        if not top:
            return False
        if PAYER.search(top[0]) and not re.search(r"\d", top[0]) or any(
                PAYER_DEPT.search(line) and len(line.split()) <= 5 and not TITLE_WORDS.search(line) for line in top[1:]):
            return True
        # "Prior Authorization Unit" under the name: a payer if it writes to a clinician.
        if any(re.search(r"(?i)\b(prior authori[sz]ation|pre-?certification)\b", line) and len(line.split()) <= 5
               for line in top[1:]):
            for i in range(min(len(lay.lines), 25)):
                m = re.match(r"[ \t]*(?i:to|attn|attention|provider)[ \t]*[:-][ \t]*", lay.line_text(i))
                if m:
                    s = lay.lines[i][0] + m.end()
                    v = parse_name(self.text, s, lay.lines[i][1])
                    if v and (v.extra.get("credential") or v.extra.get("title") == "dr"):
                        return True
        return False

    def _sections(self) -> list[str | None]:
        lay = self.layout
        state: str | None = None
        out: list[str | None] = []
        for i in range(len(lay.lines)):
            line = lay.line_text(i).strip().strip("*#=-_ ")
            if line and len(line.split()) <= 6 and not re.search(r"\d", line) and (
                    ":" not in line.rstrip(":")) and (line.endswith(":") or line.upper() == line or
                                                       not self.found_by_line.get(i)):
                kind = next((k for k, pattern in SECTION if pattern.search(line)), None)
                if DOC_TITLE.search(line) and kind != "patient":
                    kind = None
                organisation = STRONG_ORG.search(line) or PAYER.search(line) and not line.endswith(":") or (
                    ORG_WORDS.search(line) and not line.endswith(":") and len(line.split()) >= 3)
                if (kind or line.upper() == line) and not organisation:  # "Mesa Arroyo Primary Care" is no heading
                    state = kind
            out.append(state)
        return out

    def in_letterhead(self, line: int) -> bool:
        return line < self.zone_end and not any(p <= line for p in self.patient_lines) or line in self.org_block

    def near_patient(self, line: int, within: int = 6) -> bool:
        return any(abs(p - line) <= within for p in self.patient_lines)

    # -- labelled values
    def read_labels(self) -> None:
        """Values after labels. Phones, addresses and faxes go second: whose they are depends on
        where the patient's demographics turned out to be (letterhead above them, or not)."""
        seq_cursor: dict[int, int] = {}
        deferred = []
        for f in self.layout.found:
            if f.via != "table_seq" and f.kind in LOCATION_KINDS:
                deferred.append(f)
                continue
            if f.via != "table_seq":
                self._value(f, f.start)
                continue
            # A value row whose cells cannot be told apart: each label takes the first value of
            # its type after the previous label's value.
            cursor = max(f.start, seq_cursor.get(f.line, f.start))
            g = f
            if f.kind in NAME_KINDS:
                # A name cell ends where the next typed value (a date, an identifier) begins:
                # "Terrence Jablonski October 2, 1988 10-32-914" is not "Terrence ... October".
                typed = _TYPED_CELL.search(self.text, cursor, f.end)
                if typed:
                    g = replace(f, end=typed.start())
            for m in re.finditer(r"\S+", self.text[cursor:g.end]):
                v = self._value(g, cursor + m.start())
                if v is not None:
                    seq_cursor[f.line] = v.end
                    break
        self._name_parts()
        self._banner_names()
        lay = self.layout
        self.patient_lines = sorted({lay.line_of(e.start) for e in self.out if e.name in PATIENT_FIELDS})
        self.zone_end = self._letterhead_end()
        # The organisation block wherever it stands (under a patient banner, say): its name line
        # and the lines of address, phone and fax under it.
        org = self._letterhead(add=False)
        self.org_block = set()
        for i in range(org, org + 4) if org is not None else ():
            if i in self.patient_lines:
                break
            self.org_block.add(i)
        for f in deferred:
            self._value(f, f.start)

    def _conf(self, f: Found, base: float | None = None) -> float:
        conf = f.label.confidence if base is None else base
        if f.label.fuzzy:
            conf -= 0.03
        if f.via == "next":
            conf -= 0.02
        elif f.via == "table_seq":
            conf -= 0.08  # read by value type, not by position: review unless corroborated
        return conf

    def _value(self, f: Found, start: int) -> Value | None:
        text, kind, end = self.text, f.kind, f.end
        rule = f"label:{kind}"
        section = self.sections[f.line] if f.line < len(self.sections) else None
        other = f.qualifier in NOT_PATIENT or section == "other" or self._someone_else(f)
        providerish = f.qualifier in PROVIDER_KINDS or \
            section == "provider"
        if kind in ("name", "name_re", "name_weak"):
            generic_name = text[f.label.start:f.label.end].strip().lower() in ("name", "full name")
            if kind == "name_weak" and providerish and generic_name:  # "Referring Provider / Name: ..."
                v = parse_name(text, start, end)
                if v:
                    self.add("provider", v, self._conf(f, 0.85), "label:provider_name")
                return v
            if other or (kind == "name_weak" and section == "provider" and generic_name):
                return None
            v = parse_name(text, start, end)
            if v is None and kind == "name_re":
                for m in re.finditer(r"(?<=[\s,:–—-])(?=[A-Z])", text[start:end]):
                    v = parse_name(text, start + m.start(), end)
                    if v:
                        break
            if v:
                self.add("patient_name", v, self._conf(f), rule)
                self._title_sex(v)
            return v
        if kind == "dob":
            v = parse_date(text, start, end, "birth")
            filler = re.match(r"[ \t]*(?:(?:on file|is|was|of|listed|recorded|as)[ \t:]*){1,3}", text[start:end])
            if v is None and filler and filler.end() > 0:  # "DOB on file: 11-10-1944"
                v = parse_date(text, start + filler.end(), end, "birth")
            if v:
                self.add("birth_date", v, self._conf(f), rule)
            return v
        if kind == "sex":
            v = parse_sex(text, start, end)
            if v and not other:
                self.add("sex", v, self._conf(f), rule)
            return v
        if kind == "agesex":
            m = re.match(r"[ \t]*(?:\d{1,3}[ \t]*(?:y(?:ears?|rs?|o|/o)?\.?)?[ \t]*[/,-]?[ \t]*)?([FfMm]|[Ff]emale|[Mm]ale)"
                         r"(?![A-Za-z])", text[start:end])
            if m:
                v = Value("female" if m.group(1)[0] in "Ff" else "male", start + m.start(1), start + m.end(1))
                self.add("sex", v, self._conf(f), rule)
                return v
            return None
        if kind in ("mrn", "acct"):
            if section == "other" or f.qualifier == "qualifier" or self._someone_else(f) and \
                    self.found_by_line[f.line][0].kind == "qualifier":
                return None  # the guarantor's or the insured's number
            issuer_at = None
            lead = re.match(r"[ \t]*\(([^)\n]{3,60})\)[ \t]*[:#=–-]?[ \t]*", text[start:end])
            if lead:  # "MRN (Lakeside Hospital): 12345"
                issuer_at = (start + lead.start(1), start + lead.end(1))
                start += lead.end()
            v = parse_id(text, start, end)
            if v is None:
                return None
            tail = re.match(r" (\d{1,3})(?=[ \t]{2,}|[ \t]*$)", text[v.end:end])
            if tail and re.fullmatch(r"[\dOo]+", text[v.start:v.end]):  # "0048291 3": a gap OCR put in a number
                v = Value(v.value + tail.group(1), v.start, v.end + tail.end(), True)
            # An account number is not a medical record number: offered below the review line.
            conf = self._conf(f) if kind == "mrn" else 0.55
            self.add("mrn", v, conf, rule)
            self._issuer(f, v, issuer_at, conf)
            return v
        if kind == "issuer":
            v = self._org_text(start, end)
            if v:
                self.add("mrn_issuer", v, self._conf(f), rule)
            return v
        if kind in ("phone", "phone_home"):
            v = parse_phone(text, start, end)
            if v is None or other or providerish or self.in_letterhead(f.line):
                return v
            if kind == "phone" and f.qualifier not in (None, "name", "name_weak"):
                return v
            conf = self._conf(f)
            if kind == "phone" and not self.near_patient(f.line):
                conf = min(conf, 0.80)
            self.add("phone", v, conf, rule)
            return v
        if kind == "address":
            if other or providerish or self.in_letterhead(f.line):
                return None
            nxt = self.layout.next_nonempty(f.line if f.via == "line" else self.layout.line_of(start), 1)
            limit = self.layout.lines[nxt][1] if nxt is not None else end
            v = parse_address(text, start, end, next_line_end=limit)
            if v:
                self.add("address", v, self._conf(f) if not v.extra.get("partial") else 0.85, rule)
            return v
        if kind in ("docdate", "date", "svcdate", "dischargedate", "docdate_short", "printdate"):
            v = parse_date(text, start, end, "document")
            if v is None:
                return None
            if kind == "svcdate":
                self.add("service_date", v, self._conf(f), rule)
            elif kind in ("docdate", "docdate_short", "dischargedate", "printdate"):
                # A discharge summary is dated by the discharge; "D: 03/02/2026" is the dictation.
                self.add("document_date", v, self._conf(f), rule)
            else:
                # "Signature: ____  Date: 04/01/2026" or "Signed by ... Date:": the signing date.
                line_first = self.found_by_line[f.line][0].kind if self.found_by_line.get(f.line) else None
                if f.qualifier in SIGNERS or (f.qualifier is None and line_first in SIGNERS):
                    self.add("document_date", v, self._conf(f, 0.93), "label:signed_date")
                elif f.qualifier is None and not self._someone_else(f) and not self._appointment(f.line):
                    self.add("document_date", v, self._conf(f), rule)
            return v
        if kind in ("provider_sig", "provider", "provider_dict", "provider_other", "provider_role", "provider_cc",
                    "from", "to"):
            v = parse_name(text, start, end)
            if v is None:
                if kind in SIGNERS:  # "Signed: 03/11/2026 14:22", "Authenticated: September 6, 2024"
                    d = parse_date(text, start, end, "document")
                    if d:
                        self.add("document_date", d, self._conf(f, 0.93), "label:signed_date")
                        return d
                return None
            base = {"from": 0.85, "to": 0.65}.get(kind)
            if kind == "to" and not (v.extra.get("credential") or v.extra.get("title") == "dr"):
                return None  # "To: Medical Records" or a patient letter's addressee
            conf = self._conf(f, base)
            ls = self.layout.lines[f.line][0]
            if kind == "provider" and re.search(r"[A-Za-z]{3,}[ \t]?$", text[max(ls, f.label.start - 30):f.label.start]):
                conf -= 0.10  # "Submitting Physician:", "Covering provider:" - some role, not surely the author
            self.add("provider", v, conf, rule)
            # "Signed by: Anna Lee, MD 03/11/2026 14:22", "Provider: Dr. Zoe Sokolov  on: 19 March 2025":
            # the signature date is the document's.
            line_end = self.layout.lines[self.layout.line_of(v.start)][1]
            if re.search(r"(?i)\bon[ \t]*$", text[v.end:line_end]):  # "signed by X, MD on\nJanuary 7, 2025"
                line_end = min(len(text), line_end + 1 + 40)
            for d, _ in find_dates(text, v.end, min(line_end, v.end + 80)):
                between = text[v.end:d.start].lower()
                if kind in ("provider_sig", "provider_dict") or re.search(r"\bon\b|signed|date", between):
                    self.add("document_date", d, 0.88 if kind == "provider_sig" else 0.85, "signature:date")
                break
            return v
        if kind == "npi":
            v = parse_npi(text, start, end)
            if v:
                self.add("npi", v, self._conf(f), rule)
            return v
        if kind == "facility":
            if f.qualifier is not None and f.qualifier not in ("facility",) or not f.colon or \
                    text[f.label.end:start].strip().startswith("-"):
                return None
            v = self._org_text(start, end)
            if v is not None and all(w in GENERIC or ORG_WORDS.fullmatch(w) for w in v.value.split()):
                return None  # "Cardiology", "General Surgery": a department
            if v is None or len(v.value.split()) > 8 or not (ORG_WORDS.search(v.value) or
                                                            re.match(r"(?:[A-Z][\w'&.-]*[ \t]*){1,6}$",
                                                                     text[v.start:v.end])):
                return None
            if v:
                self.add("facility", v, self._conf(f), rule)
            return v
        if kind in ("fax", "fax_short", "fax_from", "fax_other"):
            # From a payer, the facility is the addressee: its fax is the one the letter went to.
            to_facility = kind == "fax_other" or f.qualifier in ("to", "fax_other")
            if to_facility and not self.payer or f.qualifier == "qualifier" or section == "other":
                return None
            v = parse_phone(text, start, end)
            if v is None:
                return None
            if self.payer:
                first_date = self._addressee[0]
                if f.line <= first_date or first_date < 0 and self.in_letterhead(f.line):
                    return v  # the payer's own number, above the letter's date
                self.add("fax", v, 0.85, "label:addressee_fax")
            elif kind == "fax_from":
                self.add("fax", v, self._conf(f), rule)
            elif self.in_letterhead(f.line):
                self.add("fax", v, 0.95 if kind == "fax" else 0.9, "letterhead:fax")
            elif kind == "fax":
                self.add("fax", v, 0.75, rule)
            return v
        return None

    def _appointment(self, line: int) -> bool:
        """'Your upcoming appointment: / Date - Oct 23, 2025': a date to come, not the document's."""
        ls = self.layout.lines[max(0, line - 2)][0]
        return bool(re.search(r"(?i)\b(appointment|scheduled|follow[- ]up|next visit|return visit)\b",
                              self.text[ls:self.layout.lines[line][0]]))

    def _someone_else(self, f: Found) -> bool:
        """A value on a line that starts with someone else's label ('Emergency Contact: Lee Park
        Phone: ...') is that person's."""
        if f.via != "line":
            return False
        first = self.found_by_line[f.line][0] if self.found_by_line.get(f.line) else None
        return first is not None and first is not f and first.kind in OTHER_PERSON and first.start < f.start

    def _title_sex(self, v: Value) -> None:
        sex = {"mrs": "female", "ms": "female", "miss": "female", "mr": "male"}.get(v.extra.get("title", ""))
        if sex:
            self._sex_from_title(v, sex)

    def _sex_from_title(self, v: Value, sex: str) -> None:
        m = re.search(r"(?i)\b(mrs|ms|miss|mr)\b\.?", self.text[max(0, v.start - 8):v.start])
        if m:
            s = max(0, v.start - 8) + m.start(1)
            self.add("sex", Value(sex, s, s + len(m.group(1))), 0.70, "title")

    def _issuer(self, f: Found, v: Value, issuer_at, conf: float) -> None:
        text = self.text
        if issuer_at is None:
            after = re.match(r"[ \t]*(?:\(|[-–—,][ \t]*|[ \t](?:at|@|from)[ \t]+)([A-Z][^()\n]{2,60}?)(?:\)|(?=[ \t]{2,}|$|\n))",
                             text[v.end:f.end])
            if after and ORG_WORDS.search(after.group(1)):
                issuer_at = (v.end + after.start(1), v.end + after.end(1))
        if issuer_at is None:
            ls = self.layout.lines[f.line][0]
            before = re.sub(r"(?i)(?:acct|account)[ \t]*/[ \t]*$", "", text[ls:f.label.start])  # "X Acct/MRN"
            # The organisation's words, single-spaced, starting a cell: "Gender: F    LAKESIDE HOSPITAL MRN"
            m = re.search(r"(?:^|(?<=[ \t]{2})|(?<=[|:]))[ \t]*([A-Z][A-Za-z.&'’-]*(?: (?:of|the|and|&|[A-Z][A-Za-z.&'’-]*))"
                          r"{0,6})[ \t]*$", before)
            if m and ORG_WORDS.search(m.group(1)) and not re.search(r"[:]", before[m.start(1):]):
                issuer_at = (ls + m.start(1), ls + m.end(1))
        if issuer_at:
            s, e = issuer_at
            raw = text[s:e].strip(" ,.-")
            s = text.index(raw, s)
            self.add("mrn_issuer", Value(norm_text(raw), s, s + len(raw)), conf - 0.02, "label:mrn_issuer")

    def _org_text(self, start: int, end: int) -> Value | None:
        m = re.match(r"[ \t]*([A-Za-z0-9][^\t\n]*?)(?=[ \t]{2,}|\t|[ \t]*$|[ \t]*\|)", self.text[start:end] + "\n")
        if not m or not re.search(r"[A-Za-z]{2,}", m.group(1)):
            return None
        raw = m.group(1).rstrip(" ,.;:")
        s = start + m.start(1)
        return Value(norm_text(raw), s, s + len(raw))

    def _banner_names(self) -> None:
        """'DOE, JANE   DOB: 04/12/1961   MRN: 123' - a name opening a line whose labels are the
        patient's (a demographics banner, often repeated on every page)."""
        for line, found in self.found_by_line.items():
            if not any(f.kind in ("dob", "mrn", "sex", "agesex") and f.via == "line" for f in found):
                continue
            ls = self.layout.lines[line][0]
            first = min(f.label.start for f in found)
            if first - ls < 4 or not self.text[ls:first].strip():
                continue
            v = parse_name(self.text, ls, first)
            if v and not self.text[v.end:first].strip(" \t|,;.-–—*/"):
                self.add("patient_name", v, 0.88, "banner")

    def _name_parts(self) -> None:
        """'Last Name: DOE   First Name: JANE' -> one name."""
        last = [f for f in self.layout.found if f.kind == "lastname"]
        first = [f for f in self.layout.found if f.kind == "firstname"]
        if not last or not first:
            return
        word = re.compile(r"[ \t]*([A-Za-z][A-Za-z'’-]+(?:[ \t][A-Za-z][A-Za-z'’-]+){0,2})")
        lm = word.match(self.text, last[0].start, last[0].end)
        fm = word.match(self.text, first[0].start, first[0].end)
        if not lm or not fm:
            return
        family = lm.group(1).strip()
        given = fm.group(1).split()[0]
        s = min(lm.start(1), fm.start(1))
        e = max(lm.start(1) + len(family), fm.start(1) + len(given))
        value = f"{given} {family}".lower()
        conf = min(self._conf(last[0]), self._conf(first[0])) - 0.02
        self.add("patient_name", Value(value, s, e), conf, "label:name_parts")

    # -- unlabelled evidence
