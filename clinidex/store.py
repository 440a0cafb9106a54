"""The object store: originals keyed by SHA-256 and one manifest per document.

Store is truth, index is access: everything the index holds can be rebuilt from here.

Legal holds reach storage on S3: the bucket is created with Object Lock (which also turns on
versioning), and a held document's original carries an Object Lock *legal hold* on every
version, so deleting a version fails at the bucket itself whoever asks. Versioning changes what
"delete" means there: a plain DeleteObject only adds a delete marker (the bytes stay as a
noncurrent version, and reads answer 404 until the marker is removed, `restore`), so destroying
data for good is `purge` (every version). The local folder store has no such lock: on the
embedded default a hold is enforced by the application alone (the API's 409 and the sweep
skipping held documents); `set_legal_hold` there reports that it enforced nothing.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime, timezone
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from clinidex.errors import ClinidexError, NotFound, TransientError
from clinidex.manifest import Manifest, PageResult, ReceiptRecord
from clinidex.settings import Settings

CHUNK = 1024 * 1024

log = logging.getLogger("clinidex.store")


class ObjectLocked(ClinidexError):
    """The store refused to delete an object version under an Object Lock (a legal hold or a
    retention period)."""


def original_key(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256}"


def manifest_key(doc_id: str) -> str:
    return f"manifests/{doc_id}.json"


def receipt_key(doc_id: str, receipt_id: str) -> str:
    return f"receipts/{doc_id}/{receipt_id}.json"


def page_prefix(doc_id: str) -> str:
    return f"pages/{doc_id}/"


def page_key(doc_id: str, number: int) -> str:
    return f"{page_prefix(doc_id)}{number:05d}.json"


class ObjectStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def stream(self, key: str) -> Iterator[bytes]: ...
    def keys(self, prefix: str) -> Iterator[str]: ...
    def delete(self, key: str) -> None: ...
    def modified(self, key: str) -> datetime: ...

    # Legal holds (additive; see the module docstring).
    @property
    def object_lock(self) -> bool:
        """True when this store can put an Object Lock legal hold on an object."""

    def set_legal_hold(self, key: str, on: bool) -> bool:
        """Turn the legal hold on every version of `key` on or off; False when this store
        cannot (nothing was enforced in storage)."""

    def legal_hold(self, key: str) -> bool | None:
        """Whether the current version of `key` carries a legal hold; None when this store has none."""

    def purge(self, key: str) -> None:
        """Delete `key` for good (every version, on a versioned bucket); ObjectLocked when a
        version is held."""


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("object key escapes the store")
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half an object and a crash leaves none.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def stream(self, key: str) -> Iterator[bytes]:
        try:
            fh = self._path(key).open("rb")
        except FileNotFoundError:
            raise NotFound(key) from None
        with fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def modified(self, key: str) -> datetime:
        try:
            return datetime.fromtimestamp(self._path(key).stat().st_mtime, timezone.utc)
        except FileNotFoundError:
            raise NotFound(key) from None

    def keys(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix) if prefix else self.root
        if not base.exists():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                yield path.relative_to(self.root).as_posix()

    # A folder has no Object Lock: holds on the embedded default are the application's alone.
    object_lock = False
    _told_no_lock = False

    def set_legal_hold(self, key: str, on: bool) -> bool:
        if not self.exists(key):
            raise NotFound(key)
        if not LocalStore._told_no_lock:
            LocalStore._told_no_lock = True
            log.warning("the local folder store has no Object Lock: legal holds are enforced by the "
                        "application only (API refusal and the retention sweep), not by storage")
        return False

    def legal_hold(self, key: str) -> bool | None:
        return None

    def purge(self, key: str) -> None:
        self.delete(key)


def s3_client(settings: Settings):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30),
    )


class S3Store:
    def __init__(self, settings: Settings) -> None:
        self.bucket = settings.bucket
        self.client = s3_client(settings)
        self._ensure_bucket()

    def _call(self, fn, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise NotFound(kwargs.get("Key", "")) from None
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            # By HTTP status as well as by code: a restarting MinIO answers 503 with codes of
            # its own (XMinioServerNotInitialized), which are just as passing.
            if code in ("SlowDown", "ServiceUnavailable", "InternalError", "503", "500") or \
                    status in (500, 502, 503, 504):
                raise TransientError(f"object store answered {code}") from exc
            raise
        except BotoCoreError as exc:
            raise TransientError(f"object store unavailable: {type(exc).__name__}") from exc

    _object_lock: bool | None = None

    def _ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self._call(self.client.head_bucket)
        except (NotFound, ClientError):
            # Object Lock can only be switched on when a bucket is created; the audit trail
            # (sealed batches) and legal holds need it later.
            try:
                self._call(self.client.create_bucket, ObjectLockEnabledForBucket=True)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    def put(self, key: str, data: bytes) -> None:
        self._call(self.client.put_object, Key=key, Body=data)

    def get(self, key: str) -> bytes:
        return self._call(self.client.get_object, Key=key)["Body"].read()

    def exists(self, key: str) -> bool:
        try:
            self._call(self.client.head_object, Key=key)
            return True
        except NotFound:
            return False

    def stream(self, key: str) -> Iterator[bytes]:
        body = self._call(self.client.get_object, Key=key)["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self._call(self.client.delete_object, Key=key)

    def modified(self, key: str) -> datetime:
        return self._call(self.client.head_object, Key=key)["LastModified"]

    def keys(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    @property
    def object_lock(self) -> bool:
        """Whether the bucket has Object Lock. Read once per process: it can only be switched
        on when a bucket is created, so a bucket made before (or by hand without it) never gets it."""
        if self._object_lock is None:
            from botocore.exceptions import ClientError

            try:
                config = self._call(self.client.get_object_lock_configuration)
                self._object_lock = config.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in (
                        "ObjectLockConfigurationNotFoundError", "InvalidRequest", "NotImplemented"):
                    raise
                self._object_lock = False
            if not self._object_lock:
                log.warning("bucket %s has no Object Lock (it can only be enabled when a bucket is created): "
                            "legal holds are enforced by the application only, not by storage; create a new "
                            "bucket with Object Lock and copy the objects to get storage-level holds", self.bucket)
        return self._object_lock

    def _versions(self, key: str) -> tuple[list[str], list[str]]:
        """(object versions, delete markers) of exactly `key`, newest first."""
        from botocore.exceptions import BotoCoreError

        versions, markers = [], []
        paginator = self.client.get_paginator("list_object_versions")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=key):
                versions += [v["VersionId"] for v in page.get("Versions", []) if v["Key"] == key]
                markers += [m["VersionId"] for m in page.get("DeleteMarkers", []) if m["Key"] == key]
        except BotoCoreError as exc:
            raise TransientError(f"object store unavailable: {type(exc).__name__}") from exc
        return versions, markers

    def set_legal_hold(self, key: str, on: bool) -> bool:
        # Every version, not only the current one: after a plain delete the current "version"
        # is a delete marker (which cannot carry a hold), and a re-upload after one leaves two.
        if not self.object_lock:
            return False
        versions, _ = self._versions(key)
        if not versions:
            raise NotFound(key)
        for version in versions:
            self._call(self.client.put_object_legal_hold, Key=key, VersionId=version,
                       LegalHold={"Status": "ON" if on else "OFF"})
        return True

    def legal_hold(self, key: str) -> bool | None:
        from botocore.exceptions import ClientError

        if not self.object_lock:
            return None
        try:
            answer = self._call(self.client.get_object_legal_hold, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NoSuchObjectLockConfiguration":
                return False  # never held
            raise
        return answer.get("LegalHold", {}).get("Status") == "ON"

    def restore(self, key: str) -> int:
        """Remove the delete markers over `key` (a plain delete on the bucket), so its newest
        version reads again. Returns how many were removed."""
        _, markers = self._versions(key)
        for marker in markers:
            self._call(self.client.delete_object, Key=key, VersionId=marker)
        return len(markers)

    def purge(self, key: str) -> None:
        from botocore.exceptions import ClientError

        versions, markers = self._versions(key)
        for version in versions + markers:
            try:
                self._call(self.client.delete_object, Key=key, VersionId=version)
            except ClientError as exc:
                # AWS answers AccessDenied; MinIO InvalidRequest ("Object is WORM protected").
                if exc.response.get("Error", {}).get("Code") in ("AccessDenied", "InvalidRequest"):
                    raise ObjectLocked(f"an object version is under an Object Lock: {key}") from None
                raise


def open_store(settings: Settings) -> ObjectStore:
    if settings.uses_s3:
        return S3Store(settings)
    return LocalStore(settings.local_store_dir)


class DocumentStore:
    """Originals and manifests on top of an object store."""

    def __init__(self, objects: ObjectStore) -> None:
        self.objects = objects

    def put_original(self, sha256: str, data: bytes) -> None:
        key = original_key(sha256)
        # Content-addressed: if the key exists it already holds these exact bytes.
        if not self.objects.exists(key):
            self.objects.put(key, data)

    def original(self, manifest: Manifest) -> bytes:
        return self.original_by_hash(manifest.sha256)

    def original_by_hash(self, sha256: str) -> bytes:
        return self.objects.get(original_key(sha256))

    def stream_original(self, manifest: Manifest) -> Iterator[bytes]:
        return self.objects.stream(original_key(manifest.sha256))

    @property
    def legal_holds_in_storage(self) -> bool:
        """Whether holds reach storage here (S3 with Object Lock), or are the application's alone."""
        return bool(getattr(self.objects, "object_lock", False))

    def set_original_legal_hold(self, sha256: str, on: bool) -> bool:
        """Object Lock legal hold on an original; False when storage cannot hold it (see module)."""
        return self.objects.set_legal_hold(original_key(sha256), on)

    def original_legal_hold(self, sha256: str) -> bool | None:
        return self.objects.legal_hold(original_key(sha256))

    def save(self, manifest: Manifest) -> None:
        self.objects.put(manifest_key(manifest.doc_id), manifest.model_dump_json().encode())

    def load(self, doc_id: str) -> Manifest:
        if not doc_id.isalnum():
            raise NotFound(doc_id)
        return Manifest.model_validate_json(self.objects.get(manifest_key(doc_id)))

    def find(self, doc_id: str) -> Manifest | None:
        try:
            return self.load(doc_id)
        except NotFound:
            return None

    def save_page(self, doc_id: str, page: PageResult) -> None:
        self.objects.put(page_key(doc_id, page.number), page.model_dump_json().encode())

    def load_page(self, doc_id: str, number: int) -> PageResult:
        return PageResult.model_validate_json(self.objects.get(page_key(doc_id, number)))

    def find_page(self, doc_id: str, number: int) -> PageResult | None:
        try:
            return self.load_page(doc_id, number)
        except NotFound:
            return None

    def stored_pages(self, doc_id: str) -> set[int]:
        prefix = page_prefix(doc_id)
        return {int(key.removeprefix(prefix).removesuffix(".json")) for key in self.objects.keys(prefix)}

    def save_receipt(self, receipt: ReceiptRecord) -> None:
        # One object per receipt: arrivals never rewrite the manifest a worker may be saving.
        self.objects.put(receipt_key(receipt.doc_id, receipt.receipt_id), receipt.model_dump_json().encode())

    def receipts(self, doc_id: str) -> list[ReceiptRecord]:
        records = [ReceiptRecord.model_validate_json(self.objects.get(key))
                   for key in self.objects.keys(f"receipts/{doc_id}/")]
        return sorted(records, key=lambda r: r.at)

    # In-flight markers: one small object per document between receipt and indexed/failed, so
    # the reconciler lists what is under way instead of every manifest ever stored.
    def mark_inflight(self, doc_id: str) -> None:
        self.objects.put(f"inflight/{doc_id}", b"")

    def clear_inflight(self, doc_id: str) -> None:
        self.objects.delete(f"inflight/{doc_id}")

    def inflight(self) -> list[str]:
        return [key.removeprefix("inflight/") for key in self.objects.keys("inflight/")]

    # Failure markers, holding the reason code: what failed and why, without reading manifests.
    def mark_failed(self, doc_id: str, code: str) -> None:
        self.objects.put(f"failures/{doc_id}", code.encode())

    def clear_failed(self, doc_id: str) -> None:
        self.objects.delete(f"failures/{doc_id}")

    def failure_codes(self) -> dict[str, str]:
        return {key.removeprefix("failures/"): self.objects.get(key).decode() for key in self.objects.keys("failures/")}

    # Queue markers: one small object per document waiting in a queue ("review" for type and
    # fields, "match-review" and "unmatched" for patients) or filed under a patient
    # ("patient-docs/<patient id>"), so a queue is listed without reading every manifest.
    def mark(self, queue: str, doc_id: str) -> None:
        self.objects.put(f"{queue}/{doc_id}", b"")

    def unmark(self, queue: str, doc_id: str) -> None:
        self.objects.delete(f"{queue}/{doc_id}")

    def marked(self, queue: str) -> list[str]:
        return [key.removeprefix(f"{queue}/") for key in self.objects.keys(f"{queue}/")]

    def mark_review(self, doc_id: str) -> None:
        self.mark("review", doc_id)

    def clear_review(self, doc_id: str) -> None:
        self.unmark("review", doc_id)

    def review_ids(self) -> list[str]:
        return self.marked("review")

    def save_correction(self, doc_id: str, correction_id: str, record: dict) -> None:
        self.objects.put(f"corrections/{doc_id}/{correction_id}.json", json.dumps(record).encode())

    def corrections(self) -> Iterator[dict]:
        for key in self.objects.keys("corrections/"):
            yield json.loads(self.objects.get(key))

    def save_link_decision(self, doc_id: str, decision_id: str, record: dict) -> None:
        self.objects.put(f"links/{doc_id}/{decision_id}.json", json.dumps(record).encode())

    def link_decisions(self, doc_id: str) -> list[dict]:
        records = [json.loads(self.objects.get(key)) for key in self.objects.keys(f"links/{doc_id}/")]
        return sorted(records, key=lambda r: r["at"])

    def doc_ids(self) -> Iterator[str]:
        for key in self.objects.keys("manifests/"):
            yield key.removeprefix("manifests/").removesuffix(".json")
