"""Whose document is this: the link decision for one document against its MPI candidates.

A false link files one patient's record in another's chart, which is far worse than leaving a
document for a clerk, so a link needs both a near-certain probability and a clear lead over
the runner-up; anything plausible but short of that goes to review, with a reason a records
clerk can act on.

The prior. The model's prior is per pair, as in Splink: the chance that a document and one MPI
entry drawn at random are the same patient. For a document that is the chance its patient is
in the MPI at all divided by the MPI's size (`document_prior`), so a bigger MPI demands more
evidence, as it should: it holds more people who share a name and a birthday. Blocking does
not change this: it chose the candidates by the same fields the model scores, so the
candidates' evidence already carries what made them candidates. The model's own estimated
prior describes pairs within the MPI (its duplicate rate), which is not the document case;
pass `prior=document_prior(mpi_size)` when deciding for documents.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clinidex.patient import Demographics
from ingest.match_compare import COMPARISONS, NAMES, compare, vectors  # noqa: F401  (vectors: for EM, benchmarks)
from ingest.match_model import MatchModel
from ingest.match_score import Evidence, score

TOP = 5


@dataclass(frozen=True)
class MatchThresholds:
    """When a document is linked, sent to review or left unmatched. The defaults were chosen on
    FEBRL1 and the clinidex.population faxes, with FEBRL4 held out (bench/match_febrl.py;
    figures in its report):

    - link 0.999: a posterior of 0.999 allows one false link in a thousand, the precision a
      records office needs. No set showed a false link even at 0.99 (which would link about a
      point more), but the model treats birth date, family name, address and phone as
      independent, and in a household they are not: it is most over-confident exactly where
      false links come from, so the threshold keeps a tenfold margin.
    - review 0.1: a one-in-ten chance is worth a clerk's look. Lowering it to 0.01 caught 4
      more of ~130 unlinked synthetic faxes for ~45 more reviews; 0.5 caught one fewer.
    - margin 5 bits (the best 32 times likelier than the runner-up): faxes about an
      unregistered twin linked to the registered sibling 4 times in 348 without it, once with
      it; 10 bits took that to 0 at half a point of recall.
    """

    link: float = 0.999
    review: float = 0.1
    margin: float = 5.0  # match weight bits
    # Never link, but review, a candidate born the same day with another first name and no
    # agreeing identifier (looks_like_twin): unregistered twins linked 1 time in 348 with the
    # rule, 214 without; the price is about 1% of true links reviewed instead of linked
    # (nicknames, FEBRL's replaced first names).
    twin_rule: bool = True


@dataclass(frozen=True)
class Ranked:
    patient_id: str
    weight: float
    probability: float
    explanation: tuple[Evidence, ...]
    vector: tuple[int, ...]


@dataclass(frozen=True)
class MatchOutcome:
    outcome: str  # "linked" | "review" | "unmatched"
    patient_id: str | None  # only when linked
    candidates: tuple[Ranked, ...]  # best first, at most TOP
    reason: str | None  # why not linked, in a records clerk's words


def document_prior(mpi_size: int, in_mpi: float = 0.9) -> float:
    """The per-pair prior for a document: the chance its patient is in the MPI (most documents
    in a records office are about registered patients), spread over the MPI's entries."""
    return min(max(in_mpi / max(mpi_size, 1), 1e-12), 0.5)


def _valid_date(iso: str | None) -> bool:
    try:
        date.fromisoformat(iso or "")
    except ValueError:
        return False
    return True


def _levels(field: str, *names: str) -> frozenset[int]:
    levels = COMPARISONS[NAMES.index(field)].levels
    return frozenset(levels.index(n) for n in names)


_GIVEN, _BIRTH, _IDENTIFIER = (NAMES.index(n) for n in ("given", "birth_date", "identifier"))
_GIVEN_DISAGREES = _levels("given", "initial or middle name", "different")
_BORN_SAME_DAY = _levels("birth_date", "exact", "day and month transposed", "one digit different or two swapped")
_SAME_NUMBER = _levels("identifier", "same issuer and number")


def looks_like_twin(vector: tuple[int, ...]) -> bool:
    """Born on the same day (allowing a slip), another first name, no identifier agreeing: a
    twin, whose sibling may be the patient. The model multiplies birth date, family name,
    address and phone as if independent, but twins share them all; faxed about a twin who is
    not in the MPI, the registered sibling scores as a near-certain match (bench/match_febrl.py,
    "unregistered twins")."""
    return (vector[_GIVEN] in _GIVEN_DISAGREES and vector[_BIRTH] in _BORN_SAME_DAY
            and vector[_IDENTIFIER] not in _SAME_NUMBER)


def missing_demographics(query: Demographics) -> str | None:
    """Why the document's demographics are too thin to match on, or None when they will do.
    A name alone is shared by too many people; a name needs a date of birth or an identifier."""
    present = set(query.present())
    if query.birth_date and not _valid_date(query.birth_date):
        present.discard("birth_date")
        garbled = True
    else:
        garbled = False
    if not present:
        return "missing demographics: nothing to match on"
    if not present & {"given", "family", "identifier"}:
        return "missing demographics: no patient name or identifier"
    if present <= {"given", "family"} and not garbled:
        return "missing demographics: only a name"
    if not present & {"birth_date", "identifier"}:
        if garbled:
            return "missing demographics: the date of birth is unreadable and there is no identifier"
        return "missing demographics: no date of birth or identifier"
    return None


def rank(query: Demographics, candidates: list[tuple[str, Demographics]], model: MatchModel,
         prior: float | None = None) -> list[Ranked]:
    """Every candidate scored, best first; a patient listed twice keeps its best score."""
    best: dict[str, Ranked] = {}
    for patient_id, demographics in candidates:
        s = score(query, demographics, model, prior)
        if patient_id not in best or s.weight > best[patient_id].weight:
            best[patient_id] = Ranked(patient_id, s.weight, s.probability, s.explanation, s.vector)
    return sorted(best.values(), key=lambda r: -r.weight)


def decide(query: Demographics, candidates: list[tuple[str, Demographics]], model: MatchModel,
           thresholds: MatchThresholds = MatchThresholds(), prior: float | None = None) -> MatchOutcome:
    missing = missing_demographics(query)
    if missing:
        return MatchOutcome("unmatched", None, (), missing)
    if not candidates:
        return MatchOutcome("unmatched", None, (), "no patient in the index resembles the document")
    ranked = rank(query, candidates, model, prior)
    top = tuple(ranked[:TOP])
    best = ranked[0]
    lead = best.weight - ranked[1].weight if len(ranked) > 1 else float("inf")
    twin = thresholds.twin_rule and looks_like_twin(best.vector)
    if best.probability >= thresholds.link and lead >= thresholds.margin and not twin:
        return MatchOutcome("linked", best.patient_id, top, None)
    if best.probability >= thresholds.review:
        if twin and best.probability >= thresholds.link:
            reason = ("possible twin: same date of birth but a different first name, and no identifier "
                      "to tell them apart")
        elif best.probability >= thresholds.link:
            reason = (f"two candidates are close: the best is only {2 ** lead:.0f} times likelier than "
                      f"the next (a link needs {2 ** thresholds.margin:.0f} times)")
        else:
            reason = (f"the best candidate is a possible match ({best.probability:.1%}) but not certain "
                      f"enough to link without review")
        return MatchOutcome("review", None, top, reason)
    return MatchOutcome("unmatched", None, top, "no candidate scored above the review threshold")
