"""Matching a document to its patient, and keeping the match model.

The model (m/u probabilities, name frequencies) lives in the store at `mpi/model.json`,
written by `clinidex mpi fit`; until one is fitted the defaults apply. Workers re-read it when
it changes (checked at most once a minute).
"""
from __future__ import annotations

import logging
import time
from dataclasses import asdict

from clinidex.manifest import Manifest, MatchCandidate, PatientMatch
from clinidex.patient import Demographics
from workers.context import Context

log = logging.getLogger("clinidex.matching")

MODEL_KEY = "mpi/model.json"
_RECHECK_S = 60.0
_cached: dict = {"model": None, "stamp": None, "checked": 0.0}


def current_model(ctx: Context):
    from ingest.match_model import MatchModel

    now = time.monotonic()
    if _cached["model"] is not None and now - _cached["checked"] < _RECHECK_S:
        return _cached["model"]
    _cached["checked"] = now
    stamp = ctx.docs.objects.modified(MODEL_KEY) if ctx.docs.objects.exists(MODEL_KEY) else None
    if _cached["model"] is None or stamp != _cached["stamp"]:
        model = MatchModel.default()
        if stamp:
            try:
                model = MatchModel.from_json(ctx.docs.objects.get(MODEL_KEY).decode())
            except ValueError:
                # Fitted for other comparison levels (an upgrade): the defaults until refitted.
                log.warning("stored match model does not fit this version; using defaults until `clinidex mpi fit`")
        _cached["model"] = model
        _cached["stamp"] = stamp
    return _cached["model"]


def save_model(ctx: Context, model) -> None:
    ctx.docs.objects.put(MODEL_KEY, model.to_json().encode())
    _cached["checked"] = 0.0


def mpi_size(ctx: Context) -> int:
    """The MPI's size sets the per-pair prior (ingest/match.document_prior); counted at most
    once a minute."""
    now = time.monotonic()
    if _cached.get("size") is None or now - _cached.get("size_at", 0.0) >= _RECHECK_S:
        _cached["size"], _cached["size_at"] = ctx.patients.count(), now
    return _cached["size"]


def thresholds(ctx: Context):
    from ingest.match import MatchThresholds

    s = ctx.settings
    chosen = {"link": s.match_link_threshold, "review": s.match_review_threshold, "margin": s.match_margin_bits}
    return MatchThresholds(**{k: v for k, v in chosen.items() if v is not None})


def demographics(manifest: Manifest) -> Demographics:
    """The document's applied field values (escalated ones are too unsure to match on)."""
    return Demographics.from_fields({k: v.value for k, v in manifest.fields.items() if v.applied})


def match_document(ctx: Context, manifest: Manifest) -> PatientMatch:
    from ingest.match import decide, document_prior

    query = demographics(manifest)
    model = current_model(ctx)
    found = ctx.patients.candidates(query)
    outcome = decide(query, [(r.patient_id, Demographics.from_record(r)) for r, _ in found], model,
                     thresholds(ctx), prior=document_prior(mpi_size(ctx)))
    return PatientMatch(
        outcome=outcome.outcome,
        patient_id=outcome.patient_id,
        probability=outcome.candidates[0].probability if outcome.candidates else None,
        weight=outcome.candidates[0].weight if outcome.candidates else None,
        reason=outcome.reason,
        candidates=[MatchCandidate(patient_id=c.patient_id, weight=c.weight, probability=c.probability,
                                   explanation=[asdict(e) for e in c.explanation], vector=list(c.vector))
                    for c in outcome.candidates],
        model_version=getattr(model, "version", None),
    )


def rematch(ctx: Context, doc_id: str) -> bool:
    """Match a waiting document again (after the MPI changed). Only the machine's own answers
    are revisited; returns True when the answer changed."""
    from workers.patient_links import set_match

    manifest = ctx.docs.find(doc_id)
    if manifest is None or manifest.match is None or manifest.match.decided_by != "machine":
        return False
    if manifest.match.outcome == "linked":
        return False
    found = match_document(ctx, manifest)
    if (found.outcome, found.patient_id) == (manifest.match.outcome, manifest.match.patient_id):
        return False
    set_match(ctx, manifest, found, "rematch")
    ctx.docs.save(manifest)
    if manifest.state.value == "indexed":
        from index import IndexDocument

        ctx.index.put(IndexDocument.from_manifest(manifest))
    log.info("document %s matched again after an MPI change: %s", doc_id, found.outcome)
    return True
