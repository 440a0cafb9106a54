"""Code systems, profiles and the coded values the facade emits.

Judgement calls are written down here, next to the codes they decide.
"""
from __future__ import annotations

from functools import lru_cache

from clinidex.doctypes import LOINC_SYSTEM, DocType, types_by_key

FHIR_VERSION = "4.0.1"


@lru_cache(maxsize=1)
def doc_types() -> dict[str, DocType]:
    """The document types, read once per process (doctypes.json changes with a deployment)."""
    return types_by_key()


# --- profiles ----------------------------------------------------------------------------------
US_CORE_DOCUMENT_REFERENCE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"
US_CORE_PATIENT = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
# MHD's Minimal metadata, not Comprehensive: Comprehensive requires a SHA-1 hash, size and
# creation of every attachment, facilityType, practiceSetting and sourcePatientInfo, which a
# faxed page does not carry (and we keep SHA-256 of the original only).
MHD_MINIMAL_DOCUMENT_REFERENCE = (
    "https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Minimal.DocumentReference")
MHD_FIND_RESPONSE = "https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.FindDocumentReferencesResponseMessage"
US_CORE_SERVER = "http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server"
MHD_DOCUMENT_RESPONDER = "https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentResponder"

# --- systems -----------------------------------------------------------------------------------
URI_SYSTEM = "urn:ietf:rfc:3986"
NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
IHE_FORMAT = "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
ISSUE_TYPE = "http://hl7.org/fhir/issue-type"
# Categories for documents that are not US Core clinical notes. No published code system says
# "insurance letter" or "unclassified scan" at this level, so they are Clinidex's own codes; the
# system is a URN because Clinidex publishes no CodeSystem resource at a URL.
CLINIDEX_CATEGORY = "urn:clinidex:fhir:document-category"

# MHD: the MIME type is all a consumer needs to open a scanned original.
FORMAT_CODING = {"system": IHE_FORMAT, "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
                 "display": "mimeType Sufficient"}

# --- type --------------------------------------------------------------------------------------
# A document whose type has no LOINC code (`other`, a lone cover sheet) or that is not typed yet
# (the classifier was unsure; it waits for records staff) gets NullFlavor UNK: the US Core
# DocumentReference Type value set is "LOINC codes of scale Doc, plus UNK", so UNK is the
# conformant way to say "type unknown". A generic LOINC code (47045-0 Study report, 34109-9
# Note) would claim a kind of document we do not know it is.
UNKNOWN_TYPE_CODING = {"system": NULL_FLAVOR, "code": "UNK", "display": "unknown"}


def type_concept(doc_type: DocType | None) -> dict:
    if doc_type is not None and doc_type.loinc_code:
        return {"coding": [{"system": LOINC_SYSTEM, "code": doc_type.loinc_code,
                            "display": doc_type.loinc_display}], "text": doc_type.label}
    return {"coding": [dict(UNKNOWN_TYPE_CODING)], "text": doc_type.label if doc_type else "Not yet classified"}


# --- category ----------------------------------------------------------------------------------
# The clinical note types US Core names (us-core-clinical-note-type, and the Clinical Notes
# guidance: the eight of STU3-5, plus surgical operation, emergency department and referral
# notes); doctypes.json lists the sources. A site type with one of these codes is a clinical
# note too.
CLINICAL_NOTE_LOINC = frozenset({
    "11488-4",  # consult note
    "18842-5",  # discharge summary
    "34117-2",  # history and physical
    "28570-0",  # procedure note
    "11506-3",  # progress note
    "18748-4",  # diagnostic imaging (imaging narrative)
    "11502-2",  # laboratory report (lab narrative)
    "11526-1",  # pathology
    "11504-8",  # surgical operation note
    "34111-5",  # emergency department note
    "57133-1",  # referral note
})
# Record documents that are about the patient's care arrangements rather than their care.
ADMINISTRATIVE_TYPES = frozenset({"consent_form", "insurance_correspondence"})

CLINICAL_NOTE = "clinical-note"
CLINIDEX_CATEGORIES = {
    "clinical-document": "Clinical document (not a clinical note)",
    "administrative": "Administrative document",
    "unclassified": "Unclassified document",
}


def category_of(doc_type: DocType | None) -> tuple[str, str]:
    """(system, code) of the one category a document of this type is in."""
    if doc_type is None or not doc_type.clinical:
        return CLINIDEX_CATEGORY, "unclassified"
    if doc_type.loinc_code in CLINICAL_NOTE_LOINC:
        return US_CORE_CATEGORY, CLINICAL_NOTE
    if doc_type.key in ADMINISTRATIVE_TYPES:
        return CLINIDEX_CATEGORY, "administrative"
    if doc_type.loinc_code:
        return CLINIDEX_CATEGORY, "clinical-document"
    return CLINIDEX_CATEGORY, "unclassified"


def category_concept(doc_type: DocType | None) -> dict:
    system, code = category_of(doc_type)
    display = "Clinical Note" if code == CLINICAL_NOTE else CLINIDEX_CATEGORIES[code]
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def security_label(doc_type: DocType | None) -> dict:
    """MHD's confidentialityCode: restricted for the types doctypes.json marks sensitive."""
    if doc_type is not None and doc_type.sensitive:
        return {"coding": [{"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}]}
    return {"coding": [{"system": CONFIDENTIALITY, "code": "N", "display": "normal"}]}
