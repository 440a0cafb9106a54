"""Evidence without labels, read from one page: the letterhead (or footer) organisation, a
closing signature, the date under a title or a signature, "54-year-old female", a valid bare
NPI, "your patient, Jane Doe", an inside address. A mixin of `extract_page.Page`: it reads the
page's layout and labels and adds candidates through `Page.add`."""
from __future__ import annotations

import re

from clinidex.fields import norm_text
from ingest.extract_layout import QUALIFYING
from ingest.extract_names import parse_name
from ingest.extract_values import (
    Extracted, Value, find_age_sex, find_dates, find_npis, find_phones, parse_address, parse_date,
)
from ingest.extract_vocab import (
    CONNECTORS, DATE_LABELS, DEPARTMENT_ENDS, GENERIC, NON_CLINICAL, ORG_WORDS, PAYER, PAYER_DEPT, RECENT_FROM,
    RECENT_TO, SEEN_ON, STRONG_ORG, TITLE_ANY, TITLE_ENDS, TITLE_WORDS, cred_like,
)


def _payer_department(line: str) -> bool:
    """'Utilization Management', 'Provider Claims': a short line naming an insurer's department
    (not a title such as 'UTILIZATION REVIEW NOTICE')."""
    line = line.strip()
    return bool(PAYER_DEPT.search(line)) and len(line.split()) <= 5 and not TITLE_WORDS.search(line)


class UnlabelledEvidence:
    def read_patterns(self) -> None:
        text = self.text
        self._letterhead()
        lines = self.layout.lines
        skip = [lines[i] for i in self.header_lines]

        windows = [(f.start, f.end, f.kind in DATE_LABELS) for f in self.layout.found if f.via == "line"]

        def free(s: int, e: int) -> bool:
            """Not read through a label already, not in a header line, not right after a label,
            not anywhere after a date label ("Date(s) of Service: 5/30/25 through 6/29/25")."""
            return not any(s < ue and us < e for us, ue in self.used) and \
                not any(s < ke and ks < e for ks, ke in skip) and \
                not any(ws <= s < ws + 4 or dated and ws <= s < we for ws, we, dated in windows)

        # Sex from "54-year-old female"
        for v in find_age_sex(text, 0, len(text)):
            if free(v.start, v.end):
                self.add("sex", v, 0.85, "pattern:age_sex")
        # NPI: a bare 10-digit number that passes the check and is not a phone number.
        phone_spans = [(p.start, p.end) for p in find_phones(text, 0, len(text)) if p.extra.get("formatted")]
        for v in find_npis(text, 0, len(text)):
            if free(v.start, v.end) and not any(v.start < pe and ps < v.end for ps, pe in phone_spans):
                line = self.layout.line_of(v.start)
                before = text[lines[line][0]:v.start].lower()
                if re.search(r"(fax|phone|tel|ph|cell|mobile|mrn|acct|account|id|#)\W*$", before):
                    continue
                self.add("npi", v, 0.70, "pattern:npi")
        # Patient name in running text: "your patient, Jane Doe"
        for m in re.finditer(r"\b(?i:your|our|my|the) (?i:patient),?[ \t]+(?=[A-Z])", text):
            v = parse_name(text, m.end(), min(len(text), m.end() + 60))
            if v and free(v.start, v.end):
                self.add("patient_name", v, 0.75, "pattern:your_patient")
        # "was seen in our office on 12 February 2026"
        for m in SEEN_ON.finditer(text):
            d = parse_date(text, m.end(), min(len(text), m.end() + 40), "document", within=1)
            if d and free(d.start, d.end):
                self.add("service_date", d, 0.75, "pattern:seen_on")
        # "Shanice Hashemi was seen in our office on 5/4/24"
        for m in re.finditer(r"(?m)(?:^|(?<=[.:]\s))(?=[A-Z][a-z]+ [A-Z])", text):
            v = parse_name(text, m.start(), min(len(text), m.start() + 60))
            if v and re.match(r"[ \t]+(?:was|is|has been|had been)[ \t]+(?:seen|evaluated|examined|treated|admitted)\b",
                              text[v.end:v.end + 40]) and free(v.start, v.end):
                self.add("patient_name", v, 0.70, "pattern:was_seen")
        self._signature()
        self._addressee_name(free)
        self._top_date(free)
        self._address_block(free)

    def _letterhead(self, add: bool = True) -> int | None:
        """The sending organisation: the best organisation-like line among the first lines of
        the page and its last lines (a footer), cells split at bars, tabs, wide gaps and ' - '."""
        lay = self.layout
        nonempty = [i for i in range(len(lay.lines)) if i not in self.header_lines and lay.line_text(i).strip()]
        self._addressee = self._addressee_zone()
        ruled = [i for i in nonempty if not re.fullmatch(r"[-=_*+|~#. ]{3,}", lay.line_text(i).strip())]
        top, bottom = ruled[:14], ruled[-6:] if len(ruled) > 14 else []
        found: list[tuple[float, int, int, str, int]] = []
        for rank, i in enumerate(top + [i for i in bottom if i not in top]):
            line = lay.line_text(i)
            if re.fullmatch(r"[ \t]*[*=#~]{2,}.*[*=#~]{2,}[ \t]*", line) and not STRONG_ORG.search(line):
                continue  # "*** MEDICAL EXCUSE - JURY DUTY ***": a title
            labelled = [f.label.start for f in self.found_by_line.get(i, ()) if f.via == "line"]
            if labelled:  # a label line: only what stands before its first label (or qualifier)
                first = min(labelled)
                first = min([lb.start for lb in self.labels_by_line.get(i, ())
                             if 0 <= first - lb.end <= 2 and lb.kind in QUALIFYING - {"facility"}] + [first])
                line = line[:first - lay.lines[i][0]]
            for m in re.finditer(r"[^|\t•·]+?(?=[ \t]*(?:\||\t|•|·|[ \t]{3,}|[ \t]+[-–—][ \t]+|$))", line):
                cell = m.group().strip(" -–—*=#+[](){}")
                if not cell:
                    continue
                got = self._org_line(i, cell)
                if got is None:
                    continue
                conf, raw = got
                if i not in top:
                    conf -= 0.05  # a footer
                elif rank > 3:
                    conf -= 0.03
                if self.number > 1:
                    conf -= 0.10  # a later page's top is more often a section than a letterhead
                start = lay.lines[i][0] + m.start() + m.group().index(raw)
                found.append((conf, start, start + len(raw), raw, i))
                break
        if not found:
            return None
        best = max(found, key=lambda c: c[0])  # the first of equals
        conf, s, e, raw, line = best
        if add:
            self.add("facility", Value(norm_text(raw), s, e), conf, "letterhead")
            # The same name again in the footer or the signature block supports it.
            for other in found:
                if other is not best and norm_text(other[3]) == norm_text(raw):
                    self.add("facility", Value(norm_text(raw), other[1], other[2]), other[0], "letterhead:repeat")
                    break
        return line if conf >= 0.7 else None

    def letterhead_name(self) -> Extracted | None:
        """The organisation named at the top of the page (for a cover sheet's sender)."""
        before = len(self.out)
        self._letterhead()
        found = [e for e in self.out[before:] if e.name == "facility"]
        return found[0] if found else None

    def _org_line(self, i: int, cell: str) -> tuple[float, str] | None:
        """How much a letterhead cell looks like the sending organisation's name: (confidence,
        the name) or None."""
        lay, text = self.layout, self.text
        digit = re.search(r"[ \t,]+\d", cell)
        if digit:  # "LAKESIDE HOSPITAL 100 Shore Rd ..." run together: the name before the street
            cell = cell[:digit.start()].strip(" ,-")
            if len(cell.split()) < 2:
                return None
        if re.search(r"[\d:@]", cell) or len(cell) > 80 or len(cell) < 4:
            return None
        words = cell.split()
        if sum(len(w) == 1 for w in words) > len(words) / 2:
            return None  # "H O M E   M E D I C A T I O N"
        if re.search(r"[;.!?]$|;", cell) and not re.search(r"(?i)\b(?:inc|llc|p\.?c|co|ltd|st)\.$", cell) or \
                any(w[0].islower() and w.lower() not in CONNECTORS for w in words):
            return None  # prose, not a name
        if words[-1].lower().strip(".,") in TITLE_ENDS or any(w.lower() in TITLE_ANY for w in words):
            return None  # "HOSPITAL DISCHARGE SUMMARY", "Clinic Note", "Summary of Hospital Stay"
        if re.search(r"(?i)\b(md|do|np|phd|pa-c|rn|m\.d\.)\b\.?,?$", cell) and not STRONG_ORG.search(cell):
            return None
        person = parse_name(cell, 0, len(cell))
        if person is not None and (person.extra.get("credential") or person.extra.get("title") == "dr"):
            return None  # "Abdul Bhattacharya, DO, Medical Director"
        if re.search(r"(?i)\bpharmacy\b", cell):
            return None  # where the prescriptions go, not who sent the page
        if TITLE_WORDS.search(cell) and not STRONG_ORG.search(cell):
            return None
        if PAYER.search(cell):
            return None  # a payer writes to the facility; it is not one
        j = lay.next_nonempty(i, 2)
        if j is not None and _payer_department(lay.line_text(j)):
            return None  # "LODESTAR HEALTH PARTNERS / Utilization Management": a payer too
        strong, org = STRONG_ORG.search(cell), ORG_WORDS.search(cell)
        if words[-1].lower() in DEPARTMENT_ENDS or cell.lower().startswith(("department of", "division of")):
            return None  # "Health Information Management", "Practice Management", "Imaging Services"
        generic = all(w.lower().strip(".,&'’s") in GENERIC or ORG_WORDS.fullmatch(w.strip(".,")) for w in words)
        zone = self._addressee
        addressee = self._after_person(i) or zone[0] < i < zone[1]
        # Found by its look, not by a label: below 0.90 until something else (a footer, another
        # page, the fax header line) says the same.
        if generic:
            conf = 0.55  # "Neurology Clinic", "CLINICAL LABORATORY": a department, not a name
        elif strong and len(words) >= 2:
            conf = 0.86
        elif org:
            conf = 0.82 if len(words) >= 2 else 0.60
        else:
            conf = None
        prev = i - 1
        while prev >= 0 and not lay.line_text(prev).strip():
            prev -= 1
        if prev >= 0 and _payer_department(lay.line_text(prev)):
            return None  # "Utilization Management Department / Lodestar Health Partners": the payer
        if prev >= 0 and lay.line_text(prev).rstrip().endswith(":"):
            return None  # the value of the label above ("PHARMACY:\nRiverside Community Pharmacy")
        if conf is not None and self.payer and not addressee:
            return None  # in a payer's letter every other organisation is the payer itself
        if conf is not None:
            if addressee:  # a payer writes to the facility: then the addressee's is the one
                conf = 0.80 if self.payer and not generic else min(conf, 0.60)
            return conf, cell
        if parse_name(cell, 0, len(cell)) is not None and not re.search(r"[&]", cell):
            return None  # a person: an addressee or a signer
        nxt = lay.next_nonempty(i, 2)
        if nxt is not None and re.fullmatch(r"[A-Z][A-Za-z&.,'’ -]+", cell) and len(words) <= 8:
            ns, ne = lay.lines[nxt]
            if parse_address(text, ns, ne, anchored=False) or find_phones(text, ns, ne) or \
                    re.search(r"\b\d{5}\b", text[ns:ne]):
                return 0.70, cell
        return None

    def _after_person(self, i: int) -> bool:
        """Is line i the organisation line of an addressee block ('Dr. Helen Marsh' above it),
        in the top part of the page (a signature block at the bottom names the sender)?"""
        lay = self.layout
        j = i - 1
        while j >= 0 and not lay.line_text(j).strip():
            j -= 1
        if j < 0 or j in self.header_lines:
            return False
        s, e = lay.lines[j]
        label = re.match(r"[ \t]*[A-Za-z][A-Za-z ]{1,24}:[ \t]*", self.text[s:e])
        if label:
            s += label.end()  # "Attn: Dr. Liam Salazar", "Provider: FUJIMOTO, CARMEN P, DO"
        v = parse_name(self.text, s, e)
        if v is None or self.text[v.end:e].strip(" ,.") and not all(
                cred_like(w) for w in re.findall(r"[A-Za-z][A-Za-z.()-]*", self.text[v.end:e])):
            return False
        closing = any(self._CLOSING.fullmatch(lay.line_text(k).strip()) for k in range(max(0, j - 4), j))
        return not closing

    def _addressee_zone(self) -> tuple[int, int]:
        """Lines between a letter's date and its 'RE:'/'Dear' line: the inside address."""
        lay, text = self.layout, self.text
        start = None
        for i in range(min(len(lay.lines), 40)):
            s, e = lay.lines[i]
            line = text[s:e].strip()
            if not line or i in self.header_lines:
                continue
            if start is None:
                dates = find_dates(text, s, e)
                if dates and not line.replace(text[dates[0][0].start:dates[0][0].end], "").strip(" ,.-"):
                    start = i
            elif re.match(r"(?i)(re|regarding|dear|subject|ref)\b", line):
                return start, i
        return (start, start + 6) if start is not None else (-1, -1)

    def _block_under(self, i: int) -> bool:
        """Is the line under a clinician's name the rest of a signature block: a specialty
        ("Internal Medicine"), an NPI, a date?"""
        lay = self.layout
        j = lay.next_nonempty(i, 1)
        if j is None:
            return False
        line = lay.line_text(j).strip()
        words = line.split()
        specialty = 0 < len(words) <= 4 and all(
            w.lower().strip(".,&") in GENERIC or ORG_WORDS.fullmatch(w.strip(".,&")) or w == "&" for w in words)
        return specialty or bool(re.match(r"(?i)npi\b", line)) or bool(
            find_dates(self.text, *lay.lines[j]) and len(words) <= 3)

    _CLOSING = re.compile(r"(?i)(?:(?:with )?(?:best|kind|warm|warmest)? ?(?:regards|wishes)|sincerely(?: yours)?|"
                          r"respectfully(?: yours)?|thank you|thanks|cordially|yours (?:truly|sincerely)|"
                          r"with (?:thanks|appreciation|gratitude))[,.!]?")

    def _signature(self) -> None:
        """The signer: a name after a closing ('Sincerely,'), or a line that is nothing but a
        clinician's name ('Lucia Obi, DO', 'Dr. Jasmine Abu-Bakr'), with the date under it."""
        lay, text = self.layout, self.text
        after_closing: set[int] = set()
        for i in range(len(lay.lines)):
            if self._CLOSING.fullmatch(lay.line_text(i).strip()):
                j = lay.next_nonempty(i, 3, skip_rules=True)
                if j is not None:
                    after_closing.add(j)  # the first line under the closing: the signer, if a name
        for i in range(len(lay.lines)):
            s, e = lay.lines[i]
            if i in self.header_lines or not text[s:e].strip() or self.found_by_line.get(i):
                continue
            v = parse_name(text, s, e)
            if v is None:
                continue
            rest = text[v.end:e]
            clinician = v.extra.get("credential") or v.extra.get("title") == "dr"
            if not all(cred_like(w) for w in re.findall(r"[A-Za-z][A-Za-z.()-]*", rest)):
                continue  # more on the line than a name and credentials
            if i in after_closing:
                role = lay.next_nonempty(i, 1)
                if not clinician and role is not None and NON_CLINICAL.search(lay.line_text(role)):
                    continue  # "Harriet Hernandez / Medical Records Specialist"
                conf = 0.88 if clinician else 0.85
            elif clinician and text[s:v.start].strip(" \t_").lower().rstrip(".") in ("", "dr", "doctor"):
                prev = i - 1
                while prev >= 0 and not lay.line_text(prev).strip():
                    prev -= 1
                # Under a signature rule ("______") it is the signer; elsewhere some clinician.
                ruled = prev >= 0 and re.fullmatch(r"[_\-=.*~ ]{5,}|(?i:signature)[: _]*", lay.line_text(prev).strip())
                if prev >= 0 and lay.line_text(prev).rstrip().endswith(":"):
                    continue  # the value of the label above ("Prescriber:\n  Dr. Cornelius Achebe")
                start, stop = self._addressee
                first_patient = self.patient_lines[0] if self.patient_lines else -1
                if start < i < stop or i < first_patient:
                    continue  # the letter's addressee, above the patient's details; signatures close a page
                conf = 0.90 if ruled else 0.88 if self._block_under(i) else 0.80
            else:
                continue
            self.add("provider", v, conf, "signature")
            # A date standing alone within the next lines of the block is when it was signed.
            j = i
            for _ in range(3):
                j = lay.next_nonempty(j, 2)
                if j is None:
                    break
                js, je = lay.lines[j]
                dates = find_dates(text, js, je)
                if dates and not text[js:je].replace(text[dates[0][0].start:dates[0][0].end], "").strip(" ,.-"):
                    self.add("document_date", dates[0][0], 0.85, "signature:date")
                    break

    def _top_date(self, free) -> None:
        """The document date when no label says it: the first date near the top that stands on
        its own line (a letter's date) or otherwise the first unlabelled date near the top."""
        lay, text = self.layout, self.text
        seen = 0
        fallback = None
        for i in range(len(lay.lines)):
            if i in self.header_lines:
                continue
            s, e = lay.lines[i]
            if not text[s:e].strip():
                continue
            seen += 1
            if seen > 15:
                break
            line = text[s:e]
            if re.search(r"(?i)\b(birth|born|dob|d\.o\.b|age)\b", line):
                continue
            prev = i - 1
            while prev >= 0 and not text[lay.lines[prev][0]:lay.lines[prev][1]].strip():
                prev -= 1
            if prev >= 0 and text[lay.lines[prev][0]:lay.lines[prev][1]].rstrip().endswith(":"):
                continue  # the value of a label of its own ("Prior Studies:\n05/15/2024")
            for d, _ in find_dates(text, s, e):
                # Unlabelled, an old date is more likely someone's birth date than the document's.
                if not free(d.start, d.end) or not RECENT_FROM <= d.value <= RECENT_TO:
                    continue
                rest = (text[s:d.start] + text[d.end:e]).strip(" ,.-|")
                if not rest or re.fullmatch(r"(?i)(date[d]?|on|as of)\W*", rest):
                    self.add("document_date", d, 0.75, "pattern:top_date")
                    return
                if fallback is None and len(re.findall(r"[ \t]{2,}\S", line.strip())) < 2:
                    fallback = d  # (not from a table row: those dates are the rows', not the page's)
        if fallback is not None:
            self.add("document_date", fallback, 0.6, "pattern:first_date")

    def _addressee_name(self, free) -> None:
        """A letter to the patient: a bare name line (no title, no credentials) in the inside
        address, with a street address under it."""
        lay, text = self.layout, self.text
        start, stop = self._addressee
        if start < 0:
            return
        for i in range(start + 1, min(stop, start + 6, len(lay.lines))):
            s, e = lay.lines[i]
            v = parse_name(text, s, e)
            if v is None or text[v.end:e].strip() or v.extra.get("title") == "dr" or v.extra.get("credential"):
                continue
            nxt = lay.next_nonempty(i, 1)
            if nxt is None:
                return
            after = lay.next_nonempty(nxt, 1)
            addr = parse_address(text, lay.lines[nxt][0], lay.lines[nxt][1],
                                 next_line_end=lay.lines[after][1] if after is not None else None)
            if addr and free(v.start, v.end):
                self.add("patient_name", v, 0.65, "pattern:addressee")
                if not addr.extra.get("partial"):
                    self.add("address", addr, 0.70, "pattern:addressee")
            return

    def _address_block(self, free) -> None:
        """An address in the two lines under the patient's name."""
        names = [e for e in self.out if e.name == "patient_name" and e.page == self.number]
        if not names or any(e.name == "address" for e in self.out):
            return
        lay = self.layout
        line = lay.line_of(names[0].start)
        j = line
        for _ in range(2):
            j = lay.next_nonempty(j, 2)
            if j is None:
                return
            if j in self.org_block or self._org_line(j - 1, lay.line_text(j - 1).strip()) if j > 0 else False:
                return  # the organisation's address block, not the patient's
            s, e = lay.lines[j]
            nxt = lay.next_nonempty(j, 1)
            v = parse_address(self.text, s, e, next_line_end=lay.lines[nxt][1] if nxt is not None else e,
                              anchored=False)
            if v and free(v.start, v.end) and not v.extra.get("partial"):
                self.add("address", v, 0.80, "pattern:address_block")
                return


