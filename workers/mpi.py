"""Keeping the MPI in step with the files a registration system sends: CSV extracts, FHIR
Patient resources, HL7 v2 ADT messages.

A load file is kept in the store (`mpi/loads/<load id>/source`) with its summary beside it, so
every change to the MPI can be traced to the file that made it and replayed. Records are
applied in file order, in batches: an update keeps the identifiers the MPI already holds for
the patient (a feed often sends only its own number), and a merge (A40) marks the merged
patient with its survivor, gives the survivor its identifiers, and moves the documents filed
under it.
"""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field

from clinidex.manifest import utcnow
from clinidex.patient import Identifier, PatientRecord
from index.patients import PatientIndex, resolve
from ingest.mpi_load import LoadResult, Merge, Rejection, Upsert

log = logging.getLogger("clinidex.mpi")

BATCH = 2000


@dataclass
class Applied:
    upserted: int = 0
    merged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # (merged patient id, survivor id) for every merge, so documents can follow the survivor.
    merges: list[tuple[str, str]] = field(default_factory=list)


def _union(first: list[Identifier], second: list[Identifier]) -> list[Identifier]:
    return list(dict.fromkeys([*first, *second]))


def _upsert_batch(patients: PatientIndex, records: list[PatientRecord]) -> int:
    latest: dict[str, PatientRecord] = {}
    for record in records:
        earlier = latest.get(record.patient_id)
        if earlier is not None:
            record = record.model_copy(update={"identifiers": _union(record.identifiers, earlier.identifiers)})
        latest[record.patient_id] = record
    existing = patients.get_many(latest)
    merged = []
    for pid, record in latest.items():
        old = existing.get(pid)
        if old is not None:
            record = record.model_copy(update={"identifiers": _union(record.identifiers, old.identifiers),
                                               "merged_into": old.merged_into})
        merged.append(record.model_copy(update={"updated_at": utcnow()}))
    return patients.put_many(merged)


def _first(patients: PatientIndex, identifier: Identifier) -> PatientRecord | None:
    found = patients.by_identifier(identifier)
    if not found:
        return None
    return resolve(patients, found[0].patient_id)


def _merge(patients: PatientIndex, event: Merge, location: str, applied: Applied) -> None:
    survivor = _first(patients, event.survivor)
    if survivor is None:
        applied.rejected.append(Rejection(location, "merge: the surviving patient is not in the MPI"))
        return
    merged = _first(patients, event.merged)
    if merged is None:
        # Never loaded here: the old number alone now leads to the survivor.
        survivor = survivor.model_copy(update={"identifiers": _union(survivor.identifiers, [event.merged])})
        patients.put_many([survivor])
    elif merged.patient_id != survivor.patient_id:
        survivor = survivor.model_copy(update={"identifiers": _union(survivor.identifiers, merged.identifiers),
                                               "updated_at": utcnow()})
        gone = merged.model_copy(update={"merged_into": survivor.patient_id, "updated_at": utcnow()})
        patients.put_many([survivor, gone])
        applied.merges.append((merged.patient_id, survivor.patient_id))
    patients.refresh()
    applied.merged += 1


def apply_load(patients: PatientIndex, result: LoadResult) -> Applied:
    applied = Applied(rejected=list(result.rejections))
    pending: list[PatientRecord] = []

    def flush() -> None:
        if pending:
            applied.upserted += _upsert_batch(patients, pending)
            pending.clear()
            patients.refresh()

    for number, event in enumerate(result.events, start=1):
        if isinstance(event, Upsert):
            pending.append(event.record)
            if len(pending) >= BATCH:
                flush()
        elif isinstance(event, Merge):
            flush()  # a merge acts on what came before it in the file
            _merge(patients, event, getattr(event, "location", None) or f"record {number}", applied)
    flush()
    return applied


def summary(result: LoadResult, applied: Applied, load_id: str, fmt: str | None) -> dict:
    rejected: dict[str, int] = {}
    for rejection in applied.rejected:
        rejected[rejection.reason] = rejected.get(rejection.reason, 0) + 1
    return {
        "load_id": load_id,
        "format": result.format or fmt,
        "read": result.read,
        "skipped": dict(result.skipped),
        "upserted": applied.upserted,
        "merged": applied.merged,
        "rejected": len(applied.rejected),
        "rejected_by_reason": rejected,
        "rejections": [{"location": r.location, "reason": r.reason} for r in applied.rejected[:1000]],
        "finished_at": utcnow().isoformat(),
    }


def new_load_id() -> str:
    return uuid.uuid4().hex


def source_key(load_id: str) -> str:
    return f"mpi/loads/{load_id}/source"


def summary_key(load_id: str) -> str:
    return f"mpi/loads/{load_id}/summary.json"


def save_summary(objects, load_id: str, data: dict) -> None:
    objects.put(summary_key(load_id), json.dumps(data).encode())


def run_load(ctx, load_id: str, fmt: str | None = None) -> dict:
    """Apply a stored load file to the MPI and keep its summary. A redelivered task finds the
    summary and stops; one that died half way applies the file again, which changes nothing
    twice (updates replace, merges already made resolve to the survivor)."""
    from ingest.mpi_load import MpiFileError, parse
    from workers.patient_links import follow_merge

    if ctx.docs.objects.exists(summary_key(load_id)):
        return json.loads(ctx.docs.objects.get(summary_key(load_id)))
    data = ctx.docs.objects.get(source_key(load_id))
    try:
        result = parse(data, fmt, source=f"mpi-load:{load_id}")
    except MpiFileError as exc:
        report = {"load_id": load_id, "format": fmt, "error": str(exc), "finished_at": utcnow().isoformat()}
        save_summary(ctx.docs.objects, load_id, report)
        log.warning("MPI load %s refused: %s", load_id, type(exc).__name__)
        return report
    applied = apply_load(ctx.patients, result)
    moved = sum(follow_merge(ctx, merged, survivor) for merged, survivor in applied.merges)
    report = {**summary(result, applied, load_id, fmt), "documents_moved": moved}
    save_summary(ctx.docs.objects, load_id, report)
    log.info("MPI load %s: %d upserted, %d merged, %d rejected", load_id, applied.upserted, applied.merged,
             len(applied.rejected))
    return report


def waiting_for_a_patient(ctx) -> list[str]:
    """Documents the machine could not file: worth another look once the MPI changes."""
    return sorted(set(ctx.docs.marked("unmatched")) | set(ctx.docs.marked("match-review")))
