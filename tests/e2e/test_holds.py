"""Legal holds down to storage, on the running stacks.

`services` (MinIO): the original of a held document carries an S3 Object Lock legal hold, so
deleting its version on the bucket directly fails and the object stays readable; the API's
delete answers 409 naming the hold; the retention sweep skips it. Released, the legal hold is
off and the document can be deleted. `embedded` (folder store): the same through the API, with
the hold reported as enforced by the application only (a folder has no Object Lock).

The S3 store's own part (every version held; a plain delete only adds a delete marker, which
`restore` removes; `purge`; a bucket without Object Lock detected, not fatal) is tested on
MinIO directly.
"""
from __future__ import annotations

import logging
import time
import uuid
from datetime import date

import boto3
import pytest
from botocore.exceptions import ClientError

from clinidex.settings import Settings
from clinidex.store import ObjectLocked, S3Store, original_key
from tests.support.documents import born_digital_pdf
from tests.support.services import s3_env, services_or_skip, unique
from workers.context import build_context
from workers.retention import DocumentHeld, destroy, sweep

pytestmark = pytest.mark.services

# MinIO refuses with InvalidRequest ("Object is WORM protected"), AWS S3 with AccessDenied.
REFUSED = ("AccessDenied", "InvalidRequest")


def s3_client(endpoint: str):
    creds = s3_env()
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])


def empty_and_drop(s3, bucket: str) -> None:
    listed = s3.list_object_versions(Bucket=bucket)
    for item in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
        try:
            s3.put_object_legal_hold(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"],
                                     LegalHold={"Status": "OFF"})
        except ClientError:
            pass  # a delete marker, or a bucket without Object Lock
        s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=bucket)


def test_s3_store_legal_holds_on_minio(tmp_path, monkeypatch, caplog):
    svc = services_or_skip()
    for k, v in s3_env().items():
        monkeypatch.setenv(k, v)
    s3 = s3_client(svc.s3_endpoint)
    store = S3Store(Settings(s3_endpoint_url=svc.s3_endpoint, s3_bucket=unique("holds"), data_dir=tmp_path))
    key = "originals/ab/abcdef"
    try:
        assert store.object_lock
        store.put(key, b"original bytes")
        assert store.legal_hold(key) is False
        assert store.set_legal_hold(key, True) and store.legal_hold(key) is True
        version = s3.head_object(Bucket=store.bucket, Key=key)["VersionId"]
        with pytest.raises(ClientError) as refused:
            s3.delete_object(Bucket=store.bucket, Key=key, VersionId=version)
        assert refused.value.response["Error"]["Code"] in REFUSED
        with pytest.raises(ObjectLocked):
            store.purge(key)
        assert store.get(key) == b"original bytes"
        # A plain delete "succeeds" on a versioned bucket: it only hides the object behind a
        # delete marker. The held version is intact, and removing the marker brings it back.
        store.delete(key)
        assert not store.exists(key)
        assert s3.get_object(Bucket=store.bucket, Key=key, VersionId=version)["Body"].read() == b"original bytes"
        assert store.restore(key) == 1 and store.get(key) == b"original bytes"
        # Released: the version can be deleted, and purge leaves nothing behind.
        assert store.set_legal_hold(key, False) and store.legal_hold(key) is False
        store.delete(key)
        store.purge(key)
        listed = s3.list_object_versions(Bucket=store.bucket, Prefix=key)
        assert not listed.get("Versions") and not listed.get("DeleteMarkers")
    finally:
        empty_and_drop(s3, store.bucket)

    # A bucket made without Object Lock cannot get it: detected, said clearly, nothing crashes.
    plain = unique("nolock")
    s3.create_bucket(Bucket=plain)
    try:
        store = S3Store(Settings(s3_endpoint_url=svc.s3_endpoint, s3_bucket=plain, data_dir=tmp_path))
        store.put(key, b"x")
        with caplog.at_level(logging.WARNING, logger="clinidex.store"):
            assert store.set_legal_hold(key, True) is False
        assert store.object_lock is False and store.legal_hold(key) is None
        assert any("has no Object Lock" in r.getMessage() for r in caplog.records)
    finally:
        empty_and_drop(s3, plain)


def held_in_search(stack, words: str, timeout: float = 10) -> list[tuple[str, bool]]:
    """(doc_id, on_hold) of the hits, once the index shows the hold (OpenSearch refreshes every second)."""
    deadline = time.monotonic() + timeout
    while True:
        hits = stack.client.get("/search", params={"q": words}).json()["hits"]
        found = [(h["doc_id"], h["on_hold"]) for h in hits]
        if (found and all(held for _, held in found)) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def audit_events(stack, object_id: str, headers: dict, actions: set[str], timeout: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        events = stack.client.get(f"/audit/objects/{object_id}", headers=headers).json()["events"]
        if actions <= {e["action"] for e in events} or time.monotonic() > deadline:
            return events
        time.sleep(0.2)


def stack_context(stack, monkeypatch):
    """The stack's store and index, in this process."""
    for k, v in stack.config.items():
        monkeypatch.setenv(k, v)
    if "CLINIDEX_AUDIT_INDEX_NAME" in stack.env:
        monkeypatch.setenv("CLINIDEX_AUDIT_INDEX_NAME", stack.env["CLINIDEX_AUDIT_INDEX_NAME"])
    return build_context(Settings())


def test_a_held_document_survives_api_delete_direct_s3_delete_and_the_sweep(stack, monkeypatch):
    legal = stack.auth("legal-e2e", "compliance")
    marker = uuid.uuid4().hex[:8]
    pdf = born_digital_pdf([["Operative note", f"Hold marker {marker}", "Laparoscopic cholecystectomy."]])
    held_id = stack.wait_for(stack.upload(pdf, "op-note.pdf").json()["id"])["id"]
    sha256 = stack.client.get(f"/documents/{held_id}").json()["sha256"]

    assert stack.client.post("/holds", headers=stack.auth("doc", "clinician"),
                             json={"matter_id": "M", "reason": "r", "scope": {"doc_ids": [held_id]}}).status_code == 403
    created = stack.client.post("/holds", headers=legal, json={
        "matter_id": "MAT-2026-041", "reason": "Pending litigation", "scope": {"doc_ids": [held_id]}})
    assert created.status_code == 201, created.text
    hold = created.json()
    assert hold["documents_affected"] == 1
    assert hold["storage"] == ("object_lock" if stack.kind == "services" else "application")
    assert stack.client.get(f"/holds/{hold['id']}", headers=legal).json()["documents"][0]["held"] is True
    assert held_in_search(stack, marker) == [(held_id, True)]

    if stack.kind == "services":
        s3, bucket, key = s3_client(stack.config["CLINIDEX_S3_ENDPOINT_URL"]), stack.config["CLINIDEX_S3_BUCKET"], \
            original_key(sha256)
        assert s3.get_object_legal_hold(Bucket=bucket, Key=key)["LegalHold"]["Status"] == "ON"
        version = s3.head_object(Bucket=bucket, Key=key)["VersionId"]
        with pytest.raises(ClientError) as refused:
            s3.delete_object(Bucket=bucket, Key=key, VersionId=version)
        assert refused.value.response["Error"]["Code"] in REFUSED
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == pdf

    refused = stack.client.request("DELETE", f"/documents/{held_id}", headers=legal, json={"reason": "duplicate"})
    assert refused.status_code == 409
    assert refused.json()["holds"][0]["id"] == hold["id"] and "MAT-2026-041" in refused.json()["detail"]
    assert stack.client.get(f"/documents/{held_id}/original").content == pdf

    # The sweep, long after every retention has run out, keeps it (a dry run: the stack's other
    # documents are not this test's to destroy; tests/integration/test_holds.py runs it for real),
    # and destroying it directly is refused.
    ctx = stack_context(stack, monkeypatch)
    report = sweep(ctx, today=date(2200, 1, 1), dry_run=True)
    assert [i.holds for i in report.held if i.doc_id == held_id] == [(hold["id"],)]
    assert held_id not in {i.doc_id for i in report.due}
    with pytest.raises(DocumentHeld):
        destroy(ctx, ctx.docs.load(held_id), actor="e2e", role="admin", reason="trying")

    released = stack.client.post(f"/holds/{hold['id']}/release", headers=legal, json={"reason": "settled"})
    assert released.status_code == 200 and released.json()["active"] is False
    if stack.kind == "services":
        assert s3.get_object_legal_hold(Bucket=bucket, Key=key)["LegalHold"]["Status"] == "OFF"
    assert stack.client.get(f"/documents/{held_id}").json()["status"] == "indexed"
    assert held_id in {i.doc_id for i in sweep(ctx, today=date(2200, 1, 1), dry_run=True).due}
    deleted = stack.client.request("DELETE", f"/documents/{held_id}", headers=legal, json={"reason": "settled"})
    assert deleted.status_code == 200, deleted.text
    assert stack.client.get(f"/documents/{held_id}").json()["status"] == "destroyed"
    if stack.kind == "services":
        # Destroyed for good: no version of the original is left behind a delete marker.
        listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
        assert not listed.get("Versions") and not listed.get("DeleteMarkers")
    assert stack.client.request("DELETE", f"/documents/{held_id}", headers=legal).status_code == 410

    # The trail (searchable within the audit index's refresh interval): who placed and released
    # the hold, the refused delete, and the destruction.
    hold_events = audit_events(stack, hold["id"], legal, {"hold_create", "hold_release"})
    assert sorted((e["action"], e["actor"]) for e in hold_events if e["action"].startswith("hold_")) == [
        ("hold_create", "legal-e2e"), ("hold_release", "legal-e2e")]
    about_doc = audit_events(stack, held_id, legal, {"delete", "destroy"})
    assert any(e["action"] == "delete" and e["details"].get("refused") == "legal_hold" for e in about_doc)
    assert any(e["action"] == "destroy" and e["outcome"] == "ok" for e in about_doc)
