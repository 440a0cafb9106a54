"""The SQLite file the embedded backends share (documents and the MPI): one connection per
thread, in WAL mode so the API reads while a worker process writes."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class SqliteFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn
