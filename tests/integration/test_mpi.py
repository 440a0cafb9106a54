"""Loading the MPI from files as the pipeline does it (store -> parse -> apply), on the embedded
store and index: updates keep identifiers, merges redirect, bad records are counted apart."""
from clinidex.manifest import PatientMatch
from clinidex.mpi_files import hl7_merge, to_csv, to_fhir_ndjson, to_hl7_adt
from clinidex.patient import Identifier, PatientRecord
from clinidex.settings import Settings
from index.patients import get, resolve
from workers.context import build_context
from workers.mpi import new_load_id, run_load, source_key, summary_key
from workers.patient_links import follow_merge, link, patient_docs, set_match, unlink
from workers.intake import receive
from tests.support.documents import born_digital_pdf

HOME = Identifier(system="urn:oid:2.16.840.1.113883.19.5", value="", assigner="Harbor View Hospital", type="MR")
PARTNER = "urn:oid:2.16.840.1.113883.19.77"


def person(mrn: str, given: str, family: str, born: str, **values) -> PatientRecord:
    return PatientRecord.create(HOME.model_copy(update={"value": mrn}), given=given, family=family,
                                birth_date=born, **values)


def load(ctx, data: bytes, fmt=None) -> dict:
    load_id = new_load_id()
    ctx.docs.objects.put(source_key(load_id), data)
    return run_load(ctx, load_id, fmt)


def test_csv_load_counts_rejections_and_keeps_the_rest(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    people = [person("A100", "Oriana", "Quillfeather", "1961-04-09"),
              person("A101", "Tobias", "Quillfeather", "1959-11-30")]
    lines = to_csv(people).decode().splitlines()
    bad = lines[1].replace("1961-04-09", "1961-13-45")
    data = "\n".join([lines[0], lines[1], bad.replace("A100", "A102"), lines[2]]).encode()
    report = load(ctx, data)
    assert (report["read"], report["upserted"], report["rejected"]) == (3, 2, 1)
    assert report["rejections"][0]["location"] == "line 3"
    assert "1961" not in report["rejections"][0]["reason"]  # no patient data in reasons
    assert ctx.patients.count() == 2
    assert get(ctx.patients, people[0].patient_id).family == "Quillfeather"


def test_an_update_from_another_feed_keeps_the_identifiers_already_held(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    first = person("A100", "Oriana", "Quillfeather", "1961-04-09")
    first = first.model_copy(update={"identifiers": [*first.identifiers,
                                                     Identifier(system=PARTNER, value="P-77", type="MR")]})
    load(ctx, to_fhir_ndjson([first]))
    moved = person("A100", "Oriana", "Quillfeather", "1961-04-09", address="9 Larch Row", city="Eastfield")
    report = load(ctx, to_hl7_adt([moved], event="A08"))
    assert report["upserted"] == 1 and report["rejected"] == 0
    record = get(ctx.patients, first.patient_id)
    assert record.address == "9 Larch Row"
    assert {i.system for i in record.identifiers} == {HOME.system, PARTNER}


def test_a40_merge_redirects_the_patient_and_moves_its_documents(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    survivor = person("A100", "Oriana", "Quillfeather", "1961-04-09")
    duplicate = person("A900", "Oriana", "Quilfeather", "1961-04-09")
    load(ctx, to_csv([survivor, duplicate]))
    doc_id = receive(ctx, born_digital_pdf([["Letter"]]), filename="x.pdf", source="test").manifest.doc_id
    manifest = ctx.docs.load(doc_id)
    set_match(ctx, manifest, PatientMatch(outcome="linked", patient_id=duplicate.patient_id), "match")
    ctx.docs.save(manifest)

    report = load(ctx, hl7_merge(survivor.identifiers[0], duplicate.identifiers[0]))
    assert (report["merged"], report["documents_moved"], report["rejected"]) == (1, 1, 0)
    assert get(ctx.patients, duplicate.patient_id).merged_into == survivor.patient_id
    assert resolve(ctx.patients, duplicate.patient_id).patient_id == survivor.patient_id
    # The old number now leads to the survivor, and the document followed.
    assert duplicate.identifiers[0] in get(ctx.patients, survivor.patient_id).identifiers
    moved = ctx.docs.load(doc_id)
    assert moved.match.patient_id == survivor.patient_id and moved.match.decided_by == "mpi-merge"
    assert ctx.docs.marked(patient_docs(survivor.patient_id)) == [doc_id]
    assert ctx.docs.marked(patient_docs(duplicate.patient_id)) == []
    assert [d["action"] for d in ctx.docs.link_decisions(doc_id)] == ["match", "merge"]
    # Merging again is a no-op; a merge into a patient the MPI lacks is rejected.
    assert follow_merge(ctx, duplicate.patient_id, survivor.patient_id) == 0
    stranger = HOME.model_copy(update={"value": "Z1"})
    report = load(ctx, hl7_merge(stranger, survivor.identifiers[0]))
    assert report["rejected"] == 1 and "not in the MPI" in report["rejections"][0]["reason"]


def test_a_redelivered_load_returns_its_summary_without_applying_twice(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    load_id = new_load_id()
    ctx.docs.objects.put(source_key(load_id), to_csv([person("A100", "Oriana", "Quillfeather", "1961-04-09")]))
    first = run_load(ctx, load_id)
    ctx.patients.clear()
    assert run_load(ctx, load_id) == first and ctx.patients.count() == 0
    assert ctx.docs.objects.exists(summary_key(load_id))


def test_an_unreadable_file_is_refused_whole_with_a_reason(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    report = load(ctx, b"\x00\x01\x02 not a patient file")
    assert report["error"] and ctx.patients.count() == 0


def test_staff_link_reassign_and_unlink_are_recorded_and_indexed(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    a, b = person("A100", "Oriana", "Quillfeather", "1961-04-09"), person("A101", "Tobias", "Quillfeather", "1959-11-30")
    load(ctx, to_csv([a, b]))
    doc_id = receive(ctx, born_digital_pdf([["Letter"]]), filename="x.pdf", source="test").manifest.doc_id
    manifest = ctx.docs.load(doc_id)
    set_match(ctx, manifest, PatientMatch(outcome="review", reason="two candidates are close"), "match")
    ctx.docs.save(manifest)
    assert ctx.docs.marked("match-review") == [doc_id]

    link(ctx, doc_id, a.patient_id, "clerk-1")
    assert ctx.docs.marked("match-review") == [] and ctx.docs.marked(patient_docs(a.patient_id)) == [doc_id]
    link(ctx, doc_id, b.patient_id, "clerk-2")
    assert ctx.docs.marked(patient_docs(a.patient_id)) == [] and ctx.docs.marked(patient_docs(b.patient_id)) == [doc_id]
    unlink(ctx, doc_id, "clerk-3")
    assert ctx.docs.marked("unmatched") == [doc_id] and ctx.docs.marked(patient_docs(b.patient_id)) == []
    decisions = ctx.docs.link_decisions(doc_id)
    assert [(d["action"], d["by"]) for d in decisions] == [
        ("match", "machine"), ("link", "clerk-1"), ("reassign", "clerk-2"), ("unlink", "clerk-3")]
    assert decisions[2]["before"] == {"outcome": "linked", "patient_id": a.patient_id}
