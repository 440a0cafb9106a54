"""Write PatientRecords as the MPI files ingest/mpi_*.py read: for tests, benchmarks and demo
data. Each writer's output parses back to the same records, within what the format carries:
CSV gives the primary identifier type MR and keeps only system and value of the others, and no
writer carries `merged_into` (merges are their own messages: `hl7_merge`).
"""
from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import datetime, timezone
from typing import Iterable

from clinidex.patient import Identifier, PatientRecord

CSV_COLUMNS = ("given", "middle", "family", "birth_date", "sex", "phone", "address", "city",
               "state", "postcode")
HL7_SEX = {"female": "F", "male": "M", "other": "O", "unknown": "U"}
# The message structure HL7 2.3.1 and later name in MSH-9.3, by trigger event.
HL7_STRUCTURE = {"A01": "ADT_A01", "A04": "ADT_A01", "A08": "ADT_A01", "A28": "ADT_A05",
                 "A31": "ADT_A05", "A40": "ADT_A39"}
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"


def to_csv(records: Iterable[PatientRecord]) -> bytes:
    records = list(records)
    issuers = list(dict.fromkeys(i.system for r in records for i in r.identifiers[1:]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["mrn", "mrn_issuer", "mrn_issuer_name", *(f"id:{s}" for s in issuers), *CSV_COLUMNS])
    for r in records:
        mrn, *others = r.identifiers
        by_issuer = {i.system: i.value for i in others}
        if len(by_issuer) < len(others):
            raise ValueError("CSV holds one identifier per issuer besides the MRN")
        writer.writerow([mrn.value, mrn.system, mrn.assigner or "",
                         *(by_issuer.get(s, "") for s in issuers),
                         *(getattr(r, c) or "" for c in CSV_COLUMNS)])
    return out.getvalue().encode("utf-8")


def fhir_patient(record: PatientRecord) -> dict:
    resource: dict = {"resourceType": "Patient", "id": record.patient_id,
                      "identifier": [_fhir_identifier(i) for i in record.identifiers]}
    given = [g for g in (record.given, record.middle) if g] if record.given else []
    if given or record.family:
        resource["name"] = [{"use": "official", **({"family": record.family} if record.family else {}),
                             **({"given": given} if given else {})}]
    if record.phone:
        resource["telecom"] = [{"system": "phone", "value": record.phone}]
    if record.sex:
        resource["gender"] = record.sex
    if record.birth_date:
        resource["birthDate"] = record.birth_date
    address = {"line": [record.address] if record.address else None, "city": record.city,
               "state": record.state, "postalCode": record.postcode}
    if any(address.values()):
        resource["address"] = [{k: v for k, v in address.items() if v}]
    return resource


def _fhir_identifier(i: Identifier) -> dict:
    found: dict = {"system": i.system, "value": i.value}
    if i.type:
        found["type"] = {"coding": [{"system": V2_0203, "code": i.type}]}
    if i.assigner:
        found["assigner"] = {"display": i.assigner}
    return found


def to_fhir_ndjson(records: Iterable[PatientRecord]) -> bytes:
    return "".join(json.dumps(fhir_patient(r), separators=(",", ":")) + "\n" for r in records).encode()


def to_fhir_bundle(records: Iterable[PatientRecord]) -> bytes:
    entries = [{"fullUrl": f"urn:uuid:{uuid.UUID(r.patient_id)}", "resource": fhir_patient(r)}
               for r in records]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}, indent=2).encode()


def to_hl7_adt(records: Iterable[PatientRecord], event: str = "A04", *, version: str = "2.5.1") -> bytes:
    """One ADT message per record, segments ended by \\r, control ids `<event>-<n>`."""
    messages = []
    for n, r in enumerate(records, 1):
        name = "^".join([_esc(r.family), _esc(r.given), _esc(r.middle), "", "", "", "L"])
        address = "^".join([_esc(r.address), "", _esc(r.city), _esc(r.state), _esc(r.postcode)])
        pid = ["PID", "1", "", _cx_list(r.identifiers), "", name, "",
               (r.birth_date or "").replace("-", ""), HL7_SEX.get(r.sex or "", ""), "", "",
               address.rstrip("^"), "", _esc(r.phone)]
        messages.append(_message(event, f"{event}-{n}", version, ["|".join(pid).rstrip("|")]))
    return "".join(messages).encode()


def hl7_merge(survivor: Identifier, merged: Identifier, *, control_id: str = "A40-1",
              version: str = "2.5.1") -> bytes:
    """An ADT^A40: the patient known by `merged` is merged into the one known by `survivor`."""
    return _message("A40", control_id, version,
                    [f"PID|1||{_cx_list([survivor])}", f"MRG|{_cx_list([merged])}"]).encode()


def _message(event: str, control_id: str, version: str, segments: list[str]) -> str:
    now = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    kind = f"ADT^{event}" + (f"^{HL7_STRUCTURE[event]}" if version != "2.3" and event in HL7_STRUCTURE else "")
    msh = f"MSH|^~\\&|CLINIDEX|CLINIDEX|MPI|MPI|{now}||{kind}|{control_id}|P|{version}"
    return "".join(f"{s}\r" for s in (msh, f"EVN|{event}|{now}", *segments))


def _cx_list(identifiers: Iterable[Identifier]) -> str:
    def authority(i: Identifier) -> str:
        if not i.assigner or i.assigner == i.system:
            return _esc(i.system)
        kind = "ISO" if re.fullmatch(r"[0-9.]+", i.system) else "URI" if ":" in i.system else "L"
        return f"{_esc(i.assigner)}&{_esc(i.system)}&{kind}"

    return "~".join(f"{_esc(i.value)}^^^{authority(i)}^{_esc(i.type)}".rstrip("^") for i in identifiers)


def _esc(text: str | None) -> str:
    text = (text or "").replace("\\", "\\E\\")
    for char, code in (("|", "F"), ("^", "S"), ("&", "T"), ("~", "R")):
        text = text.replace(char, f"\\{code}\\")
    return text
