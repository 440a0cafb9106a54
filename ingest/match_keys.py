"""Blocking keys: how a match query finds its candidates in the MPI without scanning it.

Each patient in the index carries a list of keys; a query looks up its own keys, adds up the
weight of each key a patient shares with it, and takes the best few patients. Both index
backends store and weigh the same keys, so they return the same candidates.

Keys that pair two facts (phonetic name with birth year, family name with postcode) stay
selective in a million-patient MPI; single facts are used only when they are rare (an
identifier, a full birth date, a phone number). Tolerance:
- phonetic: Metaphone codes of names (so "Catherine" finds "Kathryn", "Smyth" finds "Smith");
- edit distance: every one-letter deletion of the family name, with the birth year (two names
  one edit apart share a deletion: "smyth"/"smith" both give "smth");
- transposed day and month, and swapped given and family names, on the query side.
"""
from __future__ import annotations

from datetime import date

import jellyfish

from clinidex.patient import Demographics

# Weights of a shared key. An identifier outweighs everything else; a typo'd name still
# reaches a patient through birth date plus the other name.
IDENTIFIER = 8.0
VALUE_ONLY = 4.0  # the same number from an issuer the query did not name
BIRTH_DATE = 4.0
BIRTH_DATE_TRANSPOSED = 2.0
NAMES = 3.0
NAMES_SWAPPED = 2.0
NAME_YEAR = 2.0
DELETION = 0.5
PHONE = 3.0
POSTCODE_FAMILY = 1.0


def phonetic(name: str | None) -> str | None:
    """Metaphone of a name's letters (the parts of "Smith-Jones" or "van der Berg" run together)."""
    letters = "".join(ch for ch in (name or "") if ch.isalpha())
    return jellyfish.metaphone(letters) if letters else None


def deletions(name: str | None) -> set[str]:
    letters = "".join(ch for ch in (name or "") if ch.isalpha())
    if len(letters) < 3:
        return {letters} if letters else set()
    return {letters} | {letters[:i] + letters[i + 1:] for i in range(len(letters))}


def transposed(iso: str | None) -> str | None:
    """The date with day and month swapped, when that is a different valid date."""
    if not iso:
        return None
    try:
        d = date.fromisoformat(iso)
        swapped = date(d.year, d.day, d.month)
    except ValueError:
        return None
    return swapped.isoformat() if swapped != d else None


def _year(iso: str | None) -> str | None:
    return iso[:4] if iso and len(iso) >= 4 and iso[:4].isdigit() else None


def record_keys(d: Demographics) -> list[str]:
    """The keys an MPI entry is stored under."""
    keys: set[str] = set()
    for issuer, value in d.identifiers:
        keys.add(f"v:{value}")
        if issuer:
            keys.add(f"i:{issuer}:{value}")
    if d.birth_date:
        keys.add(f"d:{d.birth_date}")
    fam, giv, year = phonetic(d.family), phonetic(d.given), _year(d.birth_date)
    if fam and giv:
        keys.add(f"n:{fam}:{giv}")
    if year:
        if fam:
            keys.add(f"fy:{fam}:{year}")
        if giv:
            keys.add(f"gy:{giv}:{year}")
        keys.update(f"x:{variant}:{year}" for variant in deletions(d.family))
    if d.phone:
        keys.add(f"p:{d.phone}")
    if d.postcode and fam:
        keys.add(f"z:{d.postcode}:{fam}")
    return sorted(keys)


def query_keys(d: Demographics) -> dict[str, float]:
    """The keys to look up for a query and what sharing each is worth."""
    keys: dict[str, float] = {}

    def add(key: str, weight: float) -> None:
        keys[key] = max(weight, keys.get(key, 0.0))

    for issuer, value in d.identifiers:
        add(f"v:{value}", VALUE_ONLY)
        if issuer:
            add(f"i:{issuer}:{value}", IDENTIFIER)
    swapped = transposed(d.birth_date)
    if d.birth_date:
        add(f"d:{d.birth_date}", BIRTH_DATE)
    if swapped:
        add(f"d:{swapped}", BIRTH_DATE_TRANSPOSED)
    fam, giv = phonetic(d.family), phonetic(d.given)
    if fam and giv:
        add(f"n:{fam}:{giv}", NAMES)
        add(f"n:{giv}:{fam}", NAMES_SWAPPED)
    for year in filter(None, {_year(d.birth_date), _year(swapped)}):
        if fam:
            add(f"fy:{fam}:{year}", NAME_YEAR)
        if giv:
            add(f"gy:{giv}:{year}", NAME_YEAR)
        for variant in deletions(d.family):
            add(f"x:{variant}:{year}", DELETION)
    if d.phone:
        add(f"p:{d.phone}", PHONE)
    if d.postcode and fam:
        add(f"z:{d.postcode}:{fam}", POSTCODE_FAMILY)
    return keys
