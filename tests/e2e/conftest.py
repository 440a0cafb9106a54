"""The running stacks the end-to-end tests share: one per kind, started once per session."""
from __future__ import annotations

import os

import pytest
import redis

from tests.support.services import MAX_UPLOAD, Stack, drop_audit, drop_indices, free_port, s3_env, services_or_skip, unique


@pytest.fixture(scope="session", params=["services", "embedded"])
def stack(request, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"data-{request.param}")
    log_dir = tmp_path_factory.mktemp(f"logs-{request.param}")
    env = {"CLINIDEX_DATA_DIR": str(data_dir), "CLINIDEX_MAX_UPLOAD_BYTES": str(MAX_UPLOAD)}
    if request.param == "services":
        svc = services_or_skip()
        # A database of its own per test session: two sessions on one machine (a developer's
        # and CI's) would otherwise flush each other's queues and steal each other's tasks.
        db = 1 + os.getpid() % 15
        redis.Redis.from_url(f"{svc.redis_url}/{db}").flushdb()
        env |= {
            "CLINIDEX_BROKER_URL": f"{svc.redis_url}/{db}",
            "CLINIDEX_OPENSEARCH_URL": svc.opensearch_url,
            "CLINIDEX_INDEX_NAME": unique("e2e"),
            "CLINIDEX_PATIENTS_INDEX_NAME": unique("e2e-patients"),
            "CLINIDEX_S3_ENDPOINT_URL": svc.s3_endpoint,
            "CLINIDEX_S3_BUCKET": unique("e2e"),
            "CLINIDEX_WORKER_METRICS_PORT": str(free_port()),
            **s3_env(),
        }
    running = Stack(env, log_dir, embedded_serve=request.param == "embedded")
    running.config = env
    running.kind = request.param
    yield running
    running.stop()
    if request.param == "services":
        drop_indices(env["CLINIDEX_OPENSEARCH_URL"], env["CLINIDEX_INDEX_NAME"], env["CLINIDEX_PATIENTS_INDEX_NAME"])
        drop_audit(env["CLINIDEX_OPENSEARCH_URL"], running.env["CLINIDEX_AUDIT_INDEX_NAME"])

