"""The Celery app, configured from the one settings object."""
from __future__ import annotations

from celery import Celery
from celery.signals import setup_logging, task_received, worker_init, worker_ready, worker_shutdown

from clinidex import logs

from clinidex.settings import Settings, get_settings


def broker_config(settings: Settings) -> dict:
    if settings.broker_url:
        return {
            "broker_url": settings.broker_url,
            # Redis re-delivers an unacknowledged task after this long, so it must exceed the
            # longest task (a long fax with many pages) or the task runs twice at once.
            "broker_transport_options": {
                "visibility_timeout": 4 * 3600,
                # Without a socket timeout a send on a connection the broker dropped silently
                # waits forever (kombu's own advice); the health checks find dead idle ones.
                "socket_timeout": 15,
                "socket_connect_timeout": 5,
                "socket_keepalive": True,
                "health_check_interval": 10,
            },
        }
    # No services configured: a broker made of files under data_dir, so a separate worker
    # process still runs the tasks exactly as it would with Redis.
    folder = settings.file_broker_dir
    for sub in ("queue", "processed"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
        },
        # The file transport has no broadcast exchange for remote control.
        "worker_enable_remote_control": False,
    }


def make_celery(settings: Settings) -> Celery:
    app = Celery("clinidex")
    app.conf.update(
        broker_config(settings),
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # Acknowledge after the work is saved, take one task at a time, and hand a task back
        # if its worker dies: a crash loses no document.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    app.conf.include = ["workers.tasks"]
    app.conf.beat_schedule = {
        "reconcile": {"task": "clinidex.reconcile", "schedule": settings.reconcile_interval_s},
        "audit-seal": {"task": "clinidex.audit_seal", "schedule": settings.audit_seal_interval_s},
    }
    if settings.retention_sweep_interval_s > 0:
        # A sweep not started before the next one is due is dropped rather than stacked up.
        app.conf.beat_schedule["retention-sweep"] = {
            "task": "clinidex.retention_sweep", "schedule": settings.retention_sweep_interval_s,
            "options": {"expires": settings.retention_sweep_interval_s},
        }
    return app


def queue_depth() -> int | None:
    """Tasks waiting in the default queue, where the broker can tell (Redis); else None."""
    if not get_settings().broker_url or not get_settings().broker_url.startswith("redis"):
        return None
    try:
        with app.connection_for_read() as conn:
            return int(conn.default_channel.client.llen(app.conf.task_default_queue))
    except Exception:
        return None


def reset_broker_connections() -> None:
    """Drop the pooled broker connections and producers so the next send dials afresh.

    kombu revives a broken connection by itself as a rule; after a broker restart a pooled
    connection was once seen never to recover, so a sender that failed starts clean. This is
    what Celery itself does to the pools after a fork.
    """
    pool = app._pool
    app._after_fork()
    if pool is not None:
        try:
            pool.force_close_all()
        except Exception:
            pass


app = make_celery(get_settings())
_liveness = None


@worker_init.connect
def _serve_metrics(**_) -> None:
    from workers import metrics

    metrics.serve()


@worker_ready.connect
def _watch_own_consumer(sender=None, **_) -> None:
    global _liveness
    settings = get_settings()
    if not settings.broker_url or not settings.worker_stall_after_s:
        return  # the file broker cannot say how much work waits
    from workers.liveness import Liveness

    _liveness = Liveness(slots=sender.controller.concurrency, after_s=settings.worker_stall_after_s)
    _liveness.start(interval_s=min(10.0, settings.worker_stall_after_s / 3))


@task_received.connect
def _took_work(**_) -> None:
    if _liveness is not None:
        _liveness.received()


@worker_shutdown.connect
def _stop_watching(**_) -> None:
    if _liveness is not None:
        _liveness.stop()


@setup_logging.connect
def _json_logs(**_) -> None:
    """Celery would install its own text handlers; the worker logs JSON like the API."""
    logs.configure()
