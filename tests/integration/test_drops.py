"""Drop intake: every file left in a folder or an S3 prefix ends processed or failed, once."""
from __future__ import annotations

import os
import time

import boto3
import pytest

from clinidex import synthetic
from clinidex.settings import get_settings
from ingest.drops import FolderDrop, S3Drop
from tests.support.services import s3_env, services_or_skip, unique
from workers.context import get_context
from workers.watch import Watcher


@pytest.fixture
def embedded(tmp_path, monkeypatch):
    """Tasks run in this process (Celery eager mode) against an embedded store and index."""
    from workers.app import app

    monkeypatch.setenv("CLINIDEX_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    get_context.cache_clear()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield get_context()
    app.conf.task_always_eager = eager
    get_settings.cache_clear()
    get_context.cache_clear()


def faxes(seed: int) -> tuple[bytes, bytes]:
    return tuple(synthetic.fax_tiff(synthetic.referral_pages(seed + i, pages=1)[1]) for i in range(2))


def settled(path, data: bytes) -> None:
    path.write_bytes(data)
    old = time.time() - 60
    os.utime(path, (old, old))


def test_folder_drop_files_every_arrival_once(embedded, tmp_path):
    folder = tmp_path / "scanner"
    folder.mkdir()
    one, two = faxes(700)
    settled(folder / "scan-0001.tif", one)
    settled(folder / "scan-0001 (resent).tif", one)
    settled(folder / "scan-0002.TIF", two)
    settled(folder / "empty.tif", b"")
    settled(folder / "notes.txt", b"not a document")
    settled(folder / "we\u0131rd na\nme %..tif", two)
    (folder / "still-writing.tif").write_bytes(one[:100])  # modified just now

    # Settled files are a minute old; the still-writing one must stay unsettled through both
    # scans, however long the first one takes (it reads and classifies four faxes).
    watcher = Watcher(embedded, [FolderDrop(folder, settle_s=30)])
    outcomes = watcher.scan_once()
    assert outcomes == {"processed": 2, "duplicate": 2, "failed": 2}
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["still-writing.tif"]
    processed = list((folder / "processed").iterdir())
    failed = [p for p in (folder / "failed").iterdir() if not p.name.endswith(".reason.txt")]
    assert len(processed) + len(failed) == 6
    reasons = sorted(p.read_text() for p in (folder / "failed").glob("*.reason.txt"))
    assert any("empty" in r for r in reasons) and any("Unsupported file type" in r for r in reasons)
    assert all(p.parent.parent == folder for p in processed + failed)

    docs = sorted(embedded.docs.doc_ids())
    assert len(docs) == 2  # two distinct faxes, however often they arrived
    receipts = sorted(len(embedded.docs.receipts(d)) for d in docs)
    assert receipts == [2, 2]
    assert all(embedded.docs.load(d).state == "indexed" for d in docs)
    assert watcher.scan_once() == {}  # nothing is taken twice


def test_s3_drop_files_every_object_under_its_prefix(embedded, monkeypatch):
    svc = services_or_skip()
    for key, value in s3_env().items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=svc.s3_endpoint, region_name="us-east-1")
    bucket = unique("drop")
    client.create_bucket(Bucket=bucket)
    one, two = faxes(710)
    dropped = {
        "inbox/fax-1.tif": one,
        "inbox/resent/fax-1.tif": one,
        # MinIO itself refuses keys with ".." components; an encoded one gets through.
        "inbox/%2e%2e%2f%2e%2e%2fescape.tif": two,
        "inbox/empty.tif": b"",
        "inbox/letter.txt": b"plain text",
        "inbox/we ird %2F name.tif": two,
    }
    for key, data in dropped.items():
        client.put_object(Bucket=bucket, Key=key, Body=data)
    client.put_object(Bucket=bucket, Key="elsewhere/untouched.tif", Body=one)

    watcher = Watcher(embedded, [S3Drop(client, bucket, "inbox")])
    assert watcher.scan_once() == {"processed": 2, "duplicate": 2, "failed": 2}
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    filed = [k for k in keys if k.startswith("inbox/")]
    assert all(k.startswith(("inbox/processed/", "inbox/failed/")) for k in filed)
    assert len([k for k in filed if not k.endswith(".reason.txt")]) == len(dropped)
    assert "elsewhere/untouched.tif" in keys
    assert len(list(embedded.docs.doc_ids())) == 2
    assert watcher.scan_once() == {}


def test_a_file_that_keeps_failing_is_filed_and_the_rest_goes_on(embedded, tmp_path):
    class Flaky(FolderDrop):
        def read(self, arrival):
            if arrival.name == "cursed.tif":
                raise ValueError("this file always breaks the reader")
            return super().read(arrival)

    folder = tmp_path / "scanner"
    folder.mkdir()
    one, two = faxes(720)
    settled(folder / "cursed.tif", one)
    watcher = Watcher(embedded, [Flaky(folder, settle_s=2)], max_attempts=3)
    assert watcher.scan_once() == {"retry": 1}
    settled(folder / "fine.tif", two)
    assert watcher.scan_once() == {"retry": 1, "processed": 1}
    assert watcher.scan_once() == {"failed": 1}
    (reason,) = (folder / "failed").glob("*.reason.txt")
    assert reason.read_text() == "Gave up after 3 attempts (ValueError)."
    assert watcher.scan_once() == {}


def test_bucket_notifications_wake_the_watcher_long_before_its_next_poll(embedded, monkeypatch):
    import threading

    svc = services_or_skip()
    for key, value in s3_env().items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=svc.s3_endpoint, region_name="us-east-1")
    bucket = unique("notify")
    client.create_bucket(Bucket=bucket)
    watcher = Watcher(embedded, [S3Drop(client, bucket, "inbox")])
    scans = []
    scan_once = watcher.scan_once
    watcher.scan_once = lambda: scans.append(scan_once())
    stop = threading.Event()
    port = int(os.environ.get("CLINIDEX_DROP_EVENTS_PORT", "9011"))  # where scripts/services.sh points MinIO
    thread = threading.Thread(target=watcher.run, args=(600, stop, port, "arn:minio:sqs::CLINIDEX:webhook"),
                              daemon=True)
    thread.start()
    try:
        time.sleep(2)  # the first scan (empty) is done; the next poll would be in ten minutes
        one, _ = faxes(730)
        client.put_object(Bucket=bucket, Key="inbox/notified.tif", Body=one)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(scan.get("processed") for scan in scans):
            time.sleep(0.2)
        # The first scan found nothing; a scan woken by an event (not the poll, ten minutes
        # away) took the file. Events queued by MinIO for earlier buckets may wake it too.
        assert scans[0] == {} and sum(scan.get("processed", 0) for scan in scans[1:]) == 1, scans
        assert len(list(embedded.docs.doc_ids())) == 1
    finally:
        stop.set()
        watcher.wake.set()
        thread.join(timeout=30)
