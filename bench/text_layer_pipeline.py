"""Born-digital PDFs through the whole pipeline: upload to indexed, with no OCR.

    .venv/bin/python bench/text_layer_pipeline.py [--docs 5] [--pages 40] [--repeats 3]

Needs scripts/services.sh up. Clinidex (API + Celery worker on Redis, OpenSearch, S3) is timed
from the first upload to the last document's `indexed` transition (the worker's timestamp);
`pdftotext` over the same PDFs runs beside it as the baseline. Target: >= 50 pages/second.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, timed  # noqa: E402
from clinidex import synthetic  # noqa: E402
from tests.support.documents import born_digital_pdf  # noqa: E402
from tests.support.services import Stack, s3_env, services_or_skip, unique  # noqa: E402


def stack_env(data_dir: str) -> dict[str, str]:
    svc = services_or_skip()
    return {
        "CLINIDEX_DATA_DIR": data_dir,
        "CLINIDEX_BROKER_URL": f"{svc.redis_url}/13",
        "CLINIDEX_OPENSEARCH_URL": svc.opensearch_url,
        "CLINIDEX_INDEX_NAME": unique("bench-text"),
        "CLINIDEX_S3_ENDPOINT_URL": svc.s3_endpoint,
        "CLINIDEX_S3_BUCKET": unique("bench-text"),
        **s3_env(),
    }


def run_pipeline(pdfs: list[bytes], log_dir: Path) -> float:
    with tempfile.TemporaryDirectory() as data_dir:
        env = stack_env(data_dir)
        import redis

        redis.Redis.from_url(env["CLINIDEX_BROKER_URL"]).flushdb()
        stack = Stack(env, log_dir)
        try:
            warm = born_digital_pdf([["warm up page"] * 20])
            stack.wait_for(stack.upload(warm, "warm.pdf").json()["id"])
            started = time.time()
            ids = [stack.upload(pdf, f"doc{i}.pdf").json()["id"] for i, pdf in enumerate(pdfs)]
            bodies = [stack.wait_for(doc_id, timeout=300) for doc_id in ids]
            assert all(b["status"] == "indexed" for b in bodies)
            assert all(p["source"] == "text_layer" for b in bodies for p in b["pages"])
            done = max(datetime.fromisoformat(b["history"][-1]["at"]).timestamp() for b in bodies)
            return done - started
        finally:
            stack.stop()
            from opensearchpy import OpenSearch

            from index.opensearch_backend import MAPPING_VERSION

            OpenSearch(hosts=[env["CLINIDEX_OPENSEARCH_URL"]]).indices.delete(
                index=f"{env['CLINIDEX_INDEX_NAME']}-v{MAPPING_VERSION}", ignore_unavailable=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("CLINIDEX_TEST_REQUIRE_SERVICES", "1")

    pdfs = [born_digital_pdf([synthetic.referral_pages(d * 1000 + p, pages=1)[1][0] for p in range(args.pages)])
            for d in range(args.docs)]
    total = args.docs * args.pages
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, pdf in enumerate(pdfs):
            path = Path(tmp) / f"{i}.pdf"
            path.write_bytes(pdf)
            paths.append(path)

        def baseline() -> None:
            for path in paths:
                subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, timeout=120)

        base, base_runs = timed(baseline, args.repeats)
        runs = [run_pipeline(pdfs, Path(tmp)) for _ in range(args.repeats)]
    ours = sorted(runs)[len(runs) // 2]
    print(f"Machine: {machine()}")
    print(f"{args.docs} born-digital PDFs x {args.pages} pages = {total} pages; {args.repeats} repeats, medians\n")
    print("| what | median s | pages/s | time ratio vs baseline |")
    print("|---|---|---|---|")
    print(f"| Clinidex: upload to indexed (API + Celery, text layers, word boxes, index) | {ours:.2f} | "
          f"{total / ours:.0f} | {ours / base:.1f}x |")
    print(f"| pdftotext over the same files (baseline, text only, one process) | {base:.2f} | {total / base:.0f} | 1.0x |")
    print("\nRuns (s): Clinidex " + ", ".join(f"{r:.2f}" for r in runs) + "; pdftotext "
          + ", ".join(f"{r:.2f}" for r in base_runs))


if __name__ == "__main__":
    main()
