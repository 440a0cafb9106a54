"""FHIR search parameters for DocumentReference, turned into one `index.query.SearchQuery`.

Supported (US Core DocumentReference searches and IHE MHD ITI-67, Full-Text Search option):
`_id`, `identifier` (the urn:uuid uniqueId/entryUUID), `patient` / `subject` (a Patient
reference or bare id), `patient.identifier` (`system|value`, resolved through the MPI),
`category`, `type` (LOINC), `status`, `format`, `date` (DocumentReference.date: the day the
document was received), `period` (context.period: the clinical date), `_content` (the OCR text),
`_count` and `_cursor` (paging; the cursor comes from a `next` link).

Semantics: a repeated parameter ANDs, a comma-separated value ORs (not for `date`, `period` and
`_content`, whose values are one range or one text). An empty value is ignored. A well-formed
value that can match nothing (a type from another code system, `status=superseded`) is a search
with no results; a malformed one (a bad date, a reference to something other than a Patient)
is an error (400). Dates compare by day: documents are filed by the day they arrive and the
index keeps no finer clinical date, so a time in a date value widens to its whole day.
Parameters this server does not understand are reported in `ignored` (FHIR's lenient handling;
the router answers 400 for them under `Prefer: handling=strict`).

Diagnostics never repeat a value: it may be a patient's name or MRN.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable

from api.fhir import codes
from api.fhir.resources import doc_id_from_urn
from clinidex.doctypes import LOINC_SYSTEM
from clinidex.fields import norm_code
from index.query import Filters, SearchQuery, Sort

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_CONTENT = 500
STATUS_SYSTEM = "http://hl7.org/fhir/document-reference-status"
STATUSES = ("current", "superseded", "entered-in-error")

# Parameters about the response, not the search: accepted and left out of the links.
TRANSPORT = frozenset({"_format", "_pretty"})
SUPPORTED = frozenset({"_id", "identifier", "patient", "subject", "patient.identifier", "category", "type",
                       "status", "format", "date", "period", "_content", "_count", "_cursor"})
_MODIFIERS = {"patient": {"Patient"}, "subject": {"Patient"}}

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?"
                   r"(Z|[+-]\d{2}:\d{2})?)?)?)?$")
_PREFIX = re.compile(r"^(eq|ne|gt|lt|ge|le|sa|eb|ap)")

# (system, value) of a patient.identifier -> the MPI ids it names
IdentifierLookup = Callable[[str, str], list[str]]


class SearchParamError(ValueError):
    """A parameter value this server cannot read (400). `code` is a FHIR issue type."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ParsedSearch:
    # None: no document can match (answered without asking the index).
    query: SearchQuery | None
    # The search as it is run, for the Bundle's self and next links (without `_cursor`).
    link_params: tuple[tuple[str, str], ...] = ()
    ignored: tuple[str, ...] = ()
    count_only: bool = False  # `_count=0`: the total, no entries
    # How many results the pages before this one held (from the `_cursor`), so the last page can
    # be told from a full page with more after it without asking the index again.
    seen: int = 0


def page_cursor(seen: int, cursor: str) -> str:
    """The `_cursor` of a next link: results shown so far and the index's own cursor."""
    return f"{seen}.{cursor}"


@dataclass
class _AllOf:
    """An AND of OR-lists over one set of ids: None until a parameter restricts it."""

    allowed: set[str] | None = None

    def restrict(self, values: Iterable[str]) -> None:
        found = set(values)
        self.allowed = found if self.allowed is None else self.allowed & found

    def values(self) -> tuple[str, ...]:
        return tuple(sorted(self.allowed or ()))

    @property
    def empty(self) -> bool:
        return self.allowed is not None and not self.allowed


@dataclass
class _Range:
    start: date | None = None
    end: date | None = None

    def narrow(self, start: date | None, end: date | None) -> None:
        if start is not None:
            self.start = start if self.start is None else max(self.start, start)
        if end is not None:
            self.end = end if self.end is None else min(self.end, end)

    @property
    def empty(self) -> bool:
        return self.start is not None and self.end is not None and self.start > self.end


@dataclass
class _State:
    doc_ids: _AllOf = field(default_factory=_AllOf)
    patients: _AllOf = field(default_factory=_AllOf)
    doc_types: _AllOf = field(default_factory=_AllOf)
    received: _Range = field(default_factory=_Range)
    clinical: _Range = field(default_factory=_Range)
    texts: list[str] = field(default_factory=list)
    nothing: bool = False  # a parameter that can match no document


def parse(params: Iterable[tuple[str, str]], *, base: str, identifiers: IdentifierLookup) -> ParsedSearch:
    """`params`: (name, value) pairs as sent (query string and form body together). `base`: this
    server's FHIR base URL, for absolute Patient references."""
    state = _State()
    links: list[tuple[str, str]] = []
    ignored: list[str] = []
    count, cursor, seen = DEFAULT_COUNT, None, 0
    for raw_name, value in params:
        name, _, modifier = raw_name.partition(":")
        if name in TRANSPORT:
            continue
        if name not in SUPPORTED:
            ignored.append(raw_name)
            continue
        if modifier and modifier not in _MODIFIERS.get(name, ()):
            raise SearchParamError(f"The modifier :{modifier} is not supported on '{name}'.", "not-supported")
        value = value.strip()
        if not value:
            continue  # FHIR: a parameter with no value is ignored
        if name == "_count":
            count = _count(value)
            continue
        if name == "_cursor":
            shown, _, cursor = value.partition(".")
            if not shown.isdigit() or not cursor:
                raise SearchParamError("The page cursor is not one this service handed out.")
            seen = int(shown)
            continue
        link = _apply(state, name, value, base, identifiers)
        links.append(link or (name, value))
    links.append(("_count", str(count)))
    if state.nothing or any(s.empty for s in (state.doc_ids, state.patients, state.doc_types,
                                               state.received, state.clinical)):
        return ParsedSearch(None, tuple(links), tuple(ignored), count == 0, seen)
    text = " ".join(state.texts)
    if len(text) > MAX_CONTENT:
        raise SearchParamError(f"_content is longer than {MAX_CONTENT} characters.", "too-costly")
    filters = Filters(doc_ids=state.doc_ids.values(), patient_ids=state.patients.values(),
                      doc_types=state.doc_types.values(), received_from=state.received.start,
                      received_to=state.received.end, date_from=state.clinical.start, date_to=state.clinical.end)
    # Relevance when words are searched, else newest first (SearchQuery.effective_sort).
    query = SearchQuery(text=text, filters=filters, sort=Sort.relevance, limit=max(count, 1), cursor=cursor)
    return ParsedSearch(query, tuple(links), tuple(ignored), count == 0, seen)


def _apply(state: _State, name: str, value: str, base: str, identifiers: IdentifierLookup) -> tuple[str, str] | None:
    """Adds one parameter to the search. Returns the (name, value) the links should carry
    instead of the one sent, or None to carry it as sent."""
    if name == "_id":
        ids = _split(value)
        if not all(_FHIR_ID.match(i) for i in ids):
            raise SearchParamError("_id must be one or more resource ids.")
        state.doc_ids.restrict(ids)
    elif name == "identifier":
        found = []
        for system, code in map(_token, _split(value)):
            doc_id = doc_id_from_urn(code) if system in (None, "", codes.URI_SYSTEM) else None
            if doc_id:
                found.append(doc_id)
        state.doc_ids.restrict(found)
    elif name in ("patient", "subject"):
        ids = [_patient_id(v, base) for v in _split(value)]
        state.patients.restrict(i for i in ids if i)
    elif name == "patient.identifier":
        ids: list[str] = []
        for system, code in map(_token, _split(value)):
            if not system or not code:
                raise SearchParamError("patient.identifier must be system|value.")
            ids.extend(identifiers(system, norm_code(code)))
        state.patients.restrict(ids)
        if ids:
            # The MRN is resolved once here; the links name the patients it resolved to, so the
            # next page neither looks it up again nor carries the MRN in a URL.
            return "patient", ",".join(sorted(set(ids)))
    elif name == "category":
        state.doc_types.restrict(k for token in map(_token, _split(value)) for k in _category_types(*token))
    elif name == "type":
        state.doc_types.restrict(k for token in map(_token, _split(value)) for k in _type_types(*token))
    elif name == "status":
        wanted = set()
        for system, code in map(_token, _split(value)):
            if code not in STATUSES or system not in (None, "", STATUS_SYSTEM):
                raise SearchParamError(f"status must be one of {', '.join(STATUSES)}.")
            wanted.add(code)
        # Every document served is current: superseded or entered-in-error ones are not produced.
        state.nothing |= "current" not in wanted
    elif name == "format":
        ok = any(system in (None, "", codes.IHE_FORMAT) and code == codes.FORMAT_CODING["code"]
                 for system, code in map(_token, _split(value)))
        state.nothing |= not ok
    elif name in ("date", "period"):
        start, end = date_bounds(value, name)
        (state.received if name == "date" else state.clinical).narrow(start, end)
    elif name == "_content":
        state.texts.append(value)
    return None


def _split(value: str) -> list[str]:
    # A comma escaped as \, belongs to the value.
    parts = re.split(r"(?<!\\),", value)
    return [p.replace("\\,", ",").strip() for p in parts if p.strip()]


def _token(value: str) -> tuple[str | None, str]:
    """`system|code` -> (system, code); `|code` -> ("", code): no system; `code` -> (None, code): any."""
    if "|" in value:
        system, _, code = value.partition("|")
        return system, code
    return None, value


def _category_types(system: str | None, code: str) -> list[str]:
    return [key for key, t in codes.doc_types().items()
            if codes.category_of(t)[1] == code and system in (None, codes.category_of(t)[0])]


def _type_types(system: str | None, code: str) -> list[str]:
    if system in (None, LOINC_SYSTEM):
        found = [key for key, t in codes.doc_types().items() if t.loinc_code == code]
        if found or system == LOINC_SYSTEM:
            return found
    if system in (None, codes.NULL_FLAVOR) and code == "UNK":
        # Typed documents whose type has no LOINC code; a document not typed yet is not found by
        # type (it waits for records staff to type it).
        return [key for key, t in codes.doc_types().items() if not t.loinc_code]
    return []


def _patient_id(value: str, base: str) -> str | None:
    """A Patient reference (`Patient/123`, `<base>/Patient/123`, `.../_history/2`) or a bare id.
    None: a reference to another server's patient, which no document here is filed under."""
    reference = value
    if re.match(r"^https?://", value):
        if not value.startswith(base.rstrip("/") + "/"):
            return None
        reference = value[len(base.rstrip("/")) + 1:]
    parts = reference.split("/")
    if len(parts) >= 4 and parts[2] == "_history":
        parts = parts[:2]
    if len(parts) == 2 and parts[0] == "Patient":
        found = parts[1]
    elif len(parts) == 1:
        found = parts[0]
    else:
        raise SearchParamError("patient must be a Patient reference or a patient id.")
    if not _FHIR_ID.match(found):
        raise SearchParamError("patient must be a Patient reference or a patient id.")
    return found


def _count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise SearchParamError("_count must be a whole number.") from None
    if count < 0:
        raise SearchParamError("_count must not be negative.")
    return min(count, MAX_COUNT)


def date_bounds(value: str, name: str = "date") -> tuple[date | None, date | None]:
    """A prefixed FHIR date value -> the first and last day (inclusive) a match may fall on."""
    prefix = "eq"
    found = _PREFIX.match(value)
    if found:
        prefix, value = found.group(1), value[2:]
    if prefix in ("ne", "ap"):
        raise SearchParamError(f"The prefix '{prefix}' is not supported on {name}.", "not-supported")
    low, high, whole_days = _day_range(value, name)
    if prefix == "eq":
        return low, high
    if prefix == "ge":
        return low, None
    if prefix == "le":
        return None, high
    if prefix in ("gt", "sa"):
        return (high + timedelta(days=1) if whole_days else low), None
    return None, (low - timedelta(days=1) if whole_days else high)  # lt, eb


def _day_range(value: str, name: str) -> tuple[date, date, bool]:
    """(first day, last day, whether the value is whole days) of a date, month, year or dateTime."""
    found = _DATE.match(value)
    if not found:
        raise SearchParamError(f"{name} must be a FHIR date or dateTime, optionally with a prefix (ge, le, ...).")
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        if hour is not None:
            moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
            if zone and zone != "Z":
                sign = 1 if zone[0] == "+" else -1
                offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
                moment = moment.replace(tzinfo=timezone(sign * offset))
            else:
                moment = moment.replace(tzinfo=timezone.utc)  # no zone: read as UTC, as we store
            day_of = moment.astimezone(timezone.utc).date()
            return day_of, day_of, False
        if day is not None:
            one = date(int(year), int(month), int(day))
            return one, one, True
        if month is not None:
            first = date(int(year), int(month), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, following - timedelta(days=1), True
        return date(int(year), 1, 1), date(int(year), 12, 31), True
    except ValueError:
        raise SearchParamError(f"{name} is not a real date.") from None
