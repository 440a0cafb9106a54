"""The review queue: documents whose type or fields the machine was unsure of, and records
staff's decisions on them.

A decision sets or confirms the type, sets, clears or confirms field values; whatever it does
not address stays queued. Each decision is kept as a correction record (who, when, before and
after) and the document's index entry is rewritten at once. `training_records` turns the
corrected documents into examples for the next classifier.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date

from clinidex.doctypes import types_by_key
from clinidex.manifest import FieldValue, Manifest, TypeResult, utcnow
from clinidex.tiers import Tier
from index import IndexDocument
from workers.context import Context

log = logging.getLogger("clinidex.review")

DATE_FIELDS = {"birth_date", "document_date", "service_date"}


class InvalidDecision(ValueError):
    """The decision names an unknown type or field, or a value not in its normal form."""


@dataclass(frozen=True)
class Decision:
    reviewer: str
    doc_type: str | None = None  # set (or confirm) the type
    fields: dict[str, str | None] = field(default_factory=dict)  # set a value; None: there is none
    confirm: list[str] = field(default_factory=list)  # review items accepted as they stand


def queue(ctx: Context) -> list[Manifest]:
    found = [ctx.docs.find(doc_id) for doc_id in ctx.docs.review_ids()]
    return sorted((m for m in found if m is not None and m.review), key=lambda m: m.received_at)


def _check(decision: Decision, manifest: Manifest) -> None:
    from clinidex.fields import COVER_FIELDS, DOCUMENT_FIELDS

    if decision.doc_type is not None and decision.doc_type not in types_by_key():
        raise InvalidDecision(f"unknown document type {decision.doc_type!r}")
    known = set(COVER_FIELDS if manifest.children else DOCUMENT_FIELDS)
    for name, value in decision.fields.items():
        if name not in known:
            raise InvalidDecision(f"unknown field {name!r}")
        if value is not None and name in DATE_FIELDS:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise InvalidDecision(f"{name} must be a date as YYYY-MM-DD") from None
    unknown = [item for item in decision.confirm if item not in manifest.review]
    if unknown:
        raise InvalidDecision(f"not waiting for review: {', '.join(unknown)}")


def decide(ctx: Context, doc_id: str, decision: Decision) -> Manifest:
    manifest = ctx.docs.load(doc_id)
    _check(decision, manifest)
    before = {"type": manifest.doc_type.key if manifest.doc_type else None,
              "fields": {k: v.value if v.applied else None for k, v in manifest.fields.items()}}
    pending = list(manifest.review)
    confirmed = set(decision.confirm)
    if decision.doc_type is not None:
        manifest.doc_type = TypeResult(key=decision.doc_type, confidence=1.0, tier=Tier.automate.value,
                                       suggested=manifest.doc_type.suggested if manifest.doc_type else None,
                                       source="review")
        confirmed.add("type")
    elif "type" in confirmed and manifest.doc_type is not None:
        manifest.doc_type = manifest.doc_type.model_copy(
            update={"key": manifest.doc_type.key or manifest.doc_type.suggested, "confidence": 1.0,
                    "tier": Tier.automate.value, "source": "review"})
    target = manifest.fax_fields if manifest.children else manifest.fields
    for name, value in decision.fields.items():
        if value is None:
            target.pop(name, None)
        else:
            target[name] = FieldValue(value=value, confidence=1.0, tier=Tier.automate.value, applied=True,
                                      source="review")
        confirmed.add(f"field:{name}")
    for item in confirmed:
        name = item.removeprefix("field:")
        if item.startswith("field:") and name in target and target[name].source != "review":
            target[name] = target[name].model_copy(update={"confidence": 1.0, "tier": Tier.automate.value,
                                                          "applied": True, "source": "review"})
    manifest.review = [item for item in pending if item not in confirmed]
    manifest.updated_at = utcnow()
    _retention(ctx, manifest)
    ctx.docs.save(manifest)
    after = {"type": manifest.doc_type.key if manifest.doc_type else None,
             "fields": {k: v.value if v.applied else None for k, v in manifest.fields.items()}}
    correction_id = uuid.uuid4().hex
    ctx.docs.save_correction(doc_id, correction_id, {
        "correction_id": correction_id, "doc_id": doc_id, "reviewer": decision.reviewer,
        "at": utcnow().isoformat(), "resolved": sorted(confirmed), "before": before, "after": after})
    if manifest.review:
        ctx.docs.mark_review(doc_id)
    else:
        ctx.docs.clear_review(doc_id)
    if manifest.state.value == "indexed":
        ctx.index.put(IndexDocument.from_manifest(manifest))
    log.info("document %s reviewed: %d item(s) resolved, %d left", doc_id, len(confirmed), len(manifest.review))
    return manifest


def _retention(ctx: Context, manifest: Manifest) -> None:
    # A corrected type or date changes how long the document is kept (shorter too: a reviewed
    # correction). Not yet computed (still in the pipeline): its index stage does it.
    if manifest.retention is not None:
        from workers.retention import recompute

        recompute(ctx, manifest, cause="review")


def training_records(ctx: Context):
    """One example per reviewed document, with its text and the labels as they now stand."""
    seen: set[str] = set()
    for record in ctx.docs.corrections():
        doc_id = record["doc_id"]
        if doc_id in seen:
            continue
        seen.add(doc_id)
        manifest = ctx.docs.find(doc_id)
        if manifest is None or manifest.children:
            continue
        yield {"doc_id": doc_id, "text": manifest.text,
               "type": manifest.doc_type.key if manifest.doc_type else None,
               "fields": {k: v.value for k, v in manifest.fields.items() if v.applied},
               "reviewed": not manifest.review}
