"""The FHIR facade end to end, on both stacks, as another system's FHIR client uses it: an MPI
loaded through the API, faxes OCR'd and filed under one of its patients (and a stranger's fax
filed under nobody), then the US Core DocumentReference searches, MHD ITI-67 by GET and POST
with patient.identifier and _content, paging by `next` links, reads, ITI-68 Binary retrieval,
Patient and the CapabilityStatement. Every resource received is validated (fhir.resources'
models plus the profile rules of api/fhir/conformance.py)."""
from __future__ import annotations

import base64
import io
import re
import time
from datetime import date, datetime, timedelta

import pytest
from PIL import Image

from api.fhir.conformance import problems
from clinidex import synthetic
from clinidex.manifest import (FieldValue, Manifest, PageSummary, PatientMatch, State, TypeResult,
                               child_id_for)
from clinidex.settings import Settings
from clinidex.corpus import training
from clinidex.doctypes import types_by_key
from clinidex.mpi_files import to_fhir_bundle
from clinidex.population import default_issuers, documents_for, format_mrn, population
from tests.support.services import REPO

FHIR_JSON = "application/fhir+json"
MHD_MINIMAL = "https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Minimal.DocumentReference"
# US Core's clinical note types among ours (written out: the facade's mapping is under test).
NOTE_TYPES = {"referral_note", "consult_note", "history_and_physical", "progress_note", "discharge_summary",
              "operative_note", "procedure_note", "emergency_department_note", "imaging_report",
              "laboratory_report", "pathology_report"}


def import_mpi(stack, data: bytes, timeout: float = 60) -> None:
    response = stack.client.post("/patients/imports", files={"file": ("mpi.json", data, "application/json")})
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.client.get(response.headers["location"]).json()["status"] == "done":
            return
        time.sleep(0.3)
    raise AssertionError("patient import not applied")


def fhir(stack, path: str, expect: int = 200, **kwargs) -> dict:
    response = stack.client.get(path if path.startswith("http") else f"/fhir/{path}", **kwargs)
    assert response.status_code == expect, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    body = response.json()
    assert problems(body) == [], body
    return body


def search(stack, expect: int = 200, **params) -> dict:
    return fhir(stack, "DocumentReference", expect, params=params)


def ids(bundle: dict) -> set[str]:
    return {e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == "match"}


def eventually(check, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


@pytest.mark.services
def test_fhir_facade(stack):
    seed = 61 if stack.kind == "services" else 62
    people = list(population(40, seed, default_issuers()))
    registered, strangers = people[:30], people[30:]
    import_mpi(stack, to_fhir_bundle(registered))
    home = registered[0].identifiers[0].system
    person = next(r for r in registered if r.given and r.family and r.birth_date and r.sex in ("female", "male")
                  and any(i.system != home for i in r.identifiers))
    pid = person.patient_id

    # Two one-page faxes about the patient and one about a stranger, OCR'd by the worker.
    cases = documents_for([person], training, seed, 2, types=["consult_note", "discharge_summary"])
    stranger_doc = documents_for(strangers, training, seed + 1, 1, types=["medication_list"])[0][0]
    originals = [synthetic.fax_tiff(doc.pages[:1]) for doc in [*(d for d, _ in cases), stranger_doc]]
    uploaded = [stack.upload(data, f"fhir-{i}.tif").json()["id"] for i, data in enumerate(originals)]
    bodies = [stack.wait_for(doc_id, timeout=240) for doc_id in uploaded]
    assert all(b["status"] == "indexed" for b in bodies), [b["failure_reason"] for b in bodies]
    mine, stranger = uploaded[:2], uploaded[2]
    # Filed as a records clerk would where the matcher left them waiting: this test is about what
    # FHIR serves for a filed and an unfiled document, not about matching.
    for doc_id, body in zip(mine, bodies):
        if body["patient"]["outcome"] != "linked" or body["patient"]["patient_id"] != pid:
            assert stack.client.put(f"/documents/{doc_id}/patient", json={"patient_id": pid}).status_code == 200
    if bodies[2]["patient"]["outcome"] == "linked":
        assert stack.client.delete(f"/documents/{stranger}/patient").status_code == 200
    assert eventually(lambda: ids(search(stack, patient=pid)) == set(mine)), search(stack, patient=pid)
    details = {doc_id: stack.client.get(f"/documents/{doc_id}").json() for doc_id in uploaded}
    type_of = {doc_id: (d["type"] or {}).get("key") for doc_id, d in details.items()}
    loinc = {doc_id: (types_by_key()[k].loinc_code if k else None) for doc_id, k in type_of.items()}

    # --- metadata
    statement = fhir(stack, "metadata")
    assert statement["resourceType"] == "CapabilityStatement" and statement["fhirVersion"] == "4.0.1"

    # --- US Core: patient
    by_patient = search(stack, patient=f"Patient/{pid}")
    assert by_patient["total"] == 2 and ids(by_patient) == set(mine)
    for entry in by_patient["entry"]:
        doc = entry["resource"]
        assert doc["subject"] == {"reference": f"Patient/{pid}"}
        assert "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference" in doc["meta"]["profile"]
        assert entry["fullUrl"] == f"{stack.url}/fhir/DocumentReference/{doc['id']}"
        coding = doc["type"]["coding"][0]
        expected = loinc[doc["id"]]
        assert (coding["system"], coding["code"]) == (("http://loinc.org", expected) if expected else
                                                      ("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK"))

    # --- patient + category (+ date)
    notes = {d for d in mine if type_of[d] in NOTE_TYPES}
    assert ids(search(stack, patient=pid, category="clinical-note")) == notes
    assert ids(search(stack, patient=pid, category="administrative")) == {
        d for d in mine if type_of[d] in ("consent_form", "insurance_correspondence")}
    received = {d: datetime.fromisoformat(details[d]["received_at"]).date() for d in mine}
    day = received[mine[0]]
    on_day = {d for d in notes if received[d] == day}
    assert ids(search(stack, patient=pid, category="clinical-note", date=day.isoformat())) == on_day
    window = fhir(stack, "DocumentReference", params=[("patient", pid), ("category", "clinical-note"),
                                                      ("date", f"ge{day - timedelta(days=1)}"),
                                                      ("date", f"le{day + timedelta(days=1)}")])
    assert ids(window) == notes
    assert search(stack, patient=pid, category="clinical-note", date=f"lt{min(received.values())}")["total"] == 0

    # --- patient + type (+ period), patient + status
    first_loinc = loinc[mine[0]]
    typed = search(stack, patient=pid, type=f"http://loinc.org|{first_loinc}") if first_loinc else None
    if typed is not None:
        assert mine[0] in ids(typed) and all(loinc[d] == first_loinc for d in ids(typed))
    read_first = fhir(stack, f"DocumentReference/{mine[0]}")
    clinical = date.fromisoformat(read_first.get("context", {}).get("period", {}).get("start", day.isoformat()))
    type_param = f"http://loinc.org|{first_loinc}" if first_loinc else "UNK"
    assert mine[0] in ids(search(stack, patient=pid, type=type_param, period=clinical.isoformat()))
    assert mine[0] not in ids(search(stack, patient=pid, type=type_param, period=f"gt{clinical}"))
    assert ids(search(stack, patient=pid, status="current")) == set(mine)
    assert search(stack, patient=pid, status="entered-in-error")["total"] == 0

    # --- MHD ITI-67: patient.identifier (as the partner facility prints the MRN), GET and POST
    partner = next(i for i in person.identifiers if i.system != home)
    printed = format_mrn(partner.value, partner.system)
    by_mrn = search(stack, **{"patient.identifier": f"{partner.system}|{printed}", "status": "current"})
    assert ids(by_mrn) == set(mine)
    assert partner.value not in by_mrn["link"][0]["url"]  # the links name the patient, not the MRN
    assert search(stack, **{"patient.identifier": f"{partner.system}|00000000X"})["total"] == 0
    posted = stack.client.post("/fhir/DocumentReference/_search",
                               data={"patient.identifier": f"{partner.system}|{partner.value}",
                                     "category": "clinical-note"})
    assert posted.status_code == 200 and posted.headers["content-type"].startswith(FHIR_JSON)
    assert problems(posted.json()) == [] and ids(posted.json()) == notes

    # --- MHD Full-Text Search: a word of one document's OCR text, and a word in none
    texts = {d: " ".join(p["text"] for p in details[d]["pages"]).lower() for d in uploaded}
    # A long word of the first document whose stem is not in the second and that has no synonyms.
    synonyms = (REPO / "index" / "data" / "synonyms.txt").read_text().lower()
    words = sorted({w for w in re.findall(r"[a-z]{7,}", texts[mine[0]])
                    if w[:6] not in texts[mine[1]] and w not in synonyms}, key=lambda w: (len(w), w))
    assert words, "the first document has no word of its own"
    word = words[-1]
    found = search(stack, patient=pid, _content=word)
    assert mine[0] in ids(found) and mine[1] not in ids(found)
    assert mine[0] in ids(search(stack, _content=word, _count=100))
    assert search(stack, patient=pid, _content="qzxwvkjplm")["total"] == 0
    # An OCR-damaged spelling finds it too, and the Bundle says the match was not exact.
    fuzzy = search(stack, patient=pid, _content=word[:3] + "q" + word[4:])
    assert mine[0] in ids(fuzzy)
    assert [e["resource"]["resourceType"] for e in fuzzy["entry"] if e["search"]["mode"] == "outcome"] == [
        "OperationOutcome"]
    by_post = stack.client.post("/fhir/DocumentReference/_search", data={"patient": pid, "_content": word},
                                headers={"Accept": FHIR_JSON})
    assert ids(by_post.json()) == ids(found)

    # --- paging: one at a time through `next` links
    page = search(stack, patient=pid, _count=1)
    seen = []
    while True:
        assert len(page.get("entry", [])) == 1 and page["total"] == 2, (seen, page)
        seen.extend(ids(page))
        following = [link["url"] for link in page["link"] if link["relation"] == "next"]
        if not following:
            break
        page = fhir(stack, following[0])
    assert sorted(seen) == sorted(mine)

    # --- read; the stranger's document is served by id, without a subject, and no patient search finds it
    assert read_first["id"] == mine[0] and read_first["subject"]["reference"] == f"Patient/{pid}"
    unfiled = fhir(stack, f"DocumentReference/{stranger}")
    assert "subject" not in unfiled
    assert unfiled["meta"]["profile"] == [MHD_MINIMAL]
    assert ids(search(stack, _id=stranger)) == {stranger}
    assert ids(search(stack, _id=f"{stranger},{mine[0]}", patient=pid)) == {mine[0]}
    missing = fhir(stack, f"DocumentReference/{'0' * 32}", expect=404)
    assert missing["resourceType"] == "OperationOutcome"

    # --- ITI-68: the original's bytes; a Binary resource when FHIR JSON is asked for
    url = read_first["content"][0]["attachment"]["url"]
    assert url == f"{stack.url}/fhir/Binary/{mine[0]}"
    raw = stack.client.get(url)
    assert raw.status_code == 200 and raw.headers["content-type"] == "image/tiff" and raw.content == originals[0]
    resource = fhir(stack, url, headers={"Accept": FHIR_JSON})
    assert resource["resourceType"] == "Binary" and base64.b64decode(resource["data"]) == originals[0]
    assert base64.b64decode(fhir(stack, f"Binary/{stranger}", params={"_format": "json"})["data"]) == originals[2]

    # --- Patient: the subject can be followed
    patient = fhir(stack, read_first["subject"]["reference"])
    assert patient["id"] == pid and patient["active"] is True
    assert {(i["system"], i["value"]) for i in patient["identifier"]} >= {(partner.system, partner.value)}
    fhir(stack, "Patient/nobody", expect=404)

    # --- errors are OperationOutcome with FHIR's statuses
    bad_date = search(stack, expect=400, patient=pid, date="yesterday")
    assert bad_date["issue"][0]["severity"] == "error"
    search(stack, expect=400, patient="Group/7")
    search(stack, expect=400, patient=pid, _cursor="not-a-cursor")
    search(stack, expect=406, patient=pid, _format="xml")
    assert search(stack, patient=pid, **{"author.family": "x"})["total"] == 2  # lenient: ignored
    strict = stack.client.get("/fhir/DocumentReference", params={"patient": pid, "author.family": "x"},
                              headers={"Prefer": "handling=strict"})
    assert strict.status_code == 400 and strict.json()["resourceType"] == "OperationOutcome"
    fhir(stack, "Observation", expect=404)

    # The MRN searched for travelled in URLs and bodies; it never reaches a log.
    assert partner.value not in stack.logs() and printed not in stack.logs()


def test_batch_fax_pieces_in_process(tmp_path):
    """A batch fax as the pipeline leaves it (manifests written directly; OCR and splitting have
    their own tests), served by the real app over the embedded store and index: the fax itself
    is never a document; each piece is, and its Binary holds its own pages only - the fax's
    other pages can be another patient's."""
    from fastapi.testclient import TestClient

    from api.app import app
    from api.auth import development_secret, mint
    from api.deps import context
    from index.base import IndexDocument
    from workers.context import build_context

    ctx = build_context(Settings(data_dir=tmp_path, opensearch_url=None, s3_endpoint_url=None, s3_bucket=None,
                                 broker_url=None))
    pages = [["FAX COVER SHEET", "From: Cedar Hollow Medical Center", "Pages: 4"],
             ["CONSULTATION NOTE", "Reason: syncope workup", "Page 1 of 2"], ["Plan: tilt table test", "Page 2 of 2"],
             ["PROGRESS NOTE", "Followup for gastroparesis"]]
    data = synthetic.fax_tiff(pages)
    fax = Manifest.new(data=data, media_type="image/tiff", filename="batch.tif", source="upload")
    ctx.docs.put_original(fax.sha256, data)
    summaries = [PageSummary(number=n, text="\n".join(lines)) for n, lines in enumerate(pages, start=1)]
    sender = FieldValue(value="cedar hollow medical center", confidence=0.97, tier="automate", applied=True)

    def piece(first: int, last: int, key: str, match: PatientMatch) -> Manifest:
        return Manifest(doc_id=child_id_for(fax.doc_id, first, last), sha256=fax.sha256, media_type=fax.media_type,
                        size=fax.size, state=State.indexed, received_at=fax.received_at, page_count=last - first + 1,
                        pages=[s.model_copy(update={"number": s.number - first + 1}) for s in summaries[first - 1:last]],
                        parent_id=fax.doc_id, page_range=(first, last), fax_fields={"sender": sender},
                        doc_type=TypeResult(key=key, confidence=0.95, tier="automate"), match=match)

    consult = piece(2, 3, "consult_note", PatientMatch(outcome="linked", patient_id="p" * 32))
    progress = piece(4, 4, "progress_note", PatientMatch(outcome="review", reason="two candidates"))
    fax = fax.model_copy(update={"state": State.indexed, "pages": summaries, "page_count": 4,
                                 "children": [consult.doc_id, progress.doc_id], "fax_fields": {"sender": sender},
                                 "metadata": {"cover_pages": [1]},
                                 "doc_type": TypeResult(key="fax_cover_sheet", confidence=1.0, tier="automate")})
    for m in (fax, consult, progress):
        ctx.docs.save(m)
        ctx.index.put(IndexDocument.from_manifest(m))
    ctx.index.refresh()

    app.dependency_overrides[context] = lambda: ctx
    try:
        token = mint(development_secret(ctx.settings), "fhir-client", ["clinician"])
        client = TestClient(app, headers={"Authorization": f"Bearer {token}"})

        def get(path: str, expect: int = 200, **kwargs) -> dict:
            response = client.get(f"/fhir/{path}", **kwargs)
            assert response.status_code == expect, response.text
            assert problems(response.json()) == []
            return response.json()

        assert get(f"DocumentReference/{fax.doc_id}", expect=404)["resourceType"] == "OperationOutcome"
        get(f"Binary/{fax.doc_id}", expect=404)
        assert get("DocumentReference", params={"_id": f"{fax.doc_id},{consult.doc_id}"})["total"] == 1
        everything = get("DocumentReference", params={"_count": "100"})
        assert {e["resource"]["id"] for e in everything["entry"]} == {consult.doc_id, progress.doc_id}
        assert get("DocumentReference", params={"_content": "syncope"})["entry"][0]["resource"]["id"] == consult.doc_id
        filed = get("DocumentReference", params={"patient": "p" * 32})
        assert [e["resource"]["id"] for e in filed["entry"]] == [consult.doc_id]

        doc = get(f"DocumentReference/{consult.doc_id}")
        custodian = next(c for c in doc["contained"] if f"#{c['id']}" == doc["custodian"]["reference"])
        assert custodian["name"] == "cedar hollow medical center"
        assert "size" not in doc["content"][0]["attachment"]

        raw = client.get(f"/fhir/Binary/{consult.doc_id}")
        assert raw.status_code == 200 and raw.headers["content-type"] == "image/tiff"
        resource = get(f"Binary/{consult.doc_id}", headers={"Accept": "application/fhir+json"})
        assert base64.b64decode(resource["data"]) == raw.content
        with Image.open(io.BytesIO(data)) as whole, Image.open(io.BytesIO(raw.content)) as cut:
            assert cut.n_frames == 2
            for offset in range(2):
                whole.seek(1 + offset)
                cut.seek(offset)
                assert cut.tobytes() == whole.tobytes()
    finally:
        app.dependency_overrides.pop(context, None)
