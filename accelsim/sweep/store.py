"""The sweep's memory: every finished task's outcome in SQLite (``DIR/sweep.sqlite``), by its key.

Only the process that runs the sweep writes, one committed row per finished task (WAL
journal), so a sweep killed at any moment — SIGKILL included — keeps every task that
finished before it, and a sweep started again over the same DIR reuses them.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import AccelsimError

FILE = "sweep.sqlite"
_SCHEMA = "CREATE TABLE IF NOT EXISTS tasks (key TEXT PRIMARY KEY, outcome TEXT NOT NULL, finished REAL NOT NULL)"


class Store:
    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / FILE
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            # a committed row survives the process being killed (not a power cut): what resuming needs
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise AccelsimError("cannot open the sweep's store", file=str(self.path),
                                expected="a writable folder holding an accelsim sweep.sqlite", found=str(exc)) from None

    def get(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored outcomes of those keys that have one."""
        keys = list(keys)
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = f"SELECT key, outcome FROM tasks WHERE key IN ({','.join('?' * len(chunk))})"
            out.update({k: json.loads(v) for k, v in self._db.execute(q, chunk)})
        return out

    def put(self, outcome: dict[str, Any]) -> None:
        self._db.execute("INSERT OR REPLACE INTO tasks VALUES (?, ?, ?)", (outcome["key"], json.dumps(outcome), time.time()))
        self._db.commit()

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0])

    def close(self) -> None:
        self._db.close()
