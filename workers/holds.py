"""Legal holds applied: to the documents a hold names, to documents ingested later, and to
storage (an S3 Object Lock legal hold on each held document's original).

What is kept where:
- `holds/<id>.json`: the hold record (clinidex/holds.py), written before the hold touches any
  document and rewritten once when it is released;
- `holds-active/<id>`: one marker per hold in force, so the pipeline lists the holds it must
  check with one listing instead of reading every hold ever placed;
- `hold-docs/<id>/<doc id>`: the documents a hold was placed on (kept after release, as the
  record of what it held);
- `Manifest.holds`: the ids of the holds in force on the document (what search shows as
  on_hold and what the sweep and the delete API check).

Order matters for documents that arrive while a hold is placed or released: a hold is active
(record and marker) before it is applied to existing documents, so a document indexed meanwhile
gets it from the pipeline (`apply_holds`, called right before indexing); a release makes the
hold inactive first, then lifts it from its documents.

A document still in the pipeline is never rewritten from here (a worker saving the same
manifest would lose the hold, or this save would undo the worker's progress): it is recorded
in the hold's document list, its original is locked, and the pipeline puts the hold on its
manifest before indexing. `blocking_holds` reads both, so such a document is protected from
the moment the hold is placed.

An original is shared by a batch fax and the documents split from it: its Object Lock legal
hold stays on while any hold is in force on any of them.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date

from clinidex.errors import NotFound
from clinidex.holds import Hold, HoldScope, InvalidHold, ScopeKind
from clinidex.manifest import Manifest, State, utcnow
from index.base import IndexDocument
from index.patients import resolve, scope as merged_scope
from index.query import Filters, SearchQuery, Sort
from index.query_text import Clause, parse, tokens
from workers.context import Context
from workers.patient_links import patient_docs

log = logging.getLogger("clinidex.holds")

ACTIVE = "holds-active"
AT_REST = (State.indexed, State.failed)
PAGE = 500


def hold_key(hold_id: str) -> str:
    return f"holds/{hold_id}.json"


def hold_docs(hold_id: str) -> str:
    return f"hold-docs/{hold_id}"


@dataclass
class HoldOutcome:
    """What placing or releasing a hold did."""

    hold: Hold
    documents: list[str] = field(default_factory=list)  # placed on / lifted from
    # "object_lock": originals carry (or no longer carry) an S3 Object Lock legal hold;
    # "application": this store has no Object Lock, the hold is enforced by Clinidex alone.
    storage: str = "object_lock"
    notice: str | None = None
    originals_missing: list[str] = field(default_factory=list)  # documents whose original was not found
    originals_kept_locked: list[str] = field(default_factory=list)  # release: still held by another hold
    patient_ids: set[str] = field(default_factory=set)  # whose documents they are (for the audit event)


@dataclass(frozen=True)
class Blocking:
    """A hold in force that stops a document from being deleted or destroyed."""

    hold_id: str
    matter_id: str | None  # None when the hold record cannot be read (it still blocks)
    doc_id: str  # the document it is on: this one, or one sharing its original


# --- hold records ---------------------------------------------------------------------------

_cache: dict[str, Hold] = {}
_cache_lock = threading.Lock()


def save_hold(ctx: Context, hold: Hold) -> None:
    ctx.docs.objects.put(hold_key(hold.id), hold.model_dump_json().encode())
    if hold.active:
        ctx.docs.mark(ACTIVE, hold.id)
    else:
        ctx.docs.unmark(ACTIVE, hold.id)
    with _cache_lock:
        _cache.pop(hold.id, None)


def get_hold(ctx: Context, hold_id: str) -> Hold:
    if not hold_id.isalnum():
        raise NotFound(hold_id)
    return Hold.model_validate_json(ctx.docs.objects.get(hold_key(hold_id)))


def list_holds(ctx: Context, active: bool | None = None) -> list[Hold]:
    """Every hold (or only those in force / released), newest first."""
    found = [Hold.model_validate_json(ctx.docs.objects.get(key)) for key in ctx.docs.objects.keys("holds/")
             if key.endswith(".json")]
    if active is not None:
        found = [h for h in found if h.active == active]
    return sorted(found, key=lambda h: h.created_at, reverse=True)


def active_holds(ctx: Context) -> list[Hold]:
    """The holds in force: one listing, and each record read once per process (a record's scope
    never changes; a released hold leaves the active list)."""
    holds = []
    for hold_id in ctx.docs.marked(ACTIVE):
        with _cache_lock:
            hold = _cache.get(hold_id)
        if hold is None:
            try:
                hold = get_hold(ctx, hold_id)
            except NotFound:
                continue  # marker written, record not yet readable: the creator applies it
            if hold.active:
                with _cache_lock:
                    _cache[hold_id] = hold
        if hold.active:
            holds.append(hold)
    return holds


def documents_of(ctx: Context, hold_id: str) -> list[str]:
    """The documents a hold was placed on (sorted by id)."""
    return sorted(ctx.docs.marked(hold_docs(hold_id)))


# --- which documents a hold names ----------------------------------------------------------

def same_patient(ctx: Context, patient_id: str) -> set[str]:
    """Every id this patient's documents may be filed under: the survivor it was merged into
    (if any) and everyone merged into that survivor."""
    current = resolve(ctx.patients, patient_id)
    anchor = current.patient_id if current is not None else patient_id
    return {patient_id, anchor, *merged_scope(ctx.patients, anchor)}


def _linked_patient(manifest: Manifest) -> str | None:
    match = manifest.match
    return match.patient_id if match is not None and match.outcome == "linked" else None


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[i:i + size]) == phrase for i in range(len(words) - size + 1))


def text_matches(clauses: list[Clause], text: str) -> bool:
    """Every clause (a word, a quoted phrase, a synonym group) is in the text: the rule search
    applies, without its fallback to OCR-damaged spellings."""
    words = tokens(text)
    present = set(words)
    for clause in clauses:
        if not any((p[0] in present) if len(p) == 1 else _has_phrase(words, p) for p in clause.phrases):
            return False
    return True


def in_range(day: date, date_from: date | None, date_to: date | None) -> bool:
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


def applies_to(hold: Hold, manifest: Manifest, patient_ids: set[str] | None = None) -> bool:
    """Whether the hold names this document. `patient_ids`: the ids the document's patient
    stands for (`same_patient`); by default only the id it is linked under."""
    if not hold.active or manifest.state == State.destroyed:
        return False
    scope = hold.scope
    if scope.kind == ScopeKind.documents:
        return manifest.doc_id in scope.doc_ids or (manifest.parent_id or "") in scope.doc_ids
    if scope.kind == ScopeKind.patients:
        linked = _linked_patient(manifest)
        if linked is None:
            return False
        return bool(set(scope.patient_ids) & (patient_ids or {linked}))
    if manifest.children:
        return False  # a batch fax is a container: search and holds look at its documents
    entry = IndexDocument.from_manifest(manifest)
    query = scope.query
    if not in_range(entry.clinical_date, query.date_from, query.date_to):
        return False
    return not query.text.strip() or text_matches(parse(query.text), entry.text)


def _check(ctx: Context, scope: HoldScope) -> None:
    """Refuse a hold naming a document or patient that does not exist (a typo would otherwise
    hold nothing, silently). Positions, not values, say which."""
    if scope.kind == ScopeKind.documents:
        for position, doc_id in enumerate(scope.doc_ids, 1):
            if ctx.docs.find(doc_id) is None:
                raise InvalidHold(f"doc_ids: no such document (position {position})")
    elif scope.kind == ScopeKind.patients:
        for position, patient_id in enumerate(scope.patient_ids, 1):
            if resolve(ctx.patients, patient_id) is None:
                raise InvalidHold(f"patient_ids: no such patient in the MPI (position {position})")


def _existing(ctx: Context, hold: Hold) -> list[str]:
    """The stored documents a new hold names."""
    scope = hold.scope
    if scope.kind == ScopeKind.documents:
        found = []
        for doc_id in scope.doc_ids:
            manifest = ctx.docs.find(doc_id)
            found += [doc_id, *(manifest.children if manifest else ())]
        return list(dict.fromkeys(found))
    if scope.kind == ScopeKind.patients:
        found = []
        for patient_id in scope.patient_ids:
            for filed_under in same_patient(ctx, patient_id):
                found += ctx.docs.marked(patient_docs(filed_under))
        return list(dict.fromkeys(found))
    # A query: as search runs it (words with their synonyms; OCR-damaged spellings only when
    # nothing matches exactly, as search would show them), over every indexed document.
    query = scope.query
    ctx.index.refresh()
    search = SearchQuery(text=query.text, filters=Filters(date_from=query.date_from, date_to=query.date_to),
                         sort=Sort.oldest, limit=PAGE)
    found = []
    while True:
        result = ctx.index.search(search)
        found += [h.doc_id for h in result.hits]
        if result.next_cursor is None:
            break
        search = search.next_page(result.next_cursor)
    # Documents between the pipeline's hold check and their index entry becoming searchable.
    for doc_id in ctx.docs.inflight():
        manifest = ctx.docs.find(doc_id)
        if manifest is not None and manifest.state == State.matched and applies_to(hold, manifest):
            found.append(doc_id)
    return list(dict.fromkeys(found))


# --- placing and lifting ---------------------------------------------------------------------

def _save_and_reindex(ctx: Context, manifest: Manifest) -> None:
    manifest.updated_at = utcnow()
    ctx.docs.save(manifest)
    if manifest.state == State.indexed:
        ctx.index.put(IndexDocument.from_manifest(manifest))


def _storage(ctx: Context) -> tuple[str, str | None]:
    if ctx.docs.legal_holds_in_storage:
        return "object_lock", None
    if ctx.settings.uses_s3:
        return "application", ("The bucket has no Object Lock (it can only be enabled when a bucket is created): "
                               "this hold is enforced by Clinidex (deletion refused, sweep skipped), not by storage.")
    return "application", ("The local store has no Object Lock: this hold is enforced by Clinidex (deletion "
                           "refused, sweep skipped), not by storage.")


def _put_on(ctx: Context, hold_id: str, manifest: Manifest) -> None:
    if hold_id not in manifest.holds:
        manifest.holds.append(hold_id)
        _save_and_reindex(ctx, manifest)


def _lock(ctx: Context, sha256: str, on: bool) -> bool:
    """Set the original's legal hold; False when the original is not in the store."""
    try:
        ctx.docs.set_original_legal_hold(sha256, on)
    except NotFound:
        return False
    return True


def create(ctx: Context, *, matter_id: str, reason: str, scope: HoldScope, actor: str) -> HoldOutcome:
    """Place a hold on every stored document it names (and, from now on, on every document
    ingested later that it names)."""
    hold = Hold.new(matter_id=matter_id, reason=reason, scope=scope, created_by=actor)
    _check(ctx, scope)
    # Active before it is applied: a document indexed from here on gets it from the pipeline.
    save_hold(ctx, hold)
    storage, notice = _storage(ctx)
    outcome = HoldOutcome(hold=hold, storage=storage, notice=notice)
    patients = set().union(*(same_patient(ctx, p) for p in scope.patient_ids)) if scope.patient_ids else set()
    locked: dict[str, bool] = {}
    in_flight = []
    for doc_id in _existing(ctx, hold):
        manifest = ctx.docs.find(doc_id)
        if manifest is None or manifest.state == State.destroyed:
            continue
        if patients and _linked_patient(manifest) not in patients:
            continue  # a stale filing marker: the document was unlinked or moved since
        ctx.docs.mark(hold_docs(hold.id), doc_id)
        if manifest.state in AT_REST:
            _put_on(ctx, hold.id, manifest)
        else:
            in_flight.append(doc_id)
        if manifest.sha256 not in locked:
            locked[manifest.sha256] = _lock(ctx, manifest.sha256, True)
        if not locked[manifest.sha256]:
            outcome.originals_missing.append(doc_id)
        outcome.documents.append(doc_id)
        if linked := _linked_patient(manifest):
            outcome.patient_ids.add(linked)
    # A document that was in the pipeline may have passed its hold check before this hold was
    # active and come to rest since: put the hold on it now (the others get it when indexed).
    for doc_id in in_flight:
        manifest = ctx.docs.find(doc_id)
        if manifest is not None and manifest.state in AT_REST:
            _put_on(ctx, hold.id, manifest)
    log.info("hold %s placed on %d document(s) (%s scope, storage: %s)", hold.id, len(outcome.documents),
             scope.kind.value, storage)
    return outcome


def apply_holds(ctx: Context, manifest: Manifest) -> list[str]:
    """The pipeline's call, right before indexing: put on the manifest every hold in force that
    names it (the caller saves the manifest). Returns the ids added."""
    holds = active_holds(ctx)
    in_force = {h.id for h in holds}
    # A hold released while the document was in the pipeline: its id goes (release leaves
    # in-flight manifests to this stage rather than race the worker that owns them).
    manifest.holds = [h for h in manifest.holds if h in in_force or _in_force(ctx, h)[0]]
    if not holds:
        return []
    linked = _linked_patient(manifest)
    patients = same_patient(ctx, linked) if linked and any(
        h.scope.kind == ScopeKind.patients for h in holds) else None
    added = []
    for hold in holds:
        # Only a hold placed after the document arrived can have listed it while it was in
        # the pipeline; older holds are decided by their scope alone.
        named = hold.id in manifest.holds or applies_to(hold, manifest, patients) or (
            hold.created_at >= manifest.received_at
            and ctx.docs.objects.exists(f"{hold_docs(hold.id)}/{manifest.doc_id}"))
        if not named:
            continue
        ctx.docs.mark(hold_docs(hold.id), manifest.doc_id)
        if hold.id not in manifest.holds:
            manifest.holds.append(hold.id)
            added.append(hold.id)
    if manifest.holds:
        _lock(ctx, manifest.sha256, True)
    if added:
        log.info("document %s: %d hold(s) applied on ingest", manifest.doc_id, len(added))
    return added


def family(ctx: Context, manifest: Manifest) -> list[Manifest]:
    """The documents sharing this one's original: a batch fax and the documents split from it."""
    top = ctx.docs.find(manifest.parent_id) if manifest.parent_id else manifest
    members = {manifest.doc_id: manifest}
    if top is not None:
        members.setdefault(top.doc_id, top)
        for child_id in top.children:
            if child_id not in members:
                child = ctx.docs.find(child_id)
                if child is not None:
                    members[child_id] = child
    return [m for m in members.values() if m.sha256 == manifest.sha256]


def _in_force(ctx: Context, hold_id: str) -> tuple[bool, str | None]:
    try:
        hold = get_hold(ctx, hold_id)
    except NotFound:
        return True, None  # an id without a readable record still blocks: better kept than lost
    return hold.active, hold.matter_id


def blocking_holds(ctx: Context, manifest: Manifest) -> list[Blocking]:
    """The holds in force on this document or on any document sharing its original: while one
    exists the document is not deleted (API: 409) or destroyed (the sweep skips it)."""
    members = family(ctx, manifest)
    pairs = {(hold_id, m.doc_id) for m in members for hold_id in m.holds}
    # A document a hold was placed on while it was in the pipeline is listed by the hold
    # before its manifest says so.
    for hold in active_holds(ctx):
        for m in members:
            if (hold.id, m.doc_id) not in pairs and hold.created_at >= m.received_at \
                    and ctx.docs.objects.exists(f"{hold_docs(hold.id)}/{m.doc_id}"):
                pairs.add((hold.id, m.doc_id))
    found = []
    for hold_id, doc_id in sorted(pairs):
        active, matter = _in_force(ctx, hold_id)
        if active:
            found.append(Blocking(hold_id=hold_id, matter_id=matter, doc_id=doc_id))
    # This document's own holds first.
    return sorted(found, key=lambda b: (b.doc_id != manifest.doc_id, b.hold_id, b.doc_id))


def release(ctx: Context, hold_id: str, *, actor: str, reason: str | None = None) -> HoldOutcome:
    """Lift this hold (only this one) from its documents. An original's Object Lock legal hold
    is turned off only when no other hold in force covers any document sharing it."""
    hold = get_hold(ctx, hold_id).released(actor, reason)
    save_hold(ctx, hold)  # inactive first: the pipeline stops applying it from here on
    storage, notice = _storage(ctx)
    outcome = HoldOutcome(hold=hold, storage=storage, notice=notice)
    originals: dict[str, Manifest] = {}
    for doc_id in documents_of(ctx, hold_id):
        manifest = ctx.docs.find(doc_id)
        if manifest is None or manifest.state == State.destroyed:
            continue
        if hold_id in manifest.holds and manifest.state in AT_REST:
            manifest.holds.remove(hold_id)
            _save_and_reindex(ctx, manifest)
        # In the pipeline: the index stage drops the released id (`apply_holds`); until then
        # `blocking_holds` ignores it (the record says released).
        outcome.documents.append(doc_id)
        if linked := _linked_patient(manifest):
            outcome.patient_ids.add(linked)
        originals.setdefault(manifest.sha256, manifest)
    for sha256, manifest in originals.items():
        if _still_held(ctx, manifest):
            outcome.originals_kept_locked += [m.doc_id for m in family(ctx, manifest) if m.doc_id in outcome.documents]
            continue
        if not _lock(ctx, sha256, False):
            outcome.originals_missing.append(manifest.doc_id)
            continue
        # A hold placed on a sharing document while this one was checked would have locked the
        # original before our "off": look again and put it back on.
        if _still_held(ctx, manifest):
            _lock(ctx, sha256, True)
            outcome.originals_kept_locked.append(manifest.doc_id)
    log.info("hold %s released from %d document(s)", hold_id, len(outcome.documents))
    return outcome


def _still_held(ctx: Context, manifest: Manifest) -> bool:
    fresh = ctx.docs.find(manifest.doc_id) or manifest
    return bool(blocking_holds(ctx, fresh))
