"""The document type list: the packaged data loads, says what the issue asks, and bad edits are refused."""
import copy
import json
from importlib import resources

import pytest

from clinidex.doctypes import DocType, DocTypeError, load_types, parse_types

EXPECTED_KEYS = [
    "referral_note", "consult_note", "history_and_physical", "progress_note", "discharge_summary",
    "operative_note", "procedure_note", "emergency_department_note", "imaging_report",
    "laboratory_report", "pathology_report", "medication_list", "consent_form",
    "insurance_correspondence", "fax_cover_sheet", "other",
]


def packaged() -> dict:
    return json.loads(resources.files("clinidex").joinpath("doctypes.json").read_text(encoding="utf-8"))


def test_packaged_list_has_every_type_of_the_issue_in_order():
    types = load_types()
    assert [t.key for t in types] == EXPECTED_KEYS
    assert all(isinstance(t, DocType) for t in types)


def test_codes_are_the_verified_ones():
    codes = {t.key: t.loinc_code for t in load_types()}
    assert codes == {
        "referral_note": "57133-1", "consult_note": "11488-4", "history_and_physical": "34117-2",
        "progress_note": "11506-3", "discharge_summary": "18842-5", "operative_note": "11504-8",
        "procedure_note": "28570-0", "emergency_department_note": "34111-5", "imaging_report": "18748-4",
        "laboratory_report": "11502-2", "pathology_report": "11526-1", "medication_list": "56445-0",
        "consent_form": "59284-0", "insurance_correspondence": "64291-8", "fax_cover_sheet": None,
        "other": None,
    }


def test_only_the_cover_sheet_is_not_clinical_and_nothing_is_sensitive_yet():
    types = load_types()
    assert [t.key for t in types if not t.clinical] == ["fax_cover_sheet"]
    assert not any(t.sensitive for t in types)


def test_every_null_code_and_judgement_call_explains_itself():
    data = packaged()
    assert data["sources"], "where the codes were verified"
    for entry in data["types"]:
        if entry["loinc_code"] is None:
            assert entry.get("notes"), entry["key"]
    types = {t.key: t for t in load_types()}
    assert "10160-0" in types["medication_list"].notes  # the section code the brief suggested, and why not


def test_types_are_frozen():
    t = load_types()[0]
    with pytest.raises(AttributeError):
        t.key = "changed"  # type: ignore[misc]


def test_a_site_can_add_a_type(tmp_path):
    data = packaged()
    data["types"].insert(-1, {"key": "behavioral_health_note", "label": "Behavioral health note",
                              "loinc_code": "11506-3", "loinc_display": "Progress note",
                              "clinical": True, "sensitive": True})
    path = tmp_path / "doctypes.json"
    path.write_text(json.dumps(data))
    types = load_types(path)
    assert types[-2].key == "behavioral_health_note" and types[-2].sensitive


def broken(change) -> dict:
    data = copy.deepcopy(packaged())
    change(data["types"])
    return data


@pytest.mark.parametrize("change, message", [
    (lambda ts: ts.append(dict(ts[0])), "appears twice"),
    (lambda ts: ts.pop(), "exactly one"),
    (lambda ts: ts[0].update(key="Referral-Note"), "snake_case"),
    (lambda ts: ts[0].update(loinc_code="57133"), "NNNNN-N"),
    (lambda ts: ts[0].update(loinc_code="LP29684-5"), "NNNNN-N"),
    (lambda ts: ts[0].update(loinc_code="1234567-1"), "NNNNN-N"),
    (lambda ts: ts[0].update(loinc_display=None), "go together"),
    (lambda ts: ts[0].pop("sensitive"), "missing"),
    (lambda ts: ts[0].update(colour="blue"), "unknown"),
    (lambda ts: ts[0].update(clinical="yes"), "true or false"),
    (lambda ts: ts[0].update(label=" "), "label"),
])
def test_bad_edits_are_refused_with_a_reason(change, message):
    with pytest.raises(DocTypeError, match=message):
        parse_types(broken(change))


def test_an_empty_list_is_refused():
    with pytest.raises(DocTypeError):
        parse_types({"types": []})
