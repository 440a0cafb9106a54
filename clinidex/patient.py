"""A patient in the master patient index (MPI), and the demographics a record or a document
offers to match one.

Identifiers keep their issuer: an MRN means nothing without the facility that assigned it, and
an enterprise MPI holds the numbers several facilities gave the same person. A merged patient
(HL7 A40) keeps its entry with `merged_into` pointing at the survivor, so anything that still
names it is redirected.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from clinidex.fields import norm_code, norm_digits, norm_text

_ID_NAMESPACE = uuid.UUID("a4d3c1e2-6f0b-4b8e-9d7a-2c5e8f1b3a90")
SEXES = ("female", "male", "other", "unknown")
_POSTCODE = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")


def utcnow() -> datetime:
    from clinidex.manifest import utcnow as now

    return now()


def issuer_key(text: str | None) -> str:
    """How two spellings of one issuer are compared: FHIR system URI, HL7 assigning authority
    or a facility name written on a fax, all lower-cased and stripped of punctuation."""
    return norm_text(text or "").replace(" ", "")


class Identifier(BaseModel):
    model_config = ConfigDict(frozen=True)

    # The issuer: a FHIR `system` URI, an OID, or an HL7 v2 assigning authority code.
    system: str
    value: str  # letters and digits, upper case (clinidex.fields.norm_code)
    # The issuer's name as people write it ("St. Brendan's Hospital"): how an MRN read off a fax,
    # with the sending facility's name beside it, finds its issuer.
    assigner: str | None = None
    type: str | None = None  # HL7 table 0203: MR, PI, SS, ...

    def issuer_keys(self) -> set[str]:
        return {k for k in (issuer_key(self.system), issuer_key(self.assigner)) if k}


def patient_id_for(identifier: Identifier) -> str:
    """The MPI id of the patient a source system knows by this identifier: the same patient
    loaded from CSV, FHIR or HL7 lands on one entry."""
    return uuid.uuid5(_ID_NAMESPACE, f"{issuer_key(identifier.system)}|{identifier.value}").hex


class PatientRecord(BaseModel):
    patient_id: str
    identifiers: list[Identifier] = Field(default_factory=list)
    given: str | None = None
    middle: str | None = None
    family: str | None = None
    birth_date: str | None = None  # ISO YYYY-MM-DD
    sex: str | None = None  # FHIR gender: female | male | other | unknown
    phone: str | None = None  # digits
    address: str | None = None  # street line(s)
    city: str | None = None
    state: str | None = None
    postcode: str | None = None
    # Set when this patient was merged into another (HL7 A40): the survivor's id.
    merged_into: str | None = None
    source: str | None = None  # the file or feed it came from last
    updated_at: datetime = Field(default_factory=utcnow)

    @classmethod
    def create(cls, primary: Identifier, **values) -> "PatientRecord":
        identifiers = [primary, *[i for i in values.pop("identifiers", []) if i != primary]]
        return cls(patient_id=patient_id_for(primary), identifiers=identifiers, **values)

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given, self.middle, self.family) if p)


@dataclass(frozen=True)
class Demographics:
    """What matching compares, in normal form (lower case, digits only, ISO dates). Built from an
    MPI record, or from the fields extracted from a document; missing values are None."""

    given: str | None = None
    family: str | None = None
    middle: str | None = None
    birth_date: str | None = None
    sex: str | None = None
    phone: str | None = None
    address: str | None = None  # street (and, from a document, whatever else was on the line)
    city: str | None = None
    state: str | None = None
    postcode: str | None = None
    # (issuer key, value) pairs; the issuer key is "" when the document did not say who issued it.
    identifiers: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def from_record(cls, record: PatientRecord) -> "Demographics":
        ids = tuple((key, i.value) for i in record.identifiers for key in sorted(i.issuer_keys()) or [""])
        return cls(
            given=_name(record.given), family=_name(record.family), middle=_name(record.middle),
            birth_date=record.birth_date, sex=_sex(record.sex), phone=_phone(record.phone),
            address=_text(record.address), city=_text(record.city), state=_text(record.state),
            postcode=_postcode(record.postcode), identifiers=ids,
        )

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> "Demographics":
        """From a document's extracted values (normal forms of clinidex.fields). The name is
        "given family" with middle names already dropped; a multi-word family name keeps its words."""
        given = family = None
        words = (fields.get("patient_name") or "").split()
        if len(words) == 1:
            family = words[0]
        elif words:
            given, family = words[0], " ".join(words[1:])
        address = _text(fields.get("address"))
        postcode = None
        if address:
            found = _POSTCODE.search(address)
            postcode = found.group(1) if found else None
        ids: tuple[tuple[str, str], ...] = ()
        if fields.get("mrn"):
            ids = ((issuer_key(fields.get("mrn_issuer") or fields.get("facility")), norm_code(fields["mrn"])),)
        return cls(given=_name(given), family=_name(family), birth_date=fields.get("birth_date") or None,
                   sex=_sex(fields.get("sex")), phone=_phone(fields.get("phone")), address=address,
                   postcode=postcode, identifiers=ids)

    def present(self) -> list[str]:
        """The names of the fields that have a value (for "missing demographics" reasons)."""
        return [name for name in ("given", "family", "birth_date", "sex", "phone", "address", "postcode")
                if getattr(self, name)] + (["identifier"] if self.identifiers else [])


def _name(value: str | None) -> str | None:
    cleaned = re.sub(r"[^\w' -]+", " ", (value or "").lower())
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" -'")
    return cleaned or None


def _text(value: str | None) -> str | None:
    return norm_text(value) or None if value else None


def _phone(value: str | None) -> str | None:
    return norm_digits(value) or None if value else None


def _postcode(value: str | None) -> str | None:
    return re.sub(r"\s+", "", value).upper() or None if value else None


def _sex(value: str | None) -> str | None:
    v = (value or "").strip().lower()
    v = {"f": "female", "m": "male", "o": "other", "u": "unknown"}.get(v, v)
    return v if v in ("female", "male") else None  # other/unknown carry no matching evidence
