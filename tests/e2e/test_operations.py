"""What operators see: Prometheus metrics from the API and the workers, request ids."""
from __future__ import annotations

import re

import httpx

from clinidex import synthetic


def samples(text: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        match = re.match(r"^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$", line)
        if match:
            found[match.group(1)] = float(match.group(2))
    return found


def test_metrics_show_documents_by_state_failures_and_stage_timings(stack):
    seed = 901 if stack.kind == "services" else 902
    _, pages = synthetic.referral_pages(seed, pages=1)
    good = stack.upload(synthetic.fax_tiff(pages), "ok.tif").json()["id"]
    bad = stack.upload(b"%PDF-1.7\n" + bytes(range(256)) * 4 + str(seed).encode(), "broken.pdf").json()["id"]
    stack.wait_for(good)
    stack.wait_for(bad)

    response = stack.client.get("/metrics", headers={"X-Request-ID": "trace42"})
    assert response.status_code == 200 and response.headers["x-request-id"] == "trace42"
    api = samples(response.text)
    assert api['clinidex_documents{state="indexed"}'] >= 1
    assert api['clinidex_documents_failed{reason="corrupt"}'] >= 1
    assert api['clinidex_documents{state="failed"}'] >= 1
    assert api["clinidex_up"] == 1
    if stack.kind == "services":
        assert "clinidex_queue_depth" in api
        port = stack.config["CLINIDEX_WORKER_METRICS_PORT"]
        worker = samples(httpx.get(f"http://127.0.0.1:{port}/metrics").text)
        assert worker['clinidex_stage_seconds_count{stage="page"}'] >= 1
        assert worker['clinidex_stage_seconds_count{stage="index"}'] >= 1
        assert worker['clinidex_document_failures_total{reason="corrupt"}'] >= 1
