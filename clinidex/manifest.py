"""The per-document manifest: the store's record of truth, and the lifecycle it moves through."""
from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timezone
from enum import StrEnum

from pydantic import BaseModel, Field

# Document ids are derived from the original's SHA-256 so that two concurrent uploads of the
# same bytes agree on one id without coordination. Child documents split from a batch fax
# derive theirs from (parent id, page range) the same way.
_ID_NAMESPACE = uuid.UUID("5b0f8a3c-4d7e-4c55-9a51-6c1d2f0e8b17")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_id_for(sha256: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, sha256).hex


def child_id_for(parent_id: str, first: int, last: int) -> str:
    return uuid.uuid5(_ID_NAMESPACE, f"{parent_id}:{first}-{last}").hex


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class State(StrEnum):
    received = "received"
    rendered = "rendered"
    ocr_done = "ocr_done"
    classified = "classified"
    extracted = "extracted"
    matched = "matched"
    indexed = "indexed"
    failed = "failed"
    destroyed = "destroyed"


# The happy path in order. Stages that are not built yet are skipped, never reordered, so a
# transition is legal when it moves forward along this list.
LIFECYCLE: tuple[State, ...] = (
    State.received,
    State.rendered,
    State.ocr_done,
    State.classified,
    State.extracted,
    State.matched,
    State.indexed,
)


class IllegalTransition(Exception):
    pass


def check_transition(current: State, target: State) -> None:
    if current in (State.failed, State.destroyed):
        # A failed document is only left by a deliberate replay, which starts a new receipt.
        if target not in (State.received, State.destroyed):
            raise IllegalTransition(f"{current} -> {target}")
        return
    if target in (State.failed, State.destroyed):
        return
    if LIFECYCLE.index(target) <= LIFECYCLE.index(current):
        raise IllegalTransition(f"{current} -> {target}")


class Transition(BaseModel):
    state: State
    at: datetime
    reason: str | None = None


class Word(BaseModel):
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float


class PageSummary(BaseModel):
    """What the manifest keeps of each page; word boxes live in the page's own object."""

    number: int  # 1-based, as people count pages
    text: str
    source: str = "ocr"  # "ocr" or "text_layer"
    mean_confidence: float | None = None
    width: int | None = None
    height: int | None = None
    rotation: int = 0
    skew: float = 0.0
    despeckled: bool = False
    seconds: float | None = None
    # Why the page could not be read (timeout, damaged page); None when it was read.
    unreadable: str | None = None


class PageResult(PageSummary):
    """One page's full reading, stored on its own so pages can be read in parallel."""

    words: list[Word] = Field(default_factory=list)
    version: int = 0

    def summary(self) -> PageSummary:
        return PageSummary.model_validate(self.model_dump(exclude={"words", "version"}))


class ReceiptRecord(BaseModel):
    """One arrival of a document's bytes: the first, or a resent fax that became no new copy."""

    receipt_id: str
    doc_id: str
    source: str  # "upload", "cli", "s3://bucket/prefix", "folder:/path"
    # The name it arrived under (file name or object key). It can carry a patient's name:
    # kept here and shown by the API, never logged.
    name: str | None = None
    at: datetime = Field(default_factory=utcnow)


class TypeResult(BaseModel):
    """What the document is: a key of clinidex/doctypes.json, or None when the classifier was
    not sure enough to apply one (then `suggested` holds its best guess)."""

    key: str | None
    confidence: float
    tier: str  # automate | recommend | escalate (clinidex.tiers)
    suggested: str | None = None
    source: str = "model"  # model | split | review
    model_version: str | None = None


class FieldValue(BaseModel):
    """One extracted value. An escalated value is kept here for the reviewer but not applied."""

    value: str  # normalised (clinidex.fields)
    confidence: float
    tier: str
    applied: bool
    page: int | None = None  # where it was read: page (of this document) and character span
    start: int | None = None
    end: int | None = None
    rule: str | None = None
    source: str = "extraction"  # extraction | review


class MatchCandidate(BaseModel):
    """A patient the document might belong to, with the evidence (no demographic values)."""

    patient_id: str
    weight: float  # match weight: log2 of the Bayes factor plus the prior odds
    probability: float
    explanation: list[dict] = Field(default_factory=list)  # per field: level, Bayes factor, weight
    vector: list[int] = Field(default_factory=list)  # comparison levels, for re-estimating the model


class PatientMatch(BaseModel):
    """Whose document this is. `linked` names the patient; `review` and `unmatched` wait for
    records staff (`reason` says why). A person's decision replaces the machine's."""

    outcome: str  # linked | review | unmatched
    patient_id: str | None = None
    probability: float | None = None
    weight: float | None = None
    reason: str | None = None
    candidates: list[MatchCandidate] = Field(default_factory=list)
    decided_by: str = "machine"  # "machine", or the reviewer
    at: datetime = Field(default_factory=utcnow)
    model_version: str | None = None


class Retention(BaseModel):
    """How long the document is kept, and why (workers/retention.py computes it; the rules are
    in ingest/retention.py). `retain_until` is the last day it is kept; None means permanently,
    except for a batch fax that was split (rule "batch_fax"), which is kept until the last
    document split from it is destroyed and goes with it."""

    retain_until: date | None
    rule: str  # ingest.retention.RULE_*, or "batch_fax" / "batch_fax_emptied"
    period: str  # the type's (or default) period as written: "P10Y", "permanent"
    doc_type: str | None = None  # the type it was computed for (None: not known yet)
    anchor: date | None = None  # the date the period runs from
    anchor_source: str | None = None  # document_date | service_date | received
    birth_date_known: bool = False  # False: the minors rule ran on the policy's assumption
    minor_at_anchor: bool | None = None
    policy_digest: str  # sha256 of the policy text that decided it
    computed_at: datetime = Field(default_factory=utcnow)
    cause: str = "ingest"  # ingest | review | link | unlink | merge | rematch | policy | sweep ...
    # A shorter retention the policy in force would give, not applied: shortening an ingested
    # document's retention after a policy change needs the compliance role.
    pending_until: date | None = None
    pending_policy_digest: str | None = None


class Destruction(BaseModel):
    """What a destroyed document's tombstone keeps: when, why and by whom. The tombstone holds
    no patient data and no text (workers/retention.py `destroy`)."""

    at: datetime
    by: str
    role: str = ""
    reason: str
    doc_type: str | None = None  # the kind of record destroyed, as a destruction log lists it
    # "destroyed"; or "kept": a document split from the same batch fax still needs the bytes,
    # and they go with the last of them.
    original: str = "destroyed"


class Manifest(BaseModel):
    doc_id: str
    sha256: str
    media_type: str
    size: int
    # The uploader's file name can carry a patient's name: it stays in the manifest and the
    # API response, never in logs.
    filename: str | None = None
    source: str = "upload"
    state: State = State.received
    failure_reason: str | None = None
    received_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    page_count: int | None = None
    pages: list[PageSummary] = Field(default_factory=list)
    metadata: dict = Field(default_factory=dict)
    history: list[Transition] = Field(default_factory=list)
    # Stage name -> version that produced the stored result, so a replayed task can tell
    # whether its work is already done.
    stage_versions: dict[str, int] = Field(default_factory=dict)
    doc_type: TypeResult | None = None
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    # What waits for records staff: "type", "field:<name>"; empty when nothing does.
    review: list[str] = Field(default_factory=list)
    # A document split from a batch fax: the fax's id and its pages in the fax (1-based,
    # inclusive). The fax lists its pieces in `children` and keeps its cover sheet's fields in
    # `fax_fields` (sender, recipient, page_count, fax).
    parent_id: str | None = None
    page_range: tuple[int, int] | None = None
    children: list[str] = Field(default_factory=list)
    fax_fields: dict[str, FieldValue] = Field(default_factory=dict)
    # The patient match (None until matched; a batch fax that was split is never matched: its
    # pieces are).
    match: PatientMatch | None = None
    # Ids of the legal holds in force on this document (issue 8); a held document is never
    # destroyed.
    holds: list[str] = Field(default_factory=list)
    # How long it is kept (None until computed, right before indexing), and once destroyed,
    # the destruction record of its tombstone (issue 8).
    retention: Retention | None = None
    destruction: Destruction | None = None

    @classmethod
    def new(cls, *, data: bytes, media_type: str, filename: str | None, source: str) -> "Manifest":
        digest = sha256_hex(data)
        now = utcnow()
        return cls(
            doc_id=document_id_for(digest),
            sha256=digest,
            media_type=media_type,
            size=len(data),
            filename=filename,
            source=source,
            received_at=now,
            updated_at=now,
            history=[Transition(state=State.received, at=now)],
        )

    def move_to(self, target: State, reason: str | None = None) -> None:
        check_transition(self.state, target)
        now = utcnow()
        self.state = target
        self.updated_at = now
        self.failure_reason = reason if target == State.failed else None
        self.history.append(Transition(state=target, at=now, reason=reason))

    def reached(self, state: State) -> bool:
        """True when the document has passed `state` on the happy path."""
        if self.state not in LIFECYCLE:
            return False
        return LIFECYCLE.index(self.state) >= LIFECYCLE.index(state)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)
