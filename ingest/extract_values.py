"""Value parsers for metadata extraction: dates, phone numbers, identifiers, sex and
addresses, each tolerant of the usual OCR damage and each returning where on the page the value
sits. Pure functions over a page's text; no I/O, no logging.

Every parser takes the page text and a window `[pos, end)` and returns a `Value` whose
`start`/`end` are offsets in the page text (so `text[start:end]` is the raw value), or None.
`parse_*` functions read a value at the start of the window (after a label); `find_*` functions
look for values anywhere in it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from clinidex.fields import norm_code, norm_text, valid_npi


@dataclass(frozen=True)
class Extracted:
    """One field value found on a page (`ingest.extract` documents the confidence scheme)."""

    name: str  # a field name from clinidex.fields.DOCUMENT_FIELDS or COVER_FIELDS
    value: str  # normalised per clinidex.fields
    raw: str  # the text as it appears on the page: pages[page - 1][start:end] == raw
    confidence: float  # 0..1
    page: int  # 1-based page within the pages given
    start: int  # character span in that page's text
    end: int
    rule: str  # which rule found it, e.g. 'label:dob', 'header:fax', 'letterhead', 'pattern:npi'


@dataclass(frozen=True)
class Value:
    value: str  # normalised (clinidex.fields)
    start: int
    end: int
    repaired: bool = False  # an OCR confusion was undone to read it
    extra: dict = field(default_factory=dict, compare=False)


TODAY = date.today()

# One character for one character, so offsets into the cleaned text are offsets into the page:
# odd spaces to spaces, full-width digits and letters to ASCII, typographic dashes to '-'.
SAME_LENGTH = str.maketrans({
    **{c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\r\f\v"},
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(65 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(97 + i) for i in range(26)},
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\uff1a": ":", "\uff0f": "/",
})


def same_length_clean(text: str) -> str:
    cleaned = text.translate(SAME_LENGTH)
    return cleaned if len(cleaned) == len(text) else text

# "#" after an identifier label read as "4" or "H" ("Chart 4: 01105607", "MR4: 123", "Med Rec 4 H4976697"):
# put the "#" back (same length) so the label reads as one and the 4 is not taken into the value.
_HASH_MISREAD = re.compile(
    r"(?i)(?<![A-Za-z])(?P<label>mrn?|med\.? ?rec(?:ord)?|medical record|chart|record|acct|account|pt\.? ?id|patient id)"
    r"(?P<gap>[ \t]?)(?P<mark>[4H])(?=(?:[ \t]*[:;.!][ \t]*|[ \t]+)[A-Za-z]{0,3}[0-9OoIl][0-9OoIl-]{3,}\b)")


def repair_label_marks(text: str) -> str:
    """Length-preserving repair of label punctuation OCR misread (see _HASH_MISREAD)."""
    return _HASH_MISREAD.sub(lambda m: m.group("label") + m.group("gap") + "#", text)


# OCR confusions inside numbers: letters read for digits.
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1",
                            "!": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2"})
_D = r"[0-9OoIl|]"  # a digit, or a letter OCR commonly reads for one (repaired, counted as such)


def fix_digits(raw: str) -> tuple[str, bool]:
    fixed = raw.translate(_DIGIT_FIX)
    return fixed, fixed != raw


def skip_space(text: str, pos: int, end: int, chars: str = " \t") -> int:
    while pos < end and text[pos] in chars:
        pos += 1
    return pos


# --------------------------------------------------------------------------------------- dates
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_SUFFIX = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = [
    # 2026-03-14, 2026/03/14
    ("ymd", re.compile(rf"(?<![\w/.-])(?P<y>{_D}{{4}}) ?(?P<s>[-/.]) ?(?P<m>{_D}{{1,2}}) ?(?P=s) ?(?P<d>{_D}{{1,2}})(?![\w/-]|\.\d)")),
    # 03/14/2026, 3-14-26, 03.14.2026, 03/14/ 2026
    ("mdy", re.compile(rf"(?<![\w/.-])(?P<m>{_D}{{1,2}}) ?(?P<s>[-/.]) ?(?P<d>{_D}{{1,2}}) ?(?P=s) ?(?P<y>{_D}{{4}}|{_D}{{2}})(?![\w/-]|\.\d)")),
    # March 14, 2026 / Mar. 14 2026 / Mar-14-2026
    ("text_mdy", re.compile(rf"(?<![\w])(?i:{_MONTH})[ -]?(?P<d>{_D}{{1,2}}){_SUFFIX}(?:, ?| |-|,)(?P<y>{_D}{{4}}|{_D}{{2}})(?![\w/])")),
    # 14 March 2026 / 14-Mar-26 / 14 Mar, 2026
    ("text_dmy", re.compile(rf"(?<![\w/])(?P<d>{_D}{{1,2}}){_SUFFIX}[ -](?i:{_MONTH})(?:[ -] ?|, ?)(?P<y>{_D}{{4}}|{_D}{{2}})(?![\w/])")),
    # 27DEC1943 / 04Apr1930 / O4APR1976 (no separators; an OCR'd "14-MAR-2026" that lost them)
    ("text_dmy_tight", re.compile(rf"(?<![\w/])(?P<d>{_D}{{1,2}})(?i:{_MONTH})(?P<y>{_D}{{4}})(?![\w/])")),
]
_COMPACT = re.compile(rf"(?<![\w])(?P<c>{_D}{{8}})(?![\w])")


def _year(raw: str, kind: str) -> int:
    y = int(raw)
    if len(raw) == 4:
        return y
    if kind == "birth":  # a birth date is in the past
        return 2000 + y if 2000 + y <= TODAY.year else 1900 + y
    return 2000 + y


def _valid(y: int, m: int, d: int, kind: str) -> date | None:
    try:
        found = date(y, m, d)
    except ValueError:
        return None
    if kind == "birth":
        return found if date(1890, 1, 1) <= found <= TODAY else None
    return found if date(1950, 1, 1) <= found <= date(TODAY.year + 2, 12, 31) else None


def _from_match(kind_fmt: str, m: re.Match, kind: str) -> tuple[date, bool] | None:
    groups = m.groupdict()
    repaired = False
    parts = {}
    for key in ("y", "m", "d"):
        if groups.get(key) is None:
            continue
        raw = groups[key]
        if not any(c.isdigit() for c in raw):
            return None
        fixed, changed = fix_digits(raw)
        repaired |= changed
        parts[key] = fixed
    if kind_fmt.startswith("text"):
        month = _MONTHS.get(groups["mon"].lower().rstrip(".")[:4] if groups["mon"].lower().startswith("sept")
                            else groups["mon"].lower()[:3])
        found = _valid(_year(parts["y"], kind), month or 0, int(parts["d"]), kind)
    elif kind_fmt == "ymd":
        found = _valid(int(parts["y"]), int(parts["m"]), int(parts["d"]), kind)
    else:
        a, b = int(parts["m"]), int(parts["d"])
        y = _year(parts["y"], kind)
        # US order first; the other order only when the US reading is impossible (31/01/2026).
        found = _valid(y, a, b, kind) or (_valid(y, b, a, kind) if a > 12 else None)
        if found and groups["s"] == "." and len(parts["y"]) == 2:
            found = None  # 1.2.34 is more likely a version or a dose than a date
    if found is None:
        return None
    return found, repaired


def find_dates(text: str, pos: int, end: int, kind: str = "document"):
    """Every date in text[pos:end] as (Value, format), in order; `kind` is 'birth' or 'document'
    (how 2-digit years resolve and which years are plausible)."""
    window = text[pos:end]
    taken: list[tuple[int, int]] = []
    out = []
    for fmt, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(window):
            s, e = m.start() + pos, m.end() + pos
            if any(s < te and ts < e for ts, te in taken):
                continue
            got = _from_match(fmt, m, kind)
            if got is None:
                continue
            found, repaired = got
            taken.append((s, e))
            out.append((Value(found.isoformat(), s, e, repaired), fmt))
    out.sort(key=lambda v: v[0].start)
    return out


def parse_date(text: str, pos: int, end: int, kind: str = "document", within: int = 3) -> Value | None:
    """A date starting at (or within `within` characters of) the start of the window; an
    8-digit MMDDYYYY / YYYYMMDD run is accepted here, after a label, but never found unlabelled."""
    pos = skip_space(text, pos, end)
    for found, _ in find_dates(text, pos, min(end, pos + 40), kind):
        if found.start - pos <= within:
            return found
        break
    m = _COMPACT.match(text, pos, end)
    if m:
        digits, repaired = fix_digits(m.group("c"))
        for y, mo, d in ((digits[4:], digits[:2], digits[2:4]), (digits[:4], digits[4:6], digits[6:])):
            got = _valid(int(y), int(mo), int(d), kind)
            if got:
                return Value(got.isoformat(), m.start(), m.end(), True)
    return None


# -------------------------------------------------------------------------------------- phones
_PHONE = re.compile(
    rf"(?<![\w+])(?:\+?1[ .-]?)?(?:\( ?(?P<a1>{_D}{{3}}) ?\)|(?P<a2>{_D}{{3}}))[ .-]{{0,2}}(?P<x>{_D}{{3}}) ?[ .-]{{0,2}} ?(?P<n>{_D}{{4}})(?![\w])"
)


def _phone_value(m: re.Match, pos_shift: int = 0) -> Value | None:
    raw = m.group()
    if sum(c.isdigit() for c in raw) < 8:
        return None
    area = m.group("a1") or m.group("a2")
    digits, repaired = fix_digits(area + m.group("x") + m.group("n"))
    if digits[0] in "01":  # no US area code starts with 0 or 1
        return None
    return Value(digits, m.start() + pos_shift, m.end() + pos_shift, repaired,
                 {"formatted": not raw.isdigit()})


def find_phones(text: str, pos: int, end: int) -> list[Value]:
    out = []
    for m in _PHONE.finditer(text, pos, end):
        v = _phone_value(m)
        if v:
            out.append(v)
    return out


def parse_phone(text: str, pos: int, end: int, within: int = 2) -> Value | None:
    pos = skip_space(text, pos, end)
    for v in find_phones(text, pos, min(end, pos + 40)):
        return v if v.start - pos <= within else None
    return None


# ----------------------------------------------------------------------------------------- NPI
_TEN = re.compile(rf"(?<![\w-])({_D}{{10}})(?![\w-])")
_SPLIT_TEN = re.compile(r"(?<![\w-])(\d{3,4})[ -](\d{3})[ -](\d{3,4})(?![\w-])")


def parse_npi(text: str, pos: int, end: int) -> Value | None:
    pos = skip_space(text, pos, end)
    m = _TEN.match(text, pos, end)
    if m is None:
        m = _SPLIT_TEN.match(text, pos, end)
        if m is None or len("".join(m.groups())) != 10:
            return None
        digits, repaired = "".join(m.groups()), False
    else:
        digits, repaired = fix_digits(m.group(1))
    if not valid_npi(digits):
        return None
    return Value(digits, m.start(), m.end(), repaired)


def find_npis(text: str, pos: int, end: int) -> list[Value]:
    """Bare 10-digit runs that pass the NPI check (no OCR repair: unlabelled, be strict)."""
    out = []
    for m in re.finditer(r"(?<![\w()+.-])([12]\d{9})(?![\w-]|\.\d)", text[pos:end]):
        if valid_npi(m.group(1)):
            out.append(Value(m.group(1), m.start(1) + pos, m.end(1) + pos))
    return out


# ----------------------------------------------------------------------------------------- MRN
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{2,24}")
_ID_WORDS = {"number", "no", "num", "none", "unknown", "pending", "n/a", "na", "self"}


def parse_id(text: str, pos: int, end: int) -> Value | None:
    """An identifier (MRN, chart or account number): letters, digits and dashes with at least
    two digits. O/o, l/I between digits are read as 0/1."""
    pos = skip_space(text, pos, end)
    m = _ID.match(text, pos, end)
    if m is None:
        return None
    raw = m.group().rstrip("-")
    if raw.lower() in _ID_WORDS or sum(c.isdigit() for c in raw) < 2:
        return None
    if re.fullmatch(r"(?:19|20)\d\d", raw):
        return None
    # OCR repair only where a letter sits inside a run of digits (A1234O67 -> A1234067).
    fixed = re.sub(r"(?<=\d)[OoIl|](?=[\dOoIl|]*\d)", lambda x: x.group().translate(_DIGIT_FIX), raw)
    return Value(norm_code(fixed), m.start(), m.start() + len(raw), fixed != raw)


# ----------------------------------------------------------------------------------------- sex
_SEX = re.compile(r"(?i)(female|male|woman|man|fem|f|m)(?![a-z])")
_SEX_MAP = {"female": "female", "fem": "female", "f": "female", "woman": "female",
            "male": "male", "m": "male", "man": "male"}
_SEX_OCR = re.compile(r"(?i)(f[e3c]ma[l1I|][e3c]|ma[l1I|][e3c])(?![a-z])")


def parse_sex(text: str, pos: int, end: int) -> Value | None:
    pos = skip_space(text, pos, end)
    m = _SEX.match(text, pos, end)
    if m:
        return Value(_SEX_MAP[m.group(1).lower()], m.start(), m.end())
    m = _SEX_OCR.match(text, pos, end)
    if m:
        word = m.group(1).lower()
        return Value("female" if word.startswith("f") else "male", m.start(), m.end(), True)
    return None


_SEXWORD = r"(female|male|woman|man|girl|boy|lady|gentleman|f|m)(?![a-z])"
_AGE_SEX = re.compile(
    r"(?i)(?<![\w])\d{1,3}[ -]?(?:"
    rf"(?:years?|yrs?|months?|mos?|weeks?|wks?|days?)[ -]?old[ -]?{_SEXWORD}"  # 54-year-old female
    rf"|(?:y/o|y\.o\.|yo)[ ]?{_SEXWORD}"  # 54 y/o F, 54 yo woman
    r"|(?:years?|yrs?)[ ](female|male|woman|man|girl|boy)(?![a-z]))")  # 54 year female
_SEX_WORD = {"female": "female", "woman": "female", "girl": "female", "lady": "female", "f": "female",
             "male": "male", "man": "male", "boy": "male", "gentleman": "male", "m": "male"}


def find_age_sex(text: str, pos: int, end: int) -> list[Value]:
    """'54-year-old female', '54 y/o M', '54 yo woman' anywhere."""
    out = []
    for m in _AGE_SEX.finditer(text, pos, end):
        group = next(g for g in (1, 2, 3) if m.group(g))
        out.append(Value(_SEX_WORD[m.group(group).lower()], m.start(group), m.end(group)))
    return out


# ------------------------------------------------------------------------------------- address
_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI").split()
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|"
    "North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|"
    "South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming")
_STREET_TYPES = (
    r"St|Street|Ave|Av|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct|Court|Pl|Place|Ter|Terrace|Terr|"
    r"Pkwy|Parkway|Hwy|Highway|Cir|Circle|Sq|Square|Trl|Trail|Loop|Row|Path|Pike|Plaza|Plz|Aly|Alley|Xing|"
    r"Crossing|Cres|Crescent|Ext|Hts|Heights|Hl|Hill|Run|Pass|Walk|Bend|Cv|Cove|Grn|Green|Pt|Point|Rdg|Ridge|"
    r"Tpke|Turnpike|Mews|Close|Commons|Crossroad|Expy|Fwy|Park|View|Vw|Landing|Ldg|Glen|Hollow|Knoll|Mall|Oval|Spur")
_UNIT = r"(?:,? ?(?:Apt|Apartment|Unit|Suite|Ste|Fl|Floor|Rm|Room|Bldg|Building|Lot|Trlr|#)\.? ?#? ?[A-Za-z0-9-]{1,6})"
_CSZ = (rf"(?P<city>[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){{0,3}}),? (?P<state>(?:{'|'.join(_STATES)})|"
        rf"(?:{_STATE_NAMES}))\.?,? (?P<zip>\d{{5}}(?:-\d{{4}})?)(?![\w-])")
_STREET = (rf"(?P<street>(?:\d{{1,6}}(?:-\d{{1,4}})?[A-Za-z]? (?:[NSEW]\.? |North |South |East |West )?"
           rf"(?:[A-Za-z0-9][A-Za-z0-9.'-]* ){{0,4}}?(?:{_STREET_TYPES})(?![A-Za-z])\.?(?: [NSEW]{{1,2}}\.?(?=[ ,\n]|$))?"
           rf"|P\.? ?O\.? Box \d{{1,6}})"
           rf"{_UNIT}?)")
_STREET_RE = re.compile(rf"(?i:{_STREET})")
_STREET_LONG = re.compile("(?i:" + _STREET.replace("){0,4}?(?:", "){0,4}(?:") + ")")
assert _STREET_LONG.pattern != _STREET_RE.pattern
# A street without a recognised street type, followed on the same line by city, state and ZIP.
_LOOSE = re.compile(rf"(?P<street>\d{{1,6}}[A-Za-z]? (?:[A-Za-z0-9][A-Za-z0-9.'#-]* ?){{1,6}}?),(?: ?)(?:{_CSZ})")


def parse_address(text: str, pos: int, end: int, next_line_end: int | None = None,
                  anchored: bool = True) -> Value | None:
    """A street address at the start of the window (`anchored`) or anywhere in it: street,
    optional unit, then city, state and ZIP on the same line or (up to `next_line_end`) the next.
    Without city/state/ZIP the street alone is returned, marked partial."""
    pos = skip_space(text, pos, end)
    scan_end = next_line_end if next_line_end is not None else end
    partial = None
    # The longest street first ("3787 Fox Run Street Lot 112"), then the shortest ("12 Elm St").
    for pattern in (_STREET_LONG, _STREET_RE):
        m = pattern.match(text, pos, end) if anchored else pattern.search(text, pos, end)
        if m is None:
            continue
        stop = m.end()
        after = text[stop:scan_end]
        csz = re.match(rf"(?:,? ?|,? ?\n[ \t]*)(?:{_CSZ})", after)
        if csz is None:
            csz = re.match(rf",? ?(?:[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){{0,3}})?,? ?\n?[ \t]*(?:{_CSZ})", after)
            if csz and "\n" in csz.group() and csz.group().index("\n") < 2:
                csz = None
        if csz:
            stop += csz.end()
            return Value(norm_text(text[m.start():stop]), m.start(), stop, False, {"zip": csz.group("zip")})
        if partial is None and pattern is _STREET_RE and (text[stop:end].strip(" ,") == "" or anchored):
            partial = Value(norm_text(text[m.start():stop]), m.start(), stop, False, {"partial": True})
    m = _LOOSE.match(text, pos, end) if anchored else _LOOSE.search(text, pos, end)
    if m:
        return Value(norm_text(m.group()), m.start(), m.end(), False, {"zip": m.group("zip")})
    return partial

