"""Where the real services started by scripts/services.sh are, and helpers to run our own
processes (API, workers) against them."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
# Stacks run with a small upload limit so the 413 path is cheap to test.
MAX_UPLOAD = 3_000_000


@dataclass(frozen=True)
class Services:
    redis_url: str
    opensearch_url: str
    s3_endpoint: str


def reachable(url: str) -> bool:
    host, _, port = url.split("://", 1)[1].split("/", 1)[0].partition(":")
    try:
        with socket.create_connection((host, int(port or 80)), timeout=2):
            return True
    except OSError:
        return False


def services_or_skip() -> Services:
    """The services named in the environment. scripts/test.sh sets CLINIDEX_TEST_REQUIRE_SERVICES,
    so there a missing service fails the run instead of skipping the tests that need it."""
    found = Services(
        redis_url=os.environ.get("CLINIDEX_TEST_REDIS_URL", "redis://127.0.0.1:6379"),
        opensearch_url=os.environ.get("CLINIDEX_TEST_OPENSEARCH_URL", "http://127.0.0.1:9200"),
        s3_endpoint=os.environ.get("CLINIDEX_TEST_S3_ENDPOINT", "http://127.0.0.1:9000"),
    )
    missing = [u for u in (found.redis_url, found.opensearch_url, found.s3_endpoint) if not reachable(u)]
    if missing:
        message = f"services not reachable: {', '.join(missing)} (run scripts/services.sh up)"
        if os.environ.get("CLINIDEX_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


def drop_indices(opensearch_url: str, documents: str, patients: str) -> None:
    """Delete a stack's own OpenSearch indices (documents and MPI) after a test."""
    from opensearchpy import OpenSearch

    from index.opensearch_backend import MAPPING_VERSION
    from index.patients_opensearch import MAPPING_VERSION as PATIENTS_VERSION

    OpenSearch(hosts=[opensearch_url]).indices.delete(
        index=f"{documents}-v{MAPPING_VERSION},{patients}-v{PATIENTS_VERSION}", ignore_unavailable=True)


# Signs the test stacks' development tokens (never a production secret: production verifies
# RS256 tokens against the identity provider's keys).
TEST_SECRET = "clinidex-test-secret-" + "0" * 16


def drop_audit(opensearch_url: str, alias: str) -> None:
    from opensearchpy import OpenSearch
    from opensearchpy.exceptions import NotFoundError

    client = OpenSearch(hosts=[opensearch_url])
    try:
        names = list(client.indices.get_alias(name=alias))
    except NotFoundError:
        return
    client.indices.delete(index=",".join(names), ignore_unavailable=True)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def s3_env() -> dict[str, str]:
    # moto accepts any credentials; real deployments take them from the usual AWS chain.
    return {"AWS_ACCESS_KEY_ID": "clinidex-test", "AWS_SECRET_ACCESS_KEY": "clinidex-test",
            "AWS_DEFAULT_REGION": "us-east-1"}


class Process:
    """A child process whose output goes to a log file that is shown when a test fails."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("ab")
        # A session of its own, so a test can kill the process with all its children at once.
        self.proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def kill_group(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class Stack:
    """The API and a Celery worker as separate processes, configured by environment."""

    def __init__(self, env: dict[str, str], log_dir: Path, *, embedded_serve: bool = False,
                 with_beat: bool = False, with_watch: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Every call needs a token (issue 8): the stack signs development tokens with a secret
        # of its own, and its client calls as an admin unless a test says otherwise.
        env = {"CLINIDEX_AUTH_HS256_SECRET": TEST_SECRET, **env}
        if env.get("CLINIDEX_OPENSEARCH_URL") and "CLINIDEX_AUDIT_INDEX_NAME" not in env:
            env["CLINIDEX_AUDIT_INDEX_NAME"] = unique("audit")
        self.secret = env["CLINIDEX_AUTH_HS256_SECRET"]
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.log_dir = log_dir
        self.processes: list[Process] = []
        if embedded_serve:
            # `clinidex serve` with no broker configured starts its own worker process.
            self._start("serve", ["-m", "clinidex.cli", "serve", "--port", str(self.port)])
        else:
            self.start_worker()
            self._start("api", ["-m", "uvicorn", "api.app:app", "--host", "127.0.0.1", "--port", str(self.port)])
        if with_beat:
            self._start("beat", ["-m", "celery", "-A", "workers.app", "beat", "--loglevel", "INFO",
                                 "--schedule", str(log_dir / "beat-schedule")])
        if with_watch:
            self._start("watch", ["-m", "clinidex.cli", "watch"])
        self.client = httpx.Client(base_url=self.url, timeout=60, headers=self.auth("e2e-admin", "admin"))
        self._wait_healthy()

    def _start(self, name: str, args: list[str]) -> Process:
        process = Process(name, [sys.executable, *args], self.env, self.log_dir)
        self.processes.append(process)
        return process

    def start_worker(self) -> Process:
        # Through `clinidex worker`, which starts a fresh worker when one ends on its own.
        return self._start("worker", ["-m", "clinidex.cli", "worker", "--concurrency", str(os.cpu_count() or 2)])

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool processes, as a crash or the OOM killer would."""
        worker = next(p for p in self.processes if p.name == "worker" and p.proc.poll() is None)
        worker.kill_group()
        self.processes.remove(worker)

    def _wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in self.processes:
                if p.proc.poll() is not None and p.name != "beat":
                    raise RuntimeError(f"{p.name} exited early:\n{p.log_tail()}")
            try:
                if self.client.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise RuntimeError("API did not become healthy:\n" + "\n".join(p.log_tail() for p in self.processes))

    def token(self, subject: str, *roles: str) -> str:
        from api.auth import mint

        return mint(self.secret, subject, list(roles))

    def auth(self, subject: str, *roles: str) -> dict[str, str]:
        """Headers that call as `subject` with these roles."""
        return {"Authorization": f"Bearer {self.token(subject, *roles)}"}

    def upload(self, data: bytes, name: str) -> httpx.Response:
        return self.client.post("/documents", files={"file": (name, data, "application/octet-stream")})

    def wait_for(self, doc_id: str, states=("indexed", "failed"), timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        body: dict = {}
        while time.monotonic() < deadline:
            body = self.client.get(f"/documents/{doc_id}").json()
            if body["status"] in states:
                return body
            time.sleep(0.5)
        logs = "\n".join(f"--- {p.name}\n{p.log_tail()}" for p in self.processes)
        raise AssertionError(f"document {doc_id} stuck in {body.get('status')}:\n{logs}")

    def search_until(self, query: str, expected: int = 1, timeout: float = 10) -> dict:
        """Search until `expected` hits show: an indexed document becomes visible within the
        index's refresh interval."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.client.get("/search", params={"q": query}).json()
            if body["total"] >= expected or time.monotonic() > deadline:
                return body
            time.sleep(0.2)

    def log_records(self) -> list[dict]:
        """The JSON log records of every process (banners and other plain lines skipped)."""
        records = []
        for line in self.logs().splitlines():
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    pass
        return records

    def logs(self) -> str:
        return "\n".join(p.log_path.read_text(errors="replace") for p in self.processes)

    def stop(self) -> None:
        self.client.close()
        for p in reversed(self.processes):
            p.stop()
