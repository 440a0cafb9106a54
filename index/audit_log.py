"""Where audit events live and how they are asked for, behind one interface: an OpenSearch
`audit` alias (index/audit_opensearch.py) or a SQLite file of its own (index/audit_embedded.py).

One total order for many writers (API processes, Celery workers): an event is chained at the
moment it is written, under the store's own exclusion, and nothing is acknowledged before it is
durable.
- SQLite: `BEGIN IMMEDIATE` takes the database's write lock, so read-head / insert /
  move-head is one serial step; the commit is fsynced (WAL, synchronous=FULL).
- OpenSearch: each event is created with `_id` = its seq and `op_type=create`, so a position can
  be taken once; a writer that loses the race gets 409, reads the winner (a real-time GET) and
  tries the next position. A `head` document (seq and hash of the newest event) tells writers
  where to start; it is moved with `version_type=external, version=seq`, so it only moves
  forward, and a writer that died between the two writes leaves it behind, which the next
  writer's 409 repairs. The create returns once the translog is fsynced (the default
  `index.translog.durability: request`), and the refresh interval makes it searchable within a
  second.
Chaining at write time (rather than stamping seqs from a Redis counter and chaining in the
sealer) keeps the unsealed tail tamper-evident too, leaves no hole when a process dies between
taking a number and writing, and adds no service to depend on. Its cost is a few round trips a
write and retries under contention, which a records office's request rate stays far below.

The writer starts from the head marker, never from the last event it can see: if events were
deleted from the end, the next event keeps its place after the gap and verification reports
the removal instead of the chain quietly closing over it.

Nothing here deletes an event: there is no delete or clear, so destroying a document at the end
of its retention never purges the audit events about it. (Tests drop their own index or file.)

Queries answer the accounting questions: who accessed a patient's records between two dates,
what one user accessed, and what happened to one object. They page newest first (by seq, the
order of the chain; `at` bounds are inclusive `since`, exclusive `until`) with an opaque
cursor, and the two backends give the same answers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol, Sequence

from clinidex.audit import AuditEntry, AuditEvent, ChainHead, SealRecord, format_at
from clinidex.errors import TransientError
from clinidex.settings import Settings
from index.query import BadCursor

DEFAULT_ALIAS = "audit"
PAGE = 50
MAX_PAGE = 1000


class AuditBusy(TransientError):
    """Too many writers raced for the same positions; the write is retried like any transient."""


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_cursor: str | None


class AuditLog(Protocol):
    name: str

    def setup(self) -> None: ...

    def append(self, entry: AuditEntry) -> AuditEvent:
        """Chain the entry after the head and store it; durable when this returns."""

    def head(self) -> ChainHead | None:
        """The head marker: the newest event as the log recorded it (real time)."""

    def events(self, first_seq: int, last_seq: int) -> list[dict[str, Any]]:
        """The stored events of first_seq..last_seq in chain order, as stored (real time)."""

    def scan(self, after_seq: int = 0) -> Iterator[dict[str, Any]]:
        """Every stored event after `after_seq`, in chain order, as stored (for verification)."""

    def accesses_to_patient(self, patient_ids: str | Sequence[str], since: datetime | None = None,
                            until: datetime | None = None, *, actions: Iterable[str] | None = None,
                            limit: int = PAGE, cursor: str | None = None) -> AuditPage:
        """Events about any of the patient ids (a merged patient: pass the whole scope)."""

    def accesses_by_actor(self, actor: str, since: datetime | None = None, until: datetime | None = None, *,
                          actions: Iterable[str] | None = None, limit: int = PAGE,
                          cursor: str | None = None) -> AuditPage: ...

    def events_for_object(self, object_id: str, object_type: str | None = None, *, limit: int = PAGE,
                          cursor: str | None = None) -> AuditPage: ...

    def claim_seal(self, claim: SealRecord) -> bool:
        """Record a seal about to be written; False when a seal starting there exists already."""

    def confirm_seal(self, sealed: SealRecord) -> None:
        """Record that the claimed batch is written (state `sealed`, version id, digest)."""

    def last_seal(self) -> SealRecord | None: ...

    def seals(self) -> Iterator[SealRecord]: ...

    def refresh(self) -> None: ...


@dataclass(frozen=True)
class Filters:
    """A query's conditions in the form both backends take."""

    since: str | None
    until: str | None
    actions: tuple[str, ...] | None
    before_seq: int | None
    limit: int


def filters(since: datetime | None, until: datetime | None, actions: Iterable[str] | None, limit: int,
            cursor: str | None) -> Filters:
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
    return Filters(since=format_at(since) if since else None, until=format_at(until) if until else None,
                   actions=tuple(sorted(set(actions))) if actions is not None else None,
                   before_seq=decode_cursor(cursor) if cursor else None, limit=limit)


def patient_list(patient_ids: str | Sequence[str]) -> list[str]:
    ids = [patient_ids] if isinstance(patient_ids, str) else list(dict.fromkeys(patient_ids))
    if not ids:
        raise ValueError("name at least one patient id")
    return ids


def encode_cursor(seq: int) -> str:
    return f"s{seq}"


def decode_cursor(cursor: str) -> int:
    if not (cursor.startswith("s") and cursor[1:].isdigit()):
        raise BadCursor("The page cursor is not one this service handed out.")
    return int(cursor[1:])


def page(stored: list[dict[str, Any]], limit: int) -> AuditPage:
    """A page from up to limit+1 events fetched newest first (the extra one says there is more)."""
    shown = stored[:limit]
    more = len(stored) > limit
    return AuditPage([AuditEvent.from_stored(e) for e in shown], encode_cursor(shown[-1]["seq"]) if more else None)


def audit_sqlite_path(settings: Settings) -> Path:
    # A file of its own: the search index file can be deleted and rebuilt from the store; the
    # audit trail's unsealed tail exists nowhere else.
    return settings.data_dir / "audit.sqlite3"


def open_audit_log(settings: Settings, alias: str = DEFAULT_ALIAS, path: Path | None = None) -> AuditLog:
    if settings.opensearch_url:
        from index.audit_opensearch import OpenSearchAuditLog

        return OpenSearchAuditLog(settings.opensearch_url, alias)
    from index.audit_embedded import EmbeddedAuditLog

    return EmbeddedAuditLog(path or audit_sqlite_path(settings))
