"""Manifests and MPI records as FHIR R4 resources (plain dicts, JSON-ready).

A document is a DocumentReference conforming to IHE MHD Minimal metadata and, when it is filed
under a patient, to US Core DocumentReference too (US Core requires `subject`; a document that is
not linked - waiting for review, or matching nobody - is still served by read and `_id`, for the
records office's own systems, but claims MHD Minimal only and no patient search finds it).
"""
from __future__ import annotations

import base64
import re
import uuid
from datetime import date, datetime, timezone
from urllib.parse import quote

from api.fhir import codes
from clinidex.doctypes import DocType
from clinidex.fields import norm_digits, norm_text, valid_npi
from clinidex.manifest import FieldValue, Manifest, utcnow
from clinidex.mpi_files import fhir_patient
from clinidex.patient import PatientRecord


def doc_type_of(manifest: Manifest) -> DocType | None:
    key = manifest.doc_type.key if manifest.doc_type else None
    return codes.doc_types().get(key) if key else None


def instant(moment: datetime) -> str:
    """A FHIR instant: UTC, milliseconds, `Z`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def document_urn(doc_id: str) -> str:
    """The document's MHD uniqueId and entryUUID. Document ids are UUIDs (clinidex.manifest); a
    document is never replaced by a new version under the same id, so one value serves both."""
    return f"urn:uuid:{uuid.UUID(hex=doc_id)}"


def doc_id_from_urn(value: str) -> str | None:
    if not value.lower().startswith("urn:uuid:"):
        return None
    try:
        return uuid.UUID(value[len("urn:uuid:"):]).hex
    except ValueError:
        return None


def is_document(manifest: Manifest) -> bool:
    """What the facade serves: indexed documents, never a batch fax (its pieces are the documents)."""
    return manifest.state.value == "indexed" and not manifest.children


def linked_patient(manifest: Manifest) -> str | None:
    match = manifest.match
    return match.patient_id if match is not None and match.outcome == "linked" and match.patient_id else None


def document_reference(manifest: Manifest, base: str) -> dict:
    """`base`: the absolute FHIR base URL (…/fhir), for the attachment's ITI-68 URL."""
    doc_type = doc_type_of(manifest)
    patient_id = linked_patient(manifest)
    urn = document_urn(manifest.doc_id)
    profiles = [codes.MHD_MINIMAL_DOCUMENT_REFERENCE]
    if patient_id:
        profiles.insert(0, codes.US_CORE_DOCUMENT_REFERENCE)
    contained, author, custodian = _parties(manifest)
    resource: dict = {
        "resourceType": "DocumentReference",
        "id": manifest.doc_id,
        "meta": {"lastUpdated": instant(manifest.updated_at), "profile": profiles},
    }
    if contained:
        resource["contained"] = contained
    resource |= {
        "masterIdentifier": {"system": codes.URI_SYSTEM, "value": urn},
        "identifier": [{"use": "official", "system": codes.URI_SYSTEM, "value": urn}],
        # Entered-in-error is not produced yet: a document withdrawn by records staff will be.
        "status": "current",
        "docStatus": "final",
        "type": codes.type_concept(doc_type),
        "category": [codes.category_concept(doc_type)],
    }
    if patient_id:
        resource["subject"] = {"reference": f"Patient/{patient_id}"}
    # When the document reached us: the only date every faxed document has.
    resource["date"] = instant(manifest.received_at)
    if author:
        resource["author"] = author
    if custodian:
        resource["custodian"] = custodian
    resource["securityLabel"] = [codes.security_label(doc_type)]
    resource["content"] = [{"attachment": _attachment(manifest, doc_type, base), "format": dict(codes.FORMAT_CODING)}]
    clinical = _clinical_date(manifest)
    if clinical:
        # The clinical date the search service filters `period` on (document date, else service
        # date); a document with neither has no period here, though the index falls back to the
        # day it was received.
        resource["context"] = {"period": {"start": clinical, "end": clinical}}
    return resource


def _attachment(manifest: Manifest, doc_type: DocType | None, base: str) -> dict:
    attachment: dict = {"contentType": manifest.media_type, "url": f"{base}/Binary/{manifest.doc_id}"}
    if manifest.parent_id is None:
        # A piece of a batch fax is retrieved as its own pages (ingest/excerpt.py): its size
        # is known only once they are cut out, so it is left out rather than given wrong.
        attachment["size"] = manifest.size
    label = doc_type.label if doc_type else "Document"
    created = _field_date(manifest, "document_date")
    attachment["title"] = f"{label}, {created}" if created else label
    if created:
        attachment["creation"] = created
    return attachment


def _applied(values: dict[str, FieldValue], name: str) -> FieldValue | None:
    found = values.get(name)
    return found if found is not None and found.applied and found.value else None


def _field_date(manifest: Manifest, name: str) -> str | None:
    found = _applied(manifest.fields, name)
    if found is None:
        return None
    try:
        return date.fromisoformat(found.value).isoformat()
    except ValueError:
        return None


def _clinical_date(manifest: Manifest) -> str | None:
    return _field_date(manifest, "document_date") or _field_date(manifest, "service_date")


def _written(manifest: Manifest, found: FieldValue) -> str:
    """The value as it was written on the page ("St. Brendan's Hospital"), when the recorded span
    still reads as the normalised value; otherwise the normal form ("st brendan s hospital")."""
    if found.page and found.start is not None and found.end is not None and 0 < found.page <= len(manifest.pages):
        span = " ".join(manifest.pages[found.page - 1].text[found.start:found.end].split())
        words = set(norm_text(span).split())
        if span and len(span) <= 200 and set(found.value.split()) <= words:
            return span
    return found.value


def _parties(manifest: Manifest) -> tuple[list[dict], list[dict], dict | None]:
    """Contained Practitioner / Organization resources (we serve no Organization endpoint) for
    the author and custodian, all read from the document. Author: the provider and the facility
    named on the document, else the fax's sender. Custodian: whoever sent the document (the fax
    cover's sender), else that facility. One organization when the two name the same place."""
    contained: list[dict] = []
    author: list[dict] = []
    facility = _applied(manifest.fields, "facility")
    sender = _applied(manifest.fax_fields, "sender")
    provider = _applied(manifest.fields, "provider")
    if provider is not None:
        practitioner: dict = {"resourceType": "Practitioner", "id": "author-practitioner",
                              "name": [{"text": _written(manifest, provider)}]}
        npi = _applied(manifest.fields, "npi")
        if npi is not None and valid_npi(npi.value):
            practitioner["identifier"] = [{"system": codes.NPI_SYSTEM, "value": npi.value}]
        contained.append(practitioner)
        author.append({"reference": "#author-practitioner"})
    source = facility or sender
    if source is None:
        return contained, author, None
    organization: dict = {"resourceType": "Organization", "id": "author-organization",
                          "name": _written(manifest, source)}
    fax = _applied(manifest.fields, "fax")
    if facility is not None and fax is not None and len(norm_digits(fax.value)) == 10:
        organization["telecom"] = [{"system": "fax", "value": norm_digits(fax.value)}]
    contained.append(organization)
    author.append({"reference": "#author-organization"})
    custodian = {"reference": "#author-organization"}
    if facility is not None and sender is not None and norm_text(sender.value) != norm_text(facility.value):
        contained.append({"resourceType": "Organization", "id": "custodian-organization",
                          "name": _written(manifest, sender)})
        custodian = {"reference": "#custodian-organization"}
    return contained, author, custodian


def binary(manifest: Manifest, data: bytes) -> dict:
    return {"resourceType": "Binary", "id": manifest.doc_id, "contentType": manifest.media_type,
            "data": base64.b64encode(data).decode("ascii")}


def patient(record: PatientRecord, replaces: list[str] | None = None) -> dict:
    """An MPI entry. A merged patient stays readable (inactive, pointing at its survivor), so a
    client holding an old reference finds where the documents went."""
    resource = fhir_patient(record)
    resource["identifier"] = [_identifier(i) for i in resource.get("identifier", [])]
    resource["active"] = record.merged_into is None
    if record.merged_into:
        resource["link"] = [{"other": {"reference": f"Patient/{record.merged_into}"}, "type": "replaced-by"}]
    elif replaces:
        resource["link"] = [{"other": {"reference": f"Patient/{pid}"}, "type": "replaces"} for pid in replaces]
    meta: dict = {"lastUpdated": instant(record.updated_at)}
    if resource.get("identifier") and resource.get("name") and record.sex:
        meta["profile"] = [codes.US_CORE_PATIENT]
    return {"resourceType": "Patient", "id": record.patient_id, "meta": meta,
            **{k: v for k, v in resource.items() if k not in ("resourceType", "id")}}


_URI = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _identifier(found: dict) -> dict:
    # An HL7 v2 assigning authority ("STB") is not a URI; FHIR's system must be one.
    system = found.get("system")
    if system and not _URI.match(system):
        found = {**found, "system": f"urn:clinidex:assigning-authority:{quote(system, safe='')}"}
    return found


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> dict:
    """`code` from http://hl7.org/fhir/issue-type (invalid, not-found, not-supported, ...).
    Diagnostics never echo a request's values: they may be a patient's name or MRN."""
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}]}


def searchset(resources: list[dict], total: int, base: str, self_url: str, next_url: str | None,
              outcome: dict | None = None) -> dict:
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    entries = [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
               for r in resources]
    if outcome is not None:
        entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": outcome, "search": {"mode": "outcome"}})
    bundle: dict = {"resourceType": "Bundle", "id": uuid.uuid4().hex,
                    "meta": {"lastUpdated": instant(utcnow())},
                    "type": "searchset", "timestamp": instant(utcnow()), "total": total, "link": links}
    if all(r["resourceType"] == "DocumentReference" for r in resources):
        bundle["meta"]["profile"] = [codes.MHD_FIND_RESPONSE]
    if entries:
        bundle["entry"] = entries
    return bundle
