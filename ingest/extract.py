"""Metadata extraction: the patient, dates, provider and sender of a faxed document, read from
the OCR text of its pages. A pure stage: text in, typed results out; nothing is logged.

    extract_fields(pages)          -> {field: Extracted} for clinidex.fields.DOCUMENT_FIELDS
    extract_cover(page)            -> {field: Extracted} for COVER_FIELDS (sender, recipient, ...)
    parse_transmission_header(line) -> facility / fax (+ page / total) of a fax header line, or None

How (modules `ingest/extract_*.py`):
- `extract_labels`: a spaCy rule pipeline (blank English; a tokenizer that keeps offsets exact
  and folds OCR confusions into NORM; an OCR-repair component; a PhraseMatcher over ~500 label
  phrases) finds the labels on a page;
- `extract_layout` decides which matches are labels and where each one's value is (after it on
  the line, on the next line, in the row under a row of labels) and who a label is about when
  another precedes it ("Emergency Contact Phone");
- `extract_values` parses and normalises values (dates, names, phones, identifiers, addresses,
  sex) with OCR repair; `extract_page` reads labelled values into candidates, deciding whose they
  are (the patient's, a clinician's, the sender's letterhead); `extract_unlabelled` adds evidence
  without labels (letterhead or footer organisation, closing signature, a date under the title,
  "54-year-old female", a checksum-valid bare NPI, an inside address);
- `extract_fax` reads fax header lines, `extract_cover` cover sheets; this module pools the
  candidates of all pages and picks one value per field.

Confidence scheme (downstream: >= 0.90 applied, 0.60-0.90 applied and queued for review, < 0.60
left empty and queued):

- A candidate starts from its rule's reliability. Labelled: 0.93-0.98 for field labels ("DOB",
  "MRN", "Date of Service", "Patient Name", "NPI", "Electronically signed by"); 0.90-0.92 for
  generic ones ("Name:", "Date:", "Member:"); 0.80-0.90 for labels that name a role rather than
  the author ("Consultant", "Dictated by", "Discharge date" as the document date); 0.70 for
  "Referring/Ordering physician"; 0.55 for "cc:" and for an account number offered as the MRN;
  0.50 for a print date. Unlabelled: letterhead organisation 0.82-0.86 (0.55 for a bare
  department such as "Neurology Clinic", 0.60 for an addressee's organisation), fax header
  number 0.90 / name 0.80, demographics banner name 0.88, "54-year-old female" 0.85, signature
  block 0.80-0.90, standalone date under the title 0.75, first date near the top 0.60, bare
  checksum-valid NPI 0.70, address under the patient's name 0.80, a letter's addressee 0.65.
- It loses 0.10 when the value needed OCR repair (O read for 0, l for 1, "Kowa1czyk"), 0.03 when
  the label did (one edit, "Adress"), 0.02 when the value was on the next line, 0.03 in a table
  row read by position; a patient phone far from the demographics is capped at 0.80, an address
  without city/state/ZIP at 0.85, a provider label after another word ("Submitting Physician")
  loses 0.10, a letterhead on a later page 0.10.
- Candidates with the same normalised value are pooled: the best one is reported, and each
  further page or rule that agrees (conf >= 0.60) closes half the remaining gap to 1 (0.86 ->
  0.93 for a letterhead repeated in the footer or the fax header), capped at 0.995.
- Disagreement costs when the runner-up is nearly as strong (>= 0.8 x the winner): for fields
  with one true value (patient_name, birth_date, sex, mrn, npi) 0.25 x the runner-up's confidence
  (two labelled DOBs: 0.97 -> ~0.73, review); for the others 0.05 x.
So a well-formed, label-anchored value lands at 0.93-0.99; guessed, repaired or contradicted
values land below 0.90.
"""
from __future__ import annotations

from collections import defaultdict

from clinidex.fields import COVER_FIELDS, DOCUMENT_FIELDS
from ingest.extract_cover import extract_cover
from ingest.extract_fax import parse_transmission_header
from ingest.extract_page import Page
from ingest.extract_values import Extracted, repair_label_marks, same_length_clean

__all__ = ["Extracted", "extract_fields", "extract_cover", "parse_transmission_header", "DOCUMENT_FIELDS",
           "COVER_FIELDS"]

MAX_PAGES = 300
MAX_PAGE_CHARS = 30_000  # a dense OCR page is ~6,000 characters; of anything longer only the start is read
STRICT = {"patient_name", "birth_date", "sex", "mrn", "npi"}  # fields with one true value


# ------------------------------------------------------------------------------------- combine
def _choose(cands: list[Extracted]) -> dict[str, Extracted]:
    by_field: dict[str, dict[str, list[Extracted]]] = defaultdict(lambda: defaultdict(list))
    for c in cands:
        by_field[c.name][c.value].append(c)
    _merge_prefixes(by_field.get("facility"))
    out: dict[str, Extracted] = {}
    for name, groups in by_field.items():
        scored = []
        for value, group in groups.items():
            group.sort(key=lambda c: (-c.confidence, c.page, c.start))
            best = group[0]
            conf = best.confidence
            supporters = {(c.page, c.rule) for c in group[1:] if c.confidence >= 0.6} - {(best.page, best.rule)}
            for _ in supporters:
                conf += (1 - conf) * 0.5
            scored.append((min(conf, 0.995), best))
        scored.sort(key=lambda s: (-s[0], s[1].page, s[1].start))
        conf, best = scored[0]
        if len(scored) > 1:
            # A rival counts when it is nearly as well supported: two labelled DOBs do, a referring
            # physician against the signer or an account number against the MRN do not.
            rival = scored[1][1].confidence
            if rival >= 0.5 and rival >= 0.8 * best.confidence:
                conf -= (0.25 if name in STRICT else 0.05) * rival
        out[name] = Extracted(best.name, best.value, best.raw, round(max(conf, 0.0), 3), best.page, best.start,
                              best.end, best.rule)
    return out


def _merge_prefixes(groups: dict[str, list[Extracted]] | None) -> None:
    """A fax header's 'RIVERBEND CLIN' supports the letterhead's 'Riverbend Clinic of Boston'."""
    if not groups:
        return
    values = sorted(groups, key=len, reverse=True)
    for short in values:
        for long in values:
            if long != short and len(short) >= 6 and long.startswith(short) and short in groups and long in groups:
                groups[long].extend(Extracted(c.name, long, c.raw, c.confidence, c.page, c.start, c.end, c.rule)
                                    for c in groups[short] if c.rule.startswith("header"))
                if all(c.rule.startswith("header") for c in groups[short]):
                    del groups[short]


def extract_fields(pages: list[str]) -> dict[str, Extracted]:
    """Best value per document field (patient_name, birth_date, sex, mrn, mrn_issuer, phone,
    address, document_date, service_date, provider, npi, facility, fax); fields not found are
    absent. Never raises on bad text: anything unreadable yields {}."""
    if not isinstance(pages, (list, tuple)):
        return {}
    cands: list[Extracted] = []
    for number, text in enumerate(pages[:MAX_PAGES], start=1):
        if not isinstance(text, str) or not text.strip():
            continue
        text = text[:MAX_PAGE_CHARS]
        page = Page(repair_label_marks(same_length_clean(text)), number, original=text)
        page.read_labels()
        page.read_patterns()
        cands.extend(page.out)
    # A print date dates the printout, not the document: only when nothing else does.
    if any(c.name == "document_date" and c.rule != "label:printdate" and c.confidence >= 0.6 for c in cands):
        cands = [c for c in cands if not (c.name == "document_date" and c.rule == "label:printdate")]
    chosen = _choose(cands)
    # A date that is the birth date is not the document's or the service's date.
    dob = chosen.get("birth_date")
    if dob:
        for key in ("document_date", "service_date"):
            if key in chosen and chosen[key].value == dob.value:
                rest = [c for c in cands if c.name == key and c.value != dob.value]
                chosen.pop(key)
                if rest:
                    chosen[key] = _choose(rest)[key]
    return {k: v for k, v in chosen.items() if k in DOCUMENT_FIELDS}
