"""People's names as written on clinical pages: 'Given [M.] Family', 'FAMILY, Given [M.]',
titles and credentials around them, particles (Van Dyke, De la Cruz), hyphens and apostrophes,
and the OCR slips inside them ("Kowa1czyk"). Normalised to 'given family' in lower case."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.extract_values import Value, skip_space

# --------------------------------------------------------------------------------------- names
TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "doctor", "sr", "sister"}
CREDENTIALS = {
    "md", "do", "np", "pa", "pa-c", "pac", "rn", "phd", "facc", "facs", "facp", "faap", "facog", "facep", "mbbs",
    "dnp", "aprn", "fnp", "fnp-c", "fnp-bc", "anp", "cnm", "crna", "dpm", "dds", "dmd", "pharmd", "mph",
    "msn", "bsn", "lpn", "lcsw", "psyd", "dpt", "otr", "ccc-slp", "rph", "mba", "frcpc", "frcs", "ms", "ma", "cnp",
    "acnp", "agnp", "whnp", "pmhnp", "cns", "rd", "ld", "od", "lmft", "lpc", "mscp", "bc", "abim", "faafp", "dc",
    "mls", "mt", "ascp", "cls", "mlt", "ct", "htl", "rrt", "cma", "crnp", "apn", "ccrn", "cde", "facg", "fasn",
    "fccp", "fache", "frcp", "mrcp", "dabr", "mhs", "msc", "bsc", "edd", "lcpc", "np-c", "agpcnp", "agacnp",
}
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
PARTICLES = {"van", "von", "de", "del", "della", "der", "den", "di", "da", "dos", "das", "du", "la", "le",
             "st", "ter", "ten", "bin", "al", "el", "mac"}
# Words that end a name, or show that what follows a label is not one.
NOT_NAME = {
    "the", "a", "an", "and", "or", "is", "was", "are", "were", "has", "had", "have", "with", "for", "to", "of",
    "at", "on", "in", "by", "from", "as", "he", "she", "his", "her", "they", "this", "that", "who", "seen",
    "patient", "pt", "name", "date", "dob", "sex", "age", "gender", "mrn", "phone", "address", "unknown",
    "none", "n/a", "na", "self", "same", "see", "above", "below", "referral", "consultation", "consult", "report",
    "note", "notes", "results", "result", "follow", "up", "request", "record", "records", "information", "birth",
    "male", "female", "signed", "electronically", "dictated", "by", "npi", "fax", "tel", "home", "cell", "visit",
    "service", "dos", "admission", "discharge", "summary", "history", "physical", "procedure", "operative",
    "laboratory", "pathology", "imaging", "medication", "list", "consent", "form", "insurance", "letter",
    "account", "acct", "chart", "id", "number", "provider", "physician", "attending", "signature", "time",
    "page", "room", "bed", "unit", "floor", "dept", "department", "clinic", "hospital", "center", "medical",
    "health", "ref", "re", "dear", "sincerely", "thank", "you", "please", "your", "our", "my", "regarding",
    "new", "established", "inpatient", "outpatient", "emergency", "reason", "diagnosis", "mr#", "member",
    "policy", "group", "plan", "claim", "subscriber", "insured", "status", "type", "code", "test", "specimen",
    "collected", "received", "reported", "final", "preliminary", "amended", "copy", "cc", "ordering",
    "referring", "primary", "care", "location", "facility", "phd", "mrn:", "not", "no", "yes", "other", "y/o",
    "year", "old", "years", "ht", "wt", "bp", "pcp", "hx", "dx", "cpt", "icd", "bd", "dos", "doa", "mr", "acct",
    "sex", "legal", "client", "whom", "it", "may", "concern", "to", "portal", "enrollment", "registration",
    "intake", "education", "notice", "statement", "questionnaire", "demographics", "identification", "label",
    "sticker", "copy", "chart", "file", "history", "instructions", "authorization", "consent", "confidential",
    "information", "info", "details", "data", "summary",
}
# Words of organisation names: "Lakeview Orthopedics" is not a person.
NOT_PERSON = {
    "hospital", "clinic", "center", "centre", "medical", "health", "healthcare", "associates", "practice", "group",
    "imaging", "radiology", "laboratory", "laboratories", "lab", "labs", "pediatrics", "cardiology", "orthopedics",
    "orthopaedics", "oncology", "neurology", "dermatology", "urology", "surgery", "surgical", "partners",
    "specialists", "institute", "university", "foundation", "services", "llc", "inc", "pllc", "department",
    "pharmacy", "plan", "insurance", "regional", "memorial", "community", "family", "medicine", "physicians",
    "care", "system", "network", "office", "unit", "ward", "icu", "dept", "services", "wellness", "rehab",
    "team", "department", "management", "authorization", "review", "utilization", "medicare", "medicaid",
    "advantage", "benefits", "alliance", "shield", "mutual", "assurance", "claims", "appeals", "billing",
    "records", "specialist", "coordinator", "desk", "staff", "laboratory", "nursing", "lobe", "biopsy",
    "polyp", "specimen", "diagnosis", "nodule", "aspiration", "excision", "resection", "margin",
    "nephrology", "neurology", "gastroenterology", "endocrinology", "pulmonology", "pulmonary", "rheumatology",
    "hematology", "psychiatry", "pediatric", "orthopaedic", "orthopedic", "ophthalmology", "otolaryngology",
    "allergy", "podiatry", "gynecology", "obstetrics", "anesthesiology", "endoscopy", "infectious", "internal",
    "emergency", "urgent", "primary", "behavioral", "sleep", "vascular", "spine", "sports", "ent", "clinical",
}
# A word of a name; a digit or symbol OCR reads for a letter may stand inside it ("Kowa1czyk").
_WORD = re.compile(r"(?:[A-Za-z]{1,2}\.){2,}|[A-Za-z](?:[A-Za-z'’\-]|[015|$@](?=[A-Za-z]))*\.?|[,]|[^\sA-Za-z,]+")
_LETTER_FIX = str.maketrans({"0": "o", "1": "l", "|": "l", "5": "s", "$": "s", "@": "a"})
# Credentials that are also family names (Anh Do, Li Ma): a credential only after a full name.
_AMBIGUOUS_CREDENTIALS = {"do", "ma", "ms", "od", "pa", "dc", "rd", "ld", "bc", "ct", "mt"}


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int


def _name_tokens(text: str, pos: int, end: int) -> list[_Tok]:
    """Words of a candidate name, up to the first thing a name cannot contain (a digit, a
    bracket, a column gap, a line end)."""
    out: list[_Tok] = []
    i = pos
    while i < end:
        ch = text[i]
        if ch == "\n":
            break
        if ch in " \t":
            j = i
            while j < end and text[j] in " \t":
                j += 1
            gap = text[i:j]
            if ("\t" in gap or len(gap) >= 3) and not (out and out[-1].text == ","):
                break
            i = j
            continue
        m = _WORD.match(text, i, end)
        if m is None:
            break
        tok = m.group()
        if not (tok[0].isalpha() or tok == ","):
            if tok == "." and out:
                i = m.end()
                continue
            break
        out.append(_Tok(tok, m.start(), m.end()))
        i = m.end()
        if len(out) > 12:
            break
    return out


def _bare(word: str) -> str:
    return word.lower().replace(".", "").replace("’", "'").strip("-'")


def _is_name_word(word: str) -> bool:
    bare = word.rstrip(".")
    if len(bare) < 2 or not bare[0].isalpha():
        return False
    if bare.lower() in NOT_NAME or bare.lower() in NOT_PERSON:
        return False
    return bare[0].isupper() or bare.isupper()


def _is_initial(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]\.?", word))


def _cred(word: str) -> bool:
    return _bare(word) in CREDENTIALS or _bare(word).replace("-", "") in CREDENTIALS


def parse_name(text: str, pos: int, end: int) -> Value | None:
    """A person's name at the start of the window: 'Given [M.] Family', 'FAMILY, Given [M.]',
    with titles, credentials and suffixes around it. Value: 'given family' in lower case."""
    pos = skip_space(text, pos, end)
    toks = _name_tokens(text, pos, end)
    extra: dict = {}
    # Leading titles (Dr., Mrs.) say something about the person; they are not part of the name.
    while toks and _bare(toks[0].text) in TITLES:
        extra["title"] = _bare(toks[0].text)
        toks = toks[1:]
    if not toks:
        return None
    # Cut at the first word that cannot be part of a name; drop credentials and suffixes.
    kept: list[_Tok] = []
    stop: _Tok | None = None
    for t in toks:
        bare = _bare(t.text)
        if t.text == ",":
            kept.append(t)
            continue
        if _cred(t.text) or bare in NAME_SUFFIXES:
            full = len([k for k in kept if k.text != ","]) >= 2
            if full or bare.replace("-", "") not in _AMBIGUOUS_CREDENTIALS and bare not in NAME_SUFFIXES:
                extra["credential"] = True
                break
            if bare in NAME_SUFFIXES:
                continue
        if bare in PARTICLES and t.text[0].islower() or (bare in PARTICLES and kept):
            kept.append(t)
            continue
        if _is_initial(t.text):
            kept.append(t)
            continue
        if not _is_name_word(t.text):
            stop = t
            break
        kept.append(t)
    if stop is not None and _bare(stop.text) in NOT_PERSON:
        return None  # "Two Pines Rural Health Clinic", "Utilization Management Department"
    while kept and (kept[-1].text == "," or _cred(kept[-1].text) and len(kept) > 2):
        kept.pop()
    words = [t for t in kept if t.text != ","]
    if len(words) < 2:
        return None
    comma = next((i for i, t in enumerate(kept) if t.text == ","), None)
    if comma is not None and 0 < comma < len(kept) - 1:
        family_toks = [t for t in kept[:comma]]
        if _is_initial(family_toks[0].text):
            return None  # "A. THYROID, RIGHT LOBE": a specimen list, not "Family, Given"
        rest = [t for t in kept[comma + 1:] if t.text != ","]
        given_toks = [t for t in rest if not _is_initial(t.text)]
        if not given_toks or not family_toks:
            return None
        given = given_toks[0]
        last = max(rest, key=lambda t: t.end) if rest else given
        span_end = last.end
        family = " ".join(_clean(t.text) for t in family_toks)
        extra["order"] = "family_first"
    else:
        if comma is not None:
            kept = kept[:comma]
            words = [t for t in kept if t.text != ","]
            if len(words) < 2:
                return None
        given = words[0]
        if _is_initial(given.text):
            return None
        if _bare(given.text) in PARTICLES and (len(words) == 2 or _bare(words[1].text) in PARTICLES):
            return None  # "Dr. De la Cruz", "Van Dyke": a family name alone
        rest = words[1:]
        # Family name: from the first particle after the given name, else the last word.
        fam_start = next((i for i, t in enumerate(rest) if _bare(t.text) in PARTICLES and i < len(rest) - 1), None)
        if fam_start is None:
            if _is_initial(rest[-1].text):
                return None
            family_toks = [rest[-1]]
        else:
            family_toks = rest[fam_start:]
        family = " ".join(_clean(t.text) for t in family_toks)
        span_end = words[-1].end
        if len([t for t in rest if not _is_initial(t.text) and _bare(t.text) not in PARTICLES]) > 3:
            return None
    if len(_clean(given.text)) < 2 or len(family.replace(" ", "")) < 2:
        return None
    # An all-lower-case run is prose, not a name.
    if all(t.text[0].islower() for t in words):
        return None
    span_start = toks[0].start
    raw = text[span_start:span_end].rstrip(".,")
    value = f"{_clean(given.text)} {family}".lower()
    repaired = value != value.translate(_LETTER_FIX) or bool(re.search(r"[015|$@]", value))
    return Value(value.translate(_LETTER_FIX), span_start, span_start + len(raw), repaired, extra)


def _clean(word: str) -> str:
    return word.rstrip(".").replace("’", "'").strip("-")


