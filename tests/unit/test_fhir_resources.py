"""The FHIR resources the facade builds from manifests and MPI records: valid FHIR R4
(fhir.resources) and conformant to the profiles they claim (api/fhir/conformance.py)."""
from __future__ import annotations

import base64
import io
from datetime import datetime, timezone

import pytest
from PIL import Image

from api.fhir import capability, codes, conformance, resources
from ingest.excerpt import NoExcerpt, page_excerpt
from clinidex import synthetic
from clinidex.doctypes import load_types
from clinidex.manifest import FieldValue, Manifest, PageSummary, PatientMatch, State, TypeResult
from clinidex.patient import Identifier, PatientRecord
from ingest import pdf

BASE = "https://records.example.test/fhir"
DOC_ID = "5f0c2a8e9b1d4c7aa3e6b2d94f1c8e07"
PAGE = ("FAX FROM Cedar Hollow Medical Center\n"
        "CONSULTATION\nDr. Anya K. Petrov, MD  NPI 1234567893\n"
        "Seen 03/02/2024 for chest pain.")


def value(text: str, *, applied: bool = True, span: tuple[int, int] | None = None) -> FieldValue:
    start, end = span or (None, None)
    return FieldValue(value=text, confidence=0.95, tier="automate" if applied else "escalate", applied=applied,
                      page=1 if span else None, start=start, end=end)


def span_of(words: str) -> tuple[int, int]:
    at = PAGE.index(words)
    return at, at + len(words)


def manifest(type_key: str | None = "consult_note", *, outcome: str | None = "linked", **changes) -> Manifest:
    fields = {
        "facility": value("cedar hollow medical center", span=span_of("Cedar Hollow Medical Center")),
        "provider": value("anya petrov", span=span_of("Dr. Anya K. Petrov, MD")),
        "npi": value("1234567893"),
        "document_date": value("2024-03-02"),
        "service_date": value("2024-03-01"),
    }
    base = dict(
        doc_id=DOC_ID, sha256="ab" * 32, media_type="image/tiff", size=48_213, state=State.indexed,
        received_at=datetime(2024, 3, 4, 15, 30, 12, tzinfo=timezone.utc),
        updated_at=datetime(2024, 3, 4, 15, 31, 0, tzinfo=timezone.utc),
        page_count=1, pages=[PageSummary(number=1, text=PAGE)],
        doc_type=TypeResult(key=type_key, confidence=0.97, tier="automate") if type_key or type_key is None else None,
        fields=fields,
        match=(PatientMatch(outcome=outcome, patient_id="a1b2c3" if outcome == "linked" else None)
               if outcome else None),
    )
    base.update(changes)
    return Manifest(**base)


def valid(resource: dict) -> dict:
    assert conformance.problems(resource) == []
    return resource


def contained(resource: dict, ref: dict) -> dict:
    return next(c for c in resource["contained"] if f"#{c['id']}" == ref["reference"])


def test_a_linked_clinical_note_is_us_core_and_mhd():
    doc = valid(resources.document_reference(manifest(), BASE))
    assert doc["meta"]["profile"] == [codes.US_CORE_DOCUMENT_REFERENCE, codes.MHD_MINIMAL_DOCUMENT_REFERENCE]
    assert doc["id"] == DOC_ID and doc["status"] == "current" and doc["docStatus"] == "final"
    assert doc["masterIdentifier"] == {"system": "urn:ietf:rfc:3986",
                                       "value": "urn:uuid:5f0c2a8e-9b1d-4c7a-a3e6-b2d94f1c8e07"}
    assert doc["type"]["coding"] == [{"system": "http://loinc.org", "code": "11488-4", "display": "Consult note"}]
    assert doc["category"][0]["coding"][0]["system"] == codes.US_CORE_CATEGORY
    assert doc["category"][0]["coding"][0]["code"] == "clinical-note"
    assert doc["subject"] == {"reference": "Patient/a1b2c3"}
    assert doc["date"] == "2024-03-04T15:30:12.000Z"
    attachment = doc["content"][0]["attachment"]
    assert attachment["url"] == f"{BASE}/Binary/{DOC_ID}"
    assert (attachment["contentType"], attachment["size"]) == ("image/tiff", 48_213)
    assert attachment["creation"] == "2024-03-02"
    assert doc["content"][0]["format"]["code"] == "urn:ihe:iti:xds:2017:mimeTypeSufficient"
    # The clinical date the index filters `period` on: the document's date before the service date.
    assert doc["context"]["period"] == {"start": "2024-03-02", "end": "2024-03-02"}


def test_author_and_custodian_are_contained_and_read_as_written():
    doc = valid(resources.document_reference(manifest(), BASE))
    practitioner, organization = (contained(doc, ref) for ref in doc["author"])
    assert practitioner["resourceType"] == "Practitioner"
    assert practitioner["name"] == [{"text": "Dr. Anya K. Petrov, MD"}]
    assert practitioner["identifier"] == [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]
    assert organization == {"resourceType": "Organization", "id": organization["id"],
                            "name": "Cedar Hollow Medical Center"}
    assert contained(doc, doc["custodian"]) is organization


def test_a_fax_sender_other_than_the_facility_is_the_custodian():
    m = manifest(fax_fields={"sender": value("larkfield orthopedic spine associates")})
    doc = valid(resources.document_reference(m, BASE))
    assert [contained(doc, ref)["name"] for ref in doc["author"]] == [[{"text": "Dr. Anya K. Petrov, MD"}],
                                                                       "Cedar Hollow Medical Center"]
    # No span on this page reads as the sender: its normal form is what we have.
    assert contained(doc, doc["custodian"])["name"] == "larkfield orthopedic spine associates"


def test_only_a_sender_makes_author_and_custodian_that_organization():
    m = manifest(fields={}, fax_fields={"sender": value("cedar hollow medical center")})
    doc = valid(resources.document_reference(m, BASE))
    assert len(doc["contained"]) == 1 and doc["author"] == [doc["custodian"]]


def test_values_not_applied_and_bad_npis_are_left_out():
    m = manifest()
    m.fields["facility"] = value("cedar hollow medical center", applied=False)
    m.fields["npi"] = value("1234567890")  # fails the Luhn check
    doc = valid(resources.document_reference(m, BASE))
    assert [contained(doc, ref)["resourceType"] for ref in doc["author"]] == ["Practitioner"]
    assert "identifier" not in doc["contained"][0]
    assert "custodian" not in doc


def test_a_span_that_no_longer_reads_as_the_value_falls_back_to_the_normal_form():
    m = manifest()
    m.fields["provider"] = value("maria lopez", span=span_of("Dr. Anya K. Petrov, MD"))
    doc = valid(resources.document_reference(m, BASE))
    assert contained(doc, doc["author"][0])["name"] == [{"text": "maria lopez"}]


@pytest.mark.parametrize("outcome", ["review", "unmatched", None])
def test_a_document_not_filed_under_a_patient_has_no_subject_and_claims_mhd_only(outcome):
    doc = valid(resources.document_reference(manifest(outcome=outcome), BASE))
    assert "subject" not in doc
    assert doc["meta"]["profile"] == [codes.MHD_MINIMAL_DOCUMENT_REFERENCE]


# Written out here rather than derived from api/fhir/codes.py, so the mapping is checked.
EXPECTED = {
    "referral_note": ("57133-1", "clinical-note"), "consult_note": ("11488-4", "clinical-note"),
    "history_and_physical": ("34117-2", "clinical-note"), "progress_note": ("11506-3", "clinical-note"),
    "discharge_summary": ("18842-5", "clinical-note"), "operative_note": ("11504-8", "clinical-note"),
    "procedure_note": ("28570-0", "clinical-note"), "emergency_department_note": ("34111-5", "clinical-note"),
    "imaging_report": ("18748-4", "clinical-note"), "laboratory_report": ("11502-2", "clinical-note"),
    "pathology_report": ("11526-1", "clinical-note"), "medication_list": ("56445-0", "clinical-document"),
    "consent_form": ("59284-0", "administrative"), "insurance_correspondence": ("64291-8", "administrative"),
    "fax_cover_sheet": (None, "unclassified"), "other": (None, "unclassified"),
}


@pytest.mark.parametrize("key", [t.key for t in load_types()])
def test_every_type_has_its_loinc_code_and_category(key):
    loinc, category = EXPECTED[key]
    doc = valid(resources.document_reference(manifest(key), BASE))
    coding = doc["type"]["coding"][0]
    if loinc:
        assert (coding["system"], coding["code"]) == ("http://loinc.org", loinc)
    else:
        assert (coding["system"], coding["code"]) == (codes.NULL_FLAVOR, "UNK")
    system = codes.US_CORE_CATEGORY if category == "clinical-note" else codes.CLINIDEX_CATEGORY
    assert (doc["category"][0]["coding"][0]["system"], doc["category"][0]["coding"][0]["code"]) == (system, category)


def test_a_document_not_typed_yet_is_type_unknown():
    doc = valid(resources.document_reference(manifest(None), BASE))
    assert doc["type"]["coding"][0]["code"] == "UNK" and doc["type"]["text"] == "Not yet classified"
    assert doc["category"][0]["coding"][0]["code"] == "unclassified"


def test_a_batch_fax_piece_has_no_size_until_its_pages_are_cut_out():
    m = manifest(parent_id="f" * 32, page_range=(3, 4))
    doc = valid(resources.document_reference(m, BASE))
    assert "size" not in doc["content"][0]["attachment"]
    assert resources.is_document(m)
    assert not resources.is_document(manifest(children=["c" * 32]))
    assert not resources.is_document(manifest(state=State.matched))


def test_without_dates_there_is_no_period_or_creation():
    m = manifest(fields={})
    doc = valid(resources.document_reference(m, BASE))
    assert "context" not in doc and "creation" not in doc["content"][0]["attachment"]


def test_binary_carries_the_bytes():
    data = bytes(range(256)) * 3
    found = valid(resources.binary(manifest(), data))
    assert base64.b64decode(found["data"]) == data and found["contentType"] == "image/tiff"


def patient_record(**changes) -> PatientRecord:
    base = dict(given="Anya", family="Petrov", birth_date="1961-07-14", sex="female", phone="6145550182",
                identifiers=[Identifier(system="urn:oid:2.16.840.1.113883.3.7751.1", value="E1234567", type="MR",
                                        assigner="St. Brendan's Hospital"),
                             Identifier(system="CEDAR", value="88812", type="MR")])
    base.update(changes)
    identifiers = base.pop("identifiers")
    return PatientRecord.create(identifiers[0], identifiers=identifiers[1:], **base)


def test_a_patient_is_us_core_when_it_has_name_identifier_and_gender():
    record = patient_record()
    found = valid(resources.patient(record, replaces=["0" * 32]))
    assert found["id"] == record.patient_id and found["active"] is True
    assert found["meta"]["profile"] == [codes.US_CORE_PATIENT]
    assert found["name"][0]["family"] == "Petrov" and found["gender"] == "female" and found["birthDate"] == "1961-07-14"
    systems = [i["system"] for i in found["identifier"]]
    # An HL7 v2 assigning authority becomes a URI, as FHIR requires of a system.
    assert systems == ["urn:oid:2.16.840.1.113883.3.7751.1", "urn:clinidex:assigning-authority:CEDAR"]
    assert found["link"] == [{"other": {"reference": f"Patient/{'0' * 32}"}, "type": "replaces"}]
    bare = valid(resources.patient(patient_record(sex=None)))
    assert "profile" not in bare["meta"]


def test_a_merged_patient_reads_as_inactive_and_points_at_its_survivor():
    found = valid(resources.patient(patient_record(merged_into="9" * 32)))
    assert found["active"] is False
    assert found["link"] == [{"other": {"reference": f"Patient/{'9' * 32}"}, "type": "replaced-by"}]


def test_searchset_and_operation_outcome():
    docs = [resources.document_reference(manifest(), BASE),
            resources.document_reference(manifest(outcome="review", doc_id="1" * 32), BASE)]
    note = resources.operation_outcome("informational", "fuzzy", severity="information")
    bundle = valid(resources.searchset(docs, 7, BASE, f"{BASE}/DocumentReference?_count=2",
                                       f"{BASE}/DocumentReference?_count=2&_cursor=abc", note))
    assert bundle["total"] == 7 and bundle["type"] == "searchset"
    assert [link["relation"] for link in bundle["link"]] == ["self", "next"]
    assert [e["search"]["mode"] for e in bundle["entry"]] == ["match", "match", "outcome"]
    assert bundle["entry"][0]["fullUrl"] == f"{BASE}/DocumentReference/{DOC_ID}"
    empty = valid(resources.searchset([], 0, BASE, f"{BASE}/DocumentReference?status=superseded", None))
    assert "entry" not in empty
    valid(resources.operation_outcome("invalid", "date must be a FHIR date."))


def test_conformance_catches_what_the_models_let_through():
    doc = resources.document_reference(manifest(), BASE)
    assert conformance.problems({**doc, "status": "bogus"})
    assert conformance.problems({**doc, "custodian": {"reference": "#nobody"}})
    without_subject = {k: v for k, v in doc.items() if k != "subject"}
    assert any("US Core" in p for p in conformance.problems(without_subject))
    assert conformance.problems({**doc, "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": "123"}})
    assert conformance.problems(resources.operation_outcome("oops", "x"))


def test_the_capability_statement_lists_what_is_served():
    statement = valid(capability.capability_statement(BASE, "0.1.0"))
    assert statement["fhirVersion"] == "4.0.1" and "json" in statement["format"]
    assert statement["instantiates"] == [codes.US_CORE_SERVER, codes.MHD_DOCUMENT_RESPONDER]
    by_type = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(by_type) == {"DocumentReference", "Binary", "Patient"}
    params = {p["name"] for p in by_type["DocumentReference"]["searchParam"]}
    assert {"_id", "patient", "patient.identifier", "category", "type", "date", "period", "status",
            "_content"} <= params
    combos = [sorted(e["valueString"] for e in c["extension"] if e["url"] == "required")
              for c in by_type["DocumentReference"]["extension"]]
    assert sorted(["patient", "type", "period"]) in combos and ["category", "date", "patient"] in combos
    assert {i["code"] for i in by_type["DocumentReference"]["interaction"]} == {"read", "search-type"}


def test_a_tiff_excerpt_holds_exactly_its_pages():
    pages = [[f"Page {n} of the batch", synthetic.marker_word(7, n)] for n in range(1, 5)]
    fax = synthetic.fax_tiff(pages)
    piece = page_excerpt(fax, "image/tiff", 2, 3)
    with Image.open(io.BytesIO(fax)) as whole, Image.open(io.BytesIO(piece)) as cut:
        assert cut.n_frames == 2
        for offset in range(2):
            whole.seek(1 + offset)
            cut.seek(offset)
            assert cut.tobytes() == whole.tobytes()


def test_a_pdf_excerpt_holds_exactly_its_pages():
    scanned = synthetic.scanned_pdf([[f"Page {n}"] for n in range(1, 4)])
    piece = page_excerpt(scanned, "application/pdf", 3, 3)
    doc = pdf.open_pdf(piece)
    try:
        assert len(doc) == 1
    finally:
        doc.close()
    with pytest.raises(NoExcerpt):
        page_excerpt(b"\x89PNG", "image/png", 1, 1)
