"""Structured JSON logs: one object per line, with the request and document ids in context.

Messages name documents by id only; patient data and document text never reach a log (file
names stay in manifests, query strings are dropped from access logs).
"""
from __future__ import annotations

import logging
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
doc_id: ContextVar[str | None] = ContextVar("doc_id", default=None)


class Context(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.doc_id = doc_id.get()
        return True


def configure(level: int = logging.INFO) -> None:
    """Send every log record to stderr as JSON (idempotent)."""
    root = logging.getLogger()
    if any(getattr(h, "_clinidex", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler._clinidex = True  # type: ignore[attr-defined]
    handler.addFilter(Context())
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(processName)s %(message)s %(request_id)s %(doc_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger", "processName": "process"},
    ))
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn and celery install their own handlers; route them through the root instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
