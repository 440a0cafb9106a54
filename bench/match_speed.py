"""MPI bulk-load rate and match latency on OpenSearch (and the embedded MPI at the smaller size).

For each size: a fresh index, the synthetic population (clinidex.population) streamed in with
`put_many`, then match queries from `faxed_demographics` (damaged demographics as faxes carry
them). One match = candidate retrieval through the index + scoring + the decision, timed per
query after a warm-up. The side-by-side baseline in the same run is the cheapest possible
query against the same index: one exact-identifier lookup (`by_identifier`).

    .venv/bin/python bench/match_speed.py [--sizes 100000 1000000] [--queries 400]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine  # noqa: E402
from clinidex.patient import Demographics  # noqa: E402
from clinidex.population import default_issuers, faxed_demographics, population  # noqa: E402
from ingest.match import MatchThresholds, decide, document_prior  # noqa: E402
from ingest.match_model import MatchModel  # noqa: E402

BATCH = 5000
WARMUP = 30


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def load(index, size: int, seed: int, keep_every: int):
    """Stream the population in; keep a sample of records for the queries. Returns the sample,
    the wall time and the time spent in the index's own calls (the rest is generation)."""
    kept, batch = [], []
    writing = 0.0

    def write() -> float:
        t = time.perf_counter()
        index.put_many(batch)
        return time.perf_counter() - t

    started = time.perf_counter()
    for n, record in enumerate(population(size, seed, default_issuers())):
        if n % keep_every == 0:
            kept.append(record)
        batch.append(record)
        if len(batch) >= BATCH:
            writing += write()
            batch = []
    if batch:
        writing += write()
    t = time.perf_counter()
    index.refresh()
    writing += time.perf_counter() - t
    return kept, time.perf_counter() - started, writing


def measure(index, kept, queries: int, seed: int, size: int) -> dict:
    model = MatchModel.default()
    thresholds = MatchThresholds()
    prior = document_prior(size)
    cases = faxed_demographics(kept, seed, queries + WARMUP)
    match_ms, retrieve_ms, baseline_ms, outcomes = [], [], [], {"linked": 0, "review": 0, "unmatched": 0}
    for i, case in enumerate(cases):
        query = Demographics.from_fields(case.fields)
        started = time.perf_counter()
        found = index.candidates(query)
        retrieved = time.perf_counter()
        outcome = decide(query, [(r.patient_id, Demographics.from_record(r)) for r, _ in found], model,
                         thresholds, prior=prior)
        done = time.perf_counter()
        probe = kept[i % len(kept)].identifiers[0]
        t = time.perf_counter()
        index.by_identifier(probe)
        baseline = time.perf_counter() - t
        if i < WARMUP:
            continue
        match_ms.append((done - started) * 1000)
        retrieve_ms.append((retrieved - started) * 1000)
        baseline_ms.append(baseline * 1000)
        outcomes[outcome.outcome] += 1
    return {
        "p50": statistics.median(match_ms), "p95": pct(match_ms, 0.95), "p99": pct(match_ms, 0.99),
        "retrieve_p50": statistics.median(retrieve_ms), "retrieve_p95": pct(retrieve_ms, 0.95),
        "baseline_p50": statistics.median(baseline_ms), "baseline_p95": pct(baseline_ms, 0.95),
        "outcomes": outcomes, "queries": len(match_ms),
    }


def open_backend(kind: str, url: str, workdir: Path, size: int):
    if kind == "opensearch":
        from index.patients_opensearch import OpenSearchPatients

        index = OpenSearchPatients(url, f"bench-patients-{size}-{int(time.time())}")
    else:
        from index.patients_embedded import EmbeddedPatients

        index = EmbeddedPatients(workdir / f"mpi-{size}.sqlite3")
    index.setup()
    return index


def run(sizes: list[int], queries: int, url: str, embedded_up_to: int, seed: int = 11) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            kinds = ["opensearch"] + (["embedded"] if size <= embedded_up_to else [])
            for kind in kinds:
                index = open_backend(kind, url, Path(tmp), size)
                try:
                    kept, elapsed, writing = load(index, size, seed, keep_every=max(1, size // 4000))
                    figures = measure(index, kept, queries, seed, size)
                finally:
                    if kind == "opensearch":
                        index.client.indices.delete(index=index.concrete, ignore_unavailable=True)
                rate = size / elapsed
                load_only = size / max(writing, 1e-9)
                results.append({"backend": kind, "size": size, "load_s": elapsed, "load_rate": rate,
                                "load_rate_excl_generation": load_only, **figures})
                print(f"{kind:10} {size:>9,}  load {elapsed:7.1f} s ({rate:,.0f}/s incl. generation, "
                      f"~{load_only:,.0f}/s index only)  match p50 {figures['p50']:.1f} ms p95 {figures['p95']:.1f} ms "
                      f"p99 {figures['p99']:.1f} ms (retrieval p50 {figures['retrieve_p50']:.1f} / "
                      f"p95 {figures['retrieve_p95']:.1f} ms; identifier lookup p50 {figures['baseline_p50']:.1f} ms, "
                      f"ratio {figures['p50'] / figures['baseline_p50']:.1f}x)  {figures['outcomes']}",
                      flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--opensearch", default="http://127.0.0.1:9200")
    parser.add_argument("--embedded-up-to", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(machine())
    run(args.sizes, args.queries, args.opensearch, args.embedded_up_to)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
