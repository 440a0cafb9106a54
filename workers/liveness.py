"""The worker's check on itself: a consumer that has stopped taking work while the queue holds
some and the pool has room.

After a Redis restart a Celery worker occasionally reconnects without resuming consumption
(celery/celery#8030, #9054, #10205 describe the family; it was seen here once in about twenty
restarts). Nothing in the process notices. This check does, and ends the process so its
supervisor (`clinidex worker`, Docker's restart policy, systemd) starts a fresh one; the lost
deliveries are recovered by the reconciler as after any crash.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass

log = logging.getLogger("clinidex.liveness")

STALLED_EXIT_CODE = 75  # EX_TEMPFAIL: "try again", which is what the supervisor does


@dataclass(frozen=True)
class Observation:
    queue_depth: int | None  # None: the broker could not be asked
    busy: int  # tasks running or reserved in this worker
    slots: int  # the pool's processes
    idle_s: float  # since this worker last received a task (or started)


def stalled(seen: Observation, after_s: float) -> bool:
    """Work waits, this worker could take it, and has taken nothing for `after_s`."""
    return bool(seen.queue_depth) and seen.busy < seen.slots and seen.idle_s >= after_s


class Liveness:
    def __init__(self, slots: int, after_s: float, depth=None, busy=None, clock=time.monotonic) -> None:
        from workers.app import queue_depth

        self.slots, self.after_s, self.clock = slots, after_s, clock
        self._depth = depth or queue_depth
        self._busy = busy or _busy_requests
        self.last_received = clock()
        self._stop = threading.Event()

    def received(self) -> None:
        self.last_received = self.clock()

    def observe(self) -> Observation:
        return Observation(self._depth(), self._busy(), self.slots, self.clock() - self.last_received)

    def start(self, interval_s: float) -> None:
        threading.Thread(target=self._run, args=(interval_s,), name="liveness", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self, interval_s: float) -> None:
        while not self._stop.wait(interval_s):
            seen = self.observe()
            if stalled(seen, self.after_s):
                log.error("worker has taken no task for %.0f s while %d wait and %d of %d slots are free; "
                          "exiting so that a fresh worker takes over", seen.idle_s, seen.queue_depth,
                          seen.slots - seen.busy, seen.slots)
                _exit()
                return


def _busy_requests() -> int:
    from celery.worker import state

    return len(state.reserved_requests)  # the running ones are among them


def _exit() -> None:
    """A warm shutdown with a failure code, so a supervisor restarts the worker (SIGTERM would
    end it with 0, which reads as "stopped on purpose"). If the wedged consumer's loop never
    gets to act on it, the process ends regardless."""
    from celery.worker import state

    state.should_stop = STALLED_EXIT_CODE
    time.sleep(30)
    os._exit(STALLED_EXIT_CODE)
