"""The CapabilityStatement served at /fhir/metadata: what this server reads and searches."""
from __future__ import annotations

from api.fhir import FHIR_JSON, codes
from api.fhir.resources import instant
from clinidex.manifest import utcnow

COMBINATION = "http://hl7.org/fhir/StructureDefinition/capabilitystatement-search-parameter-combination"
EXPECTATION = "http://hl7.org/fhir/StructureDefinition/capabilitystatement-expectation"
SP = "http://hl7.org/fhir/SearchParameter"
US_CORE_SP = "http://hl7.org/fhir/us/core/SearchParameter"
MHD_SP = "https://profiles.ihe.net/ITI/MHD/SearchParameter"

# (name, type, definition, documentation)
DOCUMENT_REFERENCE_PARAMS = (
    ("_id", "token", f"{US_CORE_SP}/us-core-documentreference-id", "The document id."),
    ("identifier", "token", f"{SP}/DocumentReference-identifier",
     "The document's uniqueId / entryUUID (urn:uuid:…, system urn:ietf:rfc:3986)."),
    ("patient", "reference", f"{US_CORE_SP}/us-core-documentreference-patient",
     "Patient/{id} or a bare id; documents of patients merged into it are included."),
    ("patient.identifier", "token", f"{SP}/DocumentReference-patient",
     "system|value of one of the patient's identifiers in the master patient index."),
    ("category", "token", f"{US_CORE_SP}/us-core-documentreference-category",
     f"{codes.US_CORE_CATEGORY}|clinical-note, or {codes.CLINIDEX_CATEGORY}|clinical-document, "
     "administrative, unclassified."),
    ("type", "token", f"{US_CORE_SP}/us-core-documentreference-type", "LOINC document code (http://loinc.org|…)."),
    ("status", "token", f"{US_CORE_SP}/us-core-documentreference-status",
     "Every document served is current; other statuses match nothing."),
    ("date", "date", f"{US_CORE_SP}/us-core-documentreference-date",
     "DocumentReference.date (the day the document was received); prefixes eq, gt, ge, lt, le, sa, eb; by day."),
    ("period", "date", f"{US_CORE_SP}/us-core-documentreference-period",
     "context.period: the clinical date (document date, else service date, else the day received); by day."),
    ("format", "token", f"{SP}/DocumentReference-format", "Every document is urn:ihe:iti:xds:2017:mimeTypeSufficient."),
    ("_content", "string", f"{SP}/Resource-content",
     "Words in the document's OCR text (all must match); OCR-damaged spellings are tried when nothing "
     "matches exactly, with an OperationOutcome entry saying so."),
)

# The searches US Core requires of a DocumentReference server (SHALL, then SHOULD).
COMBINATIONS = (
    (("patient",), "SHALL"),
    (("patient", "category"), "SHALL"),
    (("patient", "category", "date"), "SHALL"),
    (("patient", "type"), "SHALL"),
    (("patient", "status"), "SHOULD"),
    (("patient", "type", "period"), "SHOULD"),
    (("patient", "category", "period"), "SHOULD"),
)


def capability_statement(base: str, software_version: str) -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(utcnow()),
        "publisher": "Clinidex",
        "kind": "instance",
        "instantiates": [codes.US_CORE_SERVER, codes.MHD_DOCUMENT_RESPONDER],
        "software": {"name": "Clinidex", "version": software_version},
        "implementation": {"description": "Clinidex FHIR facade: faxed and scanned documents, OCR'd and "
                                          "filed under patients", "url": base},
        "fhirVersion": codes.FHIR_VERSION,
        "format": ["json", FHIR_JSON],
        "rest": [{
            "mode": "server",
            "documentation": "Errors are OperationOutcome resources. Unknown search parameters are ignored "
                             "(and left out of the self link) unless the request says Prefer: handling=strict.",
            "resource": [_document_reference(), _binary(), _patient()],
        }],
    }


def _document_reference() -> dict:
    return {
        "type": "DocumentReference",
        "supportedProfile": [codes.US_CORE_DOCUMENT_REFERENCE, codes.MHD_MINIMAL_DOCUMENT_REFERENCE],
        "documentation": "Documents filed under a patient conform to US Core DocumentReference; every document "
                         "to IHE MHD Minimal metadata. Searches by POST to DocumentReference/_search "
                         "(form-encoded) answer as GET does (ITI-67).",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "extension": [_combination(names, expectation) for names, expectation in COMBINATIONS],
        "searchParam": [{"name": name, "definition": definition, "type": kind, "documentation": doc}
                        for name, kind, definition, doc in DOCUMENT_REFERENCE_PARAMS],
    }


def _binary() -> dict:
    return {"type": "Binary", "interaction": [{"code": "read"}],
            "documentation": "The document's original (ITI-68 Retrieve Document): its own bytes and media type, "
                             "or a Binary resource when application/fhir+json is asked for. A document split "
                             "from a batch fax is retrieved as its own pages."}


def _patient() -> dict:
    return {"type": "Patient", "supportedProfile": [codes.US_CORE_PATIENT], "interaction": [{"code": "read"}],
            "documentation": "Master patient index entries, so a client can follow DocumentReference.subject. "
                             "A merged patient reads as inactive with a replaced-by link to its survivor."}


def _combination(names: tuple[str, ...], expectation: str) -> dict:
    return {"url": COMBINATION, "extension": [
        {"url": EXPECTATION, "valueCode": expectation},
        *({"url": "required", "valueString": name} for name in names),
    ]}
