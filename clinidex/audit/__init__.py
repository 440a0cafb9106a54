"""The tamper-evident audit trail: events (who, role, action, object, patients, time, request,
outcome) in one hash chain, sealed in batches where they cannot be changed, and verified end to
end. Pure: no store, index or client here (index/audit_log.py keeps the events,
workers/audit_seal.py seals them)."""
from clinidex.audit.events import (
    ACTIONS, FORMAT, GENESIS, OUTCOMES, AuditEntry, AuditEvent, ChainHead, canonical, chain, event_hash, format_at,
    parse_at,
)
from clinidex.audit.seals import SEALED_PREFIX, SealRecord, batch_bytes, batch_document, batch_key, digest, new_claim
from clinidex.audit.verify import Problem, StoredBatch, Verdict, verify

__all__ = [
    "ACTIONS", "FORMAT", "GENESIS", "OUTCOMES", "AuditEntry", "AuditEvent", "ChainHead", "canonical", "chain",
    "event_hash", "format_at", "parse_at", "SEALED_PREFIX", "SealRecord", "batch_bytes", "batch_document",
    "batch_key", "digest", "new_claim", "Problem", "StoredBatch", "Verdict", "verify",
]
