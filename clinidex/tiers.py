"""Confidence tiers, the product's rule "automate, recommend, escalate".

A value (a document type or an extracted field) at or above APPLY is applied; between REVIEW
and APPLY it is applied and queued for review; below REVIEW it is left empty and queued.
"""
from __future__ import annotations

from enum import StrEnum

APPLY = 0.90  # the defaults of the settings `apply_threshold` and `review_threshold`
REVIEW = 0.60


class Tier(StrEnum):
    automate = "automate"
    recommend = "recommend"
    escalate = "escalate"


def tier(confidence: float, apply: float = APPLY, review: float = REVIEW) -> Tier:
    if confidence >= apply:
        return Tier.automate
    if confidence >= review:
        return Tier.recommend
    return Tier.escalate
