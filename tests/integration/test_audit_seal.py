"""Sealing the audit trail into the object store: batches that verify, a sealer that dies or
runs twice, tampering found in the folder store (which cannot prevent it) and prevented in
MinIO under Object Lock (which can)."""
import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from clinidex import audit_cli
from clinidex.audit import GENESIS, AuditEntry, event_hash, format_at, new_claim
from clinidex.settings import Settings
from clinidex.store import LocalStore
from index.audit_embedded import EmbeddedAuditLog
from workers.audit_seal import (
    AlreadySealed, AuditBucketError, FolderSeals, S3Seals, open_seal_bucket, seal_pending, verify_trail,
)
from tests.support.services import s3_env, services_or_skip, unique

T0 = datetime(2026, 4, 1, 12, 0, tzinfo=timezone.utc)


def entry(n: int, **values) -> AuditEntry:
    return AuditEntry(**{"actor": f"user{n % 2}", "role": "records_clerk", "action": "view",
                         "object_type": "document", "object_id": f"doc{n}", "patient_ids": (f"p{n % 3}",),
                         "at": T0 + timedelta(seconds=n), "details": {"n": n}, **values})


@pytest.fixture
def folder(tmp_path):
    audit = EmbeddedAuditLog(tmp_path / "audit.sqlite3")
    audit.setup()
    store = LocalStore(tmp_path / "store")
    return audit, FolderSeals(store), store


def write(audit, first: int, last: int) -> None:
    for n in range(first, last + 1):
        audit.append(entry(n))


def test_pending_events_are_sealed_in_batches_that_verify(folder):
    audit, seals, store = folder
    write(audit, 1, 25)
    sealed = seal_pending(audit, seals, batch_events=10)
    assert [(s.first_seq, s.last_seq, s.state) for s in sealed] == [(1, 10, "sealed"), (11, 20, "sealed"),
                                                                    (21, 25, "sealed")]
    assert list(store.keys("audit/sealed/")) == ["audit/sealed/000000000001-000000000010.json",
                                                 "audit/sealed/000000000011-000000000020.json",
                                                 "audit/sealed/000000000021-000000000025.json"]
    document = json.loads(store.get("audit/sealed/000000000011-000000000020.json"))
    assert document["events"] == audit.events(11, 20)
    assert document["prev_hash"] == audit.events(10, 10)[0]["hash"]
    assert document["last_hash"] == audit.events(20, 20)[0]["hash"]
    assert document["head"] == {"seq": 25, "hash": audit.head().hash}
    verdict = verify_trail(audit, seals)
    assert verdict.ok, verdict.problems
    assert (verdict.events, verdict.batches, verdict.sealed_events) == (25, 3, 25)

    write(audit, 26, 28)
    assert seal_pending(audit, seals, batch_events=10)[0].first_seq == 26
    assert seal_pending(audit, seals, batch_events=10) == []
    assert verify_trail(audit, seals).ok


def test_a_claim_left_by_a_sealer_that_died_is_finished(folder):
    audit, seals, store = folder
    write(audit, 1, 12)
    events = audit.events(1, 8)
    claim = new_claim(1, 8, GENESIS, events, 12, audit.head().hash, format_at(T0))
    assert audit.claim_seal(claim)  # ... and the sealer died before writing the object
    sealed = seal_pending(audit, seals, batch_events=100)
    assert [(s.first_seq, s.last_seq) for s in sealed] == [(1, 8), (9, 12)]
    assert json.loads(store.get(claim.key))["sealed_at"] == format_at(T0)
    assert verify_trail(audit, seals).ok


def test_two_sealers_at_once_seal_each_event_once(folder, tmp_path):
    audit, seals, store = folder
    write(audit, 1, 60)
    errors = []

    def run() -> None:
        try:
            own = EmbeddedAuditLog(tmp_path / "audit.sqlite3")
            seal_pending(own, FolderSeals(LocalStore(tmp_path / "store")), batch_events=4)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    ranges = [(s.first_seq, s.last_seq) for s in audit.seals()]
    assert ranges == [(n, n + 3) for n in range(1, 61, 4)]
    assert all(s.state == "sealed" for s in audit.seals())
    assert len(list(store.keys("audit/sealed/"))) == 15
    assert verify_trail(audit, seals).ok


def test_a_sealed_event_rewritten_in_the_log_is_found_even_with_every_hash_redone(folder):
    audit, seals, _ = folder
    write(audit, 1, 10)
    seal_pending(audit, seals, batch_events=5)
    # Someone with the database: rewrite event 3 and recompute it and every later link.
    prev = audit.events(2, 2)[0]["hash"]
    for event in audit.events(3, 10):
        event = {**event, "prev_hash": prev, **({"actor": "mallory"} if event["seq"] == 3 else {})}
        event["hash"] = prev = event_hash(event)
        audit.db.execute("UPDATE audit_events SET event = ? WHERE seq = ?", (json.dumps(event), event["seq"]))
        audit.db.execute("UPDATE audit_head SET hash = ? WHERE seq = ?", (event["hash"], event["seq"]))
    verdict = verify_trail(audit, seals)
    assert (verdict.first.seq, verdict.first.kind, verdict.first.where) == (3, "modified", "log")


def test_the_folder_store_cannot_lock_but_deleting_or_editing_a_batch_is_found(folder):
    audit, seals, store = folder
    assert seals.locked is False
    write(audit, 1, 9)
    seal_pending(audit, seals, batch_events=3)
    edited = "audit/sealed/000000000004-000000000006.json"
    document = json.loads(store.get(edited))
    document["events"][1]["outcome"] = "denied"
    store.put(edited, json.dumps(document).encode())
    store.delete("audit/sealed/000000000007-000000000009.json")
    problems = [(p.seq, p.kind, p.where) for p in verify_trail(audit, seals).problems]
    assert problems[:2] == [(5, "modified", "sealed"), (7, "removed", "sealed")]


def test_a_batch_is_never_written_twice(folder):
    audit, seals, _ = folder
    seals.put_new("audit/sealed/000000000001-000000000001.json", b"{}")
    with pytest.raises(AlreadySealed):
        seals.put_new("audit/sealed/000000000001-000000000001.json", b"{}")


def test_the_cli_verifies_and_fails_on_tampering(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path)
    monkeypatch.setattr(audit_cli, "get_settings", lambda: settings)
    audit = EmbeddedAuditLog(tmp_path / "audit.sqlite3")
    audit.setup()
    write(audit, 1, 6)
    runner = CliRunner()
    sealed = runner.invoke(audit_cli.app, ["seal"])
    assert sealed.exit_code == 0 and "1 batch(es) sealed: 1-6" in sealed.output
    good = runner.invoke(audit_cli.app, ["verify"])
    assert good.exit_code == 0 and good.output.startswith("ok: 6 event(s)")
    audit.db.execute("DELETE FROM audit_events WHERE seq = 4")
    bad = runner.invoke(audit_cli.app, ["verify", "--json"])
    assert bad.exit_code == 1
    report = json.loads(bad.output)
    assert report["ok"] is False and report["problems"][0] == {
        "seq": 4, "kind": "removed", "where": "log", "detail": "no event at this position"}


# --- MinIO with Object Lock ---

@pytest.fixture
def minio(monkeypatch, tmp_path):
    svc = services_or_skip()
    for k, v in s3_env().items():
        monkeypatch.setenv(k, v)
    settings = Settings(s3_endpoint_url=svc.s3_endpoint, s3_bucket=unique("docs"), opensearch_url=svc.opensearch_url,
                        data_dir=tmp_path)
    from clinidex.store import s3_client

    client = s3_client(settings)
    made: list[str] = []
    yield settings, client, made
    for bucket in made:
        _empty(client, bucket)


def _empty(client, bucket: str) -> None:
    from botocore.exceptions import ClientError

    try:
        pages = list(client.get_paginator("list_object_versions").paginate(Bucket=bucket))
    except ClientError:
        return
    for page in pages:
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            client.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"],
                                 BypassGovernanceRetention=True)
    client.delete_bucket(Bucket=bucket)


@pytest.mark.services
def test_sealed_batches_in_minio_are_locked_and_verify(minio):
    from botocore.exceptions import ClientError

    from index.audit_opensearch import OpenSearchAuditLog

    settings, client, made = minio
    audit = OpenSearchAuditLog(settings.opensearch_url, unique("audit"))
    audit.setup()
    try:
        seals = open_seal_bucket(settings, mode="GOVERNANCE", retention_days=1)
        made.append(seals.bucket)
        assert isinstance(seals, S3Seals) and seals.bucket == f"{settings.bucket}-audit"
        write(audit, 1, 15)
        sealed = seal_pending(audit, seals, batch_events=10)
        assert [(s.first_seq, s.last_seq) for s in sealed] == [(1, 10), (11, 15)]
        assert all(s.version_id for s in sealed)
        verdict = verify_trail(audit, seals)
        assert verdict.ok, verdict.problems
        assert (verdict.events, verdict.sealed_events) == (15, 15)

        key = sealed[0].key
        locked = client.head_object(Bucket=seals.bucket, Key=key)
        assert locked["ObjectLockMode"] == "GOVERNANCE"
        assert locked["ObjectLockRetainUntilDate"] > datetime.now(timezone.utc) + timedelta(hours=23)
        # The locked version can be neither deleted nor replaced.
        with pytest.raises(ClientError):
            client.delete_object(Bucket=seals.bucket, Key=key, VersionId=sealed[0].version_id)
        with pytest.raises(AlreadySealed):
            seals.put_new(key, b"forged")
        # What an ordinary put or delete can do: add a newer version, add a delete marker.
        # Neither touches the original; verification reads it and reports both.
        client.put_object(Bucket=seals.bucket, Key=key, Body=b"forged")
        client.delete_object(Bucket=seals.bucket, Key=sealed[1].key)
        original = client.get_object(Bucket=seals.bucket, Key=key, VersionId=sealed[0].version_id)["Body"].read()
        assert json.loads(original)["last_seq"] == 10
        problems = verify_trail(audit, seals).problems
        assert [(p.seq, p.kind, p.where) for p in problems] == [(1, "modified", "sealed"),
                                                                (11, "modified", "sealed")]
        assert "written over" in problems[0].detail and "delete marker" in problems[1].detail
    finally:
        audit.client.indices.delete(index=audit.concrete)


@pytest.mark.services
def test_an_event_edited_in_opensearch_after_sealing_is_found(minio):
    from index.audit_opensearch import OpenSearchAuditLog

    settings, client, made = minio
    audit = OpenSearchAuditLog(settings.opensearch_url, unique("audit"))
    audit.setup()
    try:
        seals = open_seal_bucket(settings, bucket=unique("audit"), retention_days=1)
        made.append(seals.bucket)
        write(audit, 1, 8)
        seal_pending(audit, seals, batch_events=5)
        event = {**audit.events(6, 6)[0], "outcome": "not_found"}
        event["hash"] = event_hash(event)
        audit.client.index(index=audit.alias, id="e000000000006", body={"kind": "event", **event}, refresh=True)
        first = verify_trail(audit, seals).first
        assert (first.seq, first.kind, first.where) == (6, "modified", "log")
    finally:
        audit.client.indices.delete(index=audit.concrete)


@pytest.mark.services
def test_a_bucket_without_object_lock_is_refused(minio):
    settings, client, made = minio
    plain = unique("nolock")
    client.create_bucket(Bucket=plain)
    made.append(plain)
    with pytest.raises(AuditBucketError):
        S3Seals(client, plain)
