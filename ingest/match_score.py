"""One query against one candidate: the match weight, the probability, and why.

The explanation names each comparison's level and what it was worth; it never repeats the
compared values, because it is stored with the link decision and shown to staff who may not
see the patient, and an MRN or a birth date in it would leak into places identifiers must not
go.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from clinidex.patient import Demographics
from ingest.match_compare import COMPARISONS, NULL, compare
from ingest.match_model import MatchModel

MISSING = "missing"
# Both sides have the value, but the comparison does not apply: numbers from different
# issuers, or given names already counted by a swapped-names level.
NOT_COMPARABLE = "not comparable"


@dataclass(frozen=True)
class Evidence:
    field: str
    level: str
    bayes_factor: float  # m/u: how much likelier this level is for one patient than for two
    weight: float  # log2 of the Bayes factor, the level's contribution to the match weight
    tf_adjusted: bool  # u was the value's frequency in the MPI (exact name match)


@dataclass(frozen=True)
class Score:
    weight: float  # sum of the evidence weights + log2 prior odds
    probability: float
    vector: tuple[int, ...]
    explanation: tuple[Evidence, ...]

    def as_dict(self) -> dict:
        return {"weight": self.weight, "probability": self.probability, "vector": list(self.vector),
                "explanation": [asdict(e) for e in self.explanation]}


def probability(weight: float) -> float:
    """The posterior match probability of a match weight (log2 posterior odds)."""
    if weight > 60:
        return 1.0
    return 1.0 / (1.0 + 2.0 ** -weight)


def _has(d: Demographics, field: str) -> bool:
    if field == "identifier":
        return bool(d.identifiers)
    return bool(getattr(d, field))


def score(query: Demographics, candidate: Demographics, model: MatchModel, prior: float | None = None) -> Score:
    """Score one pair; `prior` overrides the model's per-pair prior (ingest/match.py explains
    what it should be for a document)."""
    vector = compare(query, candidate)
    lam = model.prior if prior is None else prior
    total = math.log2(lam / (1 - lam))
    explanation = []
    for comparison, level in zip(COMPARISONS, vector):
        name = comparison.name
        if level == NULL:
            both = _has(query, name) and _has(candidate, name)
            explanation.append(Evidence(name, NOT_COMPARABLE if both else MISSING, 1.0, 0.0, False))
            continue
        m, u = float(model.m[name][level]), float(model.u[name][level])
        adjusted = False
        if level == 0 and comparison.tf:
            tf = model.tf_u(name, getattr(candidate, comparison.tf))
            if tf is not None:
                u, adjusted = tf, True
        weight = math.log2(m / u)
        total += weight
        explanation.append(Evidence(name, comparison.levels[level], m / u, weight, adjusted))
    return Score(weight=total, probability=probability(total), vector=vector, explanation=tuple(explanation))
