"""One suite for every audit log backend: one chain however many processes write, the same
answers to the accounting questions, and tampering below the interface is found."""
import json
import multiprocessing
import time
from datetime import datetime, timedelta, timezone

import pytest

from clinidex.audit import GENESIS, AuditEntry, SealRecord, chain, event_hash, verify
from index.audit_embedded import EmbeddedAuditLog
from index.audit_log import AuditLog
from index.query import BadCursor
from tests.support.services import services_or_skip, unique

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=timezone.utc)


class Backend:
    """The log under test, a way to open it again (in another process) and raw access to its
    storage, for tampering the way someone with database access could."""

    def __init__(self, kind: str, log: AuditLog, reopen) -> None:
        self.kind, self.log, self.reopen = kind, log, reopen

    def replace(self, seq: int, event: dict) -> None:
        if self.kind == "embedded":
            self.log.db.execute("UPDATE audit_events SET event = ? WHERE seq = ?", (json.dumps(event), seq))
        else:
            self.log.client.index(index=self.log.alias, id=f"e{seq:012d}", body={"kind": "event", **event},
                                  refresh=True)

    def delete(self, seq: int) -> None:
        if self.kind == "embedded":
            self.log.db.execute("DELETE FROM audit_events WHERE seq = ?", (seq,))
        else:
            self.log.client.delete(index=self.log.alias, id=f"e{seq:012d}", refresh=True)


def open_backend(kind: str, folder):
    if kind == "embedded":
        path = folder / "audit.sqlite3"

        def reopen():
            log = EmbeddedAuditLog(path)
            log.setup()
            return log

        yield Backend("embedded", reopen(), reopen)
        return
    from index.audit_opensearch import OpenSearchAuditLog

    svc = services_or_skip()
    alias = unique("audit")

    def reopen():
        log = OpenSearchAuditLog(svc.opensearch_url, alias)
        log.setup()
        return log

    log = reopen()
    yield Backend("opensearch", log, reopen)
    log.client.indices.delete(index=log.concrete)


@pytest.fixture(params=["embedded", "opensearch"])
def backend(request, tmp_path):
    yield from open_backend(request.param, tmp_path)


@pytest.fixture
def log(backend):
    return backend.log


def entry(n: int, **values) -> AuditEntry:
    fields = dict(actor="alice", role="records_clerk", action="view", object_type="document", object_id=f"doc{n}",
                  patient_ids=("p1",), request_id=f"req{n}", at=T0 + timedelta(hours=n), details={"n": n})
    return AuditEntry(**{**fields, **values})


def stored_chain(log: AuditLog) -> list[dict]:
    log.refresh()
    return list(log.scan())


def test_appends_form_one_chain(log):
    written = [log.append(entry(n)) for n in range(1, 6)]
    assert [e.seq for e in written] == [1, 2, 3, 4, 5]
    assert written[0].prev_hash == GENESIS
    assert [e.prev_hash for e in written[1:]] == [e.hash for e in written[:-1]]
    events = stored_chain(log)
    assert events == [e.stored() for e in written]
    assert all(event_hash(e) == e["hash"] for e in events)
    assert (log.head().seq, log.head().hash) == (5, written[-1].hash)
    assert verify(events, [], [], log.head()).ok


def test_new_events_are_readable_at_once_by_position(log):
    # The sealer and the writers read the head and events without waiting for a refresh.
    first = log.append(entry(1))
    second = log.append(entry(2, details={"query": "échocardiogramme \"ejection fraction\"", "filters": {"type": ["ecg"]}}))
    assert log.head().seq == 2
    assert log.events(1, 2) == [first.stored(), second.stored()]
    assert log.events(2, 9) == [second.stored()]
    assert log.events(3, 9) == []


def test_events_are_searchable_within_seconds(log):
    log.append(entry(1, patient_ids=("p42",)))
    deadline = time.monotonic() + 5
    while not log.accesses_to_patient("p42").events:
        assert time.monotonic() < deadline, "event not searchable after 5 s"
        time.sleep(0.1)


def _write_many(reopen, worker: int, count: int) -> None:
    log = reopen()
    for n in range(count):
        log.append(entry(n, actor=f"worker{worker}", id=f"w{worker}-{n}"))


def test_concurrent_writers_in_several_processes_share_one_chain(backend):
    workers, each = 4, 12
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_write_many, args=(backend.reopen, w, each)) for w in range(workers)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(60)
        assert p.exitcode == 0
    events = stored_chain(backend.log)
    assert [e["seq"] for e in events] == list(range(1, workers * each + 1))
    assert {e["id"] for e in events} == {f"w{w}-{n}" for w in range(workers) for n in range(each)}
    assert verify(events, [], [], backend.log.head()).ok


def test_a_retried_write_is_not_recorded_twice(backend):
    if backend.kind != "opensearch":
        pytest.skip("SQLite commits or rolls back as one: there is no write that lands after an error")
    log = backend.log
    sent = entry(1)
    # The client's own retry after a timeout: its first attempt took the position, the answer
    # was lost, and the retry (same entry, same position) meets the 409.
    landed = chain(sent, 1, GENESIS)
    log.client.create(index=log.alias, id="e000000000001", body={"kind": "event", **landed})
    log.client.index(index=log.alias, id="head", body={"kind": "head", "head": {"seq": 0, "hash": GENESIS}},
                     version=0, version_type="external")
    first = log.append(sent)
    assert first.stored() == landed
    assert [e["id"] for e in stored_chain(log)] == [sent.id]
    assert log.head().seq == 1 and log._head_marker().seq == 1


def test_a_writer_that_died_before_moving_the_head_is_followed(backend):
    if backend.kind != "opensearch":
        pytest.skip("SQLite moves the head in the event's own transaction")
    log = backend.log
    log.append(entry(1))
    orphan = chain(entry(2), 2, log.events(1, 1)[0]["hash"])
    log.client.create(index=log.alias, id="e000000000002", body={"kind": "event", **orphan})
    assert log.head().seq == 2
    third = log.append(entry(3))
    assert (third.seq, third.prev_hash) == (3, orphan["hash"])
    assert verify(stored_chain(log), [], [], log.head()).ok


# --- the accounting questions ---

PEOPLE = [
    # n, actor, action, patients, object
    (1, "alice", "search", ("p1", "p2"), ("search", None)),
    (2, "alice", "view", ("p1",), ("document", "d1")),
    (3, "bob", "view", ("p2",), ("document", "d2")),
    (4, "bob", "download", ("p1",), ("document", "d1")),
    (5, "carol", "view", ("p3",), ("document", "d3")),
    (6, "alice", "download", ("p1",), ("document", "d1")),
    (7, "bob", "correct", ("p1",), ("document", "d4")),
    (8, "alice", "view", ("p9",), ("patient", "d1")),
    (9, "bob", "auth_denied", (), ("document", "d1")),
]


@pytest.fixture(scope="module", params=["embedded", "opensearch"])
def accesses(request, tmp_path_factory):
    # Written once per backend and only read by the tests that use it.
    opened = open_backend(request.param, tmp_path_factory.mktemp("accesses"))
    log = next(opened).log
    for n, actor, action, patients, (otype, oid) in PEOPLE:
        log.append(entry(n, actor=actor, action=action, patient_ids=patients, object_type=otype, object_id=oid,
                         outcome="denied" if action == "auth_denied" else "ok", id=f"a{n}"))
    log.refresh()
    yield log
    next(opened, None)


def ids(found) -> list[str]:
    return [e.id for e in found.events]


def expected(match) -> list[str]:
    return [f"a{row[0]}" for row in reversed(PEOPLE) if match(*row)]


def test_who_accessed_a_patient_between_two_dates(accesses):
    since, until = T0 + timedelta(hours=2), T0 + timedelta(hours=7)
    found = accesses.accesses_to_patient("p1", since, until)
    assert ids(found) == expected(lambda n, a, act, p, o: "p1" in p and 2 <= n < 7) == ["a6", "a4", "a2"]
    assert found.next_cursor is None
    assert ids(accesses.accesses_to_patient("p1")) == ["a7", "a6", "a4", "a2", "a1"]


def test_a_merged_patient_is_asked_for_with_its_whole_scope(accesses):
    assert ids(accesses.accesses_to_patient(("p2", "p9"))) == ["a8", "a3", "a1"]


def test_accesses_can_be_narrowed_to_actions(accesses):
    assert ids(accesses.accesses_to_patient("p1", actions=["download", "view"])) == ["a6", "a4", "a2"]
    assert ids(accesses.accesses_by_actor("bob", actions=["auth_denied"])) == ["a9"]


def test_what_one_user_accessed(accesses):
    assert ids(accesses.accesses_by_actor("bob")) == expected(lambda n, a, *_: a == "bob") == ["a9", "a7", "a4", "a3"]
    assert ids(accesses.accesses_by_actor("alice", until=T0 + timedelta(hours=2))) == ["a1"]
    assert ids(accesses.accesses_by_actor("dave")) == []


def test_everything_that_happened_to_one_object(accesses):
    assert ids(accesses.events_for_object("d1")) == ["a9", "a8", "a6", "a4", "a2"]
    assert ids(accesses.events_for_object("d1", "document")) == ["a9", "a6", "a4", "a2"]


def test_pages_follow_one_another_newest_first(accesses):
    seen, cursor = [], None
    while True:
        found = accesses.accesses_to_patient("p1", limit=2, cursor=cursor)
        assert len(found.events) <= 2
        seen += ids(found)
        cursor = found.next_cursor
        if cursor is None:
            break
    assert seen == ["a7", "a6", "a4", "a2", "a1"]


def test_date_bounds_take_since_and_leave_out_until(accesses):
    at_two = T0 + timedelta(hours=2)
    assert ids(accesses.accesses_to_patient("p1", since=at_two, until=at_two + timedelta(microseconds=1))) == ["a2"]
    assert ids(accesses.accesses_to_patient("p1", since=at_two, until=at_two)) == []


def test_query_events_carry_everything_recorded(accesses):
    event = accesses.events_for_object("d2").events[0]
    assert (event.actor, event.role, event.action, event.object_type, event.patient_ids, event.request_id,
            event.outcome, event.at, event.details) == ("bob", "records_clerk", "view", "document", ("p2",), "req3",
                                                         "ok", T0 + timedelta(hours=3), {"n": 3})


def test_a_cursor_not_handed_out_is_refused(accesses):
    with pytest.raises(BadCursor):
        accesses.accesses_by_actor("bob", cursor="not-a-cursor")
    with pytest.raises(ValueError):
        accesses.accesses_by_actor("bob", limit=0)


def test_the_log_offers_no_way_to_delete_events(log):
    # Destroying a document never purges its audit events: there is nothing to call.
    assert not [name for name in dir(log) if any(w in name for w in ("delete", "clear", "purge", "remove", "drop"))]


# --- seal records ---

def claim(first: int, last: int) -> SealRecord:
    return SealRecord(first, last, GENESIS, "a" * 64, last, "a" * 64, "2026-02-01T09:00:00.000000Z")


def test_a_seal_is_claimed_once_then_confirmed(log):
    assert log.last_seal() is None
    assert log.claim_seal(claim(1, 10))
    assert not log.claim_seal(claim(1, 12))
    assert log.last_seal() == claim(1, 10)
    assert log.claim_seal(claim(11, 20))
    log.confirm_seal(claim(1, 10).sealed("v1", "b" * 64))
    assert log.last_seal().first_seq == 11 and log.last_seal().state == "claimed"
    assert [(s.first_seq, s.state, s.version_id) for s in log.seals()] == [(1, "sealed", "v1"), (11, "claimed", None)]


# --- tampering below the interface ---

def _modify(b: Backend) -> None:
    event = b.log.events(3, 3)[0]
    b.replace(3, {**event, "outcome": "denied"})


def _rehash(b: Backend) -> None:
    event = {**b.log.events(3, 3)[0], "actor": "mallory"}
    b.replace(3, {**event, "hash": event_hash(event)})


def _swap(b: Backend) -> None:
    third, fourth = b.log.events(3, 4)
    b.replace(3, {**fourth, "seq": 3})
    b.replace(4, {**third, "seq": 4})


def _truncate(b: Backend) -> None:
    b.delete(6)
    b.delete(5)


TAMPERING = [("modify", _modify, (3, "modified")), ("modify and rehash", _rehash, (3, "modified")),
             ("remove", lambda b: b.delete(4), (4, "removed")), ("swap", _swap, (3, "reordered")),
             ("truncate the tail", _truncate, (5, "removed"))]


@pytest.mark.parametrize("name,tamper,found", TAMPERING, ids=[t[0] for t in TAMPERING])
def test_tampering_in_the_store_is_found(backend, name, tamper, found):
    for n in range(1, 7):
        backend.log.append(entry(n))
    assert verify(stored_chain(backend.log), [], [], backend.log.head()).ok
    tamper(backend)
    verdict = verify(stored_chain(backend.log), [], [], backend.log.head())
    assert (verdict.first.seq, verdict.first.kind) == found, verdict.problems
    # The next event keeps its place after the head: a removal stays visible.
    assert backend.log.append(entry(7)).seq == 7
