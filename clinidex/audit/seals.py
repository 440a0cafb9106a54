"""Sealed batches: a run of chained events written once, as one object, where it cannot be
changed (S3 Object Lock), and the seal record the log keeps about it.

Object key: `audit/sealed/<first_seq>-<last_seq>.json` with both numbers zero-padded to 12
digits, so a listing in key order is chain order.

Object content (canonical JSON, keys sorted): the format name, first_seq, last_seq, prev_hash
(the hash the first event links to: the previous batch's last_hash, or GENESIS), last_hash, the
chain head the sealer saw when it claimed the batch (`head`: seq and hash; beyond last_seq when
a backlog is sealed in several batches, so a later truncation of events that existed then is
caught), sealed_at, and the events themselves exactly as stored.

The content is a function of the seal record and the (immutable) events, so a sealer that
died after claiming a batch, or two sealers finishing the same claim, write the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from typing import Any

BATCH_FORMAT = "clinidex-audit-batch/1"
SEALED_PREFIX = "audit/sealed/"


def batch_key(first_seq: int, last_seq: int) -> str:
    return f"{SEALED_PREFIX}{first_seq:012d}-{last_seq:012d}.json"


def key_range(key: str) -> tuple[int, int] | None:
    """(first_seq, last_seq) named by a batch key, or None for a key that is not one."""
    name = key.removeprefix(SEALED_PREFIX).removesuffix(".json")
    first, _, last = name.partition("-")
    if not (first.isdigit() and last.isdigit()):
        return None
    return int(first), int(last)


@dataclass(frozen=True)
class SealRecord:
    """What the log records about a batch: `claimed` before the object is written (so one
    sealer owns the range and a crash leaves a claim to finish), `sealed` once it is."""

    first_seq: int
    last_seq: int
    prev_hash: str
    last_hash: str
    head_seq: int
    head_hash: str
    sealed_at: str
    state: str = "claimed"
    version_id: str | None = None
    sha256: str | None = None

    @property
    def key(self) -> str:
        return batch_key(self.first_seq, self.last_seq)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SealRecord":
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})

    def sealed(self, version_id: str | None, sha256: str) -> "SealRecord":
        return replace(self, state="sealed", version_id=version_id, sha256=sha256)


def new_claim(first_seq: int, last_seq: int, prev_hash: str, events: list[dict[str, Any]], head_seq: int,
              head_hash: str, sealed_at: str) -> SealRecord:
    """The claim for sealing `events` (the log's events of first_seq..last_seq, as stored)."""
    last = next((e for e in reversed(events) if e.get("seq") == last_seq), None)
    last_hash = last.get("hash") if last is not None else (events[-1].get("hash") if events else prev_hash)
    return SealRecord(first_seq=first_seq, last_seq=last_seq, prev_hash=prev_hash, last_hash=str(last_hash),
                      head_seq=head_seq, head_hash=head_hash, sealed_at=sealed_at)


def batch_document(claim: SealRecord, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": BATCH_FORMAT,
        "first_seq": claim.first_seq,
        "last_seq": claim.last_seq,
        "prev_hash": claim.prev_hash,
        "last_hash": claim.last_hash,
        "head": {"seq": claim.head_seq, "hash": claim.head_hash},
        "sealed_at": claim.sealed_at,
        "events": events,
    }


def batch_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BatchUnreadable(ValueError):
    pass


def parse_batch(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise BatchUnreadable("not JSON") from None
    if not isinstance(document, dict) or document.get("format") != BATCH_FORMAT:
        raise BatchUnreadable("not a sealed audit batch")
    for name, kind in (("first_seq", int), ("last_seq", int), ("prev_hash", str), ("last_hash", str),
                       ("events", list), ("head", dict)):
        if not isinstance(document.get(name), kind):
            raise BatchUnreadable(f"field {name} missing or mistyped")
    if not all(isinstance(e, dict) for e in document["events"]):
        raise BatchUnreadable("an event is not an object")
    return document
