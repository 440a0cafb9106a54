"""Retention on the embedded store and index, in process: retain_until computed at ingest by the
real stages and recomputed on corrections, the minors rule with the MPI's birth date, policy
changes (lengthening freely, shortening only with compliance), the sweep (a dry run lists, a real
one destroys an expired unheld document everywhere and leaves a tombstone and its destruction
record; a held document survives), batch faxes sharing an original, an interrupted destruction
finished by the next sweep, and a refused policy file leaving the last good policy in force.

tests/e2e/test_retention.py proves the same destruction on S3 and OpenSearch through Celery."""
from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from typer.testing import CliRunner

from clinidex import retention_cli
from clinidex.audit import AuditEntry
from clinidex.corpus import training
from clinidex.holds import scope_from
from clinidex.manifest import (
    FieldValue, Manifest, PageResult, PageSummary, PatientMatch, ReceiptRecord, State, TypeResult, Word, child_id_for,
)
from clinidex.mpi_files import to_csv
from clinidex.patient import Identifier, PatientRecord
from clinidex.population import default_issuers, documents_for, population
from clinidex.settings import Settings
from clinidex.store import original_key
from index.query import Filters, SearchQuery
from ingest.retention import RULE_MINORS, RULE_MINORS_ASSUMED, RULE_TYPE
from tests.support.documents import born_digital_pdf
from workers import holds, retention
from workers.audit_trail import audit_log, record
from workers.context import build_context
from workers.intake import receive
from workers.mpi import new_load_id, run_load, source_key
from workers.page_images import derived_prefix
from workers.patient_links import link, patient_docs, unlink
from workers.review import Decision, decide
from workers.stages import index_stage, match_stage, prepare_stage, understand_stage

ISSUER = "urn:oid:2.16.840.1.113883.3.7751.9"
TODAY = date(2027, 1, 15)


def policy_text(progress="P10Y", insurance="P7Y", default="P10Y", unknown="assume_minor") -> str:
    return "\n".join([
        "# a site policy for the tests",
        "age_of_majority = 18",
        "minors_extra_years = 3",
        f'unknown_birth_date = "{unknown}"',
        f'default = "{default}"',
        "[types]",
        f'progress_note = "{progress}"',
        f'insurance_correspondence = "{insurance}"',
        'discharge_summary = "P25Y"',
        "",
    ])


@pytest.fixture()
def policy_file(tmp_path):
    path = tmp_path / "retention.toml"
    path.write_text(policy_text())
    return path


@pytest.fixture()
def ctx(tmp_path, policy_file):
    return build_context(Settings(data_dir=tmp_path / "data", retention_policy_path=policy_file))


def patient(ctx, mrn: str, birth: str) -> PatientRecord:
    record = PatientRecord.create(Identifier(system=ISSUER, value=mrn), given="Ada", family="Quist", birth_date=birth)
    ctx.patients.put_many([record])
    return record


def value(text: str) -> FieldValue:
    return FieldValue(value=text, confidence=0.99, tier="automate", applied=True)


def stored(ctx, text: str, *, on: date | None = None, doc_type: str | None = "progress_note",
           patient_id: str | None = None, birth: str | None = None, state: State = State.indexed,
           data: bytes | None = None, **changes) -> Manifest:
    """A document as the pipeline leaves it, with everything destruction must reach: original,
    page reading, receipt (its file name names the patient), filing marker, retention, index entry."""
    data = data or f"%PDF-1.4 synthetic {uuid.uuid4().hex}".encode()
    manifest = Manifest.new(data=data, media_type="application/pdf", filename="Quist_Ada_note.pdf",
                            source="folder:/scans/quist-ada")
    fields = {}
    if on:
        fields["document_date"] = value(on.isoformat())
    if birth:
        fields["birth_date"] = value(birth)
    match = PatientMatch(outcome="linked", patient_id=patient_id) if patient_id else PatientMatch(outcome="unmatched")
    manifest = manifest.model_copy(update={
        "state": state, "pages": [PageSummary(number=1, text=text)], "page_count": 1, "fields": fields,
        "match": match, "doc_type": TypeResult(key=doc_type, confidence=0.99, tier="automate") if doc_type else None,
        **changes})
    ctx.docs.put_original(manifest.sha256, data)
    if not manifest.parent_id:
        ctx.docs.save_page(manifest.doc_id, PageResult(number=1, text=text, words=[
            Word(text=w, left=10 * i, top=10, width=9, height=9, confidence=95.0) for i, w in enumerate(text.split())]))
    ctx.docs.save_receipt(ReceiptRecord(receipt_id=uuid.uuid4().hex, doc_id=manifest.doc_id, source="test",
                                        name="Quist_Ada_note.pdf"))
    ctx.docs.mark(patient_docs(patient_id) if patient_id else "unmatched", manifest.doc_id)
    if state == State.indexed:
        retention.compute(ctx, manifest)
        ctx.index.put(_entry(manifest))
    ctx.docs.save(manifest)
    return manifest


def _entry(manifest):
    from index.base import IndexDocument

    return IndexDocument.from_manifest(manifest)


def indexed_ids(ctx) -> set[str]:
    ctx.index.refresh()
    return {h.doc_id for h in ctx.index.search(SearchQuery(filters=Filters(include_batches=True), limit=100)).hits}


def until(ctx, doc_id: str) -> date | None:
    return ctx.docs.load(doc_id).retention.retain_until


def actions(ctx, doc_id: str) -> list[str]:
    return sorted(e.action for e in audit_log(ctx).events_for_object(doc_id, limit=100).events)


# --- computed at ingest ------------------------------------------------------------------------

def test_retention_is_computed_at_ingest_by_the_real_stages(tmp_path, policy_file):
    ctx = build_context(Settings(data_dir=tmp_path / "data", retention_policy_path=policy_file))
    people = list(population(80, 5, default_issuers()))
    load_id = new_load_id()
    ctx.docs.objects.put(source_key(load_id), to_csv(people))
    run_load(ctx, load_id, "csv")
    births = {p.patient_id: date.fromisoformat(p.birth_date) for p in people}
    found = []
    for doc, patient_id in documents_for(people, training, 3, 2):
        doc_id = receive(ctx, born_digital_pdf(doc.pages), filename="fax.pdf", source="test").manifest.doc_id
        assert prepare_stage(ctx, doc_id) == []
        for target in understand_stage(ctx, doc_id):
            if match_stage(ctx, target):
                index_stage(ctx, target)
            found.append(ctx.docs.load(target))
    linked = [m for m in found if m.match and m.match.outcome == "linked"]
    assert linked, "the corpus documents should link to their MPI patients"
    for manifest in found:
        kept = manifest.retention
        assert manifest.state == State.indexed and kept is not None
        assert kept.policy_digest == retention.current_policy(ctx).digest and kept.cause == "ingest"
        if manifest.children:
            assert kept.rule == retention.RULE_BATCH and kept.retain_until is None
            continue
        applied = {k: v.value for k, v in manifest.fields.items() if v.applied}
        expected_anchor = applied.get("document_date") or applied.get("service_date") \
            or manifest.received_at.date().isoformat()
        assert kept.anchor.isoformat() == expected_anchor
        assert kept.doc_type == manifest.doc_type.key
        if manifest in linked:
            # The MPI's birth date decides whether the minors rule applies.
            assert kept.birth_date_known
            born = births[manifest.match.patient_id]
            minor = kept.anchor < born.replace(year=born.year + 18) if (born.month, born.day) != (2, 29) \
                else kept.anchor < date(born.year + 18, 3, 1)
            assert kept.minor_at_anchor == minor
            assert kept.rule in ((RULE_MINORS, RULE_TYPE) if minor else (RULE_TYPE, "default_period"))
        # The index entry carries the date the sweep looks for.
        assert kept.retain_until is not None
        due = dict(ctx.index.retention_due(date(2200, 1, 1), limit=1000))
        assert due[manifest.doc_id] == kept.retain_until
        assert manifest.doc_id not in dict(ctx.index.retention_due(kept.retain_until))


def test_the_minors_rule_takes_the_mpi_birth_date_else_the_extracted_one(ctx):
    child = patient(ctx, "C-1", "2010-05-01")
    # Seen at 4: a progress note's 10 years end in 2025, the minors rule at 21 in 2031.
    linked = stored(ctx, "note", on=date(2015, 3, 1), patient_id=child.patient_id, birth="1970-01-01")
    assert linked.retention.rule == RULE_MINORS and linked.retention.retain_until == date(2031, 5, 1)
    assert linked.retention.birth_date_known and linked.retention.minor_at_anchor
    # Not linked: the birth date read from the document.
    read = stored(ctx, "note", on=date(2015, 3, 1), birth="2010-05-01")
    assert read.retention.rule == RULE_MINORS and read.retention.retain_until == date(2031, 5, 1)
    # Nothing known: kept as long as a minor's could be.
    unknown = stored(ctx, "note", on=date(2015, 3, 1))
    assert unknown.retention.rule == RULE_MINORS_ASSUMED and not unknown.retention.birth_date_known
    assert unknown.retention.retain_until == date(2036, 3, 1)
    # A type kept longer than the minors rule reaches: the type's period.
    summary = stored(ctx, "summary", on=date(2015, 3, 1), patient_id=child.patient_id, doc_type="discharge_summary")
    assert summary.retention.rule == RULE_TYPE and summary.retention.retain_until == date(2040, 3, 1)


def test_type_corrections_and_patient_links_recompute_retention_shorter_or_longer(ctx):
    adult, child = patient(ctx, "A-1", "1960-02-02"), patient(ctx, "C-2", "2012-08-08")
    doc = stored(ctx, "note", on=date(2016, 6, 1), patient_id=adult.patient_id)
    assert until(ctx, doc.doc_id) == date(2026, 6, 1)

    # A reviewed type correction applies even though it shortens (7 years for insurance letters).
    decide(ctx, doc.doc_id, Decision(reviewer="clerk-1", doc_type="insurance_correspondence"))
    kept = ctx.docs.load(doc.doc_id).retention
    assert (kept.retain_until, kept.doc_type, kept.cause) == (date(2023, 6, 1), "insurance_correspondence", "review")
    assert dict(ctx.index.retention_due(TODAY))[doc.doc_id] == date(2023, 6, 1)
    # A corrected document date moves the anchor.
    decide(ctx, doc.doc_id, Decision(reviewer="clerk-1", fields={"document_date": "2018-06-01"}))
    assert until(ctx, doc.doc_id) == date(2025, 6, 1)

    # Filed under a child instead: the minors rule (21st birthday) keeps it longer.
    link(ctx, doc.doc_id, child.patient_id, "clerk-2")
    kept = ctx.docs.load(doc.doc_id).retention
    assert (kept.retain_until, kept.rule, kept.cause) == (date(2033, 8, 8), RULE_MINORS, "reassign")
    assert dict(ctx.index.retention_due(date(2040, 1, 1)))[doc.doc_id] == date(2033, 8, 8)
    # Unlinked: the birth date is unknown again and the policy assumes a minor.
    unlink(ctx, doc.doc_id, "clerk-2")
    kept = ctx.docs.load(doc.doc_id).retention
    assert (kept.retain_until, kept.rule) == (date(2039, 6, 1), RULE_MINORS_ASSUMED)


# --- policy changes ----------------------------------------------------------------------------

def test_a_policy_change_lengthens_freely_and_shortens_only_with_compliance(ctx, policy_file):
    adult = patient(ctx, "A-2", "1950-01-01")
    note = stored(ctx, "note", on=date(2014, 4, 1), patient_id=adult.patient_id)
    letter = stored(ctx, "letter", on=date(2014, 4, 1), patient_id=adult.patient_id,
                    doc_type="insurance_correspondence")
    assert (until(ctx, note.doc_id), until(ctx, letter.doc_id)) == (date(2024, 4, 1), date(2021, 4, 1))

    # Longer: applies to the stored documents without anyone's approval (the sweep does it too).
    policy_file.write_text(policy_text(progress="P15Y"))
    found = retention.apply_policy(ctx, actor="ops", role="system")
    assert found.lengthened == 1 and found.shortened == found.pending == 0
    assert until(ctx, note.doc_id) == date(2029, 4, 1) and until(ctx, letter.doc_id) == date(2021, 4, 1)

    # Shorter: not applied; the shorter date waits for compliance.
    policy_file.write_text(policy_text(progress="P5Y", insurance="P3Y"))
    found = retention.apply_policy(ctx, actor="ops", role="system")
    assert found.pending == 2 and found.shortened == 0
    kept = ctx.docs.load(note.doc_id).retention
    assert kept.retain_until == date(2029, 4, 1) and kept.pending_until == date(2019, 4, 1)
    # The sweep goes by the date in force: nothing is due between the two dates.
    report = retention.sweep(ctx, today=date(2025, 1, 1), dry_run=True)
    assert note.doc_id not in {i.doc_id for i in report.due}
    # A correction made after the policy change is a correction under the policy that set the
    # date (it may shorten); the policy's own shortening still waits.
    decide(ctx, note.doc_id, Decision(reviewer="clerk-1", doc_type="insurance_correspondence"))
    kept = ctx.docs.load(note.doc_id).retention
    assert (kept.retain_until, kept.pending_until) == (date(2021, 4, 1), date(2017, 4, 1))

    with pytest.raises(retention.ShorteningNotAllowed):
        retention.apply_policy(ctx, actor="dr-x", role="clinician", allow_shorten=True)
    found = retention.apply_policy(ctx, actor="officer-1", role="compliance", allow_shorten=True)
    assert found.shortened == 2
    assert until(ctx, note.doc_id) == date(2017, 4, 1) and until(ctx, letter.doc_id) == date(2017, 4, 1)
    assert ctx.docs.load(note.doc_id).retention.pending_until is None
    events = audit_log(ctx).events_for_object(note.doc_id).events
    change = next(e for e in events if e.action == "retention_change")
    assert (change.actor, change.role, change.patient_ids) == ("officer-1", "compliance", (adult.patient_id,))
    assert change.details["from"] == "2021-04-01" and change.details["to"] == "2017-04-01"
    decision = audit_log(ctx).events_for_object(retention.current_policy(ctx).digest).events
    assert [e.details["shortened"] for e in decision if e.action == "retention_change"] == [2]


def test_a_refused_policy_file_names_its_line_and_the_last_good_policy_stays(ctx, policy_file, monkeypatch):
    good = retention.current_policy(ctx)
    text = policy_text().replace('progress_note = "P10Y"', 'progress_note = "P10Y"\nprogres_note = "P5Y"')
    policy_file.write_text(text)
    bad_line = text.splitlines().index('progres_note = "P5Y"') + 1
    assert retention.current_policy(ctx).digest == good.digest
    refused = retention.policy_status(ctx)["refused"]
    assert refused["line"] == bad_line and "progres_note" in refused["message"]
    # A new document still gets a date, under the last good policy.
    doc = stored(ctx, "note", on=date(2020, 1, 1), birth="1970-01-01")
    assert doc.retention.policy_digest == good.digest and doc.retention.retain_until == date(2030, 1, 1)

    # A process that starts with the refused file takes the last good policy from the store.
    monkeypatch.setattr(retention, "_sources", {})
    assert retention.current_policy(ctx).digest == good.digest

    # `clinidex retention check` prints the file, line and the line itself.
    monkeypatch.setattr(retention_cli, "_in_force", lambda: good)
    negative = policy_file.parent / "negative.toml"
    negative.write_text(policy_text(insurance="-P7Y"))
    runner = CliRunner()
    result = runner.invoke(retention_cli.app, ["check", str(negative)])
    line = policy_text(insurance="-P7Y").splitlines().index('insurance_correspondence = "-P7Y"') + 1
    assert result.exit_code == 1
    assert f"{negative}:{line}:" in result.output and "negative" in result.output
    assert 'insurance_correspondence = "-P7Y"' in result.output
    shorter = policy_file.parent / "shorter.toml"
    shorter.write_text(policy_text(progress="P5Y"))
    result = runner.invoke(retention_cli.app, ["check", str(shorter)])
    assert result.exit_code == 0 and "progress_note: P10Y -> P5Y (shorter)" in result.output
    assert "compliance" in result.output

    # Fixed: the new policy is in force.
    policy_file.write_text(policy_text(progress="P12Y"))
    assert retention.current_policy(ctx).digest != good.digest
    assert retention.policy_status(ctx)["refused"] is None


# --- the sweep and destruction --------------------------------------------------------------------

def test_the_sweep_destroys_an_expired_unheld_document_everywhere_and_spares_a_held_one(ctx):
    adult = patient(ctx, "A-3", "1955-03-03")
    expired = stored(ctx, "Ada Quist progress note: hypertension follow-up", on=date(2012, 2, 2),
                     patient_id=adult.patient_id)
    held = stored(ctx, "held note", on=date(2012, 2, 2), patient_id=adult.patient_id)
    current = stored(ctx, "recent note", on=date(2021, 2, 2), patient_id=adult.patient_id)
    # Everything else destruction must reach: a reviewer's correction, a link decision, a cached
    # page image, a queue marker, and an access recorded in the audit trail before.
    decide(ctx, expired.doc_id, Decision(reviewer="clerk-1", fields={"provider": "Dr Ben Ode"}))
    link(ctx, expired.doc_id, adult.patient_id, "clerk-1")
    ctx.docs.objects.put(f"{derived_prefix(expired.doc_id)}pages/1-1200-abc.png", b"png bytes")
    ctx.docs.mark_review(expired.doc_id)
    record(ctx, AuditEntry(actor="dr-a", role="clinician", action="view", object_type="document",
                           object_id=expired.doc_id, patient_ids=(adult.patient_id,)))
    hold = holds.create(ctx, matter_id="M-1", reason="litigation", actor="legal-1",
                        scope=scope_from(doc_ids=[held.doc_id])).hold

    dry = retention.sweep(ctx, today=TODAY, dry_run=True)
    assert [i.doc_id for i in dry.due] == [expired.doc_id] and dry.destroyed == []
    assert [(i.doc_id, i.holds) for i in dry.held] == [(held.doc_id, (hold.id,))]
    assert ctx.docs.load(expired.doc_id).state == State.indexed and expired.doc_id in indexed_ids(ctx)

    report = retention.sweep(ctx, today=TODAY)
    assert [i.doc_id for i in report.destroyed] == [expired.doc_id]
    assert [i.doc_id for i in report.held] == [held.doc_id]
    objects = ctx.docs.objects
    gone = expired.doc_id
    assert not objects.exists(original_key(expired.sha256))
    for prefix in (f"pages/{gone}/", derived_prefix(gone), f"receipts/{gone}/", f"corrections/{gone}/",
                   f"links/{gone}/"):
        assert list(objects.keys(prefix)) == [], prefix
    for marker in ("review", "unmatched", "match-review", patient_docs(adult.patient_id), "inflight"):
        assert gone not in ctx.docs.marked(marker), marker
    assert gone not in indexed_ids(ctx) and gone not in dict(ctx.index.retention_due(date(2200, 1, 1)))
    assert list(objects.keys(retention.DESTROYING)) == []
    # The tombstone: when, why, by whom; nothing about the patient or the text.
    tomb = ctx.docs.load(gone)
    assert tomb.state == State.destroyed and tomb.history[-1].state == State.destroyed
    assert tomb.destruction.by == retention.SYSTEM and "retention ended 2022-02-02" in tomb.destruction.reason
    assert tomb.destruction.doc_type == "progress_note" and tomb.destruction.original == "destroyed"
    assert tomb.retention.retain_until == date(2022, 2, 2) and tomb.retention.rule == RULE_TYPE
    assert (tomb.pages, tomb.fields, tomb.match, tomb.filename, tomb.doc_type) == ([], {}, None, None, None)
    dumped = tomb.model_dump_json()
    for secret in ("Quist", "hypertension", "Ben Ode", adult.patient_id, "1955", "2012-02-02", "quist-ada"):
        assert secret not in dumped, secret
    # The destruction record, and the events about the document before it, are in the audit trail.
    assert actions(ctx, gone) == ["destroy", "view"]
    destroyed = next(e for e in audit_log(ctx).events_for_object(gone).events if e.action == "destroy")
    assert destroyed.patient_ids == (adult.patient_id,) and destroyed.actor == retention.SYSTEM
    assert destroyed.details["retain_until"] == "2022-02-02" and destroyed.details["original"] == "destroyed"

    # The held one and the current one are untouched; a second sweep destroys nothing more.
    for survivor in (held, current):
        assert ctx.docs.load(survivor.doc_id).state == State.indexed
        assert objects.exists(original_key(survivor.sha256)) and survivor.doc_id in indexed_ids(ctx)
    again = retention.sweep(ctx, today=TODAY)
    assert again.destroyed == [] and [i.doc_id for i in again.held] == [held.doc_id]
    with pytest.raises(retention.DocumentHeld) as refused:
        retention.destroy(ctx, held, actor="officer-1", role="compliance", reason="asked")
    assert refused.value.holds == [hold.id] and hold.id in str(refused.value)

    # Released, it goes at the next sweep.
    holds.release(ctx, hold.id, actor="legal-1")
    assert [i.doc_id for i in retention.sweep(ctx, today=TODAY).destroyed] == [held.doc_id]


def test_a_document_in_the_pipeline_is_not_destroyed(ctx):
    moving = stored(ctx, "note", on=date(2001, 1, 1), state=State.matched)
    with pytest.raises(retention.NotAtRest):
        retention.destroy(ctx, moving, actor="officer-1", role="compliance", reason="asked")
    assert ctx.docs.load(moving.doc_id).state == State.matched and actions(ctx, moving.doc_id) == []


def test_a_batch_fax_keeps_its_original_until_its_last_document_goes(ctx):
    data = f"%PDF-1.4 batch {uuid.uuid4().hex}".encode()
    fax = Manifest.new(data=data, media_type="application/pdf", filename="batch.pdf", source="test")
    early_id, late_id = child_id_for(fax.doc_id, 1, 1), child_id_for(fax.doc_id, 2, 2)
    fax = stored(ctx, "cover", doc_type="fax_cover_sheet", data=data, children=[early_id, late_id])
    for number in (1, 2):
        ctx.docs.save_page(fax.doc_id, PageResult(number=number, text=f"page {number}"))
    assert fax.retention.rule == retention.RULE_BATCH and fax.retention.retain_until is None
    stored(ctx, "insurance letter", on=date(2010, 1, 1), birth="1960-01-01", doc_type="insurance_correspondence",
                   data=data, doc_id=early_id, parent_id=fax.doc_id, page_range=(1, 1))
    stored(ctx, "progress note", on=date(2015, 1, 1), birth="1960-01-01", data=data, doc_id=late_id,
                  parent_id=fax.doc_id, page_range=(2, 2))
    assert (until(ctx, early_id), until(ctx, late_id)) == (date(2017, 1, 1), date(2025, 1, 1))

    first = retention.sweep(ctx, today=date(2020, 1, 1))
    assert [i.doc_id for i in first.destroyed] == [early_id]
    # The fax and its other document still need the bytes and the page readings.
    assert ctx.docs.objects.exists(original_key(fax.sha256)) and ctx.docs.stored_pages(fax.doc_id) == {1, 2}
    assert ctx.docs.load(early_id).destruction.original == "kept"
    assert ctx.docs.load(fax.doc_id).state == State.indexed

    second = retention.sweep(ctx, today=TODAY)
    assert [i.doc_id for i in second.destroyed] == [late_id]
    # The last one took the fax with it, and everything they shared.
    assert ctx.docs.load(fax.doc_id).state == State.destroyed
    assert not ctx.docs.objects.exists(original_key(fax.sha256)) and ctx.docs.stored_pages(fax.doc_id) == set()
    assert not {fax.doc_id, early_id, late_id} & indexed_ids(ctx)
    for doc_id in (fax.doc_id, early_id, late_id):
        assert "destroy" in actions(ctx, doc_id)


def test_an_interrupted_destruction_is_finished_by_the_next_sweep(ctx, monkeypatch):
    doc = stored(ctx, "note", on=date(2005, 5, 5), birth="1950-01-01")
    real_delete = ctx.index.delete

    def crash(doc_id):
        raise RuntimeError("worker died")

    monkeypatch.setattr(ctx.index, "delete", crash)
    with pytest.raises(RuntimeError):
        retention.destroy(ctx, doc, actor="officer-1", role="compliance", reason="sent in error")
    # Recorded and begun: the original is gone, the marker says what is left to do.
    assert actions(ctx, doc.doc_id) == ["destroy"] and not ctx.docs.objects.exists(original_key(doc.sha256))
    assert list(ctx.docs.objects.keys(retention.DESTROYING)) == [f"{retention.DESTROYING}{doc.doc_id}"]

    monkeypatch.setattr(ctx.index, "delete", real_delete)
    report = retention.sweep(ctx, today=date(2006, 1, 1))
    assert report.resumed == [doc.doc_id]
    tomb = ctx.docs.load(doc.doc_id)
    assert tomb.state == State.destroyed and tomb.destruction.reason == "sent in error"
    assert tomb.destruction.by == "officer-1" and doc.doc_id not in indexed_ids(ctx)
    assert list(ctx.docs.objects.keys(retention.DESTROYING)) == []
    assert list(ctx.docs.objects.keys(f"pages/{doc.doc_id}/")) == []
    assert actions(ctx, doc.doc_id) == ["destroy"]  # one record, not two
    assert json.loads(ctx.docs.objects.get(f"manifests/{doc.doc_id}.json"))["pages"] == []
