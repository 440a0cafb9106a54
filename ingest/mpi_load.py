"""Load the master patient index (MPI) from files: CSV exports, FHIR Patient resources (NDJSON or
a Bundle) and HL7 v2 ADT messages, all read into the same events.

A file is read record by record. A record that cannot be loaded becomes a `Rejection` saying
where it is and what is wrong, and the rest of the file still loads; only a file that cannot be
read at all (empty, binary, not UTF-8, no known format) raises `MpiFileError`. Reasons and
locations name fields ("birth date is not a date (PID-7)"), never their values: they are logged
and shown to staff.

Format sniffing, when no format is given, looks at the text after any byte-order mark and
leading whitespace:
- an MLLP start byte (0x0b) or `MSH` -> "hl7";
- `{` with a whole JSON object on the first line -> "fhir-ndjson", or "fhir-bundle" when that
  object is a Bundle; `{` with the object spread over several lines -> "fhir-bundle";
- a first line that, split as CSV, has an `mrn` column -> "csv".

Every format applies the same rules to a patient: at least one identifier with an issuer and a
value (the MR-typed one is primary, else the first), a given or family name, and a full birth
date if there is one. Identifier values are normalised with `clinidex.fields.norm_code`.
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Callable, Iterable

from clinidex.fields import norm_code, norm_digits
from clinidex.patient import Identifier, PatientRecord
from ingest.errors import IntakeError

FORMATS = ("csv", "fhir-ndjson", "fhir-bundle", "hl7")
SEX_CODES = {"f": "female", "m": "male", "o": "other", "u": "unknown",
             **{code: code for code in ("female", "male", "other", "unknown")}}
_PARTIAL_DATE = re.compile(r"\d{4}(-?\d{2})?")


class MpiFileError(IntakeError, ValueError):
    """The file as a whole cannot be read. The message is safe to show and to log."""


@dataclass(frozen=True)
class Upsert:
    record: PatientRecord
    # Where in the file it came from, for whoever applies it and has to report a failure.
    location: str = field(default="", compare=False)


@dataclass(frozen=True)
class Merge:
    """The patient known by `merged` is merged into the one known by `survivor` (HL7 A40, FHIR
    `replaced-by`)."""

    survivor: Identifier
    merged: Identifier
    location: str = field(default="", compare=False)


@dataclass(frozen=True)
class Rejection:
    location: str  # "line 17", "entry 4", "message 4 (control id X), segment PID"
    reason: str  # names the field, never its value


Event = Upsert | Merge


class BadRecord(Exception):
    """Raised by a format reader for a record that cannot be loaded. `where` narrows the record's
    location (an HL7 segment)."""

    def __init__(self, reason: str, where: str | None = None):
        super().__init__(reason)
        self.reason, self.where = reason, where


class Skip(Exception):
    """Raised for a record that is deliberately not loaded (a FHIR resource that is not a
    Patient): counted by reason, not rejected."""


@dataclass
class LoadResult:
    format: str
    source: str
    events: list[Event] = field(default_factory=list)  # in file order
    rejections: list[Rejection] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # about the file as a whole (ignored columns)
    read: int = 0  # records read: rows, resources or messages, whatever became of them

    def load(self, location: str, build: Callable[..., Iterable[Event]], *args: Any) -> None:
        """Read one record: its events, or a rejection, or a skip."""
        self.read += 1
        try:
            events = [replace(e, location=location) for e in build(*args)]
        except BadRecord as bad:
            where = f"{location}, {bad.where}" if bad.where else location
            self.rejections.append(Rejection(where, bad.reason))
        except Skip as skip:
            self.skipped[str(skip)] += 1
        else:
            self.events.extend(events)

    @property
    def upserts(self) -> list[Upsert]:
        return [e for e in self.events if isinstance(e, Upsert)]

    @property
    def merges(self) -> list[Merge]:
        return [e for e in self.events if isinstance(e, Merge)]

    def summary(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "read": self.read,
            "upserts": len(self.upserts),
            "merges": len(self.merges),
            "rejected": len(self.rejections),
            "rejected_by_reason": dict(Counter(r.reason for r in self.rejections)),
            "skipped": dict(self.skipped),
            "notes": list(self.notes),
        }


def parse(data: bytes, format: str | None, source: str) -> LoadResult:
    """Read an MPI file. `format` is one of FORMATS, or None to sniff it; `source` (a file name)
    is recorded on every loaded PatientRecord."""
    text = decode(data)
    format = format or sniff(text)
    reader = _readers().get(format)
    if reader is None:
        raise MpiFileError(f"Unknown MPI file format {format!r}; expected one of {', '.join(FORMATS)}.")
    return reader(text, source)


def _readers() -> dict[str, Callable[[str, str], LoadResult]]:
    # Imported here because the format readers import the result types from this module.
    from ingest import mpi_csv, mpi_fhir, mpi_hl7

    return {"csv": mpi_csv.parse_csv, "fhir-ndjson": mpi_fhir.parse_ndjson,
            "fhir-bundle": mpi_fhir.parse_bundle, "hl7": mpi_hl7.parse_hl7}


def decode(data: bytes) -> str:
    if not data.strip():
        raise MpiFileError("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # spreadsheet "Unicode text" exports
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise MpiFileError("The file starts like UTF-16 text but is not.") from None
    if b"\x00" in data[:4096]:
        raise MpiFileError("The file is binary, not a text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise MpiFileError(f"The file is not UTF-8 text (byte {err.start} is not UTF-8); "
                           "export it again as UTF-8.") from None


def sniff(text: str) -> str:
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(("\x0b", "MSH")):
        return "hl7"
    first_line = head.split("\n", 1)[0].strip()
    if head.startswith("{"):
        try:
            obj = json.loads(first_line)
        except ValueError:
            return "fhir-bundle"  # one JSON document over many lines
        return "fhir-bundle" if isinstance(obj, dict) and obj.get("resourceType") == "Bundle" else "fhir-ndjson"
    if first_line:
        header = next(csv.reader([first_line], delimiter=csv_delimiter(first_line)), [])
        if "mrn" in (name.strip().lower() for name in header):
            return "csv"
    raise MpiFileError("Not a recognised MPI file: expected CSV with an mrn column, FHIR Patient "
                       "resources as NDJSON or a Bundle, or HL7 v2 messages.")


def csv_delimiter(header_line: str) -> str:
    return max(",;\t|", key=header_line.count)


# --- building blocks shared by the format readers ---------------------------------------------

def identifier(system: str | None, value: str | None, *, assigner: str | None = None,
               type: str | None = None) -> Identifier | None:
    """An identifier, or None when it lacks an issuer or a value (it could never be matched)."""
    system, value = (system or "").strip(), norm_code(value or "")
    if not system or not value:
        return None
    return Identifier(system=system, value=value, assigner=(assigner or "").strip() or None,
                      type=(type or "").strip() or None)


def primary(identifiers: list[Identifier]) -> Identifier:
    return next((i for i in identifiers if i.type == "MR"), identifiers[0])


def patient(identifiers: list[Identifier], source: str, *, id_field: str, name_field: str,
            **values: str | None) -> PatientRecord:
    """A PatientRecord from one record's values (blank strings count as missing)."""
    if not identifiers:
        raise BadRecord(f"no identifier with an issuer and a value ({id_field})")
    values = {k: (v or "").strip() or None for k, v in values.items()}
    if not (values.get("given") or values.get("family")):
        raise BadRecord(f"no patient name ({name_field})")
    if values.get("phone"):
        values["phone"] = norm_digits(values["phone"]) or None
    return PatientRecord.create(primary(identifiers), identifiers=identifiers, source=source, **values)


def iso_date(text: str | None, formats: Iterable[tuple[re.Pattern[str], str]], label: str) -> str | None:
    """The ISO date for `text` read with the first (pattern, strptime format) whose pattern
    matches all of it. The patterns pin the digit counts strptime would otherwise guess at."""
    text = (text or "").strip()
    if not text:
        return None
    for pattern, fmt in formats:
        if pattern.fullmatch(text):
            try:
                parsed = datetime.strptime(text, fmt).date()
            except ValueError:
                break
            if parsed > date.today():
                raise BadRecord(f"birth date is in the future ({label})")
            return parsed.isoformat()
    if _PARTIAL_DATE.fullmatch(text):
        raise BadRecord(f"birth date has no day ({label})")
    raise BadRecord(f"birth date is not a date ({label})")


def sex_code(text: str | None, label: str, codes: dict[str, str] = SEX_CODES) -> str | None:
    text = (text or "").strip().lower()
    if not text:
        return None
    if text not in codes:
        raise BadRecord(f"sex is not a known code ({label})")
    return codes[text]
