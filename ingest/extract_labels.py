"""Field labels on a page ("DOB:", "Med Rec #", "Electronically signed by") found with a spaCy
rule pipeline, no model and nothing downloaded:

1. a tokenizer that keeps character offsets exact (doc.text == text) and folds OCR confusions
   into each token's NORM (lower case, 0->o, 1/l/|->i, 5->s), so "D0B" and "Patlent" fold like
   "DOB" and "Patient";
2. `clinidex_ocr_norm`: a word of five letters or more that is one edit (two from eight letters)
   away from a label word takes that word as its NORM ("Physlcian", "Adress", "Telephone");
3. `clinidex_labels`: a PhraseMatcher over NORMs with every label phrase, written with and
   without separators between its words ("D.O.B.", "Sex/Gender", "Pt. Name"); overlaps
   resolve to the longest, then the exact, match; labels glued to their value ("MRN12345")
   are added from a regular expression.

(The Matcher's FUZZY operator and optional-separator patterns do the same but cost ~50-100 ms a
page; the cached lexicon lookup and the phrase table cost about 2 ms.)

`find_labels(text)` returns the labels in text order; what a label means is its `kind`.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import spacy
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

# (kind, phrases, label confidence, flags). Flags: "colon": only a label when a separator
# (: ; # =) follows it; "strong": a label wherever it stands, lower case or mid-sentence;
# "glued": may be glued to its value ("MRN12345", "DOB04/12/61").
# Phrases: words separated by spaces; a separator (. - / ') may stand between words.
_SPECS: list[tuple[str, list[str], float, set[str]]] = [
    # patient
    ("name", ["patient name", "patient's name", "pt name", "name of patient", "patient full name",
              "patient legal name", "patient", "pt", "last , first", "name ( last , first )", "name last , first",
              "patient name ( last , first )", "patient ( last , first )", "last name , first name",
              "name ( last , first , mi )", "patient name ( last , first , mi )", "last , first , mi",
              "name ( last first )", "patient name last first", "patient member", "patient / member name",
              "member / patient", "patient / subscriber", "insured / patient"], 0.97, set()),
    ("name_re", ["re", "regarding", "ref"], 0.93, {"colon"}),
    ("name_weak", ["name", "full name", "member name", "client name", "name of member", "member", "enrollee",
                   "client", "resident", "pt . name", "subscriber", "subscriber name",
                   "beneficiary", "insured patient"], 0.90, set()),
    ("lastname", ["last name", "patient last name", "surname", "family name", "last"], 0.95, {"colon"}),
    ("firstname", ["first name", "patient first name", "given name", "first"], 0.95, {"colon"}),
    ("boundary", ["middle name", "mi", "middle initial", "middle"], 0.0, {"colon"}),
    ("dob", ["dob", "d o b", "date of birth", "birth date", "birthdate", "birth", "patient dob", "pt dob",
             "dob age", "date of birth age"], 0.97, {"strong", "glued"}),
    ("dob", ["born", "birthday", "b day", "bd", "b / d"], 0.92, {"colon"}),
    ("sex", ["sex", "gender", "sex gender", "gender sex", "legal sex", "sex at birth", "administrative sex",
             "patient sex", "patient gender"], 0.97, set()),
    ("agesex", ["age sex", "age gender", "sex age", "age / sex"], 0.95, set()),
    ("age", ["age"], 0.0, set()),
    ("mrn", ["mrn", "mr #", "mr no", "mr number", "med rec", "med rec no", "med rec number", "medical record",
             "medical record number", "medical record no", "medical rec", "med record", "record number",
             "patient mrn", "pt mrn", "mrn no", "mrn number", "emr", "emr no", "ehr no"],
     0.97, {"strong", "glued"}),
    ("mrn", ["chart", "chart number", "chart no", "patient id", "pt id", "patient number", "hospital number",
             "hospital no", "unit number", "unit no", "record no", "record", "patient identifier", "id"],
     0.93, {"colon"}),
    ("acct", ["acct", "account", "account number", "acct no", "account no", "acct number", "fin", "encounter no",
              "visit number", "visit no", "csn", "har"], 0.80, {"colon"}),
    ("issuer", ["issuer", "assigning authority", "issued by", "issuing facility"], 0.95, {"colon"}),
    ("phone_home", ["home phone", "home tel", "home telephone", "cell", "cell phone", "mobile", "mobile phone",
                    "patient phone", "pt phone", "patient telephone", "home", "home ph", "cell ph",
                    "primary phone", "daytime phone", "contact phone", "patient contact"], 0.96, set()),
    ("phone", ["phone", "tel", "telephone", "ph", "phone number", "phone no", "tel no", "contact number",
               "telephone number", "phone #", "tel #"], 0.93, set()),
    ("phone_other", ["work phone", "office phone", "clinic phone", "main", "office", "main phone", "p", "t",
                     "work", "office tel", "direct", "pager", "callback"], 0.0, {"colon"}),
    ("address", ["address", "addr", "home address", "patient address", "pt address", "street address",
                 "mailing address", "residence", "street", "address line 1", "address 1"], 0.95, set()),
    ("city", ["city", "city state zip", "city state", "city st zip"], 0.9, {"colon"}),
    ("state", ["state", "st"], 0.9, {"colon"}),
    ("zip", ["zip", "zip code", "postal code", "zipcode"], 0.9, {"colon"}),
    # dates
    ("docdate", ["report date", "date of report", "date reported", "note date", "date of note", "letter date",
                 "date of letter", "date signed", "signed date", "signed on", "dictation date", "date dictated",
                 "date of dictation", "transcription date", "date transcribed", "date of referral",
                 "referral date", "issue date", "date issued", "finalized", "final report date", "report finalized",
                 "date of consent", "consent date", "date completed", "completed", "result date", "date prepared",
                 "prepared", "date created", "created", "verified", "reported", "reviewed", "reviewed on",
                 "date reviewed", "last reviewed", "reconciled", "reconciled on", "date reconciled",
                 "reconciliation date", "list date", "as of", "dictated", "dictated on", "transcribed on", "note date / time", "date of exam report"],
     0.96, set()),
    ("printdate", ["printed", "printed on", "print date", "date printed", "printed date", "run date"], 0.50, set()),
    ("date", ["date", "dated"], 0.92, set()),
    ("svcdate", ["date of service", "dos", "service date", "visit date", "date of visit", "admission date",
                 "admit date", "date of admission", "procedure date", "date of procedure", "collection date",
                 "date collected", "specimen collected", "exam date", "date of exam", "date of examination",
                 "examination date", "study date", "date of study", "encounter date", "date of encounter",
                 "surgery date", "date of surgery", "date of operation", "operation date", "consultation date",
                 "date of consultation", "consult date", "arrival date", "date of arrival", "ed arrival",
                 "date seen", "date of evaluation", "evaluation date", "date of injection", "date performed",
                 "d o s", "date of visit/service", "date/time of service", "date ( s ) of service",
                 "dates of service", "service date ( s )", "coll date", "collection dt", "date obtained",
                 "specimen date", "date of collection", "last seen", "date last seen", "last visit",
                 "date of last visit", "scheduled date", "procedure scheduled", "requested start date",
                 "requested date of service", "requested service date", "start date", "date of procedure / surgery",
                 "date of admit", "admitted on", "visit dt", "svc date", "exam dt", "study dt"], 0.96, {"strong"}),
    ("svcdate", ["admitted", "collected", "seen on", "visit", "service", "arrival", "performed on", "obtained",
                 "scheduled", "scheduled for",
                 "appointment date", "collection time", "date/time collected"], 0.93, {"colon"}),
    ("dischargedate", ["discharge date", "date of discharge", "discharged", "dc date", "discharge"], 0.90, set()),
    ("boundary", ["received", "date received", "date of injury", "doi", "next appointment", "follow up",
                  "follow-up", "time", "expiration", "effective date", "eff date",
                  "onset", "last menstrual period", "lmp", "edd", "due date", "admitting diagnosis",
                  "discharge diagnosis", "admission diagnosis", "chief complaint", "reason for visit",
                  "reason for referral", "diagnosis", "indication", "impression", "assessment", "plan",
                  "findings", "allergies", "medications", "comparison", "technique", "specimen", "source",
                  "insurance", "policy", "policy number", "member id", "group", "group number",
                  "claim", "claim number", "plan", "payer", "room", "bed", "unit", "language", "race",
                  "ethnicity", "marital status", "ssn", "social security", "email", "e-mail", "ht", "wt",
                  "height", "weight", "bp", "pulse", "temp", "status", "priority", "cpt", "icd", "icd-10",
                  "code", "dx", "accession", "accession number", "accession no", "order number", "order no",
                  "specimen id", "case number", "case no", "encounter", "location", "case id", "claim id",
                  "subscriber id", "group id", "authorization id", "reference id", "order id", "request id",
                  "tracking id", "confirmation id", "authorization number", "auth number", "auth no",
                  "reference number", "ref no", "tracking number", "confirmation number", "npi id", "tax id",
                  "dea", "dea number", "license", "license number", "medicaid id", "medicare id", "rx",
                  "rx number", "lot number", "lot no", "serial number", "invoice number", "statement number",
                  "member number", "member no", "subscriber number", "certificate number", "account summary",
                  "patient account", "guarantor id", "insurance id", "plan id", "payer id"], 0.0, set()),
    # providers
    ("provider_sig", ["electronically signed by", "e-signed by", "esigned by", "signed by", "signed",
                      "electronically signed", "signature", "authenticated by", "electronically authenticated by",
                      "signed electronically by", "attested by", "finalized by", "signing provider",
                      "signing physician", "authenticated", "signed out by", "electronically signed out by",
                      "signed out"], 0.96, set()),
    ("provider", ["attending", "attending physician", "attending provider", "provider", "physician",
                  "rendering provider", "treating physician", "treating provider", "surgeon", "primary surgeon",
                  "performing physician", "performed by", "radiologist", "interpreting physician", "interpreted by",
                  "reading physician", "read by", "pathologist", "author", "authored by", "seen by", "examined by",
                  "provider name", "physician name", "attending md", "practitioner",
                  "nurse practitioner", "ed physician", "emergency physician", "operating surgeon",
                  "interpreting radiologist", "person obtaining consent", "consent obtained by", "obtained by",
                  "physician obtaining consent", "provider obtaining consent"],
     0.95, set()),
    ("provider_role", ["consultant", "consulting physician", "consulting provider", "clinician", "consulted",
                       "prescriber", "prescribing provider", "prescribing physician"], 0.75, set()),
    ("provider_role", ["with", "appointment with", "provider seen"], 0.75, {"colon"}),
    ("provider_dict", ["admitting physician", "admitting provider", "admitting md", "admitted by",
                       "dictated by", "dictating physician", "prepared by", "completed by", "reconciled by",
                       "reviewed by", "approved by", "discharging physician", "discharging provider"], 0.90, set()),
    ("provider_other", ["verified by", "transcribed by", "transcriptionist"], 0.60, set()),
    ("docdate_short", ["d"], 0.85, {"colon"}),
    ("provider_cc", ["cc", "copy to", "copies to", "c c"], 0.55, {"colon"}),
    ("provider_other", ["referring physician", "referring provider", "referring", "referred by", "ordering physician",
                        "ordering provider", "ordered by", "pcp", "primary care physician", "primary care provider",
                        "primary care", "requesting physician", "requested by",
                        "referring md", "referring doctor", "assistant", "assistant surgeon", "anesthesiologist",
                        "anesthesia", "submitting physician", "submitting provider", "requesting provider",
                        "covering physician", "covering provider", "witness", "interpreter", "nurse", "scribe",
                        "resident", "fellow", "co-signer", "cosigner", "ordering md", "ordering clinician",
                        "requesting clinician", "ordering practitioner", "requesting md", "referring clinician",
                        "ordering doctor", "ordering"], 0.70, set()),
    ("to", ["to", "attn", "attention", "recipient", "recipient name", "to name", "deliver to", "intended for",
            "for the attention of", "addressed to", "send to"], 0.93, {"colon"}),
    ("npi", ["npi", "npi #", "npi no", "npi number", "national provider identifier", "provider npi",
             "physician npi", "individual npi"], 0.98, {"strong", "glued"}),
    # facility
    ("facility", ["facility", "facility name", "sending facility", "hospital", "clinic", "practice",
                  "practice name", "organization", "performed at", "performing facility", "performing lab",
                  "laboratory", "lab", "site", "clinic name", "hospital name"],
     0.90, {"colon"}),
    ("fax", ["fax", "facsimile", "fax number", "fax no", "fax #", "fx", "fax phone"], 0.95, set()),
    ("fax_from", ["from fax", "sender fax", "sender's fax", "fax from", "return fax", "sending fax",
                  "fax from number", "sender fax number", "from fax number"], 0.95, set()),
    ("fax_short", ["f"], 0.85, {"colon"}),
    ("fax_other", ["to fax", "recipient fax", "fax to", "recipient's fax", "please fax", "fax results to",
                   "destination fax"], 0.0, set()),
    # non-patient qualifiers: a name, phone or address after these is someone else's
    ("qualifier", ["emergency contact", "contact", "guarantor", "next of kin", "nok", "insured", "spouse",
                   "guardian", "parent", "mother", "father", "caregiver", "responsible party", "employer",
                   "pharmacy", "policy holder", "policyholder", "legal guardian", "relationship",
                   "insured name", "guarantor name"], 0.0, set()),
    # cover sheet
    ("from", ["from", "sender", "sent by", "from name", "sender name"], 0.95, {"colon"}),
    ("pages", ["pages", "number of pages", "no of pages", "# of pages", "total pages", "page count",
               "pages including cover", "pages including cover sheet", "pages incl cover", "total number of pages",
               "pgs", "# pages", "pages sent", "page s"], 0.97, set()),
    ("subject", ["subject", "subj"], 0.9, {"colon"}),
]

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[^\sA-Za-z0-9]")
_FOLD = str.maketrans({"0": "o", "1": "i", "l": "i", "|": "i", "!": "i", "5": "s", "’": "'"})
_SEPARATORS = [".", "-", "/", "'", "&", ",", "_"]


def fold(word: str) -> str:
    return word.lower().translate(_FOLD)


class _Tokenizer:
    """Words, single punctuation marks and whitespace runs, so that doc.text == text and
    token.idx are page offsets; each token's NORM is its OCR-folded lower-case form."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        repaired: set[int] = set()  # tokens whose spacing was repaired (count as an OCR repair)
        pos = 0
        n = len(text)
        if n and text[0].isspace():
            m = re.match(r"\s+", text)
            words.append(m.group())
            spaces.append(False)
            pos = m.end()
        for m in _TOKEN.finditer(text, pos):
            word = m.group()
            if m.start() != pos:  # whitespace between tokens beyond one space
                gap = text[pos:m.start()]
                if gap == " " and words and _rejoin(words[-1], word):
                    # "Pat ient": OCR put a space inside a label word; one token (text kept exact)
                    words[-1] = words[-1] + gap + word
                    repaired.add(len(words) - 1)
                    pos = m.end()
                    continue
                if words and spaces and not spaces[-1] and gap[0] == " ":
                    spaces[-1] = True
                    gap = gap[1:]
                if gap:
                    words.append(gap)
                    spaces.append(False)
            parts = _split_glued(word)
            if len(parts) > 1:
                repaired.update(range(len(words), len(words) + len(parts)))
            words.extend(parts)
            spaces.extend([False] * len(parts))
            pos = m.end()
        if pos < n:
            gap = text[pos:]
            if words and not spaces[-1] and gap[0] == " ":
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for token in doc:
            if not token.is_space:
                token.norm_ = fold(token.text.replace(" ", ""))
                if token.i in repaired and Token.has_extension("ocr_fixed"):
                    token._.ocr_fixed = True
        return doc


# Label words and whole label phrases (folded), for repairing OCR spacing: "PTNAME", "DateofBirth"
# and "MedRec" lost the spaces between short label words; "Pat ient" gained one.
_LEXICON = {fold(w) for _, phrases, _, _ in _SPECS for p in phrases for w in p.split() if w[0].isalnum()}
_PHRASES = {" ".join(fold(w) for w in p.split() if w[0].isalnum()) for _, phrases, _, _ in _SPECS for p in phrases}
_SPLIT_CACHE: dict[str, list[str] | None] = {}


def _split_glued(word: str) -> list[str]:
    """A word that is a whole multi-word label phrase written without spaces, as its words
    ("PTNAME" -> "PT", "NAME"); anything else unchanged."""
    if len(word) < 5 or len(word) > 30 or not word.isalnum():
        return [word]
    key = fold(word)
    if key in _LEXICON:
        return [word]
    if key not in _SPLIT_CACHE:
        found = None
        # every split into 2-4 lexicon words of 2+ letters that spells a label phrase
        stack = [(0, [])]
        while stack and found is None:
            at, cuts = stack.pop()
            if at == len(key):
                if len(cuts) >= 2 and " ".join(key[a:b] for a, b in cuts) in _PHRASES:
                    found = cuts
                continue
            if len(cuts) >= 4:
                continue
            for end in range(len(key), at + 1, -1):
                if key[at:end] in _LEXICON:
                    stack.append((end, cuts + [(at, end)]))
        if len(_SPLIT_CACHE) > 100_000:
            _SPLIT_CACHE.clear()
        _SPLIT_CACHE[key] = found
    cuts = _SPLIT_CACHE[key]
    return [word[a:b] for a, b in cuts] if cuts else [word]


def _rejoin(left: str, right: str) -> bool:
    """Two letter runs one space apart that are one label word of 5+ letters ("Pat ient")
    while neither half is a label word itself."""
    if not (left.isalpha() and right.isalpha()) or len(left) + len(right) < 5 or " " in left:
        return False
    a, b = fold(left), fold(right)
    return a + b in _LEXICON and a not in _LEXICON and b not in _LEXICON and (left[-1].islower() or left.isupper())


class _OcrNorm:
    """Maps a word one or two OCR edits away from a label word onto that word (cached)."""

    MAX_CACHE = 200_000

    def __init__(self, lexicon: set[str]) -> None:
        self.lexicon = lexicon
        self.by_length: dict[int, list[str]] = {}
        for word in lexicon:
            if len(word) >= 5:
                self.by_length.setdefault(len(word), []).append(word)
        self.cache: dict[str, str | None] = {}

    def nearest(self, norm: str) -> str | None:
        if norm in self.cache:
            return self.cache[norm]
        if norm.endswith("s") and norm[:-1] in self.lexicon or norm + "s" in self.lexicon:
            self.cache[norm] = None  # a plural ("Records", "Practices") is another word, not OCR damage
            return None
        # OCR substitutes letters far more often than it drops or adds them: two edits only as
        # substitutions in a long word ("Physlclan"), one edit of any kind from five letters.
        edits = 2 if len(norm) >= 8 else 1
        choices = [w for n in range(len(norm) - 1, len(norm) + 2) for w in self.by_length.get(n, ())
                   if edits == 1 or n == len(norm) or Levenshtein.distance(norm, w) <= 1]
        best = None
        if choices:
            found = process.extractOne(norm, choices, scorer=Levenshtein.distance, score_cutoff=edits)
            if found is not None and found[0][0] == norm[0] or found is not None and found[0][-1] == norm[-1]:
                best = found[0]
        if len(self.cache) > self.MAX_CACHE:
            self.cache.clear()
        self.cache[norm] = best
        return best

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            norm = token.norm_
            if len(norm) < 5 or norm in self.lexicon or not token.is_alpha and not norm.isalnum():
                continue
            best = self.nearest(norm)
            if best is not None:
                token.norm_ = best
                token._.ocr_fixed = True
        return doc


def _variants(phrase: str) -> list[str]:
    """The phrase with nothing, or one separator, between its words."""
    words = phrase.split()
    gaps = ["", ".", "/", "-"] if len(words) <= 3 else ["", "-"]
    out = [words[0]]
    for word in words[1:]:
        out = [f"{head} {gap} {word}" if gap else f"{head} {word}" for head in out for gap in gaps]
    return out


@dataclass(frozen=True)
class Label:
    kind: str
    start: int  # character offsets of the label words in the page text
    end: int
    confidence: float  # how reliably this label announces its field
    flags: frozenset
    fuzzy: bool  # matched only with an OCR repair


_GLUED_TOKEN = re.compile(r"(?i)(?<![A-Za-z0-9])(?:d[o0]b|mrn|npi|dos)[0-9Ool|][A-Za-z0-9]*")
_GLUED = re.compile(r"(?i)(d[o0]b|mrn|npi|dos)(?=[0-9Ool|])")

_lock = threading.Lock()
_nlp: Language | None = None
_specs_by_key: dict[str, tuple[str, str, float, frozenset]] = {}


def pipeline() -> Language:
    """The spaCy pipeline, built once per process on first use."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = _build()
    return _nlp


def _build() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = _Tokenizer(nlp.vocab)
    if not Token.has_extension("ocr_fixed"):
        Token.set_extension("ocr_fixed", default=False)
    lexicon = {fold(w) for _, phrases, _, _ in _SPECS for p in phrases for w in p.split() if w[0].isalnum()}
    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    for index, (kind, phrases, confidence, flags) in enumerate(_SPECS):
        for j, phrase in enumerate(phrases):
            key = f"{kind}:{index}:{j}"
            _specs_by_key[key] = (kind, phrase, confidence, frozenset(flags))
            matcher.add(key, [nlp.make_doc(v) for v in _variants(phrase)])
    if not Language.has_factory("clinidex_labels"):
        @Language.factory("clinidex_labels")
        def _factory(nlp, name):  # noqa: ANN001 - spaCy's factory signature
            return _LabelComponent()

        @Language.factory("clinidex_ocr_norm", default_config={"lexicon": []})
        def _norm_factory(nlp, name, lexicon):  # noqa: ANN001
            return _OcrNorm(set(lexicon))
    nlp.add_pipe("clinidex_ocr_norm", config={"lexicon": sorted(lexicon)})
    component = nlp.add_pipe("clinidex_labels")
    component.matcher = matcher
    return nlp


class _LabelComponent:
    """Puts every label span in doc.spans['labels'] (label_ = spec key); overlaps resolved to the
    longest span, then the one with fewer fuzzy words."""

    matcher: PhraseMatcher

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for key, start, end in self.matcher(doc):
            name = doc.vocab.strings[key]
            exact = not any(t._.ocr_fixed for t in doc[start:end])
            spans.append((end - start, exact, -start, Span(doc, start, end, label=name)))
        spans.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
        taken: set[int] = set()
        kept = []
        for _, exact, _, span in spans:
            if any(i in taken for i in range(span.start, span.end)):
                continue
            taken.update(range(span.start, span.end))
            kept.append(span)
            if not exact:
                span.label_ = span.label_ + ":fuzzy"
        # Labels glued to their value ("MRN12345", "DOB04/12/61"): one token, found by its text.
        for m in _GLUED_TOKEN.finditer(doc.text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and len(span) == 1 and span.start not in taken:
                kept.append(Span(doc, span.start, span.end, label="glued"))
        kept.sort(key=lambda s: s.start)
        doc.spans["labels"] = kept
        return doc


def find_labels(text: str) -> list[Label]:
    doc = pipeline()(text)
    out: list[Label] = []
    for span in doc.spans["labels"]:
        name = span.label_
        if name == "glued":
            m = _GLUED.match(span.text)
            if not m:
                continue
            prefix = m.group(1).lower().replace("0", "o")
            kind = {"dob": "dob", "mrn": "mrn", "npi": "npi", "dos": "svcdate"}[prefix]
            spec = next(s for s in _SPECS if s[0] == kind)
            out.append(Label(kind, span.start_char, span.start_char + 3, spec[2], frozenset(spec[3]), False))
            continue
        fuzzy = name.endswith(":fuzzy")
        key = name[:-6] if fuzzy else name
        kind, phrase, confidence, flags = _specs_by_key[key]
        out.append(Label(kind, span.start_char, span.end_char, confidence, flags, fuzzy))
    return out
