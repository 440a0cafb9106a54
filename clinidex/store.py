"""The object store: originals keyed by SHA-256 and one manifest per document.

Store is truth, index is access: everything the index holds can be rebuilt from here.
"""
from __future__ import annotations

import json

import os
import tempfile
from datetime import datetime, timezone
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from clinidex.errors import NotFound, TransientError
from clinidex.manifest import Manifest, PageResult, ReceiptRecord
from clinidex.settings import Settings

CHUNK = 1024 * 1024


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
            if code in ("SlowDown", "ServiceUnavailable", "InternalError", "503", "500"):
                raise TransientError(f"object store answered {code}") from exc
            raise
        except BotoCoreError as exc:
            raise TransientError(f"object store unavailable: {type(exc).__name__}") from exc

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
