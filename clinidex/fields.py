"""The fields Clinidex extracts, the normal form each value is compared and stored in, and the
check digits of the identifiers among them.

Field names (documents): patient_name, birth_date, sex, mrn, mrn_issuer, phone, address,
document_date, service_date, provider, npi, facility, fax. Cover sheets: sender, recipient,
page_count, fax. Each value is recorded as written (with its page and character span) and in a
normalised form that extraction is scored against:

- names (patient_name, provider): "given family" in lower case, no titles, credentials or
  middle names/initials; dates: ISO `YYYY-MM-DD`; sex: `female` | `male` (FHIR gender codes);
- mrn: letters and digits only, upper case; phone, fax, npi, page_count: digits only (phone and
  fax: the 10-digit US number);
- address, facility, sender, recipient, mrn_issuer: lower case, runs of spaces and punctuation
  other than `#`, `-`, `/` collapsed to one space.
"""
from __future__ import annotations

import random
import re

DOCUMENT_FIELDS = ("patient_name", "birth_date", "sex", "mrn", "mrn_issuer", "phone", "address",
                   "document_date", "service_date", "provider", "npi", "facility", "fax")
COVER_FIELDS = ("sender", "recipient", "page_count", "fax")


def norm_text(value: str) -> str:
    return re.sub(r"[^\w#/-]+", " ", value.lower()).strip()


def norm_digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def norm_code(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


def norm_name(given: str, family: str) -> str:
    return f"{given} {family}".lower()


def npi_check_digit(first9: str) -> int:
    """The NPI check digit: Luhn over the 9 digits prefixed with 80840 (the US health industry)."""
    total = 0
    for i, char in enumerate(reversed("80840" + first9)):
        digit = int(char)
        if i % 2 == 0:  # doubled positions, counted from the right of the payload
            digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
        total += digit
    return (10 - total % 10) % 10


def valid_npi(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi[0] in "12" and npi_check_digit(npi[:9]) == int(npi[9])


def make_npi(rng: random.Random) -> str:
    first9 = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
    return first9 + str(npi_check_digit(first9))
