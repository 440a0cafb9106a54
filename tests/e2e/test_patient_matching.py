"""Patient matching end to end, on both stacks: the MPI loaded through the API (FHIR Bundle and
HL7 ADT files, applied by the worker), faxes for MPI patients OCR'd and filed under them, a
stranger's fax left unmatched, records staff linking, reassigning and unlinking through the
API, and an A40 merge moving a filed document to the survivor."""
from __future__ import annotations

import time

from clinidex import synthetic
from clinidex.corpus import training
from clinidex.mpi_files import hl7_merge, to_fhir_bundle, to_hl7_adt
from clinidex.population import default_issuers, documents_for, population


def import_file(stack, data: bytes, name: str, timeout: float = 120) -> dict:
    response = stack.client.post("/patients/imports", files={"file": (name, data, "application/octet-stream")})
    assert response.status_code == 202, response.text
    url = response.headers["location"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = stack.client.get(url).json()
        if body["status"] == "done":
            return body
        time.sleep(0.5)
    raise AssertionError(f"patient import not applied:\n{stack.logs()[-3000:]}")


def patient_of(stack, doc_id: str, outcome: str | None = None, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = stack.client.get(f"/documents/{doc_id}/patient").json()
        if outcome is None or body["match"]["outcome"] == outcome or time.monotonic() > deadline:
            return body
        time.sleep(0.3)


def test_mpi_loads_documents_match_and_staff_decide(stack):
    seed = 41 if stack.kind == "services" else 42
    people = list(population(150, seed, default_issuers()))
    registered, strangers = people[:120], people[120:]

    loaded = import_file(stack, to_fhir_bundle(registered), "patients.json")
    assert (loaded["format"], loaded["upserted"], loaded["rejected"]) == ("fhir-bundle", 120, 0)
    # One garbled HL7 message is rejected with where it was; the rest of the file loads.
    adt = to_hl7_adt(strangers[:3], event="A04").decode()
    messages = adt.split("MSH|")
    messages[2] = messages[2].replace(strangers[1].birth_date.replace("-", ""), "19XX0231", 1)
    hl7 = import_file(stack, "MSH|".join(messages).encode(), "adt.hl7")
    assert (hl7["upserted"], hl7["rejected"]) == (2, 1)
    assert hl7["rejections"][0]["location"].startswith("message 2")

    # Faxes for registered patients, OCR'd in the worker, are filed under them.
    cases = documents_for(registered, training, seed, 2)
    stranger_doc, _ = documents_for(strangers[5:], training, seed + 1, 1)[0]
    ids = [stack.upload(synthetic.fax_tiff(doc.pages), f"p{i}.tif").json()["id"]
           for i, (doc, _) in enumerate([*cases, (stranger_doc, None)])]
    bodies = [stack.wait_for(doc_id, timeout=240) for doc_id in ids]
    assert all(b["status"] == "indexed" for b in bodies), [b["failure_reason"] for b in bodies]
    # A multi-page document the splitter cut in two is matched piece by piece.
    pieces = [[stack.wait_for(c["id"])["id"] for c in b["children"]] or [b["id"]] for b in bodies]
    matches = [[patient_of(stack, p)["match"] for p in group] for group in pieces]
    for group, (_, truth) in zip(matches, cases):
        for match in group:
            assert match["outcome"] != "linked" or match["patient_id"] == truth  # never the wrong patient
    linked = [(p, t) for group, found, (_, t) in zip(pieces, matches, cases)
              for p, m in zip(group, found) if m["outcome"] == "linked"]
    assert linked, matches
    linked_id, truth = linked[0]
    assert linked_id in stack.client.get(f"/patients/{truth}").json()["documents"]

    # The stranger's fax created nobody and waits in a queue with a reason.
    stranger_id, waiting = pieces[2][0], matches[2][0]
    assert waiting["outcome"] in ("unmatched", "review") and waiting["reason"] and waiting["patient_id"] is None
    queue = "unmatched" if waiting["outcome"] == "unmatched" else "review"
    listed = stack.client.get(f"/matches/{queue}").json()["items"]
    assert stranger_id in [item["id"] for item in listed]
    assert stack.client.get("/patients", params={"family": "zzzz-nobody"}).json()["total"] == 0

    # A clerk files it under a patient, moves it to another, then takes it off; each is kept.
    other = registered[7].patient_id
    for target, who in ((truth, "clerk-a"), (other, "clerk-b")):
        done = stack.client.put(f"/documents/{stranger_id}/patient", json={"patient_id": target},
                                headers=stack.auth(who, "records_staff"))
        assert done.status_code == 200, done.text
        assert (done.json()["match"]["patient_id"], done.json()["match"]["decided_by"]) == (target, who)
    hit = wait_for_hit(stack, stranger_id, stranger_doc.patient.family, lambda h: h.get("patient_id") == other)
    assert hit["patient_id"] == other  # the index entry follows the decision
    assert stack.client.put(f"/documents/{stranger_id}/patient", json={"patient_id": "nobody"}).status_code == 422
    assert stack.client.delete(f"/documents/{stranger_id}/patient",
                               headers=stack.auth("clerk-c", "records_staff")).json()["match"]["outcome"] == "unmatched"
    history = stack.client.get(f"/documents/{stranger_id}/patient").json()["decisions"]
    assert [(d["action"], d["by"]) for d in history] == [
        ("match", "machine"), ("link", "clerk-a"), ("reassign", "clerk-b"), ("unlink", "clerk-c")]

    # The registration system merges the linked patient into another: the document follows.
    survivor = registered[3]
    merged = import_file(stack, hl7_merge(survivor.identifiers[0], next(p for p in registered if p.patient_id == truth)
                                          .identifiers[0]), "merge.hl7")
    assert (merged["merged"], merged["documents_moved"]) == (1, 1)
    moved = patient_of(stack, linked_id)["match"]
    assert moved["patient_id"] == survivor.patient_id and moved["decided_by"] == "mpi-merge"
    assert stack.client.get(f"/patients/{truth}").json()["survivor"]["patient_id"] == survivor.patient_id

    # No patient identifiers in any process's log (short names could be ordinary words).
    logs = stack.logs()
    for person in people[:5] + strangers:
        assert len(person.family) < 6 or person.family not in logs
        assert person.identifiers[0].value not in logs


def wait_for_hit(stack, doc_id: str, words: str, ready, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    found: dict = {}
    while time.monotonic() < deadline:
        hits = stack.client.get("/search", params={"q": words, "limit": 100}).json()["hits"]
        found = next((h for h in hits if h["doc_id"] == doc_id), {})
        if found and ready(found):
            return found
        time.sleep(0.3)
    return found
