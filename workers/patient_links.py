"""Which patient a document is filed under, and records staff's decisions about it.

The manifest's `match` is the current answer; every change to it (the machine's first answer,
a link, a reassignment, an unlink, a merge in the MPI) is kept as a decision record with who
and when. Queue markers keep the two work queues listable: `match-review` (the machine found
candidates but would not decide) and `unmatched` (no candidate good enough, or too little to
go on); `patient-docs/<patient id>` lists what is filed under a patient.
"""
from __future__ import annotations

import logging
import uuid

from clinidex.manifest import Manifest, PatientMatch, utcnow
from index import IndexDocument
from index.patients import resolve
from workers.context import Context

log = logging.getLogger("clinidex.links")

QUEUES = {"review": "match-review", "unmatched": "unmatched"}


class InvalidLink(ValueError):
    """The decision cannot apply: unknown patient, or a document that is not matched."""


def patient_docs(patient_id: str) -> str:
    return f"patient-docs/{patient_id}"


def set_match(ctx: Context, manifest: Manifest, match: PatientMatch, action: str) -> None:
    """Put `match` on the manifest (saved by the caller), keep the queues and the patient's
    document list in step, and record the decision."""
    before = manifest.match
    if before is not None and before.patient_id and before.patient_id != match.patient_id:
        ctx.docs.unmark(patient_docs(before.patient_id), manifest.doc_id)
    manifest.match = match
    for outcome, queue in QUEUES.items():
        if match.outcome == outcome:
            ctx.docs.mark(queue, manifest.doc_id)
        else:
            ctx.docs.unmark(queue, manifest.doc_id)
    if match.outcome == "linked" and match.patient_id:
        ctx.docs.mark(patient_docs(match.patient_id), manifest.doc_id)
    decision_id = uuid.uuid4().hex
    ctx.docs.save_link_decision(manifest.doc_id, decision_id, {
        "decision_id": decision_id, "doc_id": manifest.doc_id, "action": action, "by": match.decided_by,
        "at": match.at.isoformat(), "outcome": match.outcome, "patient_id": match.patient_id,
        "before": {"outcome": before.outcome, "patient_id": before.patient_id} if before else None,
        "reason": match.reason,
    })
    if manifest.retention is not None:
        # Another patient, or none: another birth date for the minors rule. Not yet computed
        # (the pipeline's own match): the index stage computes it.
        from workers.retention import recompute

        recompute(ctx, manifest, cause=action)


def _save_and_reindex(ctx: Context, manifest: Manifest) -> None:
    from workers.holds import apply_holds

    # Filed under a held patient now: the patient's holds cover it from here on.
    if manifest.state.value == "indexed":
        apply_holds(ctx, manifest)
    manifest.updated_at = utcnow()
    ctx.docs.save(manifest)
    if manifest.state.value == "indexed":
        ctx.index.put(IndexDocument.from_manifest(manifest))


def _matched(ctx: Context, doc_id: str) -> Manifest:
    manifest = ctx.docs.load(doc_id)
    if manifest.match is None:
        raise InvalidLink("the document has not been through patient matching"
                          + (" (a split batch fax: link its documents)" if manifest.children else ""))
    return manifest


def link(ctx: Context, doc_id: str, patient_id: str, reviewer: str) -> Manifest:
    """File the document under a patient (a first link, or a reassignment)."""
    manifest = _matched(ctx, doc_id)
    patient = resolve(ctx.patients, patient_id)
    if patient is None:
        raise InvalidLink("no such patient in the MPI")
    previous = manifest.match
    action = "reassign" if previous.outcome == "linked" and previous.patient_id != patient.patient_id else "link"
    chosen = next((c for c in previous.candidates if c.patient_id == patient.patient_id), None)
    set_match(ctx, manifest, PatientMatch(
        outcome="linked", patient_id=patient.patient_id, decided_by=reviewer,
        probability=chosen.probability if chosen else None, weight=chosen.weight if chosen else None,
        candidates=previous.candidates, model_version=previous.model_version,
        reason=None if patient.patient_id == patient_id else "the chosen patient was merged into this one",
    ), action)
    _save_and_reindex(ctx, manifest)
    log.info("document %s %s by a reviewer", doc_id, action)
    return manifest


def unlink(ctx: Context, doc_id: str, reviewer: str) -> Manifest:
    """Take the document off its patient: it goes to the unmatched queue."""
    manifest = _matched(ctx, doc_id)
    previous = manifest.match
    set_match(ctx, manifest, PatientMatch(
        outcome="unmatched", decided_by=reviewer, reason="unlinked by records staff",
        candidates=previous.candidates, model_version=previous.model_version), "unlink")
    _save_and_reindex(ctx, manifest)
    log.info("document %s unlinked by a reviewer", doc_id)
    return manifest


def waiting(ctx: Context, queue: str) -> list[Manifest]:
    """The documents a patient queue (`match-review`, `unmatched`) holds, oldest first."""
    found = [ctx.docs.find(doc_id) for doc_id in ctx.docs.marked(queue)]
    return sorted((m for m in found if m is not None and m.match is not None), key=lambda m: m.received_at)


def follow_merge(ctx: Context, merged_id: str, survivor_id: str) -> int:
    """Move the documents filed under a merged patient to the survivor."""
    moved = 0
    for doc_id in ctx.docs.marked(patient_docs(merged_id)):
        manifest = ctx.docs.find(doc_id)
        if manifest is None or manifest.match is None or manifest.match.patient_id != merged_id:
            ctx.docs.unmark(patient_docs(merged_id), doc_id)
            continue
        set_match(ctx, manifest, manifest.match.model_copy(update={
            "patient_id": survivor_id, "decided_by": "mpi-merge", "at": utcnow(),
            "reason": "the patient was merged into another in the MPI"}), "merge")
        _save_and_reindex(ctx, manifest)
        moved += 1
    return moved
