"""What a document is and whose it is, with the confidence tiers applied: the pages' text in,
the type, the field values and what needs a person's eye out. Pure: no store, no Celery.

Tiers ("automate, recommend, escalate", clinidex/tiers.py): a type or value at or above the
apply threshold is applied; in the review band it is applied and queued for review; below, it
is left empty (the type `None`, the value kept but not applied) and queued. A document with no
readable text is `other` at confidence 0 and queued.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from clinidex.manifest import FieldValue, TypeResult
from clinidex.tiers import APPLY, REVIEW, Tier, tier
from ingest.classify import DocTypeClassifier, TypeGuess
from ingest.extract import Extracted, extract_cover, extract_fields, parse_transmission_header
from ingest.split import Piece, split_pages, without_header


@dataclass(frozen=True)
class Thresholds:
    apply: float = APPLY
    review: float = REVIEW


@dataclass(frozen=True)
class Understanding:
    doc_type: TypeResult
    fields: dict[str, FieldValue]
    review: list[str] = field(default_factory=list)


def type_result(guess: TypeGuess, limits: Thresholds, source: str = "model", version: str | None = None) -> TypeResult:
    level = tier(guess.confidence, limits.apply, limits.review)
    return TypeResult(key=guess.type_key if level != Tier.escalate else None, confidence=guess.confidence,
                      tier=level.value, suggested=guess.type_key, source=source, model_version=version)


def field_values(found: dict[str, Extracted], limits: Thresholds) -> dict[str, FieldValue]:
    out = {}
    for name, item in found.items():
        level = tier(item.confidence, limits.apply, limits.review)
        out[name] = FieldValue(value=item.value, confidence=round(item.confidence, 3), tier=level.value,
                               applied=level != Tier.escalate, page=item.page, start=item.start, end=item.end,
                               rule=item.rule)
    return out


def review_items(doc_type: TypeResult, fields: dict[str, FieldValue]) -> list[str]:
    items = ["type"] if doc_type.tier != Tier.automate.value else []
    return items + [f"field:{name}" for name, value in sorted(fields.items()) if value.tier != Tier.automate.value]


def understand(pages: list[str], classifier: DocTypeClassifier, limits: Thresholds = Thresholds(),
               known: TypeGuess | None = None, source: str = "model") -> Understanding:
    """Classify (unless the type is `known`, as for a piece the splitter already classified)
    and extract. The fax header line on top of a page is read by the extractor too (it names
    the sender) but not by the classifier."""
    guess = known or classifier.classify("\n\n".join(without_header(p) for p in pages))
    doc_type = type_result(guess, limits, source, classifier.version)
    fields = field_values(extract_fields(pages), limits) if any(p.strip() for p in pages) else {}
    return Understanding(doc_type, fields, review_items(doc_type, fields))


@dataclass(frozen=True)
class FaxSplit:
    pieces: list[Piece]  # documents, in page order (cover sheets not among them)
    cover_pages: list[int]
    fax_fields: dict[str, FieldValue]


def split_fax(pages: list[str], classifier: DocTypeClassifier, limits: Thresholds = Thresholds()) -> FaxSplit | None:
    """The documents in a fax, or None when it is one document with no cover sheet (nothing to
    split). The cover sheet's fields, and the sender named in the header lines, become the
    fax's own metadata."""
    if len(pages) < 2:
        return None
    pieces = split_pages(pages, classifier)
    documents = [p for p in pieces if not p.cover]
    covers = [n for p in pieces if p.cover for n in p.pages]
    if not documents or (len(documents) == 1 and not covers):
        return None
    found: dict[str, Extracted] = {}
    for n in covers:
        for name, item in extract_cover(pages[n - 1]).items():
            if name not in found or item.confidence > found[name].confidence:
                found[name] = item
    header = parse_transmission_header(pages[0].partition("\n")[0]) or {}
    for name in ("facility", "fax"):
        key = "sender" if name == "facility" else "fax"
        if name in header and key not in found:
            found[key] = header[name]
    fax_fields = {k: v for k, v in field_values(found, limits).items() if k in ("sender", "recipient", "page_count", "fax")}
    return FaxSplit(documents, covers, fax_fields)
