"""The audit trail as the API and the workers write to it: one log per process, set up once."""
from __future__ import annotations

import threading

from clinidex.audit import AuditEntry, AuditEvent
from index.audit_log import AuditLog, open_audit_log
from workers.context import Context

_logs: dict[int, AuditLog] = {}
_lock = threading.Lock()


def audit_log(ctx: Context) -> AuditLog:
    with _lock:
        log = _logs.get(id(ctx.settings))
        if log is None:
            log = open_audit_log(ctx.settings, alias=ctx.settings.audit_index_name)
            log.setup()
            _logs[id(ctx.settings)] = log
        return log


def record(ctx: Context, entry: AuditEntry) -> AuditEvent:
    """Append one event to the chain; returns once it is durable. Raises when it cannot be
    written: a caller about to disclose information must not do so unaudited."""
    return audit_log(ctx).append(entry)
