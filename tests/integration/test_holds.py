"""Legal holds on the embedded store and index: a hold by patient, by document or by query with
a clinical-date range is placed on the matching stored documents; a document ingested later
under a held patient gets it from the pipeline; releasing lifts only that hold; the delete API
refuses a held document (409 naming the holds) and destroys an unheld one.

The local folder store has no Object Lock, so here a hold is the application's alone (the API's
409 and the sweep); tests/e2e/test_holds.py proves the S3 legal hold on MinIO."""
from __future__ import annotations

from datetime import date

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from api import problems
from api.auth import Principal, Role
from api.deps import context
from api.routers import deletion as deletion_router
from api.routers import holds as holds_router
from clinidex.corpus import training
from clinidex.holds import HoldReleased, InvalidHold, scope_from
from clinidex.manifest import FieldValue, Manifest, PageSummary, PatientMatch, State, child_id_for
from clinidex.mpi_files import to_csv
from clinidex.patient import Identifier, PatientRecord
from clinidex.population import default_issuers, documents_for, population
from clinidex.settings import Settings
from index.base import IndexDocument
from index.query import Filters, SearchQuery
from tests.support.documents import born_digital_pdf
from workers import holds
from workers.audit_trail import audit_log
from workers.context import build_context
from workers.intake import receive
from workers.mpi import new_load_id, run_load, source_key
from workers.patient_links import patient_docs
from workers.retention import compute, sweep
from workers.stages import index_stage, match_stage, prepare_stage, understand_stage

ISSUER = "urn:oid:2.16.840.1.113883.3.7751.9"


def person(mrn: str, merged_into: str | None = None) -> PatientRecord:
    record = PatientRecord.create(Identifier(system=ISSUER, value=mrn), given="Ada", family="Quist",
                                  birth_date="1961-04-05")
    return record.model_copy(update={"merged_into": merged_into})


def stored(ctx, text: str, *, patient: str | None = None, on: date | None = None,
           state: State = State.indexed, **changes) -> Manifest:
    """A document as the pipeline leaves it: original, manifest, filing marker, index entry."""
    data = f"%PDF-1.4 synthetic {text} {patient} {on} {changes}".encode()
    manifest = Manifest.new(data=data, media_type="application/pdf", filename=None, source="test")
    fields = {"document_date": FieldValue(value=on.isoformat(), confidence=0.99, tier="automate", applied=True)
              } if on else {}
    match = PatientMatch(outcome="linked", patient_id=patient) if patient else PatientMatch(outcome="unmatched")
    manifest = manifest.model_copy(update={"state": state, "pages": [PageSummary(number=1, text=text)],
                                           "page_count": 1, "fields": fields, "match": match, **changes})
    if state in (State.indexed, State.failed):
        compute(ctx, manifest)  # retention, as the index stage sets it
    ctx.docs.put_original(manifest.sha256, data)
    ctx.docs.save(manifest)
    if patient:
        ctx.docs.mark(patient_docs(patient), manifest.doc_id)
    if state == State.indexed:
        ctx.index.put(IndexDocument.from_manifest(manifest))
    return manifest


def held_ids(ctx) -> set[str]:
    ctx.index.refresh()
    return {h.doc_id for h in ctx.index.search(SearchQuery(filters=Filters(on_hold=True), limit=100)).hits}


def holds_on(ctx, doc_id: str) -> list[str]:
    return ctx.docs.load(doc_id).holds


@pytest.fixture()
def ctx(tmp_path):
    return build_context(Settings(data_dir=tmp_path))


@pytest.fixture()
def people(ctx):
    survivor, other = person("100"), person("200")
    merged = person("101", merged_into=survivor.patient_id)  # an old record of the same person
    ctx.patients.put_many([survivor, merged, other])
    return survivor, merged, other


def test_hold_by_patient_covers_their_documents_and_merged_records(ctx, people):
    survivor, merged, other = people
    mine = stored(ctx, "discharge summary", patient=survivor.patient_id, on=date(2020, 1, 2))
    filed_under_old_id = stored(ctx, "clinic letter", patient=merged.patient_id, on=date(2020, 2, 3))
    failed = stored(ctx, "lab report", patient=survivor.patient_id, on=date(2020, 3, 4), state=State.failed)
    theirs = stored(ctx, "discharge summary", patient=other.patient_id, on=date(2020, 1, 2))

    outcome = holds.create(ctx, matter_id="M-2026-17", reason="Litigation", actor="legal-1",
                           scope=scope_from(patient_ids=[merged.patient_id]))

    hold = outcome.hold
    assert sorted(outcome.documents) == sorted([mine.doc_id, filed_under_old_id.doc_id, failed.doc_id])
    for doc in (mine, filed_under_old_id, failed):
        assert holds_on(ctx, doc.doc_id) == [hold.id]
    assert holds_on(ctx, theirs.doc_id) == []
    # Search shows what is held (the failed document is not in the index).
    assert held_ids(ctx) == {mine.doc_id, filed_under_old_id.doc_id}
    assert outcome.patient_ids == {survivor.patient_id, merged.patient_id}
    # The local store cannot hold objects: the outcome says protection is the application's.
    assert outcome.storage == "application" and "no Object Lock" in outcome.notice
    assert holds.get_hold(ctx, hold.id) == hold and [h.id for h in holds.list_holds(ctx, active=True)] == [hold.id]
    assert holds.documents_of(ctx, hold.id) == sorted(outcome.documents)


def test_hold_by_document_covers_a_batch_fax_and_its_documents(ctx, people):
    fax = stored(ctx, "fax cover sheet", on=date(2021, 5, 1))
    first = child_id_for(fax.doc_id, 2, 3)
    child = stored(ctx, "referral letter", patient=people[0].patient_id, on=date(2021, 5, 1),
                   sha256=fax.sha256, doc_id=first, parent_id=fax.doc_id, page_range=(2, 3))
    fax.children = [child.doc_id]
    ctx.docs.save(fax)
    alone = stored(ctx, "referral letter", patient=people[0].patient_id, on=date(2021, 5, 1))

    outcome = holds.create(ctx, matter_id="M-1", reason="Subpoena", actor="legal-1",
                           scope=scope_from(doc_ids=[fax.doc_id]))

    assert set(outcome.documents) == {fax.doc_id, child.doc_id}
    assert holds_on(ctx, child.doc_id) == [outcome.hold.id] and holds_on(ctx, alone.doc_id) == []
    assert {(b.hold_id, b.doc_id) for b in holds.blocking_holds(ctx, ctx.docs.load(fax.doc_id))} == {
        (outcome.hold.id, fax.doc_id), (outcome.hold.id, child.doc_id)}
    assert holds.blocking_holds(ctx, ctx.docs.load(alone.doc_id)) == []

    # A hold on the child alone keeps the fax too: they share one original.
    holds.release(ctx, outcome.hold.id, actor="legal-1")
    on_child = holds.create(ctx, matter_id="M-1b", reason="r", actor="legal-1",
                            scope=scope_from(doc_ids=[child.doc_id])).hold
    assert holds_on(ctx, fax.doc_id) == []
    assert [(b.hold_id, b.matter_id, b.doc_id) for b in holds.blocking_holds(ctx, ctx.docs.load(fax.doc_id))] == [
        (on_child.id, "M-1b", child.doc_id)]


def test_hold_by_query_and_clinical_date_range(ctx, people):
    pid = people[0].patient_id
    in_range = stored(ctx, "Started warfarin for atrial fibrillation", patient=pid, on=date(2019, 5, 6))
    synonym = stored(ctx, "Warfarin continued; afib rate controlled", patient=pid, on=date(2019, 11, 30))
    too_late = stored(ctx, "Started warfarin for atrial fibrillation", patient=pid, on=date(2021, 1, 2))
    other_words = stored(ctx, "Started aspirin", patient=pid, on=date(2019, 6, 7))
    # No document date: the clinical date falls back to the day it was received (today).
    undated = stored(ctx, "warfarin atrial fibrillation", patient=pid)

    outcome = holds.create(ctx, matter_id="M-2", reason="Product liability", actor="legal-1",
                           scope=scope_from(text="warfarin \"atrial fibrillation\"", date_from=date(2019, 1, 1),
                                            date_to=date(2019, 12, 31)))

    assert set(outcome.documents) == {in_range.doc_id, synonym.doc_id}
    assert held_ids(ctx) == {in_range.doc_id, synonym.doc_id}
    for doc in (too_late, other_words, undated):
        assert holds_on(ctx, doc.doc_id) == []
    # The same rule decides for a document that arrives later.
    hold = outcome.hold
    assert holds.applies_to(hold, ctx.docs.load(synonym.doc_id))
    assert not holds.applies_to(hold, ctx.docs.load(too_late.doc_id))
    assert not holds.applies_to(hold, ctx.docs.load(other_words.doc_id))


def test_bad_holds_are_refused_before_anything_is_kept(ctx, people):
    with pytest.raises(InvalidHold, match="patient_ids"):
        holds.create(ctx, matter_id="M", reason="r", actor="a", scope=scope_from(patient_ids=["nosuchpatient"]))
    with pytest.raises(InvalidHold, match="doc_ids"):
        holds.create(ctx, matter_id="M", reason="r", actor="a", scope=scope_from(doc_ids=["nosuchdoc"]))
    with pytest.raises(InvalidHold, match="date_from is after date_to"):
        scope_from(text="x", date_from=date(2020, 2, 1), date_to=date(2020, 1, 1))
    with pytest.raises(InvalidHold, match="one of"):
        scope_from(patient_ids=[people[0].patient_id], doc_ids=["abc"])
    with pytest.raises(InvalidHold):
        scope_from()
    with pytest.raises(InvalidHold, match="matter_id"):
        holds.create(ctx, matter_id="   ", reason="r", actor="a", scope=scope_from(text="x"))
    assert holds.list_holds(ctx) == []


def test_release_lifts_only_that_hold(ctx, people):
    pid = people[0].patient_id
    both = stored(ctx, "operative note", patient=pid, on=date(2018, 3, 3))
    first = holds.create(ctx, matter_id="M-A", reason="a", actor="legal-1", scope=scope_from(patient_ids=[pid])).hold
    second = holds.create(ctx, matter_id="M-B", reason="b", actor="legal-2",
                          scope=scope_from(doc_ids=[both.doc_id])).hold
    assert holds_on(ctx, both.doc_id) == [first.id, second.id]

    outcome = holds.release(ctx, first.id, actor="legal-3", reason="settled")

    assert outcome.documents == [both.doc_id]
    assert holds_on(ctx, both.doc_id) == [second.id]
    assert [b.hold_id for b in holds.blocking_holds(ctx, ctx.docs.load(both.doc_id))] == [second.id]
    assert held_ids(ctx) == {both.doc_id}
    released = holds.get_hold(ctx, first.id)
    assert not released.active and released.released_by == "legal-3" and released.release_reason == "settled"
    with pytest.raises(HoldReleased):
        holds.release(ctx, first.id, actor="legal-3")
    # Documents arriving later under the patient no longer get the released hold.
    later = stored(ctx, "follow-up letter", patient=pid, on=date(2018, 4, 4), state=State.matched)
    assert holds.apply_holds(ctx, later) == []

    holds.release(ctx, second.id, actor="legal-3")
    assert holds_on(ctx, both.doc_id) == [] and held_ids(ctx) == set()
    assert holds.blocking_holds(ctx, ctx.docs.load(both.doc_id)) == []
    assert [h.id for h in holds.list_holds(ctx, active=False)] == [second.id, first.id]


def test_a_document_in_the_pipeline_is_protected_at_once_and_held_when_indexed(ctx, people):
    pid = people[0].patient_id
    moving = stored(ctx, "consult note", patient=pid, on=date(2022, 2, 2), state=State.matched)
    hold = holds.create(ctx, matter_id="M-3", reason="r", actor="legal-1", scope=scope_from(patient_ids=[pid])).hold
    # Not rewritten under the worker that owns it, yet already protected...
    assert holds_on(ctx, moving.doc_id) == []
    assert [b.hold_id for b in holds.blocking_holds(ctx, ctx.docs.load(moving.doc_id))] == [hold.id]
    # ...and the hold is on it once the index stage has run.
    index_stage(ctx, moving.doc_id)
    assert holds_on(ctx, moving.doc_id) == [hold.id] and held_ids(ctx) == {moving.doc_id}


# --- the pipeline: documents ingested after the hold ---------------------------------------

@pytest.fixture(scope="module")
def mpi_people():
    return list(population(120, 11, default_issuers()))


def ingest(ctx, pages: list[list[str]]) -> list[str]:
    doc_id = receive(ctx, born_digital_pdf(pages), filename="fax.pdf", source="test").manifest.doc_id
    assert prepare_stage(ctx, doc_id) == []
    targets = understand_stage(ctx, doc_id)
    for target in targets:
        if match_stage(ctx, target):
            index_stage(ctx, target)
    return targets


def test_a_document_ingested_later_under_a_held_patient_gets_the_hold(tmp_path, mpi_people):
    ctx = build_context(Settings(data_dir=tmp_path))
    load_id = new_load_id()
    ctx.docs.objects.put(source_key(load_id), to_csv(mpi_people))
    run_load(ctx, load_id, "csv")
    (held_doc, held_patient), (free_doc, free_patient) = documents_for(mpi_people, training, 5, 2)
    assert held_patient != free_patient
    hold = holds.create(ctx, matter_id="M-4", reason="r", actor="legal-1",
                        scope=scope_from(patient_ids=[held_patient])).hold
    assert holds.documents_of(ctx, hold.id) == []

    [held_id] = ingest(ctx, held_doc.pages)
    [free_id] = ingest(ctx, free_doc.pages)

    held, free = ctx.docs.load(held_id), ctx.docs.load(free_id)
    assert (held.state, held.match.outcome, held.match.patient_id) == (State.indexed, "linked", held_patient)
    assert held.holds == [hold.id]
    assert free.state == State.indexed and free.holds == []
    assert held_ids(ctx) == {held_id}
    assert holds.documents_of(ctx, hold.id) == [held_id]


# --- the API -----------------------------------------------------------------------------

@pytest.fixture()
def client(ctx):
    def signed_in(request: Request):
        roles = request.headers.get("x-test-roles", "compliance").split(",")
        request.state.principal = Principal(subject="legal-1", roles=frozenset(Role(r) for r in roles))

    app = FastAPI(dependencies=[Depends(signed_in)])
    problems.install(app)
    app.include_router(holds_router.router)
    app.include_router(deletion_router.router)
    app.dependency_overrides[context] = lambda: ctx
    with TestClient(app) as c:
        yield c


def test_api_places_lists_and_releases_holds_and_audits_them(client, ctx, people):
    pid = people[0].patient_id
    doc = stored(ctx, "progress note", patient=pid, on=date(2020, 6, 6))

    created = client.post("/holds", json={"matter_id": "M-9", "reason": "Audit request",
                                          "scope": {"patient_ids": [pid]}})
    assert created.status_code == 201, created.text
    body = created.json()
    hold_id = body["id"]
    assert created.headers["location"] == f"/holds/{hold_id}"
    assert body["documents_affected"] == 1 and body["active"] and body["created_by"] == "legal-1"
    assert body["storage"] == "application" and body["notice"]

    listed = client.get("/holds").json()
    assert [h["id"] for h in listed["items"]] == [hold_id]
    one = client.get(f"/holds/{hold_id}").json()
    assert one["matter_id"] == "M-9" and one["documents_total"] == 1
    assert one["documents"] == [{"id": doc.doc_id, "status": "indexed", "held": True,
                                 "links": {"self": f"/documents/{doc.doc_id}"}}]
    assert client.get("/holds/nosuchhold").status_code == 404

    bad = client.post("/holds", json={"matter_id": "M", "reason": "r", "scope": {"patient_ids": ["nobody"]}})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert "nobody" not in bad.text
    assert client.post("/holds", json={"matter_id": "M", "reason": "r", "scope": {}}).status_code == 422

    released = client.post(f"/holds/{hold_id}/release", json={"reason": "matter closed"})
    assert released.status_code == 200 and released.json()["active"] is False
    assert released.json()["release_reason"] == "matter closed"
    assert client.post(f"/holds/{hold_id}/release").status_code == 409
    assert client.get(f"/holds/{hold_id}").json()["documents"][0]["held"] is False

    events = audit_log(ctx).events_for_object(hold_id).events
    assert sorted(e.action for e in events) == ["hold_create", "hold_release"]
    create_event = next(e for e in events if e.action == "hold_create")
    assert create_event.actor == "legal-1" and create_event.patient_ids == (pid,)
    assert create_event.details["documents"] == 1 and create_event.details["matter_id"] == "M-9"


def test_api_delete_refuses_a_held_document_and_destroys_an_unheld_one(client, ctx, people):
    pid = people[0].patient_id
    held = stored(ctx, "held note", patient=pid, on=date(2020, 6, 6))
    free = stored(ctx, "free note", patient=people[2].patient_id, on=date(2020, 6, 6))
    hold_id = client.post("/holds", json={"matter_id": "M-10", "reason": "r",
                                          "scope": {"doc_ids": [held.doc_id]}}).json()["id"]

    refused = client.request("DELETE", f"/documents/{held.doc_id}", json={"reason": "duplicate"})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["holds"] == [{"id": hold_id, "matter_id": "M-10", "document": held.doc_id,
                                 "link": f"/holds/{hold_id}"}]
    assert hold_id in problem["detail"] and "M-10" in problem["detail"]
    assert ctx.docs.load(held.doc_id).state == State.indexed
    assert ctx.docs.original(held) and held.doc_id in {h.doc_id for h in ctx.index.search(SearchQuery(limit=50)).hits}

    deleted = client.request("DELETE", f"/documents/{free.doc_id}", json={"reason": "sent in error"})
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["status"] == "destroyed"
    ctx.index.refresh()
    assert free.doc_id not in {h.doc_id for h in ctx.index.search(SearchQuery(limit=50)).hits}
    assert not ctx.docs.objects.exists(f"originals/{free.sha256[:2]}/{free.sha256}")
    assert client.request("DELETE", f"/documents/{free.doc_id}").status_code in (404, 410)

    # Released, the document can go.
    client.post(f"/holds/{hold_id}/release")
    assert client.request("DELETE", f"/documents/{held.doc_id}").status_code == 200


def test_workbench_places_and_releases_holds_through_its_forms(ctx, people):
    from api.web import routes as web

    def signed_in(request: Request):
        request.state.principal = Principal(subject="legal-web", roles=frozenset({Role.compliance}))

    app = FastAPI(dependencies=[Depends(signed_in)])
    problems.install(app)
    app.include_router(web.router)
    app.dependency_overrides[context] = lambda: ctx
    pid = people[0].patient_id
    doc = stored(ctx, "radiology report", patient=pid, on=date(2020, 6, 6))
    with TestClient(app, follow_redirects=False) as c:
        form = {"matter_id": "M-web", "reason": "Records request", "kind": "patients", "ids": f"{pid}\n"}
        forged = c.post("/ui/holds", data=form, headers={"Origin": "https://elsewhere.example"})
        assert forged.status_code == 403 and holds.list_holds(ctx) == []

        bad = c.post("/ui/holds", data={**form, "ids": "nosuchpatient"})
        assert bad.status_code == 422 and "no such patient" in bad.text and "M-web" in bad.text

        placed = c.post("/ui/holds", data=form)
        assert placed.status_code == 303
        [hold] = holds.list_holds(ctx)
        assert placed.headers["location"] == f"/ui/holds?placed={hold.id}"
        assert hold.created_by == "legal-web" and holds_on(ctx, doc.doc_id) == [hold.id]
        page = c.get(placed.headers["location"])
        assert page.status_code == 200 and f"/ui/holds/{hold.id}/release" in page.text and "M-web" in page.text

        released = c.post(f"/ui/holds/{hold.id}/release", data={"reason": "closed"})
        assert released.status_code == 303 and holds_on(ctx, doc.doc_id) == []
        assert holds.get_hold(ctx, hold.id).release_reason == "closed"
        assert f"/ui/holds/{hold.id}/release" not in c.get("/ui/holds").text


def test_the_sweep_skips_a_held_expired_document_and_destroys_the_unheld_one(ctx, people):
    pid = people[0].patient_id
    held = stored(ctx, "old letter kept for a matter", patient=pid, on=date(1990, 1, 2))
    expired = stored(ctx, "old letter nobody holds", patient=people[2].patient_id, on=date(1990, 1, 2))
    hold = holds.create(ctx, matter_id="M-11", reason="r", actor="legal-1", scope=scope_from(patient_ids=[pid])).hold
    later = date(2200, 1, 1)  # past any retention the shipped policy gives

    report = sweep(ctx, today=later)

    assert [(i.doc_id, i.holds) for i in report.held] == [(held.doc_id, (hold.id,))]
    assert [i.doc_id for i in report.destroyed] == [expired.doc_id]
    assert ctx.docs.load(held.doc_id).state == State.indexed and ctx.docs.original(held)
    assert ctx.docs.load(expired.doc_id).state == State.destroyed
    assert not ctx.docs.objects.exists(f"originals/{expired.sha256[:2]}/{expired.sha256}")
    [record] = audit_log(ctx).events_for_object(expired.doc_id).events
    assert record.action == "destroy" and record.patient_ids == (people[2].patient_id,)

    # Released, the next sweep destroys it too.
    holds.release(ctx, hold.id, actor="legal-1")
    assert [i.doc_id for i in sweep(ctx, today=later).destroyed] == [held.doc_id]
