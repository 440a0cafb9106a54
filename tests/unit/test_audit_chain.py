"""The audit event's canonical form and hash chain, and verification against sealed batches:
every way of tampering the trail must be found, at the right seq, with the right kind."""
import copy
import json
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from clinidex.audit import (
    GENESIS, AuditEntry, AuditEvent, ChainHead, StoredBatch, batch_bytes, batch_document, canonical, chain,
    event_hash, format_at, new_claim, verify,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
# Something no problem report may ever quote.
SECRET = "Quillfeather-MRN-4471"


def entry(n: int, **values) -> AuditEntry:
    fields = dict(actor=f"user{n % 3}", role="records_clerk", action=("view", "search", "download")[n % 3],
                  object_type="document", object_id=f"doc{n:04d}", patient_ids=(f"p{n % 4}",),
                  request_id=f"req{n}", details={"n": n}, at=T0 + timedelta(minutes=n), id=f"ev{n:04d}")
    return AuditEntry(**{**fields, **values})


def build(count: int) -> list[dict]:
    events, prev = [], GENESIS
    for n in range(1, count + 1):
        events.append(chain(entry(n), n, prev))
        prev = events[-1]["hash"]
    return events


class Trail:
    """A log of 25 events: 1-20 sealed in one sealer run (batches 1-8, 9-16, 17-20, each
    recording head 20), 21-25 not yet sealed; the log's head marker at 25."""

    def __init__(self) -> None:
        self.events = build(25)
        self.objects: dict[str, bytes] = {}
        self.notes: dict[str, str] = {}
        self.seals = []
        prev = GENESIS
        for first, last in ((1, 8), (9, 16), (17, 20)):
            part = self.events[first - 1:last]
            claim = new_claim(first, last, prev, part, 20, self.events[19]["hash"], format_at(T0))
            data = batch_bytes(batch_document(claim, copy.deepcopy(part)))
            self.objects[claim.key] = data
            self.seals.append(claim.sealed("v1", "x"))
            prev = claim.last_hash
        self.head = ChainHead(25, self.events[24]["hash"])

    def at(self, seq: int) -> dict:
        return next(e for e in self.events if e["seq"] == seq)

    def verify(self):
        batches = [StoredBatch(k, v, self.notes.get(k)) for k, v in sorted(self.objects.items())]
        return verify(sorted(self.events, key=lambda e: e["seq"]), batches, self.seals, self.head)


def rehash_from(events: list[dict], seq: int) -> None:
    """What a careful forger does: recompute the hash of `seq` and every later link."""
    ordered = sorted(events, key=lambda e: e["seq"])
    for i, event in enumerate(ordered):
        if event["seq"] < seq:
            continue
        if i and event["seq"] > seq:
            event["prev_hash"] = ordered[i - 1]["hash"]
        event["hash"] = event_hash(event)


def swap(trail: Trail, a: int, b: int) -> None:
    first, second = trail.at(a), trail.at(b)
    first_copy, second_copy = dict(first), dict(second)
    first.clear(), first.update({**second_copy, "seq": a})
    second.clear(), second.update({**first_copy, "seq": b})


def forge(trail: Trail, seq: int, renumber: bool) -> None:
    """A made-up event at `seq`, chained to the event before it with a correct hash."""
    forged = chain(entry(999, actor="intruder", details={"note": SECRET}, id="forged"), seq, trail.at(seq - 1)["hash"])
    if renumber:
        for event in trail.events:
            if event["seq"] >= seq:
                event["seq"] += 1
    trail.events.append(forged)


def _modify(seq, rehash=False, chain_on=False):
    def tamper(trail: Trail) -> None:
        trail.at(seq)["details"] = {"note": SECRET}
        if chain_on:
            rehash_from(trail.events, seq)
        elif rehash:
            trail.at(seq)["hash"] = event_hash(trail.at(seq))
    return tamper


def _remove(*seqs):
    def tamper(trail: Trail) -> None:
        trail.events = [e for e in trail.events if e["seq"] not in seqs]
    return tamper


def _edit_batch(trail: Trail) -> None:
    key = next(k for k in trail.objects if "000000000009-" in k)
    document = json.loads(trail.objects[key])
    document["events"][2]["actor"] = SECRET
    trail.objects[key] = batch_bytes(document)


def _drop_object(part: str):
    def tamper(trail: Trail) -> None:
        key = next(k for k in trail.objects if part in k)
        del trail.objects[key]
    return tamper


def _overwritten(trail: Trail) -> None:
    key = next(k for k in trail.objects if "000000000009-" in k)
    trail.notes[key] = "2 versions: written over after sealing"


# (name, tamper, expected first problem: seq, kind, where)
TAMPER_CASES = [
    ("modify a sealed event", _modify(5), (5, "modified", "log")),
    ("modify a sealed event, rehash it and every later link", _modify(5, chain_on=True), (5, "modified", "log")),
    ("modify an unsealed event", _modify(22), (22, "modified", "log")),
    ("modify an unsealed event and rehash it", _modify(22, rehash=True), (22, "modified", "log")),
    ("modify the newest event and rehash it", _modify(25, rehash=True), (25, "modified", "log")),
    ("remove a sealed event", _remove(7), (7, "removed", "log")),
    ("remove an unsealed event", _remove(23), (23, "removed", "log")),
    ("swap two sealed events", lambda t: swap(t, 3, 4), (3, "reordered", "log")),
    ("swap two unsealed events", lambda t: swap(t, 21, 22), (21, "reordered", "log")),
    ("insert a forged event among sealed ones", lambda t: forge(t, 6, renumber=True), (6, "inserted", "log")),
    ("insert a forged event into the unsealed tail", lambda t: forge(t, 23, renumber=True), (23, "inserted", "log")),
    ("add a forged second event at a taken position", lambda t: forge(t, 22, renumber=False), (22, "inserted", "log")),
    ("truncate the unsealed tail", _remove(24, 25), (24, "removed", "log")),
    ("truncate the tail into the sealed part", _remove(*range(18, 26)), (18, "removed", "log")),
    ("delete a sealed batch object from the middle", _drop_object("000000000009-"), (9, "removed", "sealed")),
    ("delete the newest sealed batch object", _drop_object("000000000017-"), (17, "removed", "sealed")),
    ("edit an event inside a sealed batch object", _edit_batch, (11, "modified", "sealed")),
    ("write over a sealed batch object", _overwritten, (9, "modified", "sealed")),
]


def test_an_untouched_trail_verifies():
    verdict = Trail().verify()
    assert verdict.ok, verdict.problems
    assert (verdict.events, verdict.batches, verdict.sealed_events) == (25, 3, 20)
    assert verdict.summary().startswith("ok:")


@pytest.mark.parametrize("name,tamper,expected", TAMPER_CASES, ids=[c[0] for c in TAMPER_CASES])
def test_tampering_is_found_at_its_seq_with_its_kind(name, tamper, expected):
    trail = Trail()
    tamper(trail)
    verdict = trail.verify()
    assert not verdict.ok
    first = verdict.first
    assert (first.seq, first.kind, first.where) == expected, verdict.problems
    assert SECRET not in repr(verdict.problems) and SECRET not in verdict.summary()


def test_the_tamper_cases_cover_every_kind():
    assert {c[2][1] for c in TAMPER_CASES} == {"modified", "removed", "reordered", "inserted"}


def test_a_rewritten_unsealed_tail_with_its_head_marker_is_the_stated_limit():
    # Documented limit (clinidex/audit/verify.py): whoever rewrites the unsealed tail and the
    # head marker together is not caught before the next seal; once sealed, the same edit is.
    trail = Trail()
    _modify(22, chain_on=True)(trail)
    trail.head = ChainHead(25, trail.at(25)["hash"])
    assert trail.verify().ok
    sealed = Trail()
    _modify(12, chain_on=True)(sealed)
    sealed.head = ChainHead(25, sealed.at(25)["hash"])
    assert (sealed.verify().first.seq, sealed.verify().first.kind) == (12, "modified")


def test_a_log_with_no_seals_verifies_by_its_chain_alone():
    events = build(6)
    assert verify(events, [], [], ChainHead(6, events[-1]["hash"])).ok
    events[2]["outcome"] = "denied"
    verdict = verify(events, [], [], ChainHead(6, events[-1]["hash"]))
    assert (verdict.first.seq, verdict.first.kind) == (3, "modified")


def test_an_empty_trail_verifies():
    assert verify([], []).ok


def test_a_batch_that_does_not_start_the_chain_is_a_removal():
    trail = Trail()
    _drop_object("000000000001-")(trail)
    trail.seals = []  # even without the log's seal records
    first = trail.verify().first
    assert (first.seq, first.kind, first.where) == (1, "removed", "sealed")


# --- the event and its canonical form ---

def test_canonical_form_sorts_keys_without_whitespace_in_utf8():
    event = chain(entry(1, details={"q": "Müller  ECG", "filters": {"type": ["ecg"]}}), 1, GENESIS)
    text = canonical(event).decode("utf-8")
    assert '"hash"' not in text
    assert " " not in text.replace("Müller  ECG", "")
    assert "Müller" in text  # not \\u-escaped
    keys = list(json.loads(text))
    assert keys == sorted(keys)
    assert text.startswith('{"action":"search","actor":"user1","at":"2026-03-01T08:01:00.000000Z"')


def test_the_hash_covers_every_field():
    event = chain(entry(1), 1, GENESIS)
    changed = {"v": 2, "id": "other", "seq": 2, "at": "2026-03-01T08:01:00.000001Z", "actor": "user9",
               "role": "admin", "action": "download", "object_type": "patient", "object_id": "doc9",
               "patient_ids": ["p1", "p2"], "request_id": "req9", "outcome": "denied", "details": {"n": 2},
               "prev_hash": "1" * 64}
    assert set(changed) == set(event) - {"hash"}
    for name, value in changed.items():
        assert event_hash({**event, name: value}) != event["hash"], name
    assert event_hash(event) == event["hash"]


def test_each_event_links_to_the_one_before():
    events = build(4)
    assert events[0]["prev_hash"] == GENESIS
    assert [e["prev_hash"] for e in events[1:]] == [e["hash"] for e in events[:-1]]
    assert len({e["hash"] for e in events}) == 4


def test_patient_ids_are_stored_sorted_once():
    event = chain(entry(1, patient_ids=("p9", "p2", "p9")), 1, GENESIS)
    assert event["patient_ids"] == ["p2", "p9"]


def test_times_are_utc_with_a_fixed_width():
    local = datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    assert chain(entry(1, at=local), 1, GENESIS)["at"] == "2026-03-01T08:00:00.000000Z"


@pytest.mark.parametrize("bad", [
    {"action": "peek"},
    {"outcome": "maybe"},
    {"actor": ""},
    {"at": datetime(2026, 3, 1, 8, 0)},
    {"details": {"score": float("nan")}},
    {"details": {"when": datetime(2026, 1, 1)}},
    {"colour": "red"},
])
def test_entries_refuse_what_would_not_hash_reliably(bad):
    with pytest.raises(ValidationError):
        entry(1, **bad)


def test_the_typed_view_gives_back_the_stored_event():
    event = chain(entry(3, details={"query": "ejection fraction", "filters": {"patient": ["p1"]}}), 3, GENESIS)
    typed = AuditEvent.from_stored(event)
    assert typed.at == T0 + timedelta(minutes=3)
    assert typed.stored() == event
