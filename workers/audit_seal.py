"""Sealing the audit trail: the chained events not yet sealed are written, a batch at a time,
as one object each under `audit/sealed/` where they cannot be changed, and the log records
each seal. `verify_trail` checks the whole trail (clinidex/audit/verify.py says how).

Where batches go:
- S3 (the services stack): a bucket of their own, `<bucket>-audit` unless named, created with
  Object Lock switched on (S3 and MinIO allow that only when a bucket is created, and the
  document bucket may predate it; a separate bucket also keeps audit retention apart from
  document retention, whose end destroys documents but never their audit events). Every batch
  is put with a retention date and `If-None-Match: *`, so a sealer never writes over a batch.
  A locked version cannot be deleted or overwritten before its date: a plain delete only adds
  a delete marker and a put only adds a newer version; verification reads each key's first
  version and reports any later version or delete marker.
- The local folder (embedded): the same objects under the local store's folder. A folder has
  no Object Lock, so a batch file can be deleted or edited; the chain, the log's seal records
  and the batch continuity still detect that, they just cannot prevent it.

Lock mode: GOVERNANCE by default. Against the threat that matters here (someone holding the
application's credentials, or a mistaken script) it is as strong as COMPLIANCE, provided the
application's role is not granted s3:BypassGovernanceRetention; it leaves a separately held
break-glass principal able to correct a misconfigured retention, which COMPLIANCE cannot undo
for years. A site that needs WORM storage in the regulatory sense sets COMPLIANCE. Retention
defaults to 2190 days (six years: HIPAA's retention for required documentation, 45 CFR
164.316(b)(2)).

Sealing is claim-first, so it needs no lock between sealers: the log records a claim for the
range (a seal starting at a seq can be claimed once), then the object is written, then the seal
is confirmed. A sealer that died after claiming leaves a claim the next run finishes; two
sealers finishing one claim write the same bytes (the batch is a function of the claim and the
immutable events), and the second put is refused by If-None-Match and found identical.

Logs name batches by seq range only ("sealed audit batch 1-1000"); events never reach a log.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Protocol

from clinidex.audit import (
    GENESIS, SEALED_PREFIX, SealRecord, StoredBatch, Verdict, batch_bytes, batch_document, digest, event_hash,
    format_at, new_claim, verify,
)
from clinidex.errors import ClinidexError, NotFound, TransientError
from clinidex.settings import Settings
from clinidex.store import LocalStore, ObjectStore, s3_client
from index.audit_log import AuditLog, open_audit_log

log = logging.getLogger("clinidex.audit")

LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")
DEFAULT_LOCK_MODE = "GOVERNANCE"
DEFAULT_RETENTION_DAYS = 2190
DEFAULT_BATCH_EVENTS = 1000
# Batches one run writes at most (a backlog is worked off over several runs).
MAX_BATCHES_PER_RUN = 100


class AuditBucketError(ClinidexError):
    """The audit bucket cannot hold sealed batches as promised (no Object Lock)."""


class SealConflict(ClinidexError):
    """A batch object for this range exists with other content: verify the trail."""


class AlreadySealed(Exception):
    def __init__(self, data: bytes, version_id: str | None) -> None:
        super().__init__("batch object exists")
        self.data = data
        self.version_id = version_id


class SealBucket(Protocol):
    locked: bool

    def put_new(self, key: str, data: bytes) -> str | None:
        """Write a batch that must not exist yet; returns its version id (None: unversioned).
        Raises AlreadySealed with the existing object's first version."""

    def batches(self) -> Iterator[StoredBatch]:
        """Every object under the sealed prefix, in key order, as first written."""


class FolderSeals:
    """Batches in the local store's folder: no Object Lock (see the module docstring)."""

    locked = False

    def __init__(self, objects: ObjectStore) -> None:
        self.objects = objects

    def put_new(self, key: str, data: bytes) -> str | None:
        if self.objects.exists(key):
            raise AlreadySealed(self.objects.get(key), None)
        self.objects.put(key, data)
        return None

    def batches(self) -> Iterator[StoredBatch]:
        for key in self.objects.keys(SEALED_PREFIX):
            try:
                yield StoredBatch(key, self.objects.get(key))
            except NotFound:
                yield StoredBatch(key, None)


class S3Seals:
    """Batches in an S3 bucket with Object Lock, each put with a retention date."""

    locked = True

    def __init__(self, client: Any, bucket: str, mode: str = DEFAULT_LOCK_MODE,
                 retention_days: int = DEFAULT_RETENTION_DAYS) -> None:
        if mode not in LOCK_MODES:
            raise ValueError(f"audit lock mode must be one of {', '.join(LOCK_MODES)}")
        if retention_days < 1:
            raise ValueError("audit retention must be at least one day")
        self.client, self.bucket, self.mode, self.retention_days = client, bucket, mode, retention_days
        self._ensure_bucket()

    def _call(self, fn, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("SlowDown", "ServiceUnavailable", "InternalError", "503", "500"):
                raise TransientError(f"audit bucket answered {code}") from exc
            raise
        except BotoCoreError as exc:
            raise TransientError(f"audit bucket unavailable: {type(exc).__name__}") from exc

    @staticmethod
    def _code(exc: Exception) -> str:
        return getattr(exc, "response", {}).get("Error", {}).get("Code", "")

    def _ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self._call(self.client.head_bucket)
        except ClientError:
            try:
                self._call(self.client.create_bucket, ObjectLockEnabledForBucket=True)
            except ClientError as exc:
                if self._code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise
        try:
            config = self._call(self.client.get_object_lock_configuration)
            enabled = config.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
        except ClientError:
            enabled = False
        if not enabled:
            raise AuditBucketError(f"audit bucket {self.bucket} was created without Object Lock; "
                                   "sealed batches need a bucket created with it")

    def put_new(self, key: str, data: bytes) -> str | None:
        from botocore.exceptions import ClientError

        until = datetime.now(timezone.utc) + timedelta(days=self.retention_days)
        try:
            answer = self._call(self.client.put_object, Key=key, Body=data, ContentType="application/json",
                                ObjectLockMode=self.mode, ObjectLockRetainUntilDate=until, IfNoneMatch="*",
                                ChecksumAlgorithm="SHA256")
        except ClientError as exc:
            if self._code(exc) not in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409"):
                raise
            version, existing = self._first_version(key)
            raise AlreadySealed(existing, version) from None
        return answer.get("VersionId")

    def _versions(self, prefix: str) -> dict[str, dict[str, list]]:
        found: dict[str, dict[str, list]] = {}
        paginator = self.client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Versions", []):
                found.setdefault(item["Key"], {"versions": [], "markers": []})["versions"].append(item)
            for item in page.get("DeleteMarkers", []):
                found.setdefault(item["Key"], {"versions": [], "markers": []})["markers"].append(item)
        return found

    def _first_version(self, key: str) -> tuple[str, bytes]:
        versions = self._versions(key).get(key, {}).get("versions", [])
        # Listed newest first; the first written is the locked original.
        first = min(versions, key=lambda v: v["LastModified"]) if versions else None
        if first is None:
            raise SealConflict("a batch object was refused as existing but cannot be found")
        body = self._call(self.client.get_object, Key=key, VersionId=first["VersionId"])["Body"].read()
        return first["VersionId"], body

    def batches(self) -> Iterator[StoredBatch]:
        for key, found in sorted(self._versions(SEALED_PREFIX).items()):
            versions = found["versions"]
            notes = []
            if len(versions) > 1:
                notes.append(f"{len(versions)} versions: written over after sealing (the first is checked)")
            if found["markers"]:
                notes.append("hidden by a delete marker")
            if not versions:
                yield StoredBatch(key, None, "; ".join(notes) or None)
                continue
            ordered = sorted(versions, key=lambda v: v["LastModified"])
            # Same-second versions: the listing's own order (newest first) decides.
            first = ordered[0] if ordered[0]["LastModified"] != ordered[-1]["LastModified"] else versions[-1]
            body = self._call(self.client.get_object, Key=key, VersionId=first["VersionId"])["Body"].read()
            yield StoredBatch(key, body, "; ".join(notes) or None)


@dataclass(frozen=True)
class AuditOptions:
    """The audit settings, until they join clinidex/settings.py (names and defaults match)."""

    index_name: str = "audit"
    bucket: str | None = None
    lock_mode: str = DEFAULT_LOCK_MODE
    retention_days: int = DEFAULT_RETENTION_DAYS
    batch_events: int = DEFAULT_BATCH_EVENTS

    @classmethod
    def from_settings(cls, settings: Settings) -> "AuditOptions":
        return cls(index_name=getattr(settings, "audit_index_name", cls.index_name),
                   bucket=getattr(settings, "audit_bucket", None),
                   lock_mode=getattr(settings, "audit_lock_mode", cls.lock_mode),
                   retention_days=getattr(settings, "audit_retention_days", cls.retention_days),
                   batch_events=getattr(settings, "audit_seal_batch_events", cls.batch_events))


def open_seal_bucket(settings: Settings, *, bucket: str | None = None, mode: str = DEFAULT_LOCK_MODE,
                     retention_days: int = DEFAULT_RETENTION_DAYS) -> SealBucket:
    if settings.uses_s3:
        return S3Seals(s3_client(settings), bucket or f"{settings.bucket}-audit", mode, retention_days)
    return FolderSeals(LocalStore(settings.local_store_dir))


def open_trail(settings: Settings, options: AuditOptions | None = None) -> tuple[AuditLog, SealBucket]:
    """The log and the sealed batches a deployment's settings name, ready to use."""
    options = options or AuditOptions.from_settings(settings)
    audit = open_audit_log(settings, alias=options.index_name)
    audit.setup()
    return audit, open_seal_bucket(settings, bucket=options.bucket, mode=options.lock_mode,
                                   retention_days=options.retention_days)


def seal_pending(audit: AuditLog, seals: SealBucket, *, batch_events: int = DEFAULT_BATCH_EVENTS,
                 max_batches: int = MAX_BATCHES_PER_RUN, now: datetime | None = None) -> list[SealRecord]:
    """Seal the events not sealed yet, in batches of at most `batch_events`; returns the seals
    written by this run (including a claim an earlier run left unfinished)."""
    if batch_events < 1:
        raise ValueError("a batch holds at least one event")
    done: list[SealRecord] = []
    for _ in range(max_batches):
        last = audit.last_seal()
        if last is not None and last.state != "sealed":
            done.append(_write(audit, seals, last))
            continue
        head = audit.head()
        start = last.last_seq + 1 if last else 1
        if head is None or head.seq < start:
            break
        end = min(head.seq, start + batch_events - 1)
        events = audit.events(start, end)
        claim = new_claim(start, end, last.last_hash if last else GENESIS, events, head.seq, head.hash,
                          format_at(now or datetime.now(timezone.utc)))
        if audit.claim_seal(claim):
            done.append(_write(audit, seals, claim, events))
        # Otherwise another sealer claimed this range; the next round sees its claim.
    return done


def _write(audit: AuditLog, seals: SealBucket, claim: SealRecord,
           events: list[dict[str, Any]] | None = None) -> SealRecord:
    if events is None:
        events = audit.events(claim.first_seq, claim.last_seq)
    if not _intact(events, claim):
        # Sealed all the same: the batch freezes the evidence, and verification reports it.
        log.warning("audit batch %d-%d does not verify as it is sealed; run `clinidex audit verify`",
                    claim.first_seq, claim.last_seq)
    data = batch_bytes(batch_document(claim, events))
    try:
        version = seals.put_new(claim.key, data)
    except AlreadySealed as found:
        if found.data != data:
            raise SealConflict(f"sealed batch {claim.first_seq}-{claim.last_seq} exists with other content") from None
        version = found.version_id
    sealed = claim.sealed(version, digest(data))
    audit.confirm_seal(sealed)
    log.info("sealed audit batch %d-%d", claim.first_seq, claim.last_seq)
    return sealed


def _intact(events: list[dict[str, Any]], claim: SealRecord) -> bool:
    link = claim.prev_hash
    if [e.get("seq") for e in events] != list(range(claim.first_seq, claim.last_seq + 1)):
        return False
    for event in events:
        if event.get("prev_hash") != link or event_hash(event) != event.get("hash"):
            return False
        link = event["hash"]
    return True


def verify_trail(audit: AuditLog, seals: SealBucket) -> Verdict:
    """Verify the whole trail. Read in this order so that writers and sealers working meanwhile
    cannot look like tampering: the head before the events (every event up to it is then
    there), the seal records before the bucket (every batch they name is then written)."""
    head = audit.head()
    records = list(audit.seals())
    batches = list(seals.batches())
    audit.refresh()
    return verify(audit.scan(), batches, records, head)
