"""Celery wiring: the app, thin tasks around the ingest stages, and intake that enqueues them."""
