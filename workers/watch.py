"""The drop watcher: turns files left in S3 prefixes and folders into documents, once each.

For each arrival: read it, store it (original, manifest, receipt), queue it, and only then file
it under `processed/`; bad input is filed under `failed/` with its reason. A crash anywhere in
between leaves the file in place, and the next scan repeats the same steps harmlessly: the
document id comes from the content and the receipt id from the arrival, so nothing is stored
twice. A service outage leaves the arrival for the next scan; the watcher itself never stops.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import Counter
from dataclasses import dataclass, field

from clinidex.settings import Settings
from ingest.drops import Arrival, FolderDrop, S3Drop
from ingest.errors import IntakeError, TooLarge
from workers.context import Context
from workers.intake import enqueue, receive

log = logging.getLogger("clinidex.watch")


def receipt_id_for(label: str, arrival: Arrival) -> str:
    return hashlib.sha256(f"{label}\n{arrival.identity}".encode()).hexdigest()[:32]


def service_down(exc: BaseException) -> bool:
    """Errors that say a service (store, broker, index) is unreachable, not that a file is bad."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import ReadTimeoutError
    from kombu.exceptions import OperationalError

    from clinidex.errors import TransientError

    return isinstance(exc, (TransientError, OperationalError, BotoConnectionError, ReadTimeoutError,
                            ConnectionError, TimeoutError))


def open_drops(settings: Settings) -> list:
    drops: list = []
    if settings.drop_s3_prefixes:
        from clinidex.store import s3_client

        client = s3_client(settings)
        drops += [S3Drop(client, bucket, prefix) for bucket, prefix in settings.drop_s3_prefixes]
    drops += [FolderDrop(folder, settle_s=settings.drop_settle_s) for folder in settings.drop_folder_paths]
    return drops


@dataclass
class Watcher:
    ctx: Context
    drops: list
    max_attempts: int = 5
    attempts: Counter = field(default_factory=Counter)
    wake: threading.Event = field(default_factory=threading.Event)

    def handle(self, drop, arrival: Arrival) -> str:
        key = receipt_id_for(drop.label, arrival)
        try:
            limit = self.ctx.settings.max_upload_bytes
            if arrival.size > limit:  # refused without reading it into memory
                raise TooLarge(f"The file is {arrival.size} bytes; the limit is {limit} bytes.")
            data = drop.read(arrival)
            receipt = receive(self.ctx, data, filename=arrival.name, source=drop.label, receipt_id=key)
            enqueue(receipt)
        except IntakeError as exc:
            drop.finish(arrival, "failed", str(exc))
            log.warning("drop %s: an arrival failed: %s", drop.label, exc.code)
            return "failed"
        except Exception as exc:
            if service_down(exc):
                raise  # not this file's fault: the scan stops and is tried again, nothing counted
            # This file keeps failing for a reason that is not bad input: try it again a few times.
            self.attempts[key] += 1
            if self.attempts[key] >= self.max_attempts:
                reason = f"Gave up after {self.attempts[key]} attempts ({type(exc).__name__})."
                try:
                    drop.finish(arrival, "failed", reason)
                except Exception:
                    return "retry"
                log.error("drop %s: an arrival failed %d times: %s", drop.label, self.attempts[key], type(exc).__name__)
                return "failed"
            log.warning("drop %s: will retry an arrival: %s", drop.label, type(exc).__name__)
            return "retry"
        drop.finish(arrival, "processed")
        self.attempts.pop(key, None)
        return "processed" if receipt.created else "duplicate"

    def scan_once(self) -> Counter:
        outcomes: Counter = Counter()
        for drop in self.drops:
            try:
                arrivals = drop.scan()
            except Exception as exc:
                log.warning("drop %s: scan failed: %s", drop.label, type(exc).__name__)
                outcomes["scan_error"] += 1
                continue
            try:
                for arrival in arrivals:
                    outcomes[self.handle(drop, arrival)] += 1
            except Exception as exc:  # service_down: leave the rest of this drop for the next scan
                log.warning("drop %s: a service is unavailable (%s); retrying next scan", drop.label,
                            type(exc).__name__)
                outcomes["retry"] += 1
        return outcomes

    def run(self, interval_s: float, stop: threading.Event, events_port: int | None = None,
            events_arn: str | None = None, events_host: str = "127.0.0.1") -> None:
        """Scan every `interval_s`, or sooner when a folder event or a bucket notification
        wakes the loop. Notifications only say "look now": the scan does the work, so a lost
        notification costs at most one interval."""
        observer = self._observe_folders()
        server = self._listen_for_notifications(events_host, events_port, events_arn)
        try:
            while not stop.is_set():
                self.wake.clear()
                self.scan_once()
                self.wake.wait(interval_s)
        finally:
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)
            if server is not None:
                server.shutdown()

    def _listen_for_notifications(self, host: str, port: int | None, arn: str | None):
        buckets = [d for d in self.drops if isinstance(d, S3Drop)]
        if not port or not buckets:
            return None
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        wake = self.wake

        class Events(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                # The body names object keys, which may name patients: read and drop it.
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                wake.set()
                self.send_response(200)
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802 (the server's reachability check)
                self.send_response(200)
                self.end_headers()

            do_HEAD = do_GET

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer((host, port), Events)
        threading.Thread(target=server.serve_forever, name="s3-events", daemon=True).start()
        for drop in buckets:
            if not arn:
                continue
            try:
                drop.subscribe(arn)
            except Exception as exc:
                log.warning("drop %s: no bucket notifications (%s); polling only", drop.label, type(exc).__name__)
        return server

    def _observe_folders(self):
        folders = [d for d in self.drops if isinstance(d, FolderDrop)]
        if not folders:
            return None
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        wake = self.wake

        class Wake(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                wake.set()

        observer = Observer()
        for drop in folders:
            observer.schedule(Wake(), str(drop.folder), recursive=False)
        observer.start()
        return observer

