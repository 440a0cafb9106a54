"""Keep patient data out of HTTP access logs."""
from __future__ import annotations

import logging


class DropQueryStrings(logging.Filter):
    """Search URLs carry the words searched for, which often name a patient. The access log
    keeps the method, path and status, never the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryStrings) for f in access.filters):
        access.addFilter(DropQueryStrings())
