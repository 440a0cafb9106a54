"""Recovery tools on the embedded store: the reconciler and the dead-letter store."""
from __future__ import annotations

import os
import time
from datetime import timedelta

from clinidex import synthetic
from clinidex.manifest import State, utcnow
from clinidex.settings import Settings
from workers import deadletter
from workers.context import build_context
from workers.intake import receive
from workers.reconcile import reconcile
from workers.stages import assemble_stage, index_stage, page_stage, prepare_stage


def received(ctx, seed: int) -> str:
    _, text = synthetic.referral_pages(seed, pages=1)
    return receive(ctx, synthetic.fax_tiff(text), filename=None, source="test").manifest.doc_id


def age(ctx, doc_id: str, seconds: float) -> None:
    manifest = ctx.docs.load(doc_id)
    manifest.updated_at = utcnow() - timedelta(seconds=seconds)
    ctx.docs.save(manifest)


def test_reconciler_resends_what_stopped_and_forgets_what_finished(tmp_path):
    ctx = build_context(Settings(data_dir=tmp_path))
    lost, fresh, done = received(ctx, 801), received(ctx, 802), received(ctx, 803)
    age(ctx, lost, 1000)
    for job in prepare_stage(ctx, done):
        page_stage(ctx, job)
    assemble_stage(ctx, done)
    index_stage(ctx, done)
    ctx.docs.mark_inflight(done)  # as if a crash had left the marker behind
    ctx.docs.mark_inflight("0" * 32)  # an intake that is writing its manifest right now
    ctx.docs.mark_inflight("f" * 32)  # one that crashed before its manifest, long ago
    old = time.time() - 3600
    os.utime(ctx.docs.objects._path(f"inflight/{'f' * 32}"), (old, old))

    sent = []
    counts = reconcile(ctx, stuck_after_s=900, queue_depth=0, send=lambda name, args: sent.append((name, args)))
    assert sent == [("clinidex.prepare", [lost])]
    assert counts == {"in_flight": 2, "resent": 1, "cleared": 2}
    assert sorted(ctx.docs.inflight()) == sorted([lost, fresh, "0" * 32])

    # With work still queued, a document is only presumed lost after four times as long.
    sent.clear()
    reconcile(ctx, stuck_after_s=900, queue_depth=12, send=lambda name, args: sent.append((name, args)))
    assert sent == []


def test_a_task_that_fails_for_good_is_dead_lettered_and_replays(tmp_path, monkeypatch):
    from clinidex.settings import get_settings
    from workers.context import get_context
    from workers.tasks import index_document

    monkeypatch.setenv("CLINIDEX_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    get_context.cache_clear()
    try:
        ctx = get_context()
        doc_id = received(ctx, 804)
        # A bug in the index stage, planted for the test.
        monkeypatch.setattr("workers.stages.IndexDocument.from_manifest", classmethod(lambda cls, m: 1 / 0))
        index_document.apply(args=[doc_id])
        (letter,) = deadletter.letters(ctx)
        assert (letter.task, letter.doc_id, letter.error) == ("clinidex.index", doc_id, "ZeroDivisionError")
        assert "details in the worker log" in letter.reason
        assert ctx.docs.load(doc_id).state == State.failed
        assert doc_id not in ctx.docs.inflight()

        sent = []
        deadletter.replay(ctx, letter, lambda name, args: sent.append((name, args)))
        assert sent == [("clinidex.prepare", [doc_id])]
        assert ctx.docs.load(doc_id).state == State.received and doc_id in ctx.docs.inflight()
        assert deadletter.letters(ctx) == []
    finally:
        get_settings.cache_clear()
        get_context.cache_clear()
