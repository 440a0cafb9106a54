"""The Fellegi-Sunter model behind patient matching, estimated the way Splink does it.

Every comparison level has an m probability (how often a true match lands on it) and a u
probability (how often two different people do); a pair's match weight is the sum of
log2(m/u) over its levels plus the log2 prior odds. u comes from random record pairs, where
nearly every pair is two different people. m and the prior come from expectation-maximisation
(EM) over blocked candidate pairs with u held fixed: with u pinned down, EM has only one
latent class to explain and cannot wander into a solution where "match" means "same town".

A blocking rule makes its own comparisons agree in every pair it produces, so those pairs say
nothing about the m of those comparisons; like Splink, EM runs once per training rule with the
rule's comparisons switched off, and each m is averaged over the sessions that estimated it.

Names are worth what they are rare: on an exact name match the level's u is replaced by the
name's frequency in the MPI (term-frequency adjustment), so "smith" = "smith" counts for less
than "zbigniew" = "zbigniew".
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from functools import cached_property
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

import numpy as np

from ingest.match_compare import COMPARISONS, NAMES

# Floors that keep every weight finite: a level never seen among matches still may be one day.
M_FLOOR = 1e-5
U_FLOOR = 1e-7

# Starting values (per comparison, per level as in ingest/match_compare.py), used until a model
# is estimated and for any level EM cannot estimate. They are of the size record-linkage
# studies of registration data report, not measurements: m has names agreeing exactly in
# ~83% of true matches and birth dates in ~92%, a few percent mistyped or transposed; u is
# the chance agreement of two different US residents: first name ~0.6%, family name ~0.2%,
# birth date 1 in 29,000 (80 birth years), a shared identifier about one in a million.
DEFAULT_M: dict[str, tuple[float, ...]] = {
    "given": (0.83, 0.06, 0.03, 0.03, 0.025, 0.025),
    "family": (0.85, 0.01, 0.005, 0.02, 0.06, 0.025, 0.03),
    "birth_date": (0.92, 0.005, 0.04, 0.02, 0.015),
    "sex": (0.98, 0.02),
    "phone": (0.75, 0.05, 0.20),
    "postcode": (0.85, 0.05, 0.10),
    "address": (0.75, 0.10, 0.15),
    "identifier": (0.90, 0.05, 0.02, 0.03),
}
DEFAULT_U: dict[str, tuple[float, ...]] = {
    "given": (0.006, 0.004, 0.002, 0.03, 0.005, 0.953),
    "family": (0.002, 0.00001, 0.00001, 0.0005, 0.002, 0.02, 0.97548),
    "birth_date": (0.000035, 0.000015, 0.0009, 0.0007, 0.99835),
    "sex": (0.5, 0.5),
    "phone": (0.00001, 0.00001, 0.99998),
    "postcode": (0.01, 0.1, 0.89),
    "address": (0.0005, 0.01, 0.9895),
    "identifier": (0.000001, 0.00001, 0.00001, 0.999979),
}
# One patient in a 100,000-patient MPI: the per-pair chance that a document and a random MPI
# entry are the same person (see ingest/match.py, document_prior).
DEFAULT_PRIOR = 1e-5

# Sessions the default training uses: each is a rule the candidate pairs satisfy (comparison
# -> level), and every pair satisfying it must be among the candidates.
DEFAULT_RULES: tuple[dict[str, int], ...] = (
    {"birth_date": 0},
    {"postcode": 0},
    {"given": 0, "family": 0},
)


def term_frequencies(values: Iterable[str | None], min_count: int = 2, max_terms: int = 200_000) -> dict:
    """How often each value occurs among the non-empty `values`, bounded for a large MPI: only
    values seen `min_count` times or more, at most `max_terms` of the most common. A value not
    kept gets `floor`, the frequency of the commonest value dropped (1/total when only
    singletons were dropped), so leaving a value out never makes it look rarer than it is.

    Returns {"total": n, "floor": f, "terms": {value: frequency}} (JSON as it stands)."""
    counts = Counter(v for v in values if v)
    total = sum(counts.values())
    if not total:
        return {"total": 0, "floor": 1.0, "terms": {}}
    ranked = counts.most_common()
    kept = [(v, c) for v, c in ranked[:max_terms] if c >= min_count]
    dropped = ranked[len(kept)][1] if len(kept) < len(ranked) else 1
    return {"total": total, "floor": dropped / total, "terms": {v: c / total for v, c in kept}}


def _normalised(values: Sequence[float], floor: float) -> np.ndarray:
    array = np.maximum(np.asarray(values, dtype=float), floor)
    return array / array.sum()


@dataclass(frozen=True)
class EMReport:
    """What one EM session did (for the training log; no patient data in it)."""

    rule: dict[str, int]
    pairs: int
    iterations: int
    converged: bool
    prior_in_session: float  # the share of the session's pairs EM thinks are matches
    estimated: tuple[str, ...]  # comparisons whose m this session estimated
    defaulted: tuple[tuple[str, int], ...]  # (comparison, level) left at the default m


@dataclass(frozen=True)
class MatchModel:
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    prior: float = DEFAULT_PRIOR  # lambda: P(two records compared at random are one patient)
    tf: dict[str, dict] = field(default_factory=dict)  # comparison name -> term_frequencies()

    @classmethod
    def default(cls) -> "MatchModel":
        return cls(m={k: np.array(v) for k, v in DEFAULT_M.items()},
                   u={k: np.array(v) for k, v in DEFAULT_U.items()})

    @cached_property
    def version(self) -> str:
        """A short digest of the model: which model made a link decision."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]

    # -- weights -------------------------------------------------------------------------

    def log2_bf_table(self) -> list[np.ndarray]:
        """Per comparison, log2(m/u) per level with a trailing 0 for NULL (index -1)."""
        return [np.append(np.log2(self.m[n] / self.u[n]), 0.0) for n in NAMES]

    def tf_u(self, comparison: str, value: str | None) -> float | None:
        """The u of an exact match on this value, or None when the comparison has no table."""
        table = self.tf.get(comparison)
        if not table or not table.get("total") or not value:
            return None
        return max(table["terms"].get(value, table["floor"]), U_FLOOR)

    def weights(self, vectors: np.ndarray, tf_values: Mapping[str, Sequence[str | None]] | None = None,
                prior: float | None = None) -> np.ndarray:
        """Match weights (log2 Bayes factors + log2 prior odds) of many pairs. `tf_values` gives,
        per term-frequency comparison, the value of each pair (used where the pair agrees exactly)."""
        vectors = np.asarray(vectors)
        lam = self.prior if prior is None else prior
        total = np.full(len(vectors), math.log2(lam / (1 - lam)))
        for j, (name, table) in enumerate(zip(NAMES, self.log2_bf_table())):
            column = vectors[:, j].astype(np.intp)
            total += table[column]
            if tf_values is not None and name in tf_values and name in self.tf:
                values = tf_values[name]
                for i in np.flatnonzero(column == 0):
                    tf = self.tf_u(name, values[i])
                    if tf is not None:
                        total[i] += math.log2(self.u[name][0] / tf)
        return total

    # -- estimation ----------------------------------------------------------------------

    def estimate_u(self, vectors: np.ndarray) -> "MatchModel":
        """u from the comparison vectors of random record pairs. A comparison that random pairs
        never compare (the field is missing everywhere) keeps its u, and so does a level they
        never reach: "unseen in this sample" bounds u but does not measure it, and a floor in
        its place would hand a level nobody has observed a huge weight."""
        vectors = np.asarray(vectors)
        u = dict(self.u)
        for j, name in enumerate(NAMES):
            column = vectors[:, j]
            column = column[column >= 0]
            if not len(column):
                continue
            share = np.bincount(column, minlength=len(u[name])) / len(column)
            unseen = share == 0
            share = np.where(unseen, self.u[name], share * (1 - self.u[name][unseen].sum()))
            u[name] = _normalised(share, U_FLOOR)
        return replace(self, u=u)

    def estimate_m(self, vectors: np.ndarray, rule: Mapping[str, int] | None = None, *,
                   max_iterations: int = 25, tolerance: float = 1e-4,
                   min_matches: float = 20.0) -> tuple["MatchModel", EMReport]:
        """One EM session over the comparison vectors of blocked pairs, u held fixed. The
        comparisons in `rule` (the blocking rule these pairs satisfy) are switched off: their m
        is not estimated and they do not vote in the E step. Each m level EM cannot estimate
        keeps its current value: a whole comparison when fewer than `min_matches` expected
        matches compare it, a level no pair reaches (EM would put it at zero). The prior is left
        alone: the session's match share describes its own pairs only (see train)."""
        rule = dict(rule or {})
        rows, counts = np.unique(np.asarray(vectors, dtype=np.int8), axis=0, return_counts=True)
        counts = counts.astype(float)
        active = [j for j, n in enumerate(NAMES) if n not in rule]
        m = {n: self.m[n].copy() for n in NAMES}
        lam = 0.1  # a start: EM forgets it within a few iterations
        converged, iteration = False, 0
        defaulted: set[tuple[str, int]] = set()
        for iteration in range(1, max_iterations + 1):
            logit = np.full(len(rows), math.log(lam / (1 - lam)))
            for j in active:
                name = NAMES[j]
                table = np.append(np.log(m[name] / self.u[name]), 0.0)
                logit += table[rows[:, j].astype(np.intp)]
            p = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
            weighted = p * counts
            change = 0.0
            defaulted = set()
            for j in active:
                name = NAMES[j]
                column = rows[:, j]
                present = column >= 0
                expected = np.bincount(column[present], weights=weighted[present], minlength=len(m[name]))
                seen = np.bincount(column[present], weights=counts[present], minlength=len(m[name]))
                if expected.sum() < min_matches:
                    defaulted.update((name, lvl) for lvl in range(len(m[name])))
                    continue
                new = expected / expected.sum()
                unseen = seen == 0
                if unseen.any():  # keep the prior belief for those levels, rescale the rest
                    defaulted.update((name, int(lvl)) for lvl in np.flatnonzero(unseen))
                    new = np.where(unseen, self.m[name], new * (1 - self.m[name][unseen].sum()))
                new = _normalised(new, M_FLOOR)
                change = max(change, float(np.abs(new - m[name]).max()))
                m[name] = new
            new_lam = float(weighted.sum() / counts.sum())
            change = max(change, abs(new_lam - lam))
            lam = min(max(new_lam, 1e-9), 1 - 1e-9)
            if change < tolerance:
                converged = True
                break
        report = EMReport(rule=rule, pairs=int(counts.sum()), iterations=iteration, converged=converged,
                          prior_in_session=lam, estimated=tuple(NAMES[j] for j in active),
                          defaulted=tuple(sorted(defaulted)))
        return replace(self, m=m), report

    def match_share(self, vectors: np.ndarray, iterations: int = 50) -> float:
        """The share of these pairs that are matches, by EM on the prior alone (m and u fixed)."""
        rows, counts = np.unique(np.asarray(vectors, dtype=np.int8), axis=0, return_counts=True)
        log_bf = np.zeros(len(rows))
        for j, table in enumerate(self.log2_bf_table()):
            log_bf += table[rows[:, j].astype(np.intp)] * math.log(2)
        lam = 0.1
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-np.clip(log_bf + math.log(lam / (1 - lam)), -700, 700)))
            new = float((p * counts).sum() / counts.sum())
            if abs(new - lam) < 1e-9:
                break
            lam = min(max(new, 1e-12), 1 - 1e-9)
        return lam

    def train(self, vectors: np.ndarray, total_pairs: int, rules: Sequence[Mapping[str, int]] = DEFAULT_RULES,
              correct_u: bool = True, **em_options) -> tuple["MatchModel", list[EMReport]]:
        """m and the prior from the comparison vectors of blocked candidate pairs, out of
        `total_pairs` possible pairs (u must be estimated first). One EM session per rule, over
        the candidates that satisfy it (so every pair satisfying a rule must be among the
        candidates); each m is averaged over the sessions that estimated it.

        The prior is the expected number of matches among all candidates under the trained model
        over `total_pairs`, assuming blocking misses few matches. Splink instead converts each
        session's match share by the Bayes factors of its rule; that breaks down when a rule
        selects almost only matches (exact names in a file of duplicates: odds near infinity).

        Random pairs include true matches at the rate of the prior, and for the rarest levels
        (same identifier, same birth date) those matches are most of what the sample saw, so u
        comes out too high and the strongest evidence too weak. With `correct_u`, once m and
        the prior are known they are taken out of u (observed = prior*m + (1-prior)*u) and
        training runs once more."""
        model, reports = self._train_once(np.asarray(vectors, dtype=np.int8), total_pairs, rules, em_options)
        if not correct_u or not reports:
            return model, reports
        lam, u = model.prior, {}
        for name in NAMES:
            corrected = (self.u[name] - lam * model.m[name]) / (1 - lam)
            # The sample cannot resolve a u below what it saw; the literature value stands in there.
            floor = np.minimum(np.array(DEFAULT_U[name]), self.u[name])
            u[name] = _normalised(np.maximum(corrected, floor), U_FLOOR)
        return replace(self, u=u)._train_once(np.asarray(vectors, dtype=np.int8), total_pairs, rules, em_options)

    def _train_once(self, vectors, total_pairs, rules, em_options) -> tuple["MatchModel", list[EMReport]]:
        sessions: list[tuple[MatchModel, EMReport]] = []
        for rule in rules:
            selected = np.ones(len(vectors), dtype=bool)
            for name, level in rule.items():
                selected &= vectors[:, NAMES.index(name)] == level
            if selected.sum() >= 2:
                sessions.append(self.estimate_m(vectors[selected], rule, **em_options))
        m = {}
        for name in NAMES:
            estimates = [s.m[name] for s, r in sessions if name in r.estimated
                         and not all((name, lvl) in r.defaulted for lvl in range(len(self.m[name])))]
            m[name] = _normalised(np.mean(estimates, axis=0), M_FLOOR) if estimates else self.m[name]
        model = replace(self, m=m)
        expected = model.match_share(vectors) * len(vectors) if len(vectors) else 0.0
        prior = min(max(expected, 1.0) / max(total_pairs, 1), 0.5)
        return replace(model, prior=prior), [r for _, r in sessions]

    # -- persistence ---------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps({
            "comparisons": {n: [c.levels for c in COMPARISONS if c.name == n][0] for n in NAMES},
            "m": {n: self.m[n].tolist() for n in NAMES},
            "u": {n: self.u[n].tolist() for n in NAMES},
            "prior": self.prior,
            "tf": self.tf,
        })

    @classmethod
    def from_json(cls, text: str) -> "MatchModel":
        data = json.loads(text)
        # A model saved with other comparison levels would silently score the wrong levels.
        for c in COMPARISONS:
            if tuple(data["comparisons"].get(c.name, ())) != c.levels:
                raise ValueError(f"match model was saved for other levels of comparison {c.name!r}")
        return cls(m={n: np.array(data["m"][n]) for n in NAMES}, u={n: np.array(data["u"][n]) for n in NAMES},
                   prior=float(data["prior"]), tf=data.get("tf") or {})

    def with_term_frequencies(self, **tables: dict) -> "MatchModel":
        """This model with term-frequency tables (term_frequencies()) for `given` and `family`."""
        unknown = set(tables) - {c.name for c in COMPARISONS if c.tf}
        if unknown:
            raise ValueError(f"no term-frequency adjustment for {sorted(unknown)}")
        return replace(self, tf={**self.tf, **tables})
