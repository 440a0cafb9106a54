"""Rebuild the search index from the manifests in the object store (`clinidex reindex`).

Store is truth, index is access: every indexed document's entry is rebuilt from its manifest.
Reading manifests one after another is latency-bound on S3 (one GET round trip each), so a
thread pool reads them, the main thread turns them into index entries and a writer thread sends
them in bulk (`put_many`) while the next batch is read. At most a few batches are in memory, so
a store of millions of documents streams through.

A document that has not reached `indexed` (still in the pipeline, failed) is skipped: its own
index task writes it when it gets there. A manifest that cannot be read or parsed is counted and
reported by id, never fatal: one damaged object must not stop a recovery. A store that stays
unreachable after a few tries is fatal (a partial index would pass for a complete one).
"""
from __future__ import annotations

import logging
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable

from pydantic import ValidationError

from clinidex.errors import NotFound, TransientError
from clinidex.manifest import State
from clinidex.store import DocumentStore
from index.base import IndexDocument, SearchBackend

log = logging.getLogger("clinidex.reindex")

# Reads in flight. botocore's connection pool holds 10 per client: more readers only churn
# connections ("Connection pool is full"), and 8 read as fast as 16 (bench/search.py).
READERS = 8
BATCH = 500
ATTEMPTS = 3
# Ids of unreadable manifests kept for the report (all are counted).
KEEP_FAILED = 100


@dataclass
class ReindexReport:
    indexed: int = 0
    skipped: int = 0  # not indexed yet (or any more), or gone between listing and reading
    failed: int = 0  # manifest unreadable or invalid
    failed_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Documents indexed per second."""
        return self.indexed / self.seconds if self.seconds else 0.0


class _Unreadable(Exception):
    pass


def _read(docs: DocumentStore, doc_id: str) -> IndexDocument | None:
    """The document's index entry; None when it is not to be indexed."""
    for attempt in range(ATTEMPTS):
        try:
            manifest = docs.load(doc_id)
            break
        except NotFound:
            return None
        except TransientError:
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.5 * 2 ** attempt)
        except (ValidationError, ValueError, UnicodeDecodeError) as exc:
            # The exception's message can quote the manifest (document text): only its type is kept.
            raise _Unreadable(type(exc).__name__) from None
    if manifest.state != State.indexed:
        return None
    try:
        return IndexDocument.from_manifest(manifest)
    except (ValidationError, ValueError, KeyError, TypeError) as exc:
        raise _Unreadable(type(exc).__name__) from None


def reindex(docs: DocumentStore, index: SearchBackend, *, fresh: bool = False, readers: int = READERS,
            batch: int = BATCH, doc_ids: Iterable[str] | None = None,
            progress: Callable[[ReindexReport], None] | None = None) -> ReindexReport:
    """Write an index entry for every indexed document in the store (or in `doc_ids`).

    `fresh` empties the index first, which also drops entries whose manifests are gone; without
    it entries are replaced in place and searches keep working throughout. `progress` is called
    after each batch is written."""
    report = ReindexReport()
    started = time.perf_counter()
    if fresh:
        index.clear()
    ids = iter(doc_ids if doc_ids is not None else docs.doc_ids())
    pending: deque[tuple[str, Future]] = deque()
    entries: list[IndexDocument] = []
    # One bulk write in flight while the readers fetch the next batch.
    writing: Future | None = None
    written = 0

    with ThreadPoolExecutor(readers, thread_name_prefix="reindex-read") as pool, \
            ThreadPoolExecutor(1, thread_name_prefix="reindex-write") as writer:

        def flush() -> None:
            """Wait for the write in flight, then send what has been read since."""
            nonlocal writing, written, entries
            if writing is not None:
                writing.result()  # a failed bulk write is fatal: raised here
                report.indexed += written
                if progress:
                    progress(report)
            writing, written = (writer.submit(index.put_many, entries), len(entries)) if entries else (None, 0)
            entries = []

        def fill() -> None:
            # Keep every reader busy with a few queued reads, without listing the whole store ahead.
            while len(pending) < readers * 4:
                doc_id = next(ids, None)
                if doc_id is None:
                    return
                pending.append((doc_id, pool.submit(_read, docs, doc_id)))

        fill()
        while pending:
            doc_id, future = pending.popleft()
            fill()
            try:
                entry = future.result()
            except _Unreadable as exc:
                report.failed += 1
                if len(report.failed_ids) < KEEP_FAILED:
                    report.failed_ids.append(doc_id)
                log.warning("manifest of document %s unreadable (%s); not indexed", doc_id, exc)
                continue
            if entry is None:
                report.skipped += 1
                continue
            entries.append(entry)
            if len(entries) >= batch:
                flush()
        flush()
        flush()
    index.refresh()
    report.seconds = time.perf_counter() - started
    log.info("reindex: %d indexed, %d skipped, %d unreadable in %.1f s", report.indexed, report.skipped,
             report.failed, report.seconds)
    return report
