"""FHIR R4 Patient resources, as NDJSON (one resource per line, the bulk-export format) or as a
Bundle.

Each resource is validated with fhir.resources' R4B Patient model: the Patient resource is
unchanged from R4 to R4B, and fhir.resources 8 ships R4B (and R5) models but no R4 package.
A resource that fails validation is rejected with the path of the first failing element
("Patient.birthDate is not valid"), never its value. The Bundle itself is not validated as a
whole, so that one bad entry rejects only that entry.

Resources that are not Patients (an Organization pulled in by `_include`, an OperationOutcome)
are skipped and counted by type rather than rejected: they are expected content of a
FHIR export, not damaged patients.

Mapping: identifier -> identifiers (system, value, type.coding[0].code, assigner.display;
identifiers without a system or value are left out, as they could never be matched), primary =
the one typed "MR", else the first; the official name (else the first) -> given = given[0],
middle = the other given names, family; birthDate (a year or year-month alone is rejected);
gender; the first phone in telecom; address[0] (lines joined with ", ", city, state,
postalCode). A Patient with a `replaced-by` link becomes a Merge of its primary identifier into
the identifier the link names (`link.other.identifier`); a link that only names a resource id
cannot be resolved from a file and is rejected. Locations: "line N" (NDJSON, counting every
line) or "entry N" (Bundle, from 1).
"""
from __future__ import annotations

import json
import re
from typing import Any

from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from ingest.mpi_load import (BadRecord, Event, LoadResult, Merge, MpiFileError, Skip, Upsert,
                             identifier, iso_date, patient, primary, sex_code)

GENDERS = {code: code for code in ("female", "male", "other", "unknown")}
_RESOURCE_TYPE = re.compile(r"[A-Z][A-Za-z]{0,63}")
_ELEMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_FHIR_DATE = ((re.compile(r"\d{4}-\d{2}-\d{2}"), "%Y-%m-%d"),)


def parse_ndjson(text: str, source: str) -> LoadResult:
    result = LoadResult("fhir-ndjson", source)
    # Split on newlines only: str.splitlines() would also split inside JSON strings holding
    # U+2028 or other line-like characters.
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            result.load(f"line {number}", _from_line, line, source)
    return result


def parse_bundle(text: str, source: str) -> LoadResult:
    result = LoadResult("fhir-bundle", source)
    try:
        bundle = json.loads(text)
    except ValueError as err:
        line = f" (line {err.lineno})" if isinstance(err, json.JSONDecodeError) else ""
        raise MpiFileError(f"The file is not valid JSON{line}.") from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise MpiFileError("The JSON document is not a FHIR Bundle; send Patient resources as a "
                           "Bundle or as NDJSON.")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise MpiFileError("The Bundle's entry element is not a list.")
    for number, entry in enumerate(entries, 1):
        result.load(f"entry {number}", _from_entry, entry, source)
    return result


def _from_line(line: str, source: str) -> list[Event]:
    try:
        resource = json.loads(line)
    except ValueError:
        raise BadRecord("line is not valid JSON") from None
    return _from_resource(resource, source)


def _from_entry(entry: Any, source: str) -> list[Event]:
    if not isinstance(entry, dict):
        raise BadRecord("entry is not a JSON object")
    if entry.get("resource") is None:
        raise Skip("entries without a resource")
    return _from_resource(entry["resource"], source)


def _from_resource(resource: Any, source: str) -> list[Event]:
    if not isinstance(resource, dict):
        raise BadRecord("not a JSON object")
    kind = resource.get("resourceType")
    if not isinstance(kind, str) or not _RESOURCE_TYPE.fullmatch(kind):
        raise BadRecord("no valid resourceType")
    if kind != "Patient":
        raise Skip(f"{kind} resources (not Patient)")
    try:
        found = Patient.model_validate(resource)
    except ValidationError as err:
        raise BadRecord(_validation_reason(err)) from None
    identifiers = [i for i in map(_identifier, found.identifier or []) if i is not None]
    link = next((link for link in found.link or [] if link.type == "replaced-by"), None)
    if link is not None:
        if not identifiers:
            raise BadRecord("no identifier with a system and a value (identifier)")
        survivor = _identifier(link.other.identifier) if link.other.identifier else None
        if survivor is None:
            raise BadRecord("replaced-by link names no identifier of the surviving patient "
                            "(link.other.identifier)")
        return [Merge(survivor=survivor, merged=primary(identifiers))]
    names = found.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    given = list(name.given or []) if name else []
    phone = next((t.value for t in found.telecom or [] if t.system == "phone" and t.value), None)
    address = (found.address or [None])[0]
    record = patient(
        identifiers, source, id_field="identifier", name_field="name",
        given=given[0] if given else None, middle=" ".join(given[1:]),
        family=name.family if name else None,
        birth_date=_birth_date(found.birthDate), sex=sex_code(found.gender, "gender", GENDERS),
        phone=phone, address=", ".join(address.line or []) if address else None,
        city=address.city if address else None, state=address.state if address else None,
        postcode=address.postalCode if address else None,
    )
    return [Upsert(record)]


def _identifier(found: Any):
    coding = (found.type.coding or []) if found.type else []
    return identifier(found.system, found.value, type=coding[0].code if coding else None,
                      assigner=found.assigner.display if found.assigner else None)


def _birth_date(value: Any) -> str | None:
    # The model turns a full date into a date and leaves a partial one ("1980") a string.
    text = value.isoformat() if hasattr(value, "isoformat") else value
    return iso_date(text, _FHIR_DATE, "birthDate")


def _validation_reason(err: ValidationError) -> str:
    errors = err.errors()
    first = errors[0]
    path = "Patient"
    for part in first["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _ELEMENT.fullmatch(part):
            path += f".{part}"
    problem = {"missing": "is missing", "extra_forbidden": "is not a Patient element"}.get(
        first["type"], "is not valid")
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{path} {problem}{more}"
