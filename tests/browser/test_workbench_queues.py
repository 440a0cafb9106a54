"""The queue pages and their decisions in process, on the embedded store: records staff link a
document to a candidate, say "none of these", and correct a field, through the same forms the
browser posts. The cases the browser tests do not reach (candidates, refusals) are here."""
from __future__ import annotations

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from api import guard, problems
from api.auth import mint
from api.deps import context
from api.web import routes as web
from clinidex.manifest import FieldValue, MatchCandidate, Manifest, PatientMatch
from clinidex.patient import Identifier, PatientRecord
from clinidex.settings import Settings
from workers.context import build_context

ISSUER = "urn:oid:2.16.840.1.113883.3.7751.1"
PEOPLE = [PatientRecord.create(Identifier(system=ISSUER, value=f"MRN{n}"), given=given, family="Haldane",
                               birth_date=born)
          for n, (given, born) in enumerate([("Nadia", "1950-02-03"), ("Nadine", "1950-03-02")], start=100)]


def stored(ctx, text: bytes, **changes) -> Manifest:
    manifest = Manifest.new(data=text, media_type="image/png", filename=None, source="test")
    manifest = manifest.model_copy(update=changes)
    ctx.docs.save(manifest)
    return manifest


def candidate(record: PatientRecord, probability: float) -> MatchCandidate:
    return MatchCandidate(patient_id=record.patient_id, weight=4.2, probability=probability,
                          explanation=[{"field": "family", "level": "exact", "bayes_factor": 40.0, "weight": 5.3,
                                        "tf_adjusted": False},
                                       {"field": "birth_date", "level": "transposed", "bayes_factor": 3.0,
                                        "weight": 1.6, "tf_adjusted": False}])


SECRET = "queue-test-secret-" + "0" * 16


def bearer(subject: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(SECRET, subject, list(roles))}"}


@pytest.fixture()
def ctx(tmp_path):
    found = build_context(Settings(data_dir=tmp_path, auth_hs256_secret=SECRET))
    found.patients.put_many(PEOPLE)
    return found


@pytest.fixture()
def client(ctx):
    app = FastAPI(dependencies=[Depends(guard.authorize)])
    problems.install(app)
    app.include_router(web.router)
    app.dependency_overrides[context] = lambda: ctx
    # Whoever decides is the signed-in user: a records clerk here.
    with TestClient(app, follow_redirects=False, headers=bearer("clerk-a", "records_staff")) as c:
        yield c


def in_review(ctx, text: bytes) -> Manifest:
    match = PatientMatch(outcome="review", reason="two patients are about as likely",
                         candidates=[candidate(PEOPLE[0], 0.61), candidate(PEOPLE[1], 0.35)])
    manifest = stored(ctx, text, match=match)
    ctx.docs.mark("match-review", manifest.doc_id)
    return manifest


def test_a_candidate_is_chosen_and_the_document_leaves_the_queue(ctx, client):
    first, second = in_review(ctx, b"fax one"), in_review(ctx, b"fax two")
    page = client.get("/ui/matches").text
    assert "2 documents waiting" in page and "two patients are about as likely" in page
    assert "Nadia Haldane" in page and "61% probability" in page and "family: exact (+5.3)" in page

    done = client.post(f"/ui/documents/{first.doc_id}/patient",
                       data={"patient_id": PEOPLE[1].patient_id, "back": "matches"})
    assert done.status_code == 303 and done.headers["location"] == f"/ui/matches?done={first.doc_id}"
    match = ctx.docs.load(first.doc_id).match
    assert (match.outcome, match.patient_id, match.decided_by) == ("linked", PEOPLE[1].patient_id, "clerk-a")
    page = client.get(done.headers["location"]).text
    assert "1 document waiting" in page and f'id="doc-{first.doc_id}"' not in page and "linked" in page

    # "None of these": the other goes to the unmatched queue.
    none = client.post(f"/ui/documents/{second.doc_id}/patient/unlink", data={"back": "matches"})
    assert none.status_code == 303
    assert ctx.docs.load(second.doc_id).match.outcome == "unmatched"
    assert f'id="doc-{second.doc_id}"' in client.get("/ui/unmatched").text
    assert "Nothing waits here" in client.get("/ui/matches").text


def test_decisions_without_sign_in_the_role_or_a_real_patient_change_nothing(ctx, client):
    manifest = in_review(ctx, b"fax three")
    form = {"patient_id": PEOPLE[0].patient_id, "back": "matches"}
    anonymous = client.post(f"/ui/documents/{manifest.doc_id}/patient", data=form, headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert client.get("/ui/matches", headers={"Authorization": ""}).headers["location"].startswith("/ui/sign-in")
    clinician = client.post(f"/ui/documents/{manifest.doc_id}/patient", data=form,
                            headers=bearer("dr-b", "clinician"))
    assert clinician.status_code == 403
    nobody = client.post(f"/ui/documents/{manifest.doc_id}/patient",
                         data={"patient_id": "0" * 32, "back": "matches"})
    assert nobody.status_code == 422 and "No such patient" in nobody.text
    assert ctx.docs.load(manifest.doc_id).match.outcome == "review"
    assert client.post("/ui/documents/0123abcd/patient/unlink", data={}).status_code == 404


def test_field_values_corrected_through_the_review_form(ctx, client):
    manifest = stored(ctx, b"fax four", review=["field:birth_date", "field:mrn"], fields={
        "birth_date": FieldValue(value="1950-02-30", confidence=0.4, tier="escalate", applied=False),
        "mrn": FieldValue(value="MRN100", confidence=0.7, tier="recommend", applied=True)})
    ctx.docs.mark_review(manifest.doc_id)
    page = client.get("/ui/review").text
    assert 'name="field:birth_date"' in page and 'value="MRN100"' in page and "40% confidence" in page

    wrong = client.post(f"/ui/review/{manifest.doc_id}",
                        data={"field:birth_date": "02/03/1950", "field:mrn": "MRN100"})
    assert wrong.status_code == 422 and "YYYY-MM-DD" in wrong.text
    assert ctx.docs.load(manifest.doc_id).review == ["field:birth_date", "field:mrn"]

    # A form holding only some of the items decides those; the rest stay queued.
    partial = client.post(f"/ui/review/{manifest.doc_id}", data={"field:mrn": " "})
    assert partial.status_code == 303
    saved = ctx.docs.load(manifest.doc_id)
    assert saved.review == ["field:birth_date"] and "mrn" not in saved.fields  # left empty: there is none

    right = client.post(f"/ui/review/{manifest.doc_id}", data={"field:birth_date": "1950-02-03"})
    assert right.status_code == 303 and right.headers["location"] == f"/ui/review?done={manifest.doc_id}"
    saved = ctx.docs.load(manifest.doc_id)
    assert saved.review == [] and saved.fields["birth_date"].value == "1950-02-03"
    assert saved.fields["birth_date"].source == "review"
    page = client.get(right.headers["location"]).text
    assert "It has left the queue" in page and "Nothing waits for review" in page
