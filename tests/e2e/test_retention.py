"""Retention on the services stack (Redis, OpenSearch, MinIO) with a real worker and Celery beat.

Two documents dated in the 1990s are uploaded under a site policy; both get `retain_until` at
ingest (in the manifest on S3 and the OpenSearch entry). One is put under a legal hold. The
beat's scheduled sweeps only report (the stack sets `retention_sweep_destroy=false`); a dry run
lists the expired unheld document; the sweep task sent through Celery destroys it everywhere:
every version of its original and its manifest's earlier versions gone from the bucket, its
pages and receipts gone, its OpenSearch entry gone, a tombstone left, the destruction record in
the audit trail beside the events recorded about it before. The held one survives, original
(under its Object Lock legal hold) and entry intact.
"""
from __future__ import annotations

import os
import time
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError
from opensearchpy import OpenSearch

from clinidex.audit import AuditEntry
from clinidex.holds import scope_from
from clinidex.manifest import State
from clinidex.settings import Settings
from clinidex.store import manifest_key, original_key
from index.audit_log import open_audit_log
from tests.support.documents import born_digital_pdf
from tests.support.services import Stack, drop_audit, drop_indices, s3_env, services_or_skip, unique
from workers import holds
from workers.app import make_celery
from workers.context import build_context
from workers.retention import sweep

pytestmark = pytest.mark.services

POLICY = """# the site's policy (test)
age_of_majority = 18
minors_extra_years = 3
unknown_birth_date = "assume_minor"
default = "P10Y"
[types]
discharge_summary = "P25Y"
"""


def note(marker: str, service_date: str) -> bytes:
    return born_digital_pdf([["PROGRESS NOTE", "Patient: Ada Quist", "DOB: 02/01/1950",
                              f"Date of Service: {service_date}", f"Follow-up of hypertension, marker {marker}.",
                              "Plan: continue lisinopril."]])


def versions(s3, bucket: str, prefix: str) -> list[str]:
    listed = s3.list_object_versions(Bucket=bucket, Prefix=prefix)
    return [v["Key"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]


def empty_and_drop(s3, bucket: str) -> None:
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            try:
                s3.put_object_legal_hold(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"],
                                         LegalHold={"Status": "OFF"})
            except ClientError:
                pass  # a delete marker
            s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=bucket)


@pytest.fixture()
def running(tmp_path, monkeypatch):
    svc = services_or_skip()
    for key, val in s3_env().items():
        monkeypatch.setenv(key, val)
    policy = tmp_path / "retention.toml"
    policy.write_text(POLICY)
    # A Redis database the session stack (1 + pid % 15) and the fault tests (9) do not use.
    db = 1 + (os.getpid() + 7) % 15
    db = 10 if db == 9 else db
    env = {
        "CLINIDEX_DATA_DIR": str(tmp_path / "data"),
        "CLINIDEX_BROKER_URL": f"{svc.redis_url}/{db}",
        "CLINIDEX_OPENSEARCH_URL": svc.opensearch_url,
        "CLINIDEX_INDEX_NAME": unique("retention"),
        "CLINIDEX_PATIENTS_INDEX_NAME": unique("retention-patients"),
        "CLINIDEX_AUDIT_INDEX_NAME": unique("retention-audit"),
        "CLINIDEX_S3_ENDPOINT_URL": svc.s3_endpoint,
        "CLINIDEX_S3_BUCKET": unique("retention"),
        "CLINIDEX_RETENTION_POLICY_PATH": str(policy),
        "CLINIDEX_RETENTION_SWEEP_INTERVAL_S": "2",
        "CLINIDEX_RETENTION_SWEEP_DESTROY": "false",
        **s3_env(),
    }
    stack = Stack(env, tmp_path, with_beat=True)
    settings = Settings(data_dir=tmp_path / "inspect", broker_url=env["CLINIDEX_BROKER_URL"],
                        opensearch_url=svc.opensearch_url, index_name=env["CLINIDEX_INDEX_NAME"],
                        patients_index_name=env["CLINIDEX_PATIENTS_INDEX_NAME"],
                        audit_index_name=env["CLINIDEX_AUDIT_INDEX_NAME"], s3_endpoint_url=svc.s3_endpoint,
                        s3_bucket=env["CLINIDEX_S3_BUCKET"], retention_policy_path=policy)
    try:
        yield stack, settings
    finally:
        stack.stop()
        drop_indices(svc.opensearch_url, env["CLINIDEX_INDEX_NAME"], env["CLINIDEX_PATIENTS_INDEX_NAME"])
        drop_audit(svc.opensearch_url, env["CLINIDEX_AUDIT_INDEX_NAME"])
        s3 = boto3.client("s3", endpoint_url=svc.s3_endpoint, region_name="us-east-1")
        empty_and_drop(s3, env["CLINIDEX_S3_BUCKET"])


def test_the_sweep_task_destroys_an_expired_document_on_s3_and_opensearch_and_spares_a_held_one(running):
    stack, settings = running
    marker = uuid.uuid4().hex[:8]
    expired_id = stack.upload(note(f"gone{marker}", "03/04/1995"), "Quist_Ada_1995.pdf").json()["id"]
    held_id = stack.upload(note(f"kept{marker}", "05/06/1996"), "Quist_Ada_1996.pdf").json()["id"]
    for doc_id in (expired_id, held_id):
        assert stack.wait_for(doc_id, timeout=90)["status"] == "indexed"
    ctx = build_context(settings)
    # Placed as the holds API places it (tests/e2e/test_holds.py goes through the API).
    hold_id = holds.create(ctx, matter_id="MAT-7", reason="Pending litigation", actor="legal-e2e",
                           scope=scope_from(doc_ids=[held_id])).hold.id
    s3 = ctx.docs.objects.client
    bucket = settings.s3_bucket
    search = OpenSearch(hosts=[settings.opensearch_url])
    expired = ctx.docs.load(expired_id)
    # Computed at ingest: from the date of service (10 years, the patient an adult then).
    assert expired.retention.retain_until.isoformat() == "2005-03-04"
    assert expired.retention.anchor_source == "service_date" and expired.retention.birth_date_known
    search.indices.refresh(index=settings.index_name)
    assert search.get(index=settings.index_name, id=expired_id)["_source"]["retain_until"] == "2005-03-04"
    assert search.get(index=settings.index_name, id=held_id)["_source"]["retain_until"] == "2006-05-06"
    assert len(versions(s3, bucket, manifest_key(expired_id))) > 1  # earlier versions hold the text

    # The beat's sweeps run, and (as configured here) only report.
    deadline = time.monotonic() + 20
    while "Sending due task retention-sweep" not in stack.logs() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "Sending due task retention-sweep (clinidex.retention_sweep)" in stack.logs()
    assert ctx.docs.load(expired_id).state == State.indexed

    dry = sweep(ctx, dry_run=True)
    assert [i.doc_id for i in dry.due] == [expired_id]
    assert [(i.doc_id, i.holds) for i in dry.held] == [(held_id, (hold_id,))]

    audit = open_audit_log(settings, alias=settings.audit_index_name)
    viewed = audit.append(AuditEntry(actor="dr-e2e", role="clinician", action="view", object_type="document",
                                     object_id=expired_id))
    audit.refresh()
    before = {e.id for e in audit.events_for_object(expired_id, limit=100).events}
    assert viewed.id in before

    make_celery(settings).send_task("clinidex.retention_sweep", kwargs={"dry_run": False})
    deadline = time.monotonic() + 30
    while ctx.docs.load(expired_id).state != State.destroyed and time.monotonic() < deadline:
        time.sleep(0.5)
    tomb = ctx.docs.load(expired_id)
    assert tomb.state == State.destroyed, stack.logs()[-3000:]

    # Gone everywhere on S3: every version of the original, the pages, receipts, and the
    # manifest's earlier versions (only the tombstone is left).
    assert versions(s3, bucket, original_key(expired.sha256)) == []
    for prefix in (f"pages/{expired_id}/", f"receipts/{expired_id}/", f"derived/{expired_id}/",
                   f"retention/destroying/{expired_id}"):
        assert versions(s3, bucket, prefix) == [], prefix
    assert versions(s3, bucket, manifest_key(expired_id)) == [manifest_key(expired_id)]
    assert tomb.filename is None and tomb.pages == [] and tomb.fields == {} and tomb.match is None
    assert "Quist" not in tomb.model_dump_json() and marker not in tomb.model_dump_json()
    # Gone from OpenSearch.
    search.indices.refresh(index=settings.index_name)
    assert not search.exists(index=settings.index_name, id=expired_id)
    assert stack.client.get(f"/documents/{expired_id}").json()["status"] == "destroyed"
    # The destruction record, and every event recorded about it before, are in the audit trail.
    audit.refresh()
    events = audit.events_for_object(expired_id, limit=100).events
    assert before <= {e.id for e in events}
    [destroyed] = [e for e in events if e.action == "destroy"]
    assert destroyed.actor == "retention-sweep" and destroyed.details["retain_until"] == "2005-03-04"
    assert destroyed.details["original"] == "destroyed"

    # The held document survived: manifest, original (locked in storage) and entry.
    assert ctx.docs.load(held_id).state == State.indexed and ctx.docs.load(held_id).holds == [hold_id]
    assert s3.get_object_legal_hold(Bucket=bucket, Key=original_key(ctx.docs.load(held_id).sha256))[
        "LegalHold"]["Status"] == "ON"
    assert search.exists(index=settings.index_name, id=held_id)
    hits = stack.search_until(f"kept{marker}")["hits"]
    assert [(h["doc_id"], h["on_hold"]) for h in hits] == [(held_id, True)]
    assert stack.search_until(f"gone{marker}", expected=0)["total"] == 0
