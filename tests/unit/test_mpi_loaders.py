"""MPI files: every format reads back what the writers wrote, a bad record is rejected on its own
(with where it is and why, never its values) while the rest of the file loads, and merges come
out of HL7 A40 and FHIR replaced-by links. All patients here are invented."""
import json

import pytest

from clinidex import mpi_files
from clinidex.patient import Identifier, PatientRecord
from ingest.mpi_hl7 import parse_hl7
from ingest.mpi_load import Merge, MpiFileError, Upsert, parse, sniff

SOURCE = "mpi-export.test"
ST_KILDA = "http://stkilda.example/mrn"
HIE = "urn:oid:2.16.840.1.113883.19.5"


def mrn(value, system=ST_KILDA, assigner="Saint Kilda & District", type="MR"):
    return Identifier(system=system, value=value, assigner=assigner, type=type)


def person(number, **overrides):
    primary = mrn(f"SK{number:05d}")
    values = dict(
        identifiers=[primary, Identifier(system=HIE, value=f"HX{number}", assigner="Regional HIE", type="PI")],
        given="Quillon", middle="Ardent", family=f"O'Vexley-{number}", birth_date="1979-03-14",
        sex="female", phone="5550100123", address="12 Larkspur Way, Unit 3", city="Fenwick",
        state="OR", postcode="97001", source=SOURCE,
    )
    values.update(overrides)
    return PatientRecord.create(primary, **values)


PEOPLE = [person(1), person(2, given="Bramwell", middle=None, sex="male", phone=None),
          person(3, identifiers=[mrn("SK00003")], address=None, city=None, state=None, postcode=None,
                 birth_date=None, sex="unknown")]


def same(record):
    return record.model_dump(exclude={"updated_at"})


def upserted(result):
    return [same(e.record) for e in result.events if isinstance(e, Upsert)]


def csv_view(record):
    """What CSV carries: the MRN typed MR, and only issuer and value of other identifiers."""
    mrn_id, *others = record.identifiers
    ids = [mrn_id, *(Identifier(system=i.system, value=i.value) for i in others)]
    return same(record.model_copy(update={"identifiers": ids}))


# --- round trips and sniffing ------------------------------------------------------------------

@pytest.mark.parametrize("write, fmt", [
    (mpi_files.to_fhir_ndjson, "fhir-ndjson"), (mpi_files.to_fhir_bundle, "fhir-bundle"),
    (mpi_files.to_hl7_adt, "hl7"),
])
def test_round_trip_keeps_every_value_and_issuer(write, fmt):
    result = parse(write(PEOPLE), None, SOURCE)
    assert result.format == fmt
    assert upserted(result) == [same(p) for p in PEOPLE]
    assert result.rejections == []
    assert result.summary()["upserts"] == result.summary()["read"] == 3


def test_csv_round_trip():
    result = parse(mpi_files.to_csv(PEOPLE), None, SOURCE)
    assert result.format == "csv"
    assert upserted(result) == [csv_view(p) for p in PEOPLE]


@pytest.mark.parametrize("version", ["2.3", "2.4", "2.5", "2.5.1", "2.6", "2.2"])
@pytest.mark.parametrize("event", ["A01", "A04", "A08", "A28", "A31"])
@pytest.mark.parametrize("use_hl7apy", [True, False])
def test_hl7_versions_events_and_both_readers(version, event, use_hl7apy):
    data = mpi_files.to_hl7_adt(PEOPLE[:2], event, version=version).decode()
    assert upserted(parse_hl7(data, SOURCE, use_hl7apy=use_hl7apy)) == [same(p) for p in PEOPLE[:2]]


def test_sniffing():
    assert sniff("\ufeffMRN;Mrn_Issuer;Family\n1;X;Y\n") == "csv"
    assert sniff("\x0bMSH|^~\\&|A") == "hl7"
    assert sniff('{"resourceType":"Bundle","entry":[]}\n') == "fhir-bundle"
    assert sniff('{\n  "resourceType": "Patient"\n}') == "fhir-bundle"  # a pretty document
    assert sniff('{"resourceType":"Patient"}\n{"resourceType":"Patient"}\n') == "fhir-ndjson"
    for text in ("name,dob\nA,B\n", "PID|1||x", "[]"):
        with pytest.raises(MpiFileError):
            sniff(text)


@pytest.mark.parametrize("data, says", [
    (b"", "empty"), (b"  \n", "empty"), (b"mrn,family\n\xff\xfe\x00\x01", "binary"),
    ("mrn,mrn_issuer,family\n1,X,Zo\xe9\n".encode("latin-1"), "UTF-8"),
])
def test_unreadable_files_raise_a_typed_error(data, says):
    with pytest.raises(MpiFileError, match=says):
        parse(data, None, SOURCE)


def test_utf16_and_explicit_format():
    data = mpi_files.to_csv(PEOPLE[:1]).decode().encode("utf-16")
    assert upserted(parse(data, "csv", SOURCE)) == [csv_view(PEOPLE[0])]
    with pytest.raises(MpiFileError, match="Unknown MPI file format"):
        parse(b"mrn,mrn_issuer,family\n", "xlsx", SOURCE)


# --- CSV ---------------------------------------------------------------------------------------

HEADER = "MRN,mrn_issuer,Given,family,birth_date,sex,id:urn:oid:1.2.3,notes\n"


def test_csv_rejects_bad_rows_by_line_and_loads_the_rest():
    rows = [
        "sk-001,SKH,Ann,Ovid,1980-01-31,F,A1,",
        "SK002,SKH,Zyxwvu,Qorrin,31st Jan 1980,F,,",  # line 3: not a date
        "SK003,SKH,Bea,Ovid,02/29/1984,female,,",
        "SK004,SKH,Qbert,Yarrowmere,19800131,Q,,",  # line 5: sex
        "SK005,,Vellum,Tarrowby,19800131,M,,",  # line 6: no issuer
        "SK006,SKH,,,19800131,M,,",  # line 7: no name
        "SK007,SKH,Dex,Wrenfold,1980-01-31",  # line 8: too few cells
        "",
        "SK008,SKH,Cy,Ovid,20010203,u,,",  # line 10
        "SK009,SKH,Orla,Pemberwick,2999-01-01,F,,",  # line 11: future
    ]
    result = parse((HEADER + "\n".join(rows) + "\n").encode(), None, SOURCE)
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("line 3", "birth date is not a date (column birth_date)"),
        ("line 5", "sex is not a known code (column sex)"),
        ("line 6", "no mrn with an mrn_issuer (columns mrn, mrn_issuer)"),
        ("line 7", "no patient name (columns given, family)"),
        ("line 8", "row has 5 cells; the header has 8"),
        ("line 11", "birth date is in the future (column birth_date)"),
    ]
    loaded = [e.record for e in result.events]
    assert [r.birth_date for r in loaded] == ["1980-01-31", "1984-02-29", "2001-02-03"]
    assert [r.sex for r in loaded] == ["female", "female", "unknown"]
    assert loaded[0].identifiers == [Identifier(system="SKH", value="SK001", type="MR"),
                                     Identifier(system="urn:oid:1.2.3", value="A1")]
    assert result.notes == ["column 'notes' is not an MPI column; its values were ignored"]
    summary = result.summary()
    assert (summary["read"], summary["upserts"], summary["rejected"]) == (9, 3, 6)
    assert summary["rejected_by_reason"]["birth date is not a date (column birth_date)"] == 1


def test_csv_line_numbers_follow_quoted_newlines_and_other_delimiters():
    text = ('mrn;mrn_issuer;family;address\n'
            'A1;SKH;Ovid;"12 Larkspur Way\nUnit 3"\n'
            'A2;SKH;Ovid\n')
    result = parse(text.encode(), None, SOURCE)
    assert result.events[0].record.address == "12 Larkspur Way\nUnit 3"
    assert [r.location for r in result.rejections] == ["line 4"]


def test_csv_header_must_name_the_mrn_and_its_issuer():
    with pytest.raises(MpiFileError, match="no mrn_issuer column"):
        parse(b"mrn,family\n1,Ovid\n", "csv", SOURCE)


# --- FHIR --------------------------------------------------------------------------------------

def patient_json(number, **changes):
    resource = mpi_files.fhir_patient(person(number))
    resource.update(changes)
    return resource


BAD_FHIR = [
    (patient_json(7, birthDate="1980-13-45"), "Patient.birthDate is not valid"),
    (patient_json(8, name=[{"family": "Qorrin", "given": ["Zyxwvu"]}], gender="zzfemale"),
     "sex is not a known code (gender)"),
    (patient_json(9, identifier=[{"value": "ZZ999"}]),
     "no identifier with an issuer and a value (identifier)"),
    (patient_json(10, birthDate="1980"), "birth date has no day (birthDate)"),
    (patient_json(11, identifier=[{"system": ST_KILDA, "value": ["ZZ998"]}]),
     "Patient.identifier[0].value is not valid"),
]


def test_ndjson_rejects_invalid_resources_by_line():
    lines = [json.dumps(patient_json(1))]
    for bad, _ in BAD_FHIR:
        lines += [json.dumps(bad), ""]
    lines += ['{"resourceType": "Patient", "birthDate": ', json.dumps({"resourceType": "Organization"}),
              json.dumps(patient_json(2))]
    result = parse("\n".join(lines).encode(), None, SOURCE)
    assert [same(e.record) for e in result.events] == [same(person(1)), same(person(2))]
    assert [(r.location, r.reason) for r in result.rejections] == [
        (f"line {2 + 2 * n}", reason) for n, (_, reason) in enumerate(BAD_FHIR)
    ] + [("line 12", "line is not valid JSON")]
    assert result.skipped == {"Organization resources (not Patient)": 1}


def test_bundle_rejects_invalid_entries_by_number():
    entries = [{"resource": patient_json(1)}, {"resource": BAD_FHIR[0][0]},
               {"resource": {"resourceType": "Organization", "name": "Fenwick Clinic"}},
               {"request": {"method": "DELETE", "url": "Patient/x"}}, {"resource": patient_json(2)}]
    data = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}, indent=1)
    result = parse(data.encode(), None, SOURCE)
    assert [same(e.record) for e in result.events] == [same(person(1)), same(person(2))]
    assert [(r.location, r.reason) for r in result.rejections] == [("entry 2", BAD_FHIR[0][1])]
    assert result.summary()["skipped"] == {"Organization resources (not Patient)": 1,
                                           "entries without a resource": 1}
    with pytest.raises(MpiFileError, match="not a FHIR Bundle"):
        parse(json.dumps(patient_json(1), indent=1).encode(), None, SOURCE)


def test_fhir_mr_identifier_and_official_name_win():
    other = {"system": HIE, "value": "HX5", "type": {"coding": [{"code": "PI"}]}}
    resource = patient_json(5, identifier=[other, patient_json(5)["identifier"][0]], name=[
        {"use": "usual", "given": ["Quill"], "family": "Vex"},
        {"use": "official", "given": ["Quillon", "Ardent", "Mae"], "family": "O'Vexley"}])
    record = parse(json.dumps(resource).encode(), "fhir-ndjson", SOURCE).events[0].record
    assert record.identifiers[0].value == "SK00005" and record.identifiers[0].type == "MR"
    assert (record.given, record.middle, record.family) == ("Quillon", "Ardent Mae", "O'Vexley")


def test_fhir_replaced_by_link_is_a_merge():
    survivor = {"system": ST_KILDA, "value": "SK00001"}
    merged = patient_json(2, link=[{"type": "replaced-by", "other": {"identifier": survivor}}])
    by_id_only = patient_json(3, link=[{"type": "replaced-by", "other": {"reference": "Patient/abc"}}])
    result = parse((json.dumps(merged) + "\n" + json.dumps(by_id_only) + "\n").encode(), None, SOURCE)
    assert result.events == [Merge(survivor=Identifier(system=ST_KILDA, value="SK00001"),
                                   merged=person(2).identifiers[0])]
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("line 2", "replaced-by link names no identifier of the surviving patient (link.other.identifier)")]


# --- HL7 ---------------------------------------------------------------------------------------

def adt(number, event="A04", **overrides) -> str:
    return mpi_files.to_hl7_adt([person(number, **overrides)], event).decode().replace(
        f"|{event}-1|", f"|CTL{number}|")


@pytest.mark.parametrize("use_hl7apy", [True, False])
def test_hl7_rejects_bad_messages_and_loads_the_rest(use_hl7apy):
    garbled = adt(2, family="Qorrin", given="Zyxwvu").replace("|19790314|", "|1979I314|")
    no_pid = adt(4).split("PID|")[0]
    text = adt(1) + garbled + adt(3, "A03") + no_pid + adt(5)
    result = parse_hl7(text, SOURCE, use_hl7apy=use_hl7apy)
    assert upserted(result) == [same(person(1)), same(person(5))]
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("message 2 (control id CTL2), segment PID", "birth date is not a date (PID-7)"),
        ("message 3 (control id CTL3)", "unsupported event ADT^A03"),
        ("message 4 (control id CTL4), segment PID", "message has no PID segment"),
    ]


def test_hl7apy_reads_the_versions_it_knows(monkeypatch):
    import ingest.mpi_hl7

    monkeypatch.setattr(ingest.mpi_hl7, "read_split", lambda *args: pytest.fail("split reader used"))
    assert upserted(parse_hl7(adt(1), SOURCE)) == [same(person(1))]


def test_events_carry_their_location_for_whoever_applies_them():
    result = parse((adt(1) + mpi_files.hl7_merge(mrn("SK00001"), mrn("SK00002")).decode()).encode(), None, SOURCE)
    assert [e.location for e in result.events] == ["message 1 (control id CTL1)", "message 2 (control id A40-1)"]


def test_hl7_separators_framing_and_text_before_the_first_msh():
    first, second, third = adt(1), adt(2), adt(3)
    mixed = first.replace("\r", "\n") + second.replace("\r", "\r\n") + third
    framed = "".join(f"\x0b{m}\x1c\r" for m in (first, second, third))
    for text in (mixed, framed):
        assert upserted(parse(text.encode(), None, SOURCE)) == [same(person(n)) for n in (1, 2, 3)]
    stray = parse(("PID|1||X1^^^SKH\r" + first).encode(), "hl7", SOURCE)
    assert [(r.location, r.reason) for r in stray.rejections] == [
        ("before message 1", "segments before the first MSH segment")]
    assert len(stray.events) == 1


def test_hl7_identifier_authority_and_primary():
    text = ("MSH|^~\\&|S|F|R|F|20240101||ADT^A08|C9|P|2.4\r"
            "PID|1||hx-5^^^HIE^PI~sk 5^^^SKH&1.2.840.99&ISO^MR||Ovid^Ann^^^^^L||19800131|A\r")
    record = parse(text.encode(), None, SOURCE).events[0].record
    assert record.identifiers == [
        Identifier(system="1.2.840.99", value="SK5", assigner="SKH", type="MR"),
        Identifier(system="HIE", value="HX5", type="PI")]
    assert record.sex == "other"


@pytest.mark.parametrize("use_hl7apy", [True, False])
def test_hl7_a40_is_a_merge(use_hl7apy):
    survivor, merged = mrn("SK00001"), mrn("SK00002")
    text = (mpi_files.hl7_merge(survivor, merged) + mpi_files.hl7_merge(survivor, survivor)).decode()
    no_mrg = mpi_files.hl7_merge(survivor, merged, control_id="M3").decode().split("MRG|")[0]
    result = parse_hl7(text + no_mrg, SOURCE, use_hl7apy=use_hl7apy)
    assert result.events == [Merge(survivor=survivor, merged=merged)]
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("message 2 (control id A40-1), segment MRG", "merges a patient into itself (PID-3, MRG-1)"),
        ("message 3 (control id M3), segment MRG", "A40 message has no MRG segment")]


# --- privacy -----------------------------------------------------------------------------------

def test_rejections_do_not_repeat_patient_values():
    secret = ("Zyxwvu", "Qorrin", "31st", "1979I314", "ZZ999", "ZZ998", "zzfemale")
    csv_text = HEADER + "SK002,SKH,Zyxwvu,Qorrin,31st Jan 1980,F,,\nSK004,SKH,Zyxwvu,Qorrin,19800131,zzfemale,,\n"
    garbled = adt(2, family="Qorrin", given="Zyxwvu").replace("|19790314|", "|1979I314|")
    results = [parse(csv_text.encode(), None, SOURCE), parse(garbled.encode(), None, SOURCE),
               parse("\n".join(json.dumps(bad) for bad, _ in BAD_FHIR).encode(), None, SOURCE)]
    shown = json.dumps([[r.location, r.reason] for res in results for r in res.rejections]
                       + [res.summary() for res in results])
    assert sum(len(res.rejections) for res in results) == 2 + 1 + len(BAD_FHIR)
    assert not [s for s in secret if s.lower() in shown.lower()]
