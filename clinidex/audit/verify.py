"""Verification of the whole trail: the sealed batches, the events in the queryable log, and the
log's head marker, checked against one another.

What is trusted: a sealed batch that checks out in itself (its events chain from its prev_hash
to its last_hash) and continues the batch before it. On S3 the bucket's Object Lock keeps those
objects as first written, so they are the reference for everything they cover: an event in the
log that differs from its sealed copy is reported even when its hash and every later link were
recomputed. Events not yet sealed are checked by the chain alone (each hash recomputed, each
prev_hash link followed), and the log must reach its head marker and the head each batch
recorded, so a truncated tail is caught.

Each problem names the first seq it concerns, where it was found (`log`: the queryable store;
`sealed`: the batch objects) and its kind:
- modified: an event's content no longer matches its hash or its sealed copy, or an event was
  rewritten with a recomputed hash (the next event still links to the original).
- removed: a position is empty, an event links to a predecessor that is gone, the log ends
  before a head recorded earlier, or a sealed batch is missing.
- reordered: an event sits at another event's position (it links to, or is, the event of
  another seq).
- inserted: an event the chain does not account for: a second event at one position, an event
  the next one links past, or an event at a sealed position that is not the sealed one.
Problems never quote event content; they name positions only.

Limits, stated rather than hidden: events written after the last seal are protected by the
chain and the head marker only. Someone able to write the log store can append a well-formed
event, or rewrite the unsealed tail and the head marker together; the next seal would then
freeze that version. The window is the seal interval. Closing it needs a secret the store does
not hold (signing the head, or an HMAC over each event), which this module leaves as an option.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from clinidex.audit.events import GENESIS, ChainHead, event_hash
from clinidex.audit.seals import BatchUnreadable, SealRecord, key_range, parse_batch

KINDS = ("modified", "removed", "reordered", "inserted")


@dataclass(frozen=True)
class StoredBatch:
    """A batch object as read from the bucket: its key, its original bytes (None when it could
    not be read), and anything the bucket says about it besides (such as a later version
    written over it, or a delete marker hiding it)."""

    key: str
    data: bytes | None
    note: str | None = None


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.kind} ({self.where}) - {self.detail}"


@dataclass
class Verdict:
    events: int = 0
    batches: int = 0
    sealed_events: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def summary(self) -> str:
        counts = (f"{self.events} event(s) in the log, {self.batches} sealed batch(es) holding "
                  f"{self.sealed_events} event(s)")
        if self.ok:
            return f"ok: {counts}"
        return f"BROKEN at {self.first}; {len(self.problems)} problem(s); {counts}"


@dataclass
class _Batch:
    first: int
    last: int
    prev_hash: str
    last_hash: str
    head: ChainHead | None
    events: list[dict[str, Any]]
    clean: bool

    @property
    def key_range(self) -> str:
        return f"{self.first}-{self.last}"


def verify(events: Iterable[dict[str, Any]], batches: Iterable[StoredBatch], seals: Iterable[SealRecord] = (),
           head: ChainHead | None = None, *, max_problems: int = 1000) -> Verdict:
    """Check `events` (the log, in chain order) against `batches` (every object under the
    sealed prefix, in key order), the log's seal records and its head marker. Both streams are
    read once, a batch's range at a time, so a long trail is checked in little memory."""
    verdict = Verdict()
    problems: list[Problem] = []
    checkpoints: dict[int, str] = {}
    if head is not None and head.seq > 0:
        checkpoints[head.seq] = head.hash
    ends: dict[tuple[int, int], str] = {}
    stream = _Counted(events)
    position, link = 1, GENESIS
    for batch in _batches(batches, problems, verdict):
        ends[(batch.first, batch.last)] = batch.last_hash
        if not batch.clean:
            continue  # its range is checked by the chain alone, with the next window
        if batch.head is not None and batch.head.seq > batch.last:
            checkpoints.setdefault(batch.head.seq, batch.head.hash)
        if batch.first > position:
            found = stream.take_until(batch.first - 1)
            _walk(found, position, link, batch.first - 1, None, "log", checkpoints, problems)
        found = stream.take_until(batch.last)
        _walk(found, batch.first, batch.prev_hash, batch.last, {e["seq"]: e for e in batch.events}, "log",
              checkpoints, problems)
        verdict.sealed_events += len(batch.events)
        position, link = batch.last + 1, batch.last_hash
    tail = stream.take_until(None)
    last_seen = max((e["seq"] for e in tail if _position(e) is not None), default=position - 1)
    reach = max(checkpoints, default=0)
    _walk(tail, position, link, max(last_seen, reach, position - 1), None, "log", checkpoints, problems)
    _check_seal_records(ends, seals, problems)

    verdict.events = stream.count
    # One report per position, kind and place: a break often shows in several checks at once.
    seen: set[tuple[int, str, str]] = set()
    unique = [p for p in problems if (p.seq, p.kind, p.where) not in seen and not seen.add((p.seq, p.kind, p.where))]
    unique.sort(key=lambda p: (p.seq, p.where != "log"))
    verdict.problems = unique[:max_problems]
    return verdict


def _batches(batches: Iterable[StoredBatch], problems: list[Problem], verdict: Verdict) -> Iterator[_Batch]:
    """Each batch object read and checked in itself and against the one before it."""
    expect, link = 1, GENESIS
    for stored in batches:
        verdict.batches += 1
        batch = _read_batch(stored, problems)
        if batch is None:
            continue
        if batch.first > expect:
            problems.append(Problem(expect, "removed", "sealed",
                                    f"no sealed batch holds seq {expect}-{batch.first - 1}"))
        elif batch.first < expect:
            problems.append(Problem(batch.first, "inserted", "sealed",
                                    f"batch {batch.key_range} overlaps the batch before it"))
            batch.clean = False
            yield batch
            continue
        elif batch.prev_hash != link:
            problems.append(Problem(batch.first, "modified", "sealed",
                                    f"batch {batch.key_range} does not continue the batch before it"))
            batch.clean = False
        expect, link = batch.last + 1, batch.last_hash
        yield batch


def _read_batch(stored: StoredBatch, problems: list[Problem]) -> _Batch | None:
    named = key_range(stored.key)
    if named is None:
        problems.append(Problem(0, "inserted", "sealed", "an object under the sealed prefix is not a batch"))
        return None
    first, last = named
    label = f"batch {first}-{last}"
    if stored.note:
        problems.append(Problem(first, "modified", "sealed", f"{label}: {stored.note}"))
    if stored.data is None:
        problems.append(Problem(first, "removed", "sealed", f"{label} could not be read"))
        return None
    try:
        document = parse_batch(stored.data)
    except BatchUnreadable as exc:
        problems.append(Problem(first, "modified", "sealed", f"{label} is unreadable: {exc}"))
        return None
    if (document["first_seq"], document["last_seq"]) != (first, last):
        problems.append(Problem(first, "modified", "sealed", f"{label}: content does not match its key"))
        return None
    inner: list[Problem] = []
    end_hash = _walk(document["events"], first, document["prev_hash"], last, None, "sealed", {}, inner)
    if not inner and end_hash != document["last_hash"]:
        inner.append(Problem(last, "modified", "sealed", f"{label}: last_hash does not match its last event"))
    problems.extend(inner)
    recorded = document["head"]
    head = ChainHead(recorded["seq"], recorded["hash"]) if isinstance(recorded.get("seq"), int) else None
    return _Batch(first, last, document["prev_hash"], document["last_hash"], head, document["events"],
                  clean=not inner)


def _check_seal_records(ends: dict[tuple[int, int], str], seals: Iterable[SealRecord],
                        problems: list[Problem]) -> None:
    """The log's own record of each seal: a batch it says was written must still be there."""
    for record in seals:
        if record.state != "sealed":
            continue
        last_hash = ends.get((record.first_seq, record.last_seq))
        if last_hash is None:
            problems.append(Problem(record.first_seq, "removed", "sealed",
                                    f"sealed batch {record.first_seq}-{record.last_seq} is missing from the bucket"))
        elif last_hash != record.last_hash:
            problems.append(Problem(record.first_seq, "modified", "sealed",
                                    f"batch {record.first_seq}-{record.last_seq} does not end where its seal "
                                    "record says"))


def _position(event: dict[str, Any]) -> int | None:
    seq = event.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None


class _Counted:
    """The log's events in order, taken a window at a time (one batch's range, then the tail),
    so a long trail is checked without holding it all."""

    def __init__(self, events: Iterable[dict[str, Any]]) -> None:
        self._events: Iterator[dict[str, Any]] = iter(events)
        self._next: dict[str, Any] | None = None
        self.count = 0

    def _peek(self) -> dict[str, Any] | None:
        if self._next is None:
            self._next = next(self._events, None)
            if self._next is not None:
                self.count += 1
        return self._next

    def take_until(self, last: int | None) -> list[dict[str, Any]]:
        found = []
        while (event := self._peek()) is not None:
            seq = _position(event)
            if last is not None and seq is not None and seq > last:
                break
            found.append(event)
            self._next = None
        return found


def _walk(found: list[dict[str, Any]], first: int, link: str | None, end: int,
          ref: dict[int, dict[str, Any]] | None, where: str, checkpoints: dict[int, str],
          problems: list[Problem]) -> str | None:
    """Check the events of positions first..end. `link` is the hash the event at `first` must
    link to (None: unknown, after a gap); `ref` the sealed copies of these positions, if any.
    Returns the hash the event after `end` must link to."""

    def report(seq: int, kind: str, detail: str) -> None:
        problems.append(Problem(seq, kind, where, detail))

    by_seq: dict[int, list[dict[str, Any]]] = {}
    for event in found:
        seq = _position(event)
        if seq is None:
            report(first, "modified", "an event has no usable seq")
        elif seq < first:
            report(seq, "inserted", "an event claims a position already checked")
        else:
            by_seq.setdefault(seq, []).append(event)
    hash_pos: dict[Any, int] = {link: first - 1} if link is not None else {}
    for seq, group in by_seq.items():
        for event in group:
            hash_pos.setdefault(event.get("hash"), seq)
    ref_pos = {r.get("id"): s for s, r in ref.items()} if ref else {}

    gap_from: int | None = None  # a run of empty positions is one problem

    def gap_ends(before: int) -> None:
        if gap_from is not None:
            report(gap_from, "removed", "no event at this position" if gap_from == before - 1
                   else f"no event at seq {gap_from}-{before - 1}")

    for s in range(first, end + 1):
        group = by_seq.get(s)
        if not group:
            gap_from = s if gap_from is None else gap_from
            link = ref[s]["hash"] if ref and s in ref else None
            continue
        gap_ends(s)
        gap_from = None
        sealed = ref.get(s) if ref is not None else None
        event = _genuine(group, sealed, by_seq.get(s + 1, []), link)
        if len(group) > 1:
            report(s, "inserted", "a second event claims this position")
        if ref is not None and sealed is not None:
            if event != sealed:
                owner = ref_pos.get(event.get("id"))
                if event.get("id") == sealed.get("id"):
                    report(s, "modified", "differs from its sealed copy")
                elif owner is not None:
                    report(s, "reordered", f"holds the sealed event of seq {owner}")
                else:
                    report(s, "inserted", "not the event sealed at this position")
            link = sealed.get("hash")
        else:
            link = _check_link(event, s, first, link, by_seq, hash_pos, report)
        if s in checkpoints and event.get("hash") != checkpoints[s]:
            report(s, "modified", "differs from the chain head recorded earlier")
    gap_ends(end + 1)
    for seq in sorted(by_seq):
        if seq > end:
            report(seq, "inserted", "an event beyond the range being checked")
    return link


def _check_link(event: dict[str, Any], s: int, first: int, link: str | None,
                by_seq: dict[int, list[dict[str, Any]]], hash_pos: dict[Any, int], report) -> str | None:
    """The chain-only check of one event; returns the hash the next event must link to."""
    self_ok = event_hash(event) == event.get("hash")
    link_ok = link is None or event.get("prev_hash") == link
    predecessor = hash_pos.get(event.get("prev_hash"))
    if self_ok and link_ok:
        after = by_seq.get(s + 1, [])
        if (link is not None and after and all(n.get("prev_hash") != event.get("hash") for n in after)
                and any(n.get("prev_hash") == link for n in after)):
            report(s, "inserted", "the next event links past this one")
            return link
        return event.get("hash")
    if not self_ok:
        if link_ok:
            report(s, "modified", "content does not match its hash")
        elif predecessor is not None and predecessor != s - 1:
            report(s, "reordered", "links to the event at another position")
        elif predecessor is None:
            report(s, "removed", "the event it links to is missing")
        else:
            report(s, "modified", "content does not match its hash")
        return event.get("hash")
    if predecessor is not None and predecessor != s - 1:
        report(s, "reordered", "links to the event at another position")
    else:
        report(max(s - 1, first), "modified", "rewritten with a new hash: the next event links to the original")
    return event.get("hash")


def _genuine(group: list[dict[str, Any]], sealed: dict[str, Any] | None, after: list[dict[str, Any]],
             link: str | None) -> dict[str, Any]:
    """Of several events at one position, the one the chain vouches for."""
    if len(group) == 1:
        return group[0]
    if sealed is not None:
        return next((e for e in group if e == sealed), group[0])
    linked = {n.get("prev_hash") for n in after}
    return (next((e for e in group if e.get("hash") in linked), None)
            or next((e for e in group if e.get("prev_hash") == link and event_hash(e) == e.get("hash")), None)
            or group[0])
