"""The master patient index (MPI) behind one interface: an OpenSearch `patients` index, or
SQLite tables beside the embedded document index.

An entry holds the patient record as loaded and the blocking keys of its demographics
(ingest/match_keys.py); candidate retrieval adds up the weights of the keys a query shares with
each patient and returns the best few, so a match never scans the MPI. Merged patients stay
in the index (their ids must still resolve) but are never candidates.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Protocol

from clinidex.patient import Demographics, Identifier, PatientRecord, issuer_key
from clinidex.settings import Settings
from ingest.match_keys import record_keys

# The true patient ranks in the top 5 for ~98.5% of faxed queries that find it at all (100k
# MPI, bench/match_speed.py's cases); 20 leaves room for a million-patient MPI's namesakes.
CANDIDATES = 20


class PatientIndex(Protocol):
    name: str

    def setup(self) -> None: ...

    def put_many(self, records: Iterable[PatientRecord]) -> int:
        """Insert or replace entries; returns how many were written."""

    def get_many(self, patient_ids: Iterable[str]) -> dict[str, PatientRecord]: ...

    def candidates(self, query: Demographics, limit: int = CANDIDATES) -> list[tuple[PatientRecord, float]]:
        """The patients sharing the most key weight with the query, best first, with that weight."""

    def by_identifier(self, identifier: Identifier) -> list[PatientRecord]: ...

    def merged_ids(self, patient_id: str) -> list[str]:
        """The patients merged into this one (one step; `scope` follows chains)."""

    def scan(self) -> Iterator[PatientRecord]: ...

    def count(self) -> int: ...

    def refresh(self) -> None: ...

    def clear(self) -> None: ...


def get(index: PatientIndex, patient_id: str) -> PatientRecord | None:
    return index.get_many([patient_id]).get(patient_id)


def resolve(index: PatientIndex, patient_id: str) -> PatientRecord | None:
    """The patient an id stands for now: a merged patient's survivor (following chains of
    merges, which an MPI accumulates over the years)."""
    seen: set[str] = set()
    record = get(index, patient_id)
    while record is not None and record.merged_into and record.patient_id not in seen:
        seen.add(record.patient_id)
        record = get(index, record.merged_into)
    return record


def scope(index: PatientIndex, patient_id: str) -> tuple[str, ...]:
    """Every id a patient's documents may be filed under: the survivor the id resolves to and
    every patient merged into it, at any depth. Empty when the id is unknown."""
    survivor = resolve(index, patient_id)
    if survivor is None:
        return ()
    found, todo = [survivor.patient_id], [survivor.patient_id]
    while todo:
        for merged in index.merged_ids(todo.pop()):
            if merged not in found:
                found.append(merged)
                todo.append(merged)
    return tuple(found)


def stored_keys(record: PatientRecord) -> list[str]:
    """A merged patient keeps only its identifier keys: enough for an old MRN to resolve to the
    survivor, never a candidate by name."""
    if record.merged_into:
        return sorted({k for i in record.identifiers for k in identifier_keys(i)})
    return record_keys(Demographics.from_record(record))


def identifier_keys(identifier: Identifier) -> list[str]:
    return sorted(f"i:{key}:{identifier.value}" for key in identifier.issuer_keys() if key)


def open_patients(settings: Settings) -> PatientIndex:
    if settings.opensearch_url:
        from index.patients_opensearch import OpenSearchPatients

        return OpenSearchPatients(settings.opensearch_url, settings.patients_index_name)
    from index.patients_embedded import EmbeddedPatients

    return EmbeddedPatients(settings.sqlite_path)


__all__ = ["CANDIDATES", "PatientIndex", "get", "resolve", "scope", "stored_keys", "identifier_keys", "issuer_key",
           "open_patients"]
