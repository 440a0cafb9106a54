"""Intake and the pure processing stages: bytes or pages in, typed results out.

Nothing here imports Celery, FastAPI or a search client, and nothing does I/O beyond what its
stage is about, so every stage can be tested as a plain function.
"""
