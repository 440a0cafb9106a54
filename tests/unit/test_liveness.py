from workers.liveness import Liveness, Observation, stalled


def test_stalled_only_when_work_waits_and_a_free_slot_takes_none():
    assert stalled(Observation(queue_depth=5, busy=0, slots=2, idle_s=61), after_s=60)
    assert not stalled(Observation(queue_depth=5, busy=0, slots=2, idle_s=59), after_s=60)
    assert not stalled(Observation(queue_depth=0, busy=0, slots=2, idle_s=600), after_s=60)  # nothing to do
    assert not stalled(Observation(queue_depth=None, busy=0, slots=2, idle_s=600), after_s=60)  # broker down
    assert not stalled(Observation(queue_depth=5, busy=2, slots=2, idle_s=600), after_s=60)  # long OCR jobs


def test_a_received_task_resets_the_idle_clock():
    now = [100.0]
    live = Liveness(slots=2, after_s=60, depth=lambda: 3, busy=lambda: 0, clock=lambda: now[0])
    now[0] = 170.0
    assert stalled(live.observe(), live.after_s)
    live.received()
    now[0] = 200.0
    seen = live.observe()
    assert seen.idle_s == 30.0 and not stalled(seen, live.after_s)
