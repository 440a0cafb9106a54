"""Retention applied: the policy in force, each document's `retain_until`, the sweep that
destroys what is past it, and `destroy`, the one way a document is destroyed everywhere.

The rules themselves (periods, the minors rule, comparing policies) are pure, in
ingest/retention.py; this module reads the policy file, the manifest and the MPI, and acts.

Choices:
- The anchor is the document's applied document date, else its applied service date, else the
  day it was received. The birth date is the linked patient's (MPI, after following merges),
  else the applied extracted one; unknown, the policy's `unknown_birth_date` decides.
- Computed right before indexing (workers/stages.py `index_stage`), so the index entry carries
  `retain_until` from the start; recomputed when a reviewer changes the type or a date, when the
  patient link changes (link, unlink, reassign, merge, rematch), and when the policy changes.
- Corrections of type, dates or patient apply as they come, shorter or longer: they are
  reviewed corrections of the facts. A policy change lengthens freely; shortening retention for
  documents already ingested needs the compliance role (`apply_policy(allow_shorten=True)`),
  and each shortened document gets a `retention_change` audit event. Until then the shorter
  date is kept beside the one in force (`Retention.pending_until`). To separate the two kinds
  of change when both happened, every policy that has been in force is kept in the store by its
  digest (`retention/policies/`), and a correction made after a policy change is worked out
  under the policy that set the current date first.
- "Keeps the last good policy": a refused policy file is logged with its line and the last
  good policy stays in force; a process that starts with a refused file takes the last good
  policy any process recorded in the store (`retention/in-force`), so a restart does not lose it.
- A batch fax that was split is a container: it is kept while any document split from it is
  kept (rule "batch_fax", no date of its own) and destroyed with the last of them. Its original
  and page readings hold its documents' pages, so those stay until then; a destroyed piece's
  own manifest, index entry and records go at once.
- The sweep finds due documents through the index (`retain_until` before today, in pages), and
  re-checks each against its manifest, recomputed under the policy in force, before destroying:
  the index is access, the manifest is truth. "Today" is the date anywhere on Earth (UTC-12),
  so a document is never destroyed while its last day is still running somewhere.
- The scheduled sweep destroys only when a site policy file is configured (the shipped policy
  is an example, not legal advice), unless `retention_sweep_destroy` says otherwise; otherwise it
  reports what it would destroy. `clinidex retention sweep` destroys unless `--dry-run`.

Destroying (`destroy`): refused while a legal hold is in force on the document or on one
sharing its original (`DocumentHeld` naming the holds) and while it is still in the pipeline.
The destruction record goes to the audit trail first (no destruction without its record; the
audit events about the document are never purged). Then, with a marker that lets an
interrupted destruction be finished by the next sweep: the original bytes (unless a document
split from the same batch fax still needs them; every version on a versioned bucket), the index
entry, the queue and filing markers, the manifest (every version) replaced by a tombstone, the
page readings, derived data (page images), receipts (they carry file names), correction and link
decision records.

The tombstone keeps the document id, the SHA-256 of the original, media type, size, page count,
the dates of its lifecycle, when it was due and by which rule and policy (the justification;
not the document's own date), the kind of record it was, and when, why and by whom it was
destroyed: no name, identifier, text, extracted value, file name, source path or patient link
(the audit trail's destruction record names the patient id, under its access control). The hash
is kept on purpose: the document id is derived from it anyway (so dropping it would hide
nothing), and it lets an interrupted destruction find the bytes.

A document that failed in the pipeline gets no retention date: it was never filed, and waits
for staff (a replay, or deletion through the API, which uses `destroy`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

from clinidex.audit import AuditEntry
from clinidex.doctypes import load_types
from clinidex.errors import ClinidexError, NotFound
from clinidex.manifest import Destruction, Manifest, Retention, State, Transition, utcnow
from clinidex.store import ObjectLocked, manifest_key, original_key, page_prefix
from index.base import IndexDocument
from ingest.retention import (
    Policy, PolicyError, PolicyStore, anchor_for, is_due, is_shortening, parse_policy, retain_until,
)
from workers.context import Context

log = logging.getLogger("clinidex.retention")

SHIPPED = "retention_policy.toml"
POLICIES = "retention/policies/"  # every policy text that has been in force, by digest
IN_FORCE = "retention/in-force"  # digest of the last good policy any process loaded
APPLIED = "retention/applied"  # digest of the policy stored retentions were last brought up to
DESTROYING = "retention/destroying/"  # destructions begun and not finished

RULE_BATCH = "batch_fax"  # kept while any document split from it is kept
RULE_BATCH_EMPTIED = "batch_fax_emptied"  # every piece destroyed; it goes as soon as it may

AT_REST = (State.indexed, State.failed)
PAGE = 500
READERS = 16
# Per-document markers: work queues and in-flight/failure lists (the patient's filing marker is
# named by the patient id).
QUEUES = ("inflight", "failures", "review", "match-review", "unmatched")
SYSTEM = "retention-sweep"


# --- errors -----------------------------------------------------------------------------------

class DocumentHeld(ClinidexError):
    """A legal hold is in force on the document (or on one sharing its original): nobody may
    destroy it. Names hold ids only (matter ids can name a patient)."""

    http_status = 409
    code = "held"

    def __init__(self, doc_id: str, holds: list[str]):
        self.doc_id = doc_id
        self.holds = list(dict.fromkeys(holds))
        super().__init__(f"document {doc_id} is under legal hold: {', '.join(self.holds)}")


class NotAtRest(ClinidexError):
    """The document is still in the pipeline; a worker would write its manifest back."""

    http_status = 409
    code = "in_progress"


class PolicyUnavailable(ClinidexError):
    """No good retention policy has ever loaded: nothing is computed or destroyed."""

    http_status = 503
    code = "retention_policy_unavailable"


class ShorteningNotAllowed(ClinidexError):
    """Shortening the retention of documents already ingested needs the compliance role."""

    http_status = 403
    code = "compliance_required"


# --- the policy in force ------------------------------------------------------------------------

@dataclass
class _Source:
    store: PolicyStore
    seen: str | None = None  # digest of the last text read, good or bad
    label: str = "shipped"


_sources: dict[str, _Source] = {}
_lock = threading.Lock()
# Per object store, the policy digests known to be recorded there (a store is written once per
# policy, not once per document).
_recorded: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def known_types() -> list[str]:
    return [t.key for t in load_types()]


def _read(path: Path | None) -> str:
    if path is None:
        return resources.files("clinidex").joinpath(SHIPPED).read_text(encoding="utf-8")
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(None, f"the policy file cannot be read ({type(exc).__name__})") from None


def check_policy(text: str) -> Policy:
    """Validate a policy text against the document types; PolicyError names the line at fault."""
    return parse_policy(text, known_types())


def _source(ctx: Context) -> _Source:
    path = ctx.settings.retention_policy_path
    key = str(path) if path else ":shipped:"
    with _lock:
        found = _sources.get(key)
        if found is None:
            found = _sources[key] = _Source(PolicyStore(known_types()), label=str(path) if path else "shipped")
        return found


def current_policy(ctx: Context) -> Policy:
    """The policy in force: the configured file (or the shipped one) as it reads now; when the
    file is refused, the last good policy (this process's, else the last one recorded in the
    store). Raises PolicyUnavailable when there has never been a good one."""
    source = _source(ctx)
    error: PolicyError | None = None
    try:
        text = _read(ctx.settings.retention_policy_path)
        digest = _digest(text)
    except PolicyError as exc:
        text, digest, error = None, f"unreadable: {exc}", exc
    with _lock:
        if digest != source.seen:
            # The file is read on every computation; it is parsed, and a refusal logged, only
            # when it changed.
            source.seen = digest
            if text is not None:
                try:
                    source.store.load(text)
                except PolicyError as exc:
                    error = exc
            else:
                source.store.last_error = error
            if error is not None:
                in_force = source.store.current
                log.error("retention policy %s refused (%s); %s", source.label, error,
                          f"the last good policy stays in force ({in_force.digest[:12]})" if in_force
                          else "no good policy has loaded in this process")
        policy = source.store.current
    if policy is None:
        policy = _last_recorded(ctx, source)
        if policy is None:
            raise PolicyUnavailable("no valid retention policy has been loaded; nothing is computed or destroyed "
                                    f"until one is ({source.store.last_error})")
    _record(ctx, policy, text if text is not None and policy.digest == digest else None)
    return policy


def _digest(text: str) -> str:
    return hashlib.sha256(text.removeprefix("\ufeff").encode("utf-8")).hexdigest()


def _record(ctx: Context, policy: Policy, text: str | None) -> None:
    """Keep the text of every policy that has been in force, and which one is, in the store."""
    objects = ctx.docs.objects
    try:
        known = _recorded.setdefault(objects, set())
    except TypeError:  # an object store that cannot be weakly referenced: record every time
        known = set()
    if policy.digest in known:
        return
    key = f"{POLICIES}{policy.digest}.toml"
    if text is not None and not objects.exists(key):
        objects.put(key, text.encode("utf-8"))
    if text is not None or objects.exists(key):
        objects.put(IN_FORCE, policy.digest.encode())
        known.add(policy.digest)


def _last_recorded(ctx: Context, source: _Source) -> Policy | None:
    try:
        digest = ctx.docs.objects.get(IN_FORCE).decode().strip()
        text = ctx.docs.objects.get(f"{POLICIES}{digest}.toml").decode("utf-8")
    except NotFound:
        return None
    try:
        check_policy(text)
    except PolicyError:
        return None
    with _lock:
        if source.store.current is None:
            # The store's text becomes this process's last good policy; the file stays refused.
            error = source.store.last_error
            source.store.load(text)
            source.store.last_error = error
        return source.store.current


def stored_policy(ctx: Context, digest: str) -> Policy | None:
    """A policy that was in force, by digest (None when its text is not in the store or no
    longer valid, e.g. it names a type since removed)."""
    try:
        text = ctx.docs.objects.get(f"{POLICIES}{digest}.toml").decode("utf-8")
        return check_policy(text)
    except (NotFound, PolicyError):
        return None


def policy_status(ctx: Context) -> dict:
    """What is in force and whether the configured file was refused (for the CLI and the API)."""
    source = _source(ctx)
    try:
        policy = current_policy(ctx)
    except PolicyUnavailable:
        policy = None
    error = source.store.last_error
    return {"source": source.label, "digest": policy.digest if policy else None,
            "refused": {"line": error.line, "message": error.message} if error else None}


# --- computing a document's retention ------------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    """What a document's retention depends on."""

    doc_type: str | None
    document_date: str | None
    service_date: str | None
    received: datetime
    birth_date: date | None


def _applied(manifest: Manifest, name: str) -> str | None:
    value = manifest.fields.get(name)
    return value.value if value is not None and value.applied else None


def _as_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def linked_patient(manifest: Manifest) -> str | None:
    match = manifest.match
    return match.patient_id if match is not None and match.outcome == "linked" else None


def facts(ctx: Context, manifest: Manifest) -> Facts:
    birth = None
    patient_id = linked_patient(manifest)
    if patient_id:
        from index.patients import resolve

        record = resolve(ctx.patients, patient_id)
        birth = _as_date(record.birth_date) if record is not None else None
    if birth is None:
        birth = _as_date(_applied(manifest, "birth_date"))
    return Facts(doc_type=manifest.doc_type.key if manifest.doc_type else None,
                 document_date=_applied(manifest, "document_date"), service_date=_applied(manifest, "service_date"),
                 received=manifest.received_at, birth_date=birth)


def decide(policy: Policy, known: Facts, cause: str) -> Retention:
    anchor = anchor_for(known.document_date, known.service_date, known.received)
    decision = retain_until(policy, known.doc_type, anchor.date, known.birth_date)
    return Retention(retain_until=decision.retain_until, rule=decision.rule, period=str(decision.period),
                     doc_type=known.doc_type, anchor=anchor.date, anchor_source=anchor.source,
                     birth_date_known=decision.birth_date_known, minor_at_anchor=decision.minor_at_anchor,
                     policy_digest=policy.digest, cause=cause)


def _batch(policy: Policy, cause: str, current: Retention | None) -> Retention:
    if current is not None and current.rule == RULE_BATCH_EMPTIED:
        return current  # its pieces are gone: it stays due
    return Retention(retain_until=None, rule=RULE_BATCH, period="with its documents", policy_digest=policy.digest,
                     cause=cause)


@dataclass(frozen=True)
class Change:
    """What a recomputation did to one document."""

    doc_id: str
    before: date | None
    after: date | None
    changed: bool
    # The policy change shortened it (only with allow_shorten: compliance, audited).
    shortened_by_policy: bool = False
    # The policy would shorten it and was not allowed to: the shorter date waits in pending_until.
    pending: bool = False


def _same(a: Retention | None, b: Retention | None) -> bool:
    if a is None or b is None:
        return a is b
    skip = {"computed_at", "cause"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def recompute(ctx: Context, manifest: Manifest, *, cause: str, allow_shorten: bool = False,
              policy: Policy | None = None) -> Change:
    """Set the manifest's retention from its facts now, under the policy in force (the caller
    saves the manifest). Corrections of the facts apply shorter or longer; what the policy change
    since the last computation would shorten applies only with `allow_shorten` (compliance),
    otherwise the date stays and the shorter one is noted as pending."""
    policy = policy or current_policy(ctx)
    old = manifest.retention
    before = old.retain_until if old else None
    if manifest.state == State.destroyed:
        return Change(manifest.doc_id, before, before, False)
    if manifest.children:
        new = _batch(policy, cause, old)
        result = Change(manifest.doc_id, before, new.retain_until, not _same(old, new))
        manifest.retention = new if result.changed else old
        return result
    known = facts(ctx, manifest)
    proposed = decide(policy, known, cause)
    shortened = pending = False
    if old is None or old.policy_digest == policy.digest or old.rule in (RULE_BATCH, RULE_BATCH_EMPTIED):
        new = proposed
    else:
        # The policy changed since: first the facts under the policy that set the date (a
        # correction, free either way), then the policy change (shortening needs compliance).
        previous = stored_policy(ctx, old.policy_digest)
        base = decide(previous, known, cause) if previous is not None else old
        if is_shortening(base.retain_until, proposed.retain_until):
            if allow_shorten:
                new, shortened = proposed, True
            else:
                new, pending = base.model_copy(update={"pending_until": proposed.retain_until,
                                                       "pending_policy_digest": policy.digest}), True
        else:
            new = proposed
    changed = not _same(old, new)
    if changed:
        manifest.retention = new
    return Change(manifest.doc_id, before, manifest.retention.retain_until, changed, shortened, pending)


def compute(ctx: Context, manifest: Manifest) -> None:
    """The pipeline's call, right before indexing: set the retention fields (the caller saves).
    On a replay it is a recomputation: a policy change in between never shortens it here."""
    recompute(ctx, manifest, cause="ingest")


def _save(ctx: Context, manifest: Manifest) -> None:
    manifest.updated_at = utcnow()
    ctx.docs.save(manifest)
    if manifest.state == State.indexed:
        ctx.index.put(IndexDocument.from_manifest(manifest))


def recompute_and_save(ctx: Context, doc_id: str, cause: str) -> Change | None:
    """Recompute one stored document and save it when its retention changed (e.g. after an MPI
    load corrected its patient's birth date). None when it is not there or not at rest."""
    manifest = ctx.docs.find(doc_id)
    if manifest is None or manifest.state not in AT_REST or manifest.retention is None:
        return None
    change = recompute(ctx, manifest, cause=cause)
    if change.changed:
        _save(ctx, manifest)
    return change


def recompute_patient(ctx: Context, patient_id: str, cause: str = "mpi") -> int:
    """Recompute the documents filed under a patient (their birth date changed); returns how
    many changed."""
    from workers.patient_links import patient_docs

    changed = 0
    for doc_id in ctx.docs.marked(patient_docs(patient_id)):
        found = recompute_and_save(ctx, doc_id, cause)
        changed += bool(found and found.changed)
    return changed


# --- applying a policy change to the documents already stored ------------------------------------

@dataclass
class ApplyReport:
    policy_digest: str
    examined: int = 0
    computed: int = 0  # had no retention yet (ingested before retention, or while none loaded)
    lengthened: int = 0
    shortened: int = 0  # by the policy, with compliance
    pending: int = 0  # the policy would shorten them; not applied without compliance
    corrected: int = 0  # changed otherwise (facts changed since, rule or period wording)
    unreadable: list[str] = field(default_factory=list)
    dry_run: bool = False


def _has_compliance(role: str) -> bool:
    return "compliance" in {r.strip() for r in role.split(",")}


def _manifests(ctx: Context, ids) -> "list[Manifest | None]":
    def load(doc_id: str):
        try:
            return ctx.docs.find(doc_id)
        except (ValueError, UnicodeDecodeError):
            return doc_id  # unreadable: reported by id
    with ThreadPoolExecutor(READERS) as pool:
        return list(pool.map(load, ids))


def apply_policy(ctx: Context, *, actor: str, role: str, allow_shorten: bool = False,
                 dry_run: bool = False) -> ApplyReport:
    """Bring every stored document's retention up to the policy in force: lengthening applies,
    documents without retention get one, and shortening applies only with `allow_shorten`, which
    needs the compliance role and writes a `retention_change` audit event per shortened document
    and one for the decision. Documents in the pipeline are left to their index stage."""
    if allow_shorten and not _has_compliance(role):
        raise ShorteningNotAllowed("shortening retention after a policy change needs the compliance role")
    from workers.audit_trail import record

    policy = current_policy(ctx)
    report = ApplyReport(policy_digest=policy.digest, dry_run=dry_run)
    ids = ctx.docs.doc_ids()
    while True:
        chunk = [i for _, i in zip(range(PAGE), ids)]
        if not chunk:
            break
        for doc_id, manifest in zip(chunk, _manifests(ctx, chunk)):
            if isinstance(manifest, str):
                report.unreadable.append(manifest)
                continue
            if manifest is None or manifest.state not in AT_REST:
                continue
            if manifest.state == State.failed:
                continue  # never filed: it waits for staff (replay or deletion), not the schedule
            report.examined += 1
            had = manifest.retention is not None
            change = recompute(ctx, manifest, cause="policy", allow_shorten=allow_shorten, policy=policy)
            if not change.changed:
                continue
            if not had:
                report.computed += 1
            elif change.shortened_by_policy:
                report.shortened += 1
            elif change.pending:
                report.pending += 1
            elif is_shortening(change.after, change.before):
                report.lengthened += 1
            else:
                report.corrected += 1
            if dry_run:
                continue
            if change.shortened_by_policy:
                patient = linked_patient(manifest)
                record(ctx, AuditEntry(
                    actor=actor, role=role, action="retention_change", object_type="document", object_id=doc_id,
                    patient_ids=(patient,) if patient else (),
                    details={"from": _iso(change.before), "to": _iso(change.after), "policy_digest": policy.digest,
                             "rule": manifest.retention.rule}))
            _save(ctx, manifest)
    if not dry_run:
        if allow_shorten:
            record(ctx, AuditEntry(actor=actor, role=role, action="retention_change", object_type="retention_policy",
                                   object_id=policy.digest,
                                   details={"shortened": report.shortened, "lengthened": report.lengthened,
                                            "computed": report.computed, "examined": report.examined}))
        ctx.docs.objects.put(APPLIED, policy.digest.encode())
    log.info("retention policy %s applied: %d examined, %d computed, %d lengthened, %d shortened, %d pending%s",
             policy.digest[:12], report.examined, report.computed, report.lengthened, report.shortened,
             report.pending, " (dry run)" if dry_run else "")
    return report


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- destroying ----------------------------------------------------------------------------------

def _family(ctx: Context, manifest: Manifest) -> list[Manifest]:
    """The documents sharing this one's original (a batch fax and its pieces)."""
    from workers.holds import family

    return family(ctx, manifest)


def _live_sharers(ctx: Context, manifest: Manifest) -> list[Manifest]:
    return [m for m in _family(ctx, manifest) if m.doc_id != manifest.doc_id and m.state != State.destroyed]


def holds_on(ctx: Context, manifest: Manifest) -> list[str]:
    """The holds in force that stop this document from being destroyed (its own, those on a
    document sharing its original, and one placed while it was in the pipeline)."""
    from workers.holds import blocking_holds

    found = list(manifest.holds)
    found += [b.hold_id for b in blocking_holds(ctx, manifest)]
    return list(dict.fromkeys(found))


def _source_kind(source: str) -> str:
    # "folder:/scans/<a patient's name>/" or a bucket prefix can name someone: the kind only.
    return source.split(":", 1)[0] if ":" in source else source


def tombstone(manifest: Manifest, *, at: datetime, by: str, role: str, reason: str, original: str) -> Manifest:
    """What is left of a destroyed document (module docstring)."""
    history = [*manifest.history, Transition(state=State.destroyed, at=at, reason=reason)]
    return Manifest(
        doc_id=manifest.doc_id, sha256=manifest.sha256, media_type=manifest.media_type, size=manifest.size,
        source=_source_kind(manifest.source), state=State.destroyed, received_at=manifest.received_at, updated_at=at,
        page_count=manifest.page_count, history=history, parent_id=manifest.parent_id,
        page_range=manifest.page_range, children=list(manifest.children),
        # The date and the rule that made it due stay (they justify the destruction); the
        # document's own date and what was known of the patient's age go.
        retention=manifest.retention.model_copy(update={"anchor": None, "minor_at_anchor": None})
        if manifest.retention else None,
        destruction=Destruction(at=at, by=by, role=role, reason=reason,
                                doc_type=manifest.doc_type.key if manifest.doc_type else None, original=original),
    )


def _pending_key(doc_id: str) -> str:
    return f"{DESTROYING}{doc_id}"


@dataclass(frozen=True)
class _Pending:
    tombstone: Manifest
    patient_id: str | None

    def dump(self) -> bytes:
        return json.dumps({"tombstone": self.tombstone.model_dump(mode="json"),
                           "patient_id": self.patient_id}).encode()

    @classmethod
    def load(cls, data: bytes) -> "_Pending":
        raw = json.loads(data)
        return cls(Manifest.model_validate(raw["tombstone"]), raw.get("patient_id"))


def _find_pending(ctx: Context, doc_id: str) -> _Pending | None:
    try:
        return _Pending.load(ctx.docs.objects.get(_pending_key(doc_id)))
    except NotFound:
        return None


def destroy(ctx: Context, manifest: Manifest, *, actor: str, role: str, reason: str) -> None:
    """Destroy a document everywhere (module docstring), or finish a destruction that was
    interrupted. Raises DocumentHeld (naming the holds) while a hold is in force, NotAtRest while
    it is in the pipeline, ObjectLocked when storage refuses to delete its original. A document
    destroyed already is left as it is."""
    doc_id = manifest.doc_id
    pending = _find_pending(ctx, doc_id)
    if pending is None:
        current = ctx.docs.load(doc_id)
        if current.state == State.destroyed:
            return
        held = holds_on(ctx, current)
        if held:
            raise DocumentHeld(doc_id, held)
        if current.state not in AT_REST:
            raise NotAtRest(f"document {doc_id} is still being processed ({current.state.value}); "
                            "it can be destroyed once it is indexed or failed")
        sharers = _live_sharers(ctx, current)
        if not sharers:
            try:
                locked = ctx.docs.original_legal_hold(current.sha256)
            except NotFound:
                locked = None
            if locked:
                raise ObjectLocked(f"the original of document {doc_id} is under an Object Lock legal hold")
        at = utcnow()
        original = "kept" if sharers else "destroyed"
        pending = _Pending(tombstone(current, at=at, by=actor, role=role, reason=reason, original=original),
                           linked_patient(current))
        _audit(ctx, current, pending, actor=actor, role=role, reason=reason, original=original)
        ctx.docs.objects.put(_pending_key(doc_id), pending.dump())
        try:
            _purge_original(ctx, pending)
        except ObjectLocked:
            # A hold reached storage between the check and now: nothing was destroyed.
            _purge(ctx.docs.objects, _pending_key(doc_id))
            _audit(ctx, current, pending, actor=actor, role=role, reason=reason, original="kept", outcome="denied",
                   refused="object_lock")
            raise
    _finish(ctx, pending)
    log.info("document %s destroyed (original %s)", doc_id, pending.tombstone.destruction.original)
    _after_piece(ctx, pending.tombstone, actor=actor, role=role)


def _audit(ctx: Context, manifest: Manifest, pending: _Pending, *, actor: str, role: str, reason: str,
           original: str, outcome: str = "ok", **extra) -> None:
    from workers.audit_trail import record

    retention = manifest.retention
    record(ctx, AuditEntry(
        actor=actor, role=role, action="destroy", object_type="document", object_id=manifest.doc_id,
        patient_ids=(pending.patient_id,) if pending.patient_id else (), outcome=outcome,
        details={"reason": reason, "state": manifest.state.value,
                 "doc_type": manifest.doc_type.key if manifest.doc_type else None,
                 "retain_until": _iso(retention.retain_until) if retention else None,
                 "rule": retention.rule if retention else None,
                 "policy_digest": retention.policy_digest if retention else None,
                 "original": original, "parent_id": manifest.parent_id, "children": list(manifest.children),
                 **extra}))


def _purge_original(ctx: Context, pending: _Pending) -> None:
    if pending.tombstone.destruction.original != "destroyed":
        return
    # A sharer may have appeared since (a resumed destruction): look again.
    if _live_sharers(ctx, pending.tombstone):
        return
    try:
        ctx.docs.objects.purge(original_key(pending.tombstone.sha256))
    except NotFound:
        pass


def _finish(ctx: Context, pending: _Pending) -> None:
    tomb = pending.tombstone
    doc_id = tomb.doc_id
    objects = ctx.docs.objects
    _purge_original(ctx, pending)
    ctx.index.delete(doc_id)
    for queue in QUEUES:
        _purge(objects, f"{queue}/{doc_id}")
    if pending.patient_id:
        from workers.patient_links import patient_docs

        _purge(objects, f"{patient_docs(pending.patient_id)}/{doc_id}")
    # Every version of the manifest (earlier ones hold the text), then the tombstone.
    _purge(objects, manifest_key(doc_id))
    ctx.docs.save(tomb)
    from workers.page_images import derived_prefix

    for prefix in (f"receipts/{doc_id}/", f"corrections/{doc_id}/", f"links/{doc_id}/", derived_prefix(doc_id)):
        purge_prefix(objects, prefix)
    family = _family(ctx, tomb)
    if not any(m.state != State.destroyed for m in family if m.doc_id != doc_id):
        # The last of a batch fax's family: the page readings and images the pieces shared go too.
        for member in family:
            purge_prefix(objects, page_prefix(member.doc_id))
            purge_prefix(objects, derived_prefix(member.doc_id))
    elif not tomb.children:
        purge_prefix(objects, page_prefix(doc_id))
    # Else: a batch fax destroyed before its pieces; they read their pages from its readings.
    _purge(objects, _pending_key(doc_id))


def _after_piece(ctx: Context, tomb: Manifest, *, actor: str, role: str) -> None:
    """A batch fax goes with the last document split from it. It is marked due first, so that
    if it cannot go now (a hold, an error) the sweep finds it later."""
    if not tomb.parent_id:
        return
    parent = ctx.docs.find(tomb.parent_id)
    if parent is None or parent.state == State.destroyed or not _pieces_all_destroyed(ctx, parent):
        return
    if parent.retention is None or parent.retention.rule != RULE_BATCH_EMPTIED:
        parent.retention = Retention(
            retain_until=today_anywhere() - timedelta(days=1), rule=RULE_BATCH_EMPTIED, period="with its documents",
            policy_digest=parent.retention.policy_digest if parent.retention else "", cause="pieces_destroyed")
        _save(ctx, parent)
    try:
        destroy(ctx, parent, actor=actor, role=role, reason="every document split from this batch fax was destroyed")
    except Exception as exc:  # the piece is destroyed either way; the fax waits for the sweep
        log.warning("batch fax %s kept after its last document was destroyed: %s", parent.doc_id, type(exc).__name__)


def _purge(objects, key: str) -> None:
    try:
        objects.purge(key)
    except NotFound:
        pass


def purge_prefix(objects, prefix: str) -> int:
    """Delete every object under a prefix for good: on a versioned bucket every version, also of
    keys whose current version is a delete marker (a plain delete there keeps the bytes)."""
    keys = set(objects.keys(prefix))
    keys |= _hidden_keys(objects, prefix)
    for key in sorted(keys):
        _purge(objects, key)
    return len(keys)


def _hidden_keys(objects, prefix: str) -> set[str]:
    client, bucket = getattr(objects, "client", None), getattr(objects, "bucket", None)
    if client is None or bucket is None:
        return set()  # a folder keeps no versions
    found = set()
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        found |= {v["Key"] for v in page.get("Versions", []) + page.get("DeleteMarkers", [])}
    return found


def resume_destructions(ctx: Context) -> list[str]:
    """Finish destructions that were interrupted (their record is in the audit trail already)."""
    finished = []
    for key in list(ctx.docs.objects.keys(DESTROYING)):
        doc_id = key.removeprefix(DESTROYING)
        pending = _find_pending(ctx, doc_id)
        if pending is None:
            continue
        _finish(ctx, pending)
        _after_piece(ctx, pending.tombstone, actor=pending.tombstone.destruction.by,
                     role=pending.tombstone.destruction.role)
        finished.append(doc_id)
    return finished


# --- the sweep -------------------------------------------------------------------------------------

def today_anywhere() -> date:
    """The date where it is earliest (UTC-12): a retention's last day has ended everywhere."""
    return (datetime.now(timezone.utc) - timedelta(hours=12)).date()


@dataclass(frozen=True)
class SweepItem:
    doc_id: str
    retain_until: date | None
    holds: tuple[str, ...] = ()
    detail: str | None = None  # why kept, or the error's type


@dataclass
class SweepReport:
    today: date
    dry_run: bool
    policy_digest: str
    destroyed: list[SweepItem] = field(default_factory=list)
    due: list[SweepItem] = field(default_factory=list)  # a dry run: what would be destroyed
    held: list[SweepItem] = field(default_factory=list)
    kept: list[SweepItem] = field(default_factory=list)  # not due after all (recomputed, in progress)
    errors: list[SweepItem] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    applied: ApplyReport | None = None  # a policy change brought the stored retentions up to date first
    stale: int = 0  # index entries of documents destroyed or gone (removed)
    truncated: bool = False  # stopped at retention_sweep_max; the next run goes on

    def summary(self) -> dict:
        """Counts and document ids (no patient data)."""
        def items(found: list[SweepItem]) -> list[dict]:
            return [{"doc_id": i.doc_id, "retain_until": _iso(i.retain_until), "holds": list(i.holds),
                     "detail": i.detail} for i in found]
        return {"today": self.today.isoformat(), "dry_run": self.dry_run, "policy": self.policy_digest,
                "destroyed": items(self.destroyed), "due": items(self.due), "held": items(self.held),
                "kept": items(self.kept), "errors": items(self.errors), "resumed": self.resumed,
                "stale": self.stale, "truncated": self.truncated,
                "applied": None if self.applied is None else {
                    "examined": self.applied.examined, "computed": self.applied.computed,
                    "lengthened": self.applied.lengthened, "pending": self.applied.pending}}


def _pieces_all_destroyed(ctx: Context, manifest: Manifest) -> bool:
    for child_id in manifest.children:
        child = ctx.docs.find(child_id)
        if child is not None and child.state != State.destroyed:
            return False
    return True


def sweep(ctx: Context, today: date | None = None, dry_run: bool = False, *, actor: str = SYSTEM,
          role: str = "system", limit: int | None = None) -> SweepReport:
    """Destroy the documents past their retention with no hold in force (a dry run only lists
    them). Each candidate the index names is checked against its manifest, recomputed under the
    policy in force, before anything is destroyed."""
    policy = current_policy(ctx)
    today = today or today_anywhere()
    limit = ctx.settings.retention_sweep_max if limit is None else limit
    report = SweepReport(today=today, dry_run=dry_run, policy_digest=policy.digest)
    if not dry_run:
        report.resumed = resume_destructions(ctx)
        try:
            applied = ctx.docs.objects.get(APPLIED).decode().strip()
        except NotFound:
            applied = None
        if applied != policy.digest:
            report.applied = apply_policy(ctx, actor=actor, role=role)
    ctx.index.refresh()
    after: tuple[str, str] | None = None
    while not report.truncated:
        page = ctx.index.retention_due(today, after=after, limit=PAGE)
        for doc_id, until in page:
            after = (until.isoformat(), doc_id)
            if len(report.destroyed) + len(report.due) >= limit:
                report.truncated = True
                break
            _consider(ctx, doc_id, until, today, report, policy, actor=actor, role=role)
        if len(page) < PAGE:
            break
    log.info("retention sweep %s: %d destroyed, %d due, %d held, %d kept, %d errors%s", today.isoformat(),
             len(report.destroyed), len(report.due), len(report.held), len(report.kept), len(report.errors),
             " (dry run)" if dry_run else "")
    return report


def _consider(ctx: Context, doc_id: str, until: date, today: date, report: SweepReport, policy: Policy, *,
              actor: str, role: str) -> None:
    try:
        manifest = ctx.docs.find(doc_id)
        if manifest is None or manifest.state == State.destroyed:
            report.stale += 1
            if not report.dry_run:
                ctx.index.delete(doc_id)
            return
        if manifest.state not in AT_REST:
            report.kept.append(SweepItem(doc_id, until, detail="in the pipeline"))
            return
        candidate = manifest.model_copy(deep=True) if report.dry_run else manifest
        change = recompute(ctx, candidate, cause="sweep", policy=policy)
        if change.changed and not report.dry_run:
            _save(ctx, candidate)
        retained = candidate.retention.retain_until if candidate.retention else None
        if candidate.children and not _pieces_all_destroyed(ctx, candidate):
            report.kept.append(SweepItem(doc_id, retained, detail="a document split from it is kept"))
            return
        if not is_due(retained, today):
            report.kept.append(SweepItem(doc_id, retained, detail="not due under the policy in force"))
            return
        held = holds_on(ctx, candidate)
        if held:
            report.held.append(SweepItem(doc_id, retained, tuple(held)))
            return
        if report.dry_run:
            report.due.append(SweepItem(doc_id, retained))
            return
        destroy(ctx, candidate, actor=actor, role=role,
                reason=f"retention ended {retained.isoformat()} ({candidate.retention.rule})")
        report.destroyed.append(SweepItem(doc_id, retained))
    except DocumentHeld as exc:
        report.held.append(SweepItem(doc_id, until, tuple(exc.holds)))
    except ObjectLocked:
        report.held.append(SweepItem(doc_id, until, detail="the original is locked in storage"))
    except NotAtRest:
        report.kept.append(SweepItem(doc_id, until, detail="in the pipeline"))
    except PolicyUnavailable:
        raise
    except Exception as exc:  # one document must not stop the sweep; its type only (no content)
        log.error("retention sweep: document %s not destroyed: %s", doc_id, type(exc).__name__)
        report.errors.append(SweepItem(doc_id, until, detail=type(exc).__name__))


def scheduled_sweep(ctx: Context, dry_run: bool | None = None) -> SweepReport:
    """The beat's sweep: destroys only when a site policy is configured, unless the setting
    `retention_sweep_destroy` says otherwise (module docstring)."""
    if dry_run is None:
        destroys = ctx.settings.retention_sweep_destroy
        if destroys is None:
            destroys = ctx.settings.retention_policy_path is not None
        dry_run = not destroys
        if dry_run and ctx.settings.retention_sweep_destroy is None:
            log.warning("retention sweep reports only: the shipped example policy is in force; configure "
                        "CLINIDEX_RETENTION_POLICY_PATH (or CLINIDEX_RETENTION_SWEEP_DESTROY) to destroy")
    return sweep(ctx, dry_run=dry_run)


__all__ = [
    "ApplyReport", "Change", "DocumentHeld", "NotAtRest", "PolicyUnavailable", "ShorteningNotAllowed", "SweepItem",
    "SweepReport", "apply_policy", "check_policy", "compute", "current_policy", "destroy", "holds_on",
    "policy_status", "recompute", "recompute_and_save", "recompute_patient", "resume_destructions",
    "scheduled_sweep", "sweep", "today_anywhere", "tombstone",
]
