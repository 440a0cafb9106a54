"""Worker metrics: how long each stage takes and why documents fail.

Celery's prefork pool runs tasks in child processes, so the metrics use prometheus-client's
multiprocess mode: each child writes to files in a shared folder, and the worker's main
process serves the sum on CLINIDEX_WORKER_METRICS_PORT. Without that port the metrics are
counted in process and go nowhere.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from clinidex.settings import get_settings


def prepare_multiprocess_dir() -> Path | None:
    """Point prometheus-client at a fresh shared folder. Must run before it is imported."""
    settings = get_settings()
    if not settings.worker_metrics_port:
        return None
    folder = settings.data_dir / "worker-metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


def serve() -> None:
    """In the worker's main process, before the pool forks: serve what the children record."""
    if prepare_multiprocess_dir() is None:
        return
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    settings = get_settings()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(settings.worker_metrics_port, addr=settings.worker_metrics_host, registry=registry)


def _metrics():
    from prometheus_client import Counter, Histogram

    return (
        Histogram("clinidex_stage_seconds", "Time a pipeline stage took, per task", ["stage"],
                  buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)),
        Counter("clinidex_document_failures_total", "Documents that ended failed, by reason code", ["reason"]),
    )


_cache: tuple | None = None


def stage_seconds():
    global _cache
    _cache = _cache or _metrics()
    return _cache[0]


def failures():
    global _cache
    _cache = _cache or _metrics()
    return _cache[1]
