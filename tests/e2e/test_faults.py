"""Hands-off intake under faults and load, on the real services.

Each scenario drops generated faxes into an S3 prefix watched by `clinidex watch`, runs the real
API, Celery worker and beat (the reconciler) processes, breaks something mid-run, and ends with
every document indexed exactly once and the drop fully accounted for (processed + failed =
dropped). The reconciler runs every 5 s and re-sends documents unchanged for 20 s, so that a
lost queue is recovered within the test's time.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import boto3
import pytest
import redis
from opensearchpy import OpenSearch

from clinidex import synthetic
from tests.support.services import REPO, Stack, drop_indices, s3_env, services_or_skip, unique

DOCS = int(os.environ.get("CLINIDEX_FAULT_DOCS", "100"))
SERVICES = REPO / "scripts" / "services.sh"


class Run:
    def __init__(self, tmp_path: Path) -> None:
        svc = services_or_skip()
        self.svc = svc
        self.index = unique("faults")
        self.bucket = unique("faults")
        self.drop_bucket = unique("drop")
        self.s3 = boto3.client("s3", endpoint_url=svc.s3_endpoint, region_name="us-east-1",
                               aws_access_key_id=s3_env()["AWS_ACCESS_KEY_ID"],
                               aws_secret_access_key=s3_env()["AWS_SECRET_ACCESS_KEY"])
        self.s3.create_bucket(Bucket=self.drop_bucket)
        redis.Redis.from_url(f"{svc.redis_url}/9").flushdb()
        env = {
            "CLINIDEX_DATA_DIR": str(tmp_path / "data"),
            "CLINIDEX_BROKER_URL": f"{svc.redis_url}/9",
            "CLINIDEX_OPENSEARCH_URL": svc.opensearch_url,
            "CLINIDEX_INDEX_NAME": self.index,
            "CLINIDEX_PATIENTS_INDEX_NAME": f"{self.index}-patients",
            "CLINIDEX_S3_ENDPOINT_URL": svc.s3_endpoint,
            "CLINIDEX_S3_BUCKET": self.bucket,
            "CLINIDEX_DROP_S3": f"{self.drop_bucket}/inbox",
            "CLINIDEX_WATCH_INTERVAL_S": "1",
            "CLINIDEX_RECONCILE_INTERVAL_S": "5",
            "CLINIDEX_RECONCILE_AFTER_S": "20",
            "CLINIDEX_WORKER_STALL_AFTER_S": "20",
            **s3_env(),
        }
        self.stack = Stack(env, tmp_path, with_beat=True, with_watch=True)

    def drop(self, count: int, first_seed: int) -> list[str]:
        keys = []
        for seed in range(first_seed, first_seed + count):
            _, pages = synthetic.referral_pages(seed, pages=1)
            key = f"inbox/fax-{seed}.tif"
            self.s3.put_object(Bucket=self.drop_bucket, Key=key, Body=synthetic.fax_tiff(pages))
            keys.append(key)
        return keys

    def indexed(self) -> int:
        client = OpenSearch(hosts=[self.svc.opensearch_url], timeout=5)
        try:
            client.indices.refresh(index=self.index)
            return client.count(index=self.index, body={"query": {"term": {"state": "indexed"}}})["count"]
        except Exception:
            return -1  # OpenSearch is the thing that is down

    def drop_keys(self) -> list[str]:
        try:
            pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.drop_bucket, Prefix="inbox/")
            return [o["Key"] for page in pages for o in page.get("Contents", [])]
        except Exception:
            return ["<s3 down>"]

    def wait_until_done(self, expected: int, timeout: float = 420) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            keys = self.drop_keys()
            pending = [k for k in keys if not k.startswith(("inbox/processed/", "inbox/failed/"))]
            if not pending and self.indexed() == expected:
                return time.monotonic() - started
            time.sleep(1)
        tails = "\n".join(f"--- {p.name}\n{p.log_tail(3000)}" for p in self.stack.processes)
        raise AssertionError(f"not done: {self.indexed()} of {expected} indexed, "
                             f"{len(self.drop_keys())} drop keys\n{tails}")

    def check_accounted(self, dropped: int, expected_docs: int) -> None:
        keys = self.drop_keys()
        processed = [k for k in keys if k.startswith("inbox/processed/")]
        failed = [k for k in keys if k.startswith("inbox/failed/") and not k.endswith(".reason.txt")]
        assert len(processed) + len(failed) == dropped, (len(processed), len(failed), dropped)
        assert failed == []
        client = OpenSearch(hosts=[self.svc.opensearch_url])
        client.indices.refresh(index=self.index)
        assert client.count(index=self.index)["count"] == expected_docs  # no duplicate entries
        hits = client.search(index=self.index, body={"size": expected_docs + 10, "_source": ["doc_id"]})
        ids = [h["_source"]["doc_id"] for h in hits["hits"]["hits"]]
        assert len(ids) == len(set(ids)) == expected_docs

    def close(self) -> None:
        self.stack.stop()
        drop_indices(self.svc.opensearch_url, self.index, f"{self.index}-patients")


@pytest.fixture
def run(tmp_path):
    current = Run(tmp_path)
    yield current
    current.close()


def when(condition, then, timeout: float = 300) -> threading.Thread:
    """Run `then` in the background as soon as `condition()` holds."""
    def wait() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not condition():
            time.sleep(0.3)
        then()

    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    return thread


def services(*args: str) -> None:
    subprocess.run([str(SERVICES), *args], check=True, capture_output=True, timeout=600)


def outage(name: str, seconds: float):
    def act() -> None:
        services("stop", name)
        time.sleep(seconds)
        services("up")
    return act


def test_worker_killed_mid_ocr(run):
    run.drop(DOCS, first_seed=10_000)
    fault = when(lambda: run.indexed() >= DOCS // 5, run.stack.kill_worker)
    fault.join(timeout=300)
    time.sleep(2)
    run.stack.start_worker()
    run.wait_until_done(DOCS)
    run.check_accounted(DOCS, DOCS)


@pytest.mark.parametrize("service, seconds, first_seed", [
    ("opensearch", 30, 11_000),  # stopped for 30 s mid-run, then restarted
    ("redis", 2, 12_000),  # restarted; it keeps nothing on disk, so its queue is lost
    ("s3", 30, 13_000),  # the S3 server unavailable for 30 s
], ids=["opensearch-down-30s", "redis-restarted", "s3-down-30s"])
def test_service_outage_mid_run(run, service, seconds, first_seed):
    run.drop(DOCS, first_seed=first_seed)
    fault = when(lambda: run.indexed() >= DOCS // 5, outage(service, seconds))
    run.wait_until_done(DOCS)
    fault.join(timeout=120)
    run.check_accounted(DOCS, DOCS)


def test_a_worker_that_stops_consuming_is_replaced(run):
    """The failure seen once after a Redis restart: the worker lives and stays connected but
    takes no more work. Here it is made to happen on purpose (its consumer of the queue is
    cancelled); the worker notices, exits, and `clinidex worker` starts a fresh one."""
    from celery import Celery

    docs = 30
    run.drop(docs, first_seed=16_000)
    control = Celery(broker=run.stack.env["CLINIDEX_BROKER_URL"])
    fault = when(lambda: run.indexed() >= 5, lambda: control.control.cancel_consumer("celery", reply=False))
    run.wait_until_done(docs)
    fault.join(timeout=60)
    run.check_accounted(docs, docs)
    worker_log = next(p for p in run.stack.processes if p.name == "worker").log_tail(200_000)
    assert "exiting so that a fresh worker takes over" in worker_log
    assert "starting a fresh one" in worker_log


def test_load_20_concurrent_uploads_and_a_200_file_drop(run, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    uploads = [synthetic.fax_tiff(synthetic.referral_pages(seed, pages=1)[1]) for seed in range(14_000, 14_020)]
    started = time.monotonic()
    run.drop(200, first_seed=15_000)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda data: run.stack.upload(data, "upload.tif").status_code, uploads))
    assert statuses == [202] * 20
    run.wait_until_done(220)
    elapsed = time.monotonic() - started
    run.check_accounted(200, 220)
    figure = {"documents": 220, "seconds": round(elapsed, 1), "documents_per_minute": round(220 / elapsed * 60, 1)}
    print(f"\nLOAD: {json.dumps(figure)}")  # quoted in BENCHMARKS.md
