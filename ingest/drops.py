"""Drop sources: the S3 prefixes and folders where fax servers and scanners leave files.

A source lists what is waiting (`scan`), reads one arrival (`read`), and files it away when
Clinidex is done with it (`finish`: moved under `processed/` or `failed/`, the latter with a
`.reason.txt` beside it). Every name a source writes is derived from a sanitised form of the
arrival's name and stays under the source's own prefix or folder, whatever the name held.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

OUTCOMES = ("processed", "failed")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Arrival:
    name: str  # object key below the prefix, or file name in the folder, as it arrived
    identity: str  # what makes this arrival this arrival: key + ETag, or name + size + mtime
    size: int


def safe_name(arrival: Arrival) -> str:
    """A name that cannot leave its folder or prefix: odd characters and dots-only segments
    become `_`, and a hash of the arrival keeps two arrivals with the same name apart."""
    tail = _UNSAFE.sub("_", arrival.name.replace("/", "_")).strip("._") or "unnamed"
    digest = hashlib.sha256(arrival.identity.encode()).hexdigest()[:10]
    return f"{digest}-{tail[-120:]}"


class S3Drop:
    """A bucket prefix. `client` is a boto3 S3 client."""

    def __init__(self, client, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.label = f"s3://{bucket}/{self.prefix}"

    def _filed(self, key: str) -> bool:
        rest = key[len(self.prefix):]
        return any(rest.startswith(f"{outcome}/") for outcome in OUTCOMES)

    def scan(self) -> list[Arrival]:
        arrivals = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if key.endswith("/") or self._filed(key):
                    continue
                arrivals.append(Arrival(key[len(self.prefix):], f"{key}:{item['ETag']}", item["Size"]))
        return arrivals

    def subscribe(self, queue_arn: str) -> None:
        """Ask the server to announce new objects under the prefix to `queue_arn`. This
        replaces the bucket's notification configuration: a drop bucket is Clinidex's own."""
        rules = [{"Name": "prefix", "Value": self.prefix}] if self.prefix else []
        config = {"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}
        if rules:
            config["Filter"] = {"Key": {"FilterRules": rules}}
        self.client.put_bucket_notification_configuration(
            Bucket=self.bucket, NotificationConfiguration={"QueueConfigurations": [config]})

    def read(self, arrival: Arrival) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self.prefix + arrival.name)["Body"].read()

    def finish(self, arrival: Arrival, outcome: str, reason: str | None = None) -> str:
        """Copy the object under `processed/` or `failed/`, then delete the original: it is
        never removed before its copy (and, for `processed`, its document) is stored."""
        assert outcome in OUTCOMES
        target = f"{self.prefix}{outcome}/{safe_name(arrival)}"
        source = self.prefix + arrival.name
        self.client.copy_object(Bucket=self.bucket, Key=target, CopySource={"Bucket": self.bucket, "Key": source})
        if reason is not None:
            self.client.put_object(Bucket=self.bucket, Key=f"{target}.reason.txt", Body=reason.encode())
        self.client.delete_object(Bucket=self.bucket, Key=source)
        return target


@dataclass
class FolderDrop:
    """A scanner's output folder. A file is offered once nothing has written to it for
    `settle_s` (its modification time is that old and its size has not changed since the
    last scan): scanners and copies write a file a piece at a time."""

    folder: Path
    settle_s: float = 2.0
    _sizes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        for outcome in OUTCOMES:
            (self.folder / outcome).mkdir(parents=True, exist_ok=True)

    @property
    def label(self) -> str:
        return f"folder:{self.folder}"

    def scan(self) -> list[Arrival]:
        now = time.time()
        ready, sizes = [], {}
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if not entry.is_file(follow_symlinks=False) or entry.name.startswith("."):
                    continue
                stat = entry.stat(follow_symlinks=False)
                sizes[entry.name] = stat.st_size
                growing = self._sizes.get(entry.name, stat.st_size) != stat.st_size
                if not growing and now - stat.st_mtime >= self.settle_s:
                    ready.append(Arrival(entry.name, f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}", stat.st_size))
        self._sizes = sizes
        return ready

    def read(self, arrival: Arrival) -> bytes:
        return (self.folder / arrival.name).read_bytes()

    def finish(self, arrival: Arrival, outcome: str, reason: str | None = None) -> str:
        assert outcome in OUTCOMES
        target = self.folder / outcome / safe_name(arrival)
        if reason is not None:
            (target.parent / f"{target.name}.reason.txt").write_text(reason)
        # A rename within one folder tree is atomic: the file is in one place or the other.
        os.replace(self.folder / arrival.name, target)
        self._sizes.pop(arrival.name, None)
        return str(target)
