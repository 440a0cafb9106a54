"""The dead-letter store: tasks that failed for good, kept with their error until replayed.

A letter holds the task's name and arguments (document ids and page numbers, never content),
the error's type and, for Clinidex's own errors, its message, which by rule names no patient.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass

from clinidex.errors import ClinidexError
from clinidex.manifest import State, utcnow
from workers.context import Context

PREFIX = "dlq/"


@dataclass(frozen=True)
class DeadLetter:
    letter_id: str
    task: str
    args: list
    doc_id: str | None
    error: str
    reason: str
    at: str


def doc_id_of(args: list) -> str | None:
    first = args[0] if args else None
    if isinstance(first, dict):
        return first.get("doc_id")
    return first if isinstance(first, str) else None


def record(ctx: Context, task: str, args: list, exc: BaseException) -> DeadLetter:
    reason = str(exc) if isinstance(exc, ClinidexError) else f"{type(exc).__name__} (details in the worker log)"
    letter = DeadLetter(uuid.uuid4().hex, task, list(args), doc_id_of(list(args)), type(exc).__name__, reason,
                        utcnow().isoformat())
    ctx.docs.objects.put(f"{PREFIX}{letter.letter_id}.json", json.dumps(asdict(letter)).encode())
    return letter


def letters(ctx: Context) -> list[DeadLetter]:
    found = [DeadLetter(**json.loads(ctx.docs.objects.get(key))) for key in ctx.docs.objects.keys(PREFIX)]
    return sorted(found, key=lambda letter: letter.at)


def replay(ctx: Context, letter: DeadLetter, send) -> None:
    """Send the task again and drop the letter. A document that a bug marked failed is put
    back to `received` first (the one deliberate way out of `failed`), so the work restarts."""
    if letter.doc_id:
        manifest = ctx.docs.find(letter.doc_id)
        if manifest is not None and manifest.state == State.failed and manifest.metadata.get("failure_code") == "internal":
            manifest.move_to(State.received, reason="replayed from the dead-letter store")
            manifest.metadata.pop("failure_code", None)
            ctx.docs.mark_inflight(manifest.doc_id)
            ctx.docs.clear_failed(manifest.doc_id)
            ctx.docs.save(manifest)
            send("clinidex.prepare", [manifest.doc_id])
            ctx.docs.objects.delete(f"{PREFIX}{letter.letter_id}.json")
            return
    send(letter.task, letter.args)
    ctx.docs.objects.delete(f"{PREFIX}{letter.letter_id}.json")
