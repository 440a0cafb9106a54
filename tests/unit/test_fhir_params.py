"""FHIR search parameters -> SearchQuery: the US Core combinations, MHD's patient.identifier and
_content, date prefixes, and the values that are errors rather than empty searches."""
from __future__ import annotations

from datetime import date

import pytest

from api.fhir.params import SearchParamError, date_bounds, parse
from index.query import Sort

BASE = "https://records.example.test/fhir"
PID = "3f9a0c1d2e4b5a6978c0d1e2f3a4b5c6"
HOME = "urn:oid:2.16.840.1.113883.3.7751.1"
NOTES = {"referral_note", "consult_note", "history_and_physical", "progress_note", "discharge_summary",
         "operative_note", "procedure_note", "emergency_department_note", "imaging_report", "laboratory_report",
         "pathology_report"}


def lookup(system: str, value: str) -> list[str]:
    # The MPI: one patient known by a home-hospital MRN (stored in normal form).
    return [PID] if (system, value) == (HOME, "E1234567") else []


def run(*pairs: tuple[str, str]):
    return parse(list(pairs), base=BASE, identifiers=lookup)


def filters(*pairs: tuple[str, str]):
    parsed = run(*pairs)
    assert parsed.query is not None
    return parsed.query.filters


def test_patient_alone():
    parsed = run(("patient", PID))
    assert parsed.query.filters.patient_ids == (PID,)
    assert parsed.query.text == "" and parsed.query.effective_sort == Sort.newest
    assert parsed.query.limit == 20 and not parsed.query.filters.include_batches


@pytest.mark.parametrize("reference", [PID, f"Patient/{PID}", f"{BASE}/Patient/{PID}", f"Patient/{PID}/_history/3"])
def test_patient_reference_forms(reference):
    assert filters(("patient", reference)).patient_ids == (PID,)
    assert filters(("subject:Patient", reference)).patient_ids == (PID,)


def test_another_servers_patient_matches_nothing():
    assert run(("patient", f"https://elsewhere.example.org/fhir/Patient/{PID}")).query is None


@pytest.mark.parametrize("reference", ["Group/17", "Patient/a/b", "Patient/no spaces", "x" * 65])
def test_a_reference_that_is_not_a_patient_is_an_error(reference):
    with pytest.raises(SearchParamError):
        run(("patient", reference))


def test_patient_and_category():
    found = filters(("patient", PID), ("category", "clinical-note"))
    assert set(found.doc_types) == NOTES and found.patient_ids == (PID,)
    with_system = filters(("category", "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
                                       "|clinical-note"))
    assert set(with_system.doc_types) == NOTES


def test_patient_category_and_date():
    found = filters(("patient", PID), ("category", "clinical-note"), ("date", "ge2024-01-01"),
                    ("date", "lt2024-07-01"))
    assert (found.received_from, found.received_to) == (date(2024, 1, 1), date(2024, 6, 30))
    assert found.date_from is None and found.date_to is None


def test_patient_and_type_with_or_without_the_loinc_system():
    assert filters(("patient", PID), ("type", "http://loinc.org|18842-5")).doc_types == ("discharge_summary",)
    assert filters(("type", "11488-4,11506-3")).doc_types == ("consult_note", "progress_note")


def test_patient_type_and_period_filter_the_clinical_date():
    found = filters(("patient", PID), ("type", "http://loinc.org|57133-1"), ("period", "ge2023-05"),
                    ("period", "le2023"))
    assert (found.date_from, found.date_to) == (date(2023, 5, 1), date(2023, 12, 31))
    assert found.received_from is None


def test_patient_and_status():
    assert filters(("patient", PID), ("status", "current")).patient_ids == (PID,)
    assert filters(("status", "current,superseded")) is not None
    assert run(("patient", PID), ("status", "superseded")).query is None
    assert run(("status", "http://hl7.org/fhir/document-reference-status|entered-in-error")).query is None
    with pytest.raises(SearchParamError):
        run(("status", "final"))


def test_patient_identifier_resolves_through_the_mpi_and_links_carry_the_patient_not_the_mrn():
    parsed = run(("patient.identifier", f"{HOME}|E-123-4567"), ("status", "current"))
    assert parsed.query.filters.patient_ids == (PID,)
    assert ("patient", PID) in parsed.link_params
    assert not any("E" in v and "1234567" in v for _, v in parsed.link_params)
    assert run(("patient.identifier", f"{HOME}|999")).query is None
    with pytest.raises(SearchParamError):
        run(("patient.identifier", "E1234567"))  # no issuer: an MRN means nothing without one


def test_patient_and_patient_identifier_must_both_hold():
    assert filters(("patient", PID), ("patient.identifier", f"{HOME}|E1234567")).patient_ids == (PID,)
    assert run(("patient", "someoneelse"), ("patient.identifier", f"{HOME}|E1234567")).query is None


def test_category_codes_of_other_systems_and_local_categories():
    assert run(("category", "http://loinc.org|clinical-note")).query is None
    assert set(filters(("category", "urn:clinidex:fhir:document-category|administrative")).doc_types) == {
        "consent_form", "insurance_correspondence"}
    assert set(filters(("category", "unclassified")).doc_types) == {"fax_cover_sheet", "other"}


def test_type_unknown_and_types_of_other_systems():
    assert set(filters(("type", "http://terminology.hl7.org/CodeSystem/v3-NullFlavor|UNK")).doc_types) == {
        "fax_cover_sheet", "other"}
    assert run(("type", "http://snomed.info/sct|371530004")).query is None
    assert run(("type", "http://loinc.org|99999-9")).query is None


def test_category_and_type_intersect():
    assert filters(("category", "clinical-note"), ("type", "11488-4,56445-0")).doc_types == ("consult_note",)
    assert run(("category", "administrative"), ("type", "11488-4")).query is None


def test_ids_and_identifiers():
    other = "0" * 32
    assert filters(("_id", f"{PID},{other}")).doc_ids == (other, PID)
    assert filters(("identifier", "urn:ietf:rfc:3986|urn:uuid:3f9a0c1d-2e4b-5a69-78c0-d1e2f3a4b5c6")).doc_ids == (PID,)
    assert run(("identifier", "urn:oid:1.2.3")).query is None
    assert run(("_id", PID), ("_id", other)).query is None
    with pytest.raises(SearchParamError):
        run(("_id", "../etc"))


def test_content_is_the_full_text_search():
    parsed = run(("patient", PID), ("_content", "chest pain"), ("_content", "troponin"))
    assert parsed.query.text == "chest pain troponin"
    assert parsed.query.effective_sort == Sort.relevance
    with pytest.raises(SearchParamError):
        run(("_content", "word " * 101))


def test_count_and_cursor():
    parsed = run(("_count", "5"), ("_cursor", "10.abc"))
    assert (parsed.query.limit, parsed.query.cursor, parsed.seen) == (5, "abc", 10)
    assert ("_count", "5") in parsed.link_params and all(k != "_cursor" for k, _ in parsed.link_params)
    assert run(("_count", "5000")).query.limit == 100
    zero = run(("_count", "0"))
    assert zero.count_only and zero.query.limit == 1
    for bad in ("-1", "ten", "2.5"):
        with pytest.raises(SearchParamError):
            run(("_count", bad))
    for bad in ("abc", "x.abc", "10."):
        with pytest.raises(SearchParamError):
            run(("_cursor", bad))


def test_unknown_parameters_are_reported_and_format_is_not_a_search_parameter():
    parsed = run(("patient", PID), ("_format", "json"), ("author.family", "x"), ("_sort", "-date"))
    assert parsed.ignored == ("author.family", "_sort")
    assert all(k not in ("_format", "author.family") for k, _ in parsed.link_params)


def test_unsupported_modifiers_are_errors_and_empty_values_are_ignored():
    with pytest.raises(SearchParamError):
        run(("type:text", "consult"))
    with pytest.raises(SearchParamError):
        run(("date:missing", "true"))
    assert filters(("patient", ""), ("type", "11488-4")).patient_ids == ()


def test_format_is_always_mime_type_sufficient():
    assert run(("format", "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode|"
                          "urn:ihe:iti:xds:2017:mimeTypeSufficient")).query is not None
    assert run(("format", "urn:ihe:pcc:xphr:2007")).query is None


@pytest.mark.parametrize("value, expected", [
    ("2024-03-05", (date(2024, 3, 5), date(2024, 3, 5))),
    ("eq2024-03", (date(2024, 3, 1), date(2024, 3, 31))),
    ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
    ("2023-12", (date(2023, 12, 1), date(2023, 12, 31))),
    ("2024", (date(2024, 1, 1), date(2024, 12, 31))),
    ("ge2024-03-05", (date(2024, 3, 5), None)),
    ("gt2024-03-05", (date(2024, 3, 6), None)),
    ("sa2024-03", (date(2024, 4, 1), None)),
    ("le2024-03-05", (None, date(2024, 3, 5))),
    ("lt2024-03-05", (None, date(2024, 3, 4))),
    ("eb2024", (None, date(2023, 12, 31))),
    ("lt2024-01", (None, date(2023, 12, 31))),
    # A time widens to its day (in UTC, as documents are filed).
    ("ge2024-03-05T23:30:00-05:00", (date(2024, 3, 6), None)),
    ("gt2024-03-05T10:00:00Z", (date(2024, 3, 5), None)),
    ("lt2024-03-05T10:00Z", (None, date(2024, 3, 5))),
    ("2024-03-05T10:00:00.123+01:00", (date(2024, 3, 5), date(2024, 3, 5))),
])
def test_date_prefixes(value, expected):
    assert date_bounds(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "2024-02-30", "03/05/2024", "ne2024-01-01",
                                   "ap2024", "2024-03-05T25:00:00Z", "ge"])
def test_bad_dates_are_errors(value):
    with pytest.raises(SearchParamError):
        run(("date", value))


def test_contradictory_dates_match_nothing():
    assert run(("date", "ge2024-06-01"), ("date", "le2024-05-31")).query is None
    assert run(("period", "2023"), ("period", "2024")).query is None


def test_error_messages_do_not_repeat_values():
    with pytest.raises(SearchParamError) as raised:
        run(("patient.identifier", "SMITH-JOHN"))
    assert "SMITH" not in str(raised.value)
    with pytest.raises(SearchParamError) as raised:
        run(("date", "Petrov"))
    assert "Petrov" not in str(raised.value)
