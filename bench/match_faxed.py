"""Matching accuracy on faxed demographics, against an MPI in the embedded index.

Two sets, both synthetic (clinidex.population):
- faxed demographics: the field values a fax's extraction yields, with the damage real faxes
  carry (typos, OCR confusions, nicknames, married names, transposed or wrong birth dates,
  numbers from issuers the MPI does not know, missing fields) and 10% people who are not in
  the MPI at all (their right answer is "not linked");
- end to end: documents rendered by the evaluation template family for MPI patients, sent as
  fax images (clinidex.degrade), read by OCR, understood (type, fields, tiers) and matched, as
  the pipeline does.

Side by side, the rule a document manager typically offers: link on the same MRN from the same
issuer, or on exactly the same first name, last name and date of birth.

    .venv/bin/python bench/match_faxed.py [--mpi 100000] [--cases 3000] [--ocr-docs 60]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clinidex.patient import Demographics  # noqa: E402
from clinidex.population import default_issuers, documents_for, faxed_demographics, population  # noqa: E402
from ingest.match import MatchThresholds, decide, document_prior  # noqa: E402
from ingest.match_model import MatchModel  # noqa: E402


def rule_baseline(query: Demographics, candidates: list[tuple[str, Demographics]]) -> str | None:
    """Same MRN and issuer, else exact first name + last name + birth date; one answer only."""
    ids = {pair for pair in query.identifiers if pair[0]}
    by_id = {pid for pid, d in candidates if ids & set(d.identifiers)}
    if len(by_id) == 1:
        return by_id.pop()
    exact = {pid for pid, d in candidates
             if query.given and query.family and query.birth_date
             and (d.given, d.family, d.birth_date) == (query.given, query.family, query.birth_date)}
    return exact.pop() if len(exact) == 1 else None


class Tally:
    """Outcomes against the truth. A case is a true link when its person is in the MPI."""

    def __init__(self) -> None:
        self.c: Counter = Counter()
        self.by_damage: dict[str, Counter] = {}

    def add(self, truth: str | None, outcome: str, chosen: str | None, candidates: list[str],
            damage: list[str] = (), reason: str | None = None) -> None:
        if outcome == "linked":
            kind = "tp" if chosen == truth else "fp"
        elif truth is None:
            kind = f"tn_{outcome}"
        elif outcome == "review":
            kind = "review_caught" if truth in candidates else "review_missed"
        else:
            kind = "unmatched_missed"
            if (reason or "").startswith("missing demographics"):
                # The issue routes these to the unmatched queue by rule, whatever the scores.
                self.c["unmatched_thin"] += 1
        self.c[kind] += 1
        self.c["in_mpi" if truth else "outside"] += 1
        for label in damage or ["none"]:
            self.by_damage.setdefault(label, Counter())[kind] += 1

    def figures(self) -> dict:
        c = self.c
        linked = c["tp"] + c["fp"]
        rest = c["in_mpi"] - c["tp"]
        return {
            "cases": c["in_mpi"] + c["outside"], "in_mpi": c["in_mpi"], "outside": c["outside"],
            "precision": c["tp"] / linked if linked else 1.0,
            "recall": c["tp"] / c["in_mpi"] if c["in_mpi"] else 0.0,
            "false_links": c["fp"],
            "review_catches": c["review_caught"] / rest if rest else 1.0,
            "review_catches_scored": (c["review_caught"] / (rest - c["unmatched_thin"])
                                      if rest > c["unmatched_thin"] else 1.0),
            "unmatched_thin": c["unmatched_thin"],
            "review_load": c["review_caught"] + c["review_missed"] + c["tn_review"],
            "unmatched_missed": c["unmatched_missed"],
            "counts": dict(c),
        }


def faxed_cases(index, records, size: int, cases: int, seed: int, model, thresholds) -> tuple[dict, dict, dict]:
    ours, baseline = Tally(), Tally()
    prior = document_prior(size)
    ms = []
    for case in faxed_demographics(records, seed, cases):
        query = Demographics.from_fields(case.fields)
        started = time.perf_counter()
        found = [(r.patient_id, Demographics.from_record(r)) for r, _ in index.candidates(query)]
        outcome = decide(query, found, model, thresholds, prior=prior)
        ms.append((time.perf_counter() - started) * 1000)
        ours.add(case.true_patient_id, outcome.outcome, outcome.patient_id,
                 [c.patient_id for c in outcome.candidates], case.damage, outcome.reason)
        chosen = rule_baseline(query, found)
        baseline.add(case.true_patient_id, "linked" if chosen else "unmatched", chosen, [], case.damage)
    damage = {label: {"n": sum(t.values()), "tp": t["tp"], "fp": t["fp"],
                      "review": t["review_caught"] + t["review_missed"], "unmatched": t["unmatched_missed"]}
              for label, t in sorted(ours.by_damage.items())}
    return ours.figures(), baseline.figures(), {"damage": damage, "ms_median": sorted(ms)[len(ms) // 2]}


def ocr_cases(index, records, size: int, n: int, seed: int, model, thresholds) -> tuple[dict, dict]:
    from clinidex.corpus import evaluation
    from clinidex.degrade import fax_of

    conditions = ("fine", "standard", "noisy", "skewed")  # as bench/accuracy.py
    from ingest.classify import load_classifier
    from ingest.reader import PageReader
    from ingest.understand import Thresholds, understand

    reader = PageReader(language="eng", timeout_s=120)
    classifier = load_classifier(None)
    limits = Thresholds()
    ours, baseline = Tally(), Tally()
    prior = document_prior(size)
    for i, (doc, truth) in enumerate(documents_for(records, evaluation, seed, n)):
        data = fax_of(doc.pages, conditions[i % len(conditions)], seed + i)
        texts = [p.text for p in reader.read_document(data, "image/tiff")]
        fields = {k: v.value for k, v in understand(texts, classifier, limits).fields.items() if v.applied}
        query = Demographics.from_fields(fields)
        found = [(r.patient_id, Demographics.from_record(r)) for r, _ in index.candidates(query)]
        outcome = decide(query, found, model, thresholds, prior=prior)
        ours.add(truth, outcome.outcome, outcome.patient_id, [c.patient_id for c in outcome.candidates],
                 reason=outcome.reason)
        chosen = rule_baseline(query, found)
        baseline.add(truth, "linked" if chosen else "unmatched", chosen, [])
    return ours.figures(), baseline.figures()


def run(mpi_size: int, cases: int, ocr_docs: int, seed: int = 17) -> dict:
    from index.patients_embedded import EmbeddedPatients

    model, thresholds = MatchModel.default(), MatchThresholds()
    with tempfile.TemporaryDirectory() as tmp:
        index = EmbeddedPatients(Path(tmp) / "mpi.sqlite3")
        index.setup()
        records, batch = [], []
        for record in population(mpi_size, seed, default_issuers()):
            records.append(record)
            batch.append(record)
            if len(batch) >= 5000:
                index.put_many(batch)
                batch = []
        index.put_many(batch)
        ours, base, extra = faxed_cases(index, records, mpi_size, cases, seed + 1, model, thresholds)
        out = {"mpi": mpi_size, "faxed": {"ours": ours, "baseline": base, **extra}}
        if ocr_docs:
            started = time.perf_counter()
            ours, base = ocr_cases(index, records, mpi_size, ocr_docs, seed + 2, model, thresholds)
            out["ocr"] = {"ours": ours, "baseline": base, "seconds": round(time.perf_counter() - started, 1)}
    return out


def line(name: str, f: dict) -> str:
    return (f"  {name:28} P {f['precision']:.4f}  R {f['recall']:.4f}  false links {f['false_links']:3d}  "
            f"review catches {f['review_catches']:.3f} of the rest ({f['review_catches_scored']:.3f} of those "
            f"scored)  review load {f['review_load']}  missed to unmatched {f['unmatched_missed']} "
            f"({f['unmatched_thin']} for missing demographics)")


def report(result: dict) -> str:
    lines = [f"MPI of {result['mpi']:,} synthetic patients (embedded index)"]
    faxed = result["faxed"]
    lines.append(f"Faxed demographics: {faxed['ours']['cases']} cases ({faxed['ours']['outside']} not in the MPI); "
                 f"match median {faxed['ms_median']:.1f} ms")
    lines.append(line("Clinidex (auto-link)", faxed["ours"]))
    lines.append(line("rule baseline", faxed["baseline"]))
    lines.append("  by damage (n / linked right / linked wrong / review / unmatched):")
    for label, d in faxed["damage"].items():
        lines.append(f"    {label:26} {d['n']:5d} {d['tp']:5d} {d['fp']:3d} {d['review']:4d} {d['unmatched']:4d}")
    if "ocr" in result:
        o = result["ocr"]
        lines.append(f"End to end through fax images and OCR: {o['ours']['cases']} documents ({o['seconds']} s)")
        lines.append(line("Clinidex (auto-link)", o["ours"]))
        lines.append(line("rule baseline", o["baseline"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mpi", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--ocr-docs", type=int, default=60)
    args = parser.parse_args(argv)
    print(report(run(args.mpi, args.cases, args.ocr_docs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
