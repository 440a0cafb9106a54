"""Fitting the match model to an MPI: u from random pairs of its patients, name frequencies
from all of them, and (optionally) m by expectation-maximisation over blocked pairs within it.

u is what chance agreement looks like in this population, and random pairs measure it well.
m is how often one person's two records agree; EM can only learn it from pairs that include
true duplicates, which a well-kept MPI has few of (that is the records office's job), so by
default m keeps its defaults and `em=True` is for an MPI that still holds duplicates (a
migration, a merger of two registries). Streaming: the MPI is read once, keeping a bounded
reservoir sample, so a million patients fit in memory.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from itertools import combinations
from typing import Iterable

from clinidex.patient import Demographics
from ingest.match_compare import vectors
from ingest.match_model import DEFAULT_RULES, MatchModel, term_frequencies

SAMPLE = 50_000
RANDOM_PAIRS = 200_000
GROUP_CAP = 50  # pairs within a block of more people than this say nothing EM needs


def _block_pairs(sample: list[Demographics]) -> list[tuple[Demographics, Demographics]]:
    """Every pair within the sample that satisfies one of the training rules (the same birth
    date, the same postcode, the same full name): what EM's sessions need."""
    keys = (lambda d: d.birth_date, lambda d: d.postcode,
            lambda d: (d.given, d.family) if d.given and d.family else None)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for key in keys:
        groups: dict = defaultdict(list)
        for i, d in enumerate(sample):
            k = key(d)
            if k:
                groups[k].append(i)
        for members in groups.values():
            for i, j in combinations(members[:GROUP_CAP], 2):
                if (i, j) not in seen:
                    seen.add((i, j))
                    pairs.append((sample[i], sample[j]))
    return pairs


def fit(records: Iterable[Demographics], seed: int = 7, em: bool = False) -> tuple[MatchModel, dict]:
    rng = random.Random(seed)
    sample: list[Demographics] = []
    given, family = Counter(), Counter()
    n = 0
    for d in records:
        n += 1
        given[d.given] += 1
        family[d.family] += 1
        if len(sample) < SAMPLE:
            sample.append(d)
        elif (slot := rng.randrange(n)) < SAMPLE:
            sample[slot] = d
    model = MatchModel.default()
    report: dict = {"patients": n, "sample": len(sample)}
    if len(sample) < 2:
        return model, {**report, "note": "too few patients: defaults kept"}
    pairs = []
    while len(pairs) < RANDOM_PAIRS:
        i, j = rng.randrange(len(sample)), rng.randrange(len(sample))
        if i != j:
            pairs.append((sample[i], sample[j]))
    model = model.estimate_u(vectors(pairs))
    model = model.with_term_frequencies(given=term_frequencies(given.elements()),
                                        family=term_frequencies(family.elements()))
    report["random_pairs"] = len(pairs)
    if em:
        blocked = _block_pairs(sample)
        total = len(sample) * (len(sample) - 1) // 2
        model, sessions = model.train(vectors(blocked), total, DEFAULT_RULES)
        report["em"] = {"blocked_pairs": len(blocked),
                        "sessions": [{"estimated": list(s.estimated), "iterations": s.iterations,
                                      "converged": s.converged} for s in sessions]}
    return model, report
