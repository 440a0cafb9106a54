"""How long each document is kept: the retention policy (a TOML text), its validation, and the
`retain_until` date of a document. Pure: the caller reads the policy file and the manifest and
passes text and dates in; nothing here touches a store, a clock or Celery.

    policy = parse_policy(text, known_types=[t.key for t in load_types()])
    decision = retain_until(policy, "discharge_summary", anchor.date, birth_date)
    decision.retain_until        # the last day the document is kept; None = kept permanently

Meaning of the dates:
- `retain_until` is the last day a document is kept; it may be destroyed from the day after
  (`is_due`). A period runs from the document's anchor (`anchor_for`): its clinical date, i.e. the
  document date, else the service date, else the day it was received. Retention schedules count
  from the date of the record or encounter, not from when a fax happened to arrive; a document
  with no readable date falls back to its arrival, which is always known.
- Periods are whole years and months (`P10Y`, `P6M`, `P1Y6M`) or `permanent`. Days are refused:
  schedules are written in years, and one unit makes every two periods comparable, so a policy
  change is always clearly longer, shorter or the same.
- Calendar overflow rolls forward: 29 Feb + 1 year is 1 Mar, 31 Jan + 1 month is 1 Mar. When a
  date does not exist, the document is kept the extra day rather than destroyed a day early; the
  same rule gives a 29 February birthday its majority on 1 March in common years.
- Minors rule: a patient who was a minor on the anchor date (anchor before the birthday of
  `age_of_majority`) keeps the document until the later of anchor + period and the birthday of
  `age_of_majority + minors_extra_years`. The birth date is the linked patient's (MPI), else the
  applied extracted one.
- Unknown birth date: with `unknown_birth_date = "assume_minor"` (the default) the document is
  kept as if the patient could have been born on the anchor date, the latest the minors rule
  could reach; a records office would rather keep than destroy, and the date comes down when the
  patient is linked and retention is recomputed. `"assume_adult"` applies the type's period only.
  Either way the decision says the birth date was unknown, so the minors rule is visibly unchecked.

Bad policies are refused whole (`PolicyError` with the line at fault); `PolicyStore` keeps the last
good policy when a new text is refused. `compare` says which types a policy change makes shorter,
which is what needs the compliance role and an audit entry for documents already ingested.
"""
from __future__ import annotations

import calendar
import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import total_ordering
from types import MappingProxyType
from typing import Iterable, Mapping

from clinidex.errors import ClinidexError

ASSUME_MINOR = "assume_minor"
ASSUME_ADULT = "assume_adult"

# Which rule decided a document's retain_until (stored with it, for the audit and for staff).
RULE_PERMANENT = "permanent"
RULE_TYPE = "type_period"  # the period listed for the document's type
RULE_DEFAULT = "default_period"  # the policy's default: type not listed, unknown or not yet known
RULE_MINORS = "minors"  # the patient was a minor on the anchor date and that rule ran later
RULE_MINORS_ASSUMED = "minors_assumed"  # birth date unknown, kept as long as a minor's would be

# Beyond this a period is a typo or means "permanent"; it also keeps date arithmetic in range.
MAX_YEARS = 150
MAX_AGE_OF_MAJORITY = 30
MAX_MINORS_EXTRA_YEARS = 50

_SETTINGS = ("age_of_majority", "minors_extra_years", "unknown_birth_date", "default", "types")
_REQUIRED = ("age_of_majority", "minors_extra_years", "default")
_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?$")


class PolicyError(ClinidexError):
    """A retention policy text was refused. `line` is the 1-based line at fault (None when the
    fault is something missing rather than something written). The message names settings and
    document types only: a policy holds no patient data."""

    http_status = 422
    code = "invalid_retention_policy"

    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


@total_ordering
@dataclass(frozen=True)
class Period:
    """A retention period: whole months (years are 12 of them), or permanent (`months` None)."""

    months: int | None

    @classmethod
    def years(cls, n: int) -> "Period":
        return cls(12 * n)

    @classmethod
    def permanent(cls) -> "Period":
        return cls(None)

    @classmethod
    def parse(cls, value: str) -> "Period":
        """`P10Y`, `P6M`, `P1Y6M` (case-insensitive) or `permanent`. Raises ValueError with a
        message fit for `PolicyError`."""
        text = value.strip().upper()
        if text == "PERMANENT":
            return cls.permanent()
        if text.startswith("-P") or text.startswith("P") and "-" in text:  # "-P10Y" (ISO 8601-2), "P-10Y"
            raise ValueError(f"period {value!r} is negative")
        match = _PERIOD.match(text)
        if not match or text == "P":
            if re.fullmatch(r"P[\d.,YMWDTHS]+", text) and re.search(r"\d", text):
                raise ValueError(f"period {value!r}: write whole years and months (P10Y, P6M, P1Y6M), "
                                 "not fractions, weeks, days or hours")
            raise ValueError(f"period {value!r} is not an ISO 8601 duration such as P10Y, or 'permanent'")
        years, months = (int(g) if g else 0 for g in match.groups())
        total = 12 * years + months
        if total == 0:
            raise ValueError(f"period {value!r} is zero: documents would be destroyed on their own date")
        if total > 12 * MAX_YEARS:
            raise ValueError(f"period {value!r} is longer than {MAX_YEARS} years; write 'permanent' to keep for ever")
        return cls(total)

    @property
    def is_permanent(self) -> bool:
        return self.months is None

    def after(self, start: date) -> date | None:
        """The last day of the period that starts on `start` (None: permanent)."""
        return None if self.months is None else add_months(start, self.months)

    def _key(self) -> float:
        return float("inf") if self.months is None else self.months

    def __lt__(self, other: "Period") -> bool:
        return self._key() < other._key()

    def __str__(self) -> str:
        if self.months is None:
            return "permanent"
        years, months = divmod(self.months, 12)
        return "P" + (f"{years}Y" if years else "") + (f"{months}M" if months else "")


def add_months(start: date, months: int) -> date:
    """`start` plus whole months; a day that does not exist in the target month rolls forward to
    the 1st of the next month (keep the extra day rather than destroy a day early)."""
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    if start.day <= calendar.monthrange(year, month0 + 1)[1]:
        return date(year, month0 + 1, start.day)
    return date(year, month0 + 2, 1)  # December has 31 days, so the next month is in the same year


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)


@dataclass(frozen=True)
class Policy:
    default: Period
    types: Mapping[str, Period]  # only the types the policy lists; others take `default`
    age_of_majority: int
    minors_extra_years: int
    unknown_birth_date: str  # ASSUME_MINOR | ASSUME_ADULT
    known_types: tuple[str, ...]  # the document types it was validated against, in their order
    digest: str  # sha256 of the text: which policy computed a stored retain_until

    def period_for(self, doc_type: str | None) -> tuple[Period, str]:
        """The period for a type and where it came from (RULE_TYPE or RULE_DEFAULT)."""
        if doc_type is not None and doc_type in self.types:
            return self.types[doc_type], RULE_TYPE
        return self.default, RULE_DEFAULT


def parse_policy(text: str, known_types: Iterable[str]) -> Policy:
    """Validate a policy text against the document type keys (`clinidex.doctypes`). Raises
    PolicyError with the line at fault for a syntax error, an unknown setting or type, a period
    that is negative, zero, not whole years/months or absurdly long, or an age out of range."""
    text = text.removeprefix("\ufeff")  # editors on Windows add one; TOML refuses it
    known = tuple(known_types)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(_toml_error_line(str(error), text), f"not valid TOML: {_toml_reason(str(error))}") from None

    def fail(path: tuple[str, ...], message: str) -> PolicyError:
        return PolicyError(locate(text, path), message)

    for key in data:
        if key not in _SETTINGS:
            hint = " (document types go under [types])" if key in known else ""
            raise fail((key,), f"unknown setting {key!r}{hint}; the settings are {', '.join(_SETTINGS)}")
    for key in _REQUIRED:
        if key not in data:
            raise PolicyError(None, f"the policy needs a {key!r} setting")

    age = _whole_number(data["age_of_majority"], "age_of_majority", 1, MAX_AGE_OF_MAJORITY, fail)
    extra = _whole_number(data["minors_extra_years"], "minors_extra_years", 0, MAX_MINORS_EXTRA_YEARS, fail)
    unknown_birth = data.get("unknown_birth_date", ASSUME_MINOR)
    if unknown_birth not in (ASSUME_MINOR, ASSUME_ADULT):
        raise fail(("unknown_birth_date",), f"unknown_birth_date must be {ASSUME_MINOR!r} or {ASSUME_ADULT!r}")
    default = _period(data["default"], ("default",), fail)

    listed = data.get("types", {})
    if not isinstance(listed, dict):
        raise fail(("types",), "types must be a table of document type = period")
    types: dict[str, Period] = {}
    for key, value in listed.items():
        if key not in known:
            raise fail(("types", key), f"unknown document type {key!r}; the known types are {', '.join(known)}")
        types[key] = _period(value, ("types", key), fail)

    return Policy(default=default, types=MappingProxyType(types), age_of_majority=age, minors_extra_years=extra,
                  unknown_birth_date=unknown_birth, known_types=known,
                  digest=hashlib.sha256(text.encode("utf-8")).hexdigest())


def _whole_number(value, name: str, low: int, high: int, fail) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail((name,), f"{name} must be a whole number of years")
    if value < 0:
        raise fail((name,), f"{name} is negative")
    if not low <= value <= high:
        raise fail((name,), f"{name} must be from {low} to {high}")
    return value


def _period(value, path: tuple[str, ...], fail) -> Period:
    name = ".".join(path)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise fail(path, f"{name}: period {value} is negative")
        raise fail(path, f"{name}: write the period as an ISO 8601 duration such as \"P{value}Y\", so its unit is explicit")
    if not isinstance(value, str):
        raise fail(path, f"{name}: a period is a string such as \"P10Y\" or \"permanent\"")
    try:
        return Period.parse(value)
    except ValueError as error:
        raise fail(path, f"{name}: {error}") from None


def _toml_error_line(message: str, text: str) -> int | None:
    # tomllib (3.11) puts the position only in the message: "... (at line 3, column 7)".
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    if found:
        return int(found.group(1))
    if "at end of document" in message:
        return max(1, len(text.splitlines()))
    return None


def _toml_reason(message: str) -> str:
    return re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)\s*$", "", message)


# The line locator: TOML parsers give positions for syntax errors only, so for a value that
# parses but is wrong, find where its key was written. It follows [table] headers and dotted
# keys and skips comments and multi-line strings; a key inside an inline table is located at the
# line of the nearest enclosing key it can find.
_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_ONE_KEY = rf"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_DOTTED_KEY = rf"{_ONE_KEY}(?:\s*\.\s*{_ONE_KEY})*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_DOTTED_KEY})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED_KEY})\s*=")


def _key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(k[1:-1] if k[0] in "\"'" else k for k in re.findall(_ONE_KEY, dotted))


def locate(text: str, path: tuple[str, ...]) -> int | None:
    """The 1-based line where the key `path` (e.g. ("types", "referral_note")) is written; failing
    that, the line of its nearest enclosing table or key; None when neither appears."""
    table: tuple[str, ...] = ()
    fallback, fallback_depth = None, 0
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string is not None:
            if line.count(open_string) % 2:
                open_string = None
            continue
        header, assign = _HEADER.match(line), _ASSIGN.match(line)
        full = None
        if header:
            table = _key_parts(header.group(1))
            full = table
        elif assign:
            full = table + _key_parts(assign.group(1))
            for quote in ('"""', "'''"):
                if line.count(quote) % 2:
                    open_string = quote
                    break
        if full is None:
            continue
        if full[: len(path)] == path:
            return number
        if path[: len(full)] == full and len(full) > fallback_depth:
            fallback, fallback_depth = number, len(full)
    return fallback


@dataclass(frozen=True)
class Anchor:
    date: date
    source: str  # "document_date" | "service_date" | "received"


def anchor_for(document_date: date | str | None, service_date: date | str | None, received: date | datetime) -> Anchor:
    """The date a document's retention runs from: its document date, else its service date (ISO
    strings as extraction stores them; an unreadable one is skipped), else the day it was received
    (a datetime is taken in its own timezone, UTC in manifests)."""
    for value, source in ((document_date, "document_date"), (service_date, "service_date")):
        found = _as_date(value)
        if found is not None:
            return Anchor(found, source)
    return Anchor(received.date() if isinstance(received, datetime) else received, "received")


def _as_date(value: date | str | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class RetentionDecision:
    retain_until: date | None  # last day kept; None = permanent
    rule: str  # RULE_*: which rule decided
    period: Period  # the type's (or default) period, whichever rule decided
    minors_rule_applied: bool  # the minors rule set the date (it ran later than the period)
    minor_at_anchor: bool | None  # None: birth date unknown
    birth_date_known: bool


def retain_until(policy: Policy, doc_type: str | None, anchor_date: date, birth_date: date | None = None) -> RetentionDecision:
    """The retention of one document: its type's period (or the default for a type the policy does
    not list, or no type yet) from `anchor_date`, extended by the minors rule (module docstring)."""
    period, source = policy.period_for(doc_type)
    known = birth_date is not None
    minor = None if birth_date is None else anchor_date < add_years(birth_date, policy.age_of_majority)
    if period.is_permanent:
        return RetentionDecision(None, RULE_PERMANENT, period, False, minor, known)
    by_period = period.after(anchor_date)
    minors_years = policy.age_of_majority + policy.minors_extra_years
    minors_end, minors_rule = None, RULE_MINORS
    if minor:
        minors_end = add_years(birth_date, minors_years)
    elif birth_date is None and policy.unknown_birth_date == ASSUME_MINOR:
        # The latest a minor's rule could run: a patient born on the anchor date.
        minors_end, minors_rule = add_years(anchor_date, minors_years), RULE_MINORS_ASSUMED
    if minors_end is not None and minors_end > by_period:
        return RetentionDecision(minors_end, minors_rule, period, True, minor, known)
    return RetentionDecision(by_period, source, period, False, minor, known)


def is_due(retain_until: date | None, today: date) -> bool:
    """True once the retention is over: the day after `retain_until` (never for permanent)."""
    return retain_until is not None and today > retain_until


def latest(values: Iterable[date | None]) -> date | None:
    """The longest of several retentions (None = permanent wins), e.g. a batch fax, whose original
    holds its pieces' pages, is kept as long as its longest-kept piece."""
    values = list(values)
    if not values:
        raise ValueError("latest() needs at least one retention")
    return None if any(v is None for v in values) else max(values)


def is_shortening(current: date | None, proposed: date | None) -> bool:
    """True when `proposed` destroys earlier than `current` (None = permanent)."""
    return proposed is not None and (current is None or proposed < current)


def effective_retain_until(current: date | None, proposed: date | None, allowed_to_shorten: bool) -> date | None:
    """The retain_until to store when an already-ingested document is recomputed: a longer (or
    equal) retention always applies; a shorter one only when the change is allowed to shorten
    (the compliance role, audited by the caller); otherwise the current value stays."""
    if is_shortening(current, proposed) and not allowed_to_shorten:
        return current
    return proposed


class Verdict(StrEnum):
    longer = "longer"  # never shorter, and longer for some documents
    shorter = "shorter"  # shorter for some documents (even if longer for others)
    unchanged = "unchanged"


@dataclass(frozen=True)
class TypeChange:
    doc_type: str | None  # None: documents with no type yet, or a type the policies do not know
    old: Period
    new: Period
    verdict: Verdict


@dataclass(frozen=True)
class PolicyChange:
    types: tuple[TypeChange, ...]  # every known type, then the None row
    minors: Verdict  # the minors rule alone (age of majority, extra years, unknown birth dates)

    @property
    def shorter(self) -> tuple[TypeChange, ...]:
        return tuple(c for c in self.types if c.verdict == Verdict.shorter)

    @property
    def longer(self) -> tuple[TypeChange, ...]:
        return tuple(c for c in self.types if c.verdict == Verdict.longer)

    @property
    def needs_compliance(self) -> bool:
        """Applying the change to documents already ingested would shorten some retention."""
        return bool(self.shorter)


def compare(old: Policy, new: Policy) -> PolicyChange:
    """What a policy change does to each type's retention. A type's verdict combines its period
    with the minors rule (which extends every non-permanent type): shorter if either can shorten
    some document's retention, else longer if either lengthens some, else unchanged."""
    minors = _minors_verdict(old, new)
    keys = list(old.known_types) + [k for k in new.known_types if k not in old.known_types]
    rows = []
    for key in [*keys, None]:
        before, after = old.period_for(key)[0], new.period_for(key)[0]
        verdict = _period_verdict(before, after)
        if not before.is_permanent and not after.is_permanent:
            verdict = _combine(verdict, minors)
        rows.append(TypeChange(key, before, after, verdict))
    return PolicyChange(tuple(rows), minors)


def _period_verdict(before: Period, after: Period) -> Verdict:
    return Verdict.shorter if after < before else Verdict.longer if after > before else Verdict.unchanged


def _minors_verdict(old: Policy, new: Policy) -> Verdict:
    # A lower age of majority takes some documents out of the rule; a lower majority + extra ends
    # it sooner; dropping the assumption for unknown birth dates ends those sooner. Each of these
    # can shorten some document even when another part of the change lengthens others.
    old_end, new_end = old.age_of_majority + old.minors_extra_years, new.age_of_majority + new.minors_extra_years
    assume = (old.unknown_birth_date == ASSUME_MINOR, new.unknown_birth_date == ASSUME_MINOR)
    if new.age_of_majority < old.age_of_majority or new_end < old_end or assume == (True, False):
        return Verdict.shorter
    if new.age_of_majority > old.age_of_majority or new_end > old_end or assume == (False, True):
        return Verdict.longer
    return Verdict.unchanged


def _combine(a: Verdict, b: Verdict) -> Verdict:
    if Verdict.shorter in (a, b):
        return Verdict.shorter
    return Verdict.longer if Verdict.longer in (a, b) else Verdict.unchanged


class PolicyStore:
    """The policy in force, kept when a new text is refused ("the service keeps the last good
    policy"). Pure: the caller reads the file and passes its text. `current` is None until a text
    has loaded; a sweep must not run without one."""

    def __init__(self, known_types: Iterable[str]):
        self._known = tuple(known_types)
        self._current: Policy | None = None
        self.last_error: PolicyError | None = None

    @property
    def current(self) -> Policy | None:
        return self._current

    def load(self, text: str) -> PolicyChange | None:
        """Swap in the policy `text` describes and return what changed (None for the first one).
        On PolicyError the current policy stays, the error is kept in `last_error` and re-raised."""
        try:
            policy = parse_policy(text, self._known)
        except PolicyError as error:
            self.last_error = error
            raise
        previous, self._current, self.last_error = self._current, policy, None
        return None if previous is None else compare(previous, policy)
