"""Comparisons for patient matching, declared as data (the Splink way).

Each `Comparison` names a field and its levels, strongest agreement first and outright
disagreement last; `compare` gives the level index per comparison, or NULL when either side
lacks the value (a missing value is no evidence either way, so it must not count as a
disagreement). The model (ingest/match_model.py) gives every level its own m and u, so a level
list only has to separate situations with different evidential weight; the order matters only
because the first level that applies wins.

Names are compared with Jaro-Winkler: built for short personal names, it forgives the typos
and OCR slips of a fax while rewarding an agreeing start.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from clinidex.patient import Demographics

NULL = -1
HIGH, LOW = 0.92, 0.80  # Jaro-Winkler thresholds of the two fuzzy name levels

_jw = JaroWinkler.similarity


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[str, ...]  # level names, strongest agreement first, disagreement last
    level: Callable[[Demographics, Demographics], int]
    # The Demographics attribute whose value frequency replaces u on an exact match (level 0).
    tf: str | None = None


def _swapped(a: Demographics, b: Demographics) -> bool:
    """Given and family written the other way round on one side, as forms often get it."""
    if not (a.given and a.family and b.given and b.family) or a.family == b.family:
        return False
    if a.given == b.family and a.family == b.given:
        return True
    return (_jw(a.family, b.family) < LOW and _jw(a.given, b.family) >= HIGH
            and _jw(a.family, b.given) >= HIGH)


def _resplit(a: Demographics, b: Demographics) -> bool:
    """The same full name divided differently between given and family ("mary ann" + "smith"
    against "mary" + "ann smith", as a document's one-line name is split on its first word)."""
    if a.family == b.family or not a.family or not b.family:
        return False
    x = ((a.given or "") + a.family).replace(" ", "").replace("-", "")
    return len(x) >= 4 and x == ((b.given or "") + b.family).replace(" ", "").replace("-", "")


def _part_of(x: str, y: str) -> bool:
    """One family name is a part of the other's double or hyphenated name ("lopez" against
    "garcia lopez", a maiden name inside a hyphenated married name)."""
    a, b = set(x.replace("-", " ").split()), set(y.replace("-", " ").split())
    return len(a) != len(b) and (a < b or b < a)


def _as_middle(name: str, middle: str | None) -> bool:
    if not middle:
        return False
    return name == middle or ((len(name) == 1 or len(middle) == 1) and name[0] == middle[0])


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer  # a hand-curated table of English given names and nicknames

    return NickNamer()


@lru_cache(maxsize=65536)
def known_nickname(x: str, y: str) -> bool:
    """One name is a nickname of the other ("bill" for william), or both are nicknames of one
    name ("bill" and "will"). Two formal names that share a nickname (william, willis) are not."""
    names = _nicknamer()
    if y in names.nicknames_of(x) or x in names.nicknames_of(y):
        return True
    return bool(names.canonicals_of(x) & names.canonicals_of(y))


def given_level(a: Demographics, b: Demographics) -> int:
    x, y = a.given, b.given
    if not x or not y:
        return NULL
    if x == y:
        return 0
    if _swapped(a, b) or _resplit(a, b):
        return NULL  # the family comparison counts both names once
    if len(x) == 1 or len(y) == 1:
        return 4 if x[0] == y[0] else 5
    similarity = _jw(x, y)
    if similarity >= HIGH:
        return 1
    if known_nickname(x, y):
        return 2
    if similarity >= LOW:
        return 3
    if _as_middle(x, b.middle) or _as_middle(y, a.middle):
        return 4
    return 5


def family_level(a: Demographics, b: Demographics) -> int:
    x, y = a.family, b.family
    if not x or not y:
        return NULL
    if x == y:
        return 0
    if _resplit(a, b):
        return 1
    if _swapped(a, b):
        return 2
    if _part_of(x, y):
        return 3
    similarity = _jw(x, y)
    if similarity >= HIGH:
        return 4
    if similarity >= LOW:
        return 5
    return 6


def _digits(iso: str | None) -> str | None:
    if not iso or len(iso) != 10 or iso[4] != "-" or iso[7] != "-":
        return None
    digits = iso[:4] + iso[5:7] + iso[8:]
    return digits if digits.isdigit() else None


def birth_date_level(a: Demographics, b: Demographics) -> int:
    x, y = _digits(a.birth_date), _digits(b.birth_date)
    if x is None or y is None:
        return NULL
    if x == y:
        return 0
    year, month, day = x[:4], x[4:6], x[6:]
    same_year, same_month, same_day = year == y[:4], month == y[4:6], day == y[6:]
    if same_year and month == y[6:] and day == y[4:6]:
        return 1
    # One keying slip: a digit replaced, or two neighbouring digits swapped.
    if OSA.distance(x, y) <= 1:
        return 2
    # A day or a month wrong beyond a slip. The same day and month in another year is not
    # here: that is the pattern of a parent and child of one name (Sr/Jr) at one address.
    if same_year and (same_month or same_day):
        return 3
    return 4


def sex_level(a: Demographics, b: Demographics) -> int:
    if not a.sex or not b.sex:
        return NULL
    return 0 if a.sex == b.sex else 1


def phone_level(a: Demographics, b: Demographics) -> int:
    x, y = a.phone, b.phone
    if not x or not y:
        return NULL
    if x == y:
        return 0
    # A different area code (or a country prefix on one side) around the same local number.
    if len(x) >= 7 and len(y) >= 7 and x[-7:] == y[-7:]:
        return 1
    return 2


def _zip(postcode: str | None) -> str | None:
    return postcode.split("-", 1)[0] if postcode else None  # a ZIP+4 suffix adds nothing


def postcode_level(a: Demographics, b: Demographics) -> int:
    x, y = _zip(a.postcode), _zip(b.postcode)
    if not x or not y:
        return NULL
    if x == y:
        return 0
    return 1 if len(x) >= 3 and x[:3] == y[:3] else 2


def _street_part(line: str, other: Demographics) -> str:
    """A one-line address (street, city, state and ZIP together, as documents write it) without
    the words that the other side keeps in its own city, state and postcode fields; a city
    that disagrees stays in and lowers the similarity."""
    drop = set(" ".join(v for v in (other.city, other.state, _zip(other.postcode)) if v).split())
    if not drop:
        return line
    return " ".join(w for w in line.split() if w not in drop) or line


def address_level(a: Demographics, b: Demographics) -> int:
    x, y = a.address, b.address
    if not x or not y:
        return NULL
    if not a.city and b.city:
        x = _street_part(x, b)
    elif not b.city and a.city:
        y = _street_part(y, a)
    if x == y:
        return 0
    # Token-set similarity calls one word contained in the other side "identical": on a
    # one-word address, whole-string similarity is the honest measure.
    if x.count(" ") == 0 or y.count(" ") == 0:
        similarity = fuzz.ratio(x, y)
    else:
        similarity = fuzz.token_set_ratio(x, y)
    if similarity >= 90:
        return 0
    return 1 if similarity >= 70 else 2


def identifier_level(a: Demographics, b: Demographics) -> int:
    """The strongest identifier evidence between the two sides. Numbers from different issuers
    are not comparable (two hospitals' MRNs may coincide), so such pairs give NULL; the same
    issuer with another number is evidence against, but never proof: MPIs hold duplicates."""
    best = NULL
    for issuer_a, value_a in a.identifiers:
        for issuer_b, value_b in b.identifiers:
            if value_a == value_b:
                if issuer_a and issuer_a == issuer_b:
                    return 0
                if not issuer_a or not issuer_b:
                    best = 1 if best == NULL else min(best, 1)
            elif issuer_a and issuer_a == issuer_b:
                # One misread or mistyped character of a long enough number.
                near = len(value_a) >= 5 and Levenshtein.distance(value_a, value_b, score_cutoff=1) <= 1
                level = 2 if near else 3
                best = level if best == NULL else min(best, level)
    return best


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("given", ("exact", "jaro-winkler >= 0.92", "known nickname", "jaro-winkler >= 0.80",
                         "initial or middle name", "different"), given_level, tf="given"),
    Comparison("family", ("exact", "full name split differently", "given and family swapped",
                          "one part of a double family name", "jaro-winkler >= 0.92", "jaro-winkler >= 0.80",
                          "different"), family_level, tf="family"),
    Comparison("birth_date", ("exact", "day and month transposed", "one digit different or two swapped",
                              "same year, and month or day", "different"), birth_date_level),
    Comparison("sex", ("same", "different"), sex_level),
    Comparison("phone", ("exact", "last 7 digits", "different"), phone_level),
    Comparison("postcode", ("exact", "first 3 characters", "different"), postcode_level),
    Comparison("address", ("token-set similarity >= 0.9", "token-set similarity >= 0.7", "different"),
               address_level),
    Comparison("identifier", ("same issuer and number", "same number, issuer unknown",
                              "same issuer, number one character different", "same issuer, different number"),
               identifier_level),
)
NAMES: tuple[str, ...] = tuple(c.name for c in COMPARISONS)
_LEVEL_FNS = tuple(c.level for c in COMPARISONS)


def compare(a: Demographics, b: Demographics) -> tuple[int, ...]:
    """The level of every comparison (NULL = -1 where either side lacks the value)."""
    return tuple(fn(a, b) for fn in _LEVEL_FNS)


def vectors(pairs: Iterable[tuple[Demographics, Demographics]]) -> np.ndarray:
    """Comparison vectors of many pairs: int8, one row per pair, one column per comparison."""
    rows = [[fn(a, b) for fn in _LEVEL_FNS] for a, b in pairs]
    return np.array(rows, dtype=np.int8).reshape(len(rows), len(_LEVEL_FNS))
