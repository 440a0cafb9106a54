"""Audit events: what a caller records (`AuditEntry`), the chained form that is stored (a plain
dict of JSON values, `chain`), its canonical bytes and its hash.

Choices:
- The stored event is a dict, not a model: verification hashes exactly what the store holds, so
  an event an attacker edited into something no model would accept is still reported as
  modified instead of failing to load. `AuditEvent` is the typed view for readers.
- hash = SHA-256 over the canonical JSON of every field except `hash` (keys sorted, no
  whitespace, UTF-8 without escaping, NaN refused). `seq` and `prev_hash` are among the hashed
  fields, so editing any field, removing an event or moving one breaks the chain.
- `at` is UTC text with a fixed width ("2026-01-02T03:04:05.123456Z"): it hashes the same way
  everywhere and sorts as text in SQLite.
- `patient_ids` is stored sorted and without repeats, so the same access hashes the same.
- `v` is the event format; a later format adds fields under a new number and old events keep
  verifying under the rules of theirs.
- `details` holds what the accounting question needs to be answered honestly, such as a
  search's query and filters. The audit trail is the one place a query is kept: events never
  reach a log, and the trail is read only through access-controlled queries.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

FORMAT = 1
# prev_hash of the first event.
GENESIS = "0" * 64

ACTIONS = frozenset({
    "search", "view", "view_page", "download", "upload", "correct", "review",
    "link", "unlink", "hold_create", "hold_release", "delete", "destroy", "retention_change",
    "export", "mpi_load", "auth_denied",
    # Reading the audit trail is itself an access to patient information.
    "audit_query",
})
OUTCOMES = frozenset({"ok", "denied", "error", "not_found"})


def format_at(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit times must carry a time zone")
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class AuditEntry(BaseModel):
    """One thing that happened, as the API or a worker reports it; the log gives it its place
    in the chain. Who: actor (user id or token subject; "anonymous" when there was none) and
    role. What: action on object_type/object_id, about patient_ids. How it ended: outcome."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: str = Field(min_length=1)
    role: str = ""
    action: str
    object_type: str | None = None
    object_id: str | None = None
    patient_ids: tuple[str, ...] = ()
    request_id: str | None = None
    outcome: str = "ok"
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime = Field(default_factory=_now)
    # Chosen by the caller's side, so a write retried after a timeout is recognised as the same.
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)

    @field_validator("action")
    @classmethod
    def _known_action(cls, value: str) -> str:
        if value not in ACTIONS:
            raise ValueError(f"unknown audit action {value!r}")
        return value

    @field_validator("outcome")
    @classmethod
    def _known_outcome(cls, value: str) -> str:
        if value not in OUTCOMES:
            raise ValueError(f"unknown audit outcome {value!r}")
        return value

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("audit times must carry a time zone")
        return value.astimezone(timezone.utc)

    @field_validator("details")
    @classmethod
    def _json_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        # Round-trip now so the stored form is exactly what was hashed (tuples become lists,
        # and a value JSON cannot carry is refused here rather than at verification).
        try:
            return json.loads(json.dumps(value, allow_nan=False, ensure_ascii=False))
        except (TypeError, ValueError):
            raise ValueError("audit details must be JSON values (no NaN or infinity)") from None


def canonical(event: dict[str, Any]) -> bytes:
    """The bytes the hash is taken over: every field but `hash`, keys sorted, no whitespace."""
    body = {k: v for k, v in event.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def event_hash(event: dict[str, Any]) -> str:
    try:
        return hashlib.sha256(canonical(event)).hexdigest()
    except (TypeError, ValueError):
        return ""  # not JSON any more: matches no stored hash


def chain(entry: AuditEntry, seq: int, prev_hash: str) -> dict[str, Any]:
    """The stored event for an entry at position `seq` after the event hashed `prev_hash`."""
    event: dict[str, Any] = {
        "v": FORMAT,
        "id": entry.id,
        "seq": seq,
        "at": format_at(entry.at),
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "patient_ids": sorted(set(entry.patient_ids)),
        "request_id": entry.request_id,
        "outcome": entry.outcome,
        "details": entry.details,
        "prev_hash": prev_hash,
    }
    event["hash"] = event_hash(event)
    return event


@dataclass(frozen=True)
class ChainHead:
    """The newest event of the chain: where the next one goes and what it links to."""

    seq: int
    hash: str


class AuditEvent(BaseModel):
    """A stored event, typed, for readers of the trail (the accounting API)."""

    model_config = ConfigDict(frozen=True)

    v: int
    id: str
    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    object_type: str | None
    object_id: str | None
    patient_ids: tuple[str, ...]
    request_id: str | None
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def from_stored(cls, event: dict[str, Any]) -> "AuditEvent":
        return cls.model_validate({**event, "at": parse_at(event["at"])})

    def stored(self) -> dict[str, Any]:
        """The dict this event was read from (for hashing it again)."""
        data = self.model_dump(mode="json")
        data["at"] = format_at(self.at)
        data["patient_ids"] = list(self.patient_ids)
        return data

