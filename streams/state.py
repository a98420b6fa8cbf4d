"""Key-value state for the embedded runtime: in memory, or a SQLite file that survives restarts.

Stage cores see state only as ``MutableMapping[str, bytes]`` (the Quix ``State`` idea): the
Kafka runtime passes a Faust table, the embedded runtime a ``dict`` or a ``SqliteMapping``.
SQLite (stdlib) is used for the local file because it is crash-safe with WAL and needs no
dependency; each mapping is one table in one database file shared by all stages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Protocol

__all__ = ["SqliteMapping", "StateStore", "Store"]


class Store(Protocol):
    """What a runtime needs of state: named mappings, a durability point, a close."""

    def mapping(self, name: str) -> MutableMapping[str, bytes]: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


class SqliteMapping(MutableMapping[str, bytes]):
    """A ``MutableMapping[str, bytes]`` backed by one table of a SQLite database."""

    def __init__(self, connection: sqlite3.Connection, table: str) -> None:
        if not table.replace("_", "").isalnum():
            raise ValueError(f"table name {table!r} must be alphanumeric")
        self._db = connection
        self._table = table
        self._db.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (k TEXT PRIMARY KEY, v BLOB NOT NULL)"
        )

    def __getitem__(self, key: str) -> bytes:
        row = self._db.execute(f"SELECT v FROM {self._table} WHERE k = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return bytes(row[0])

    def __setitem__(self, key: str, value: bytes) -> None:
        self._db.execute(
            f"INSERT INTO {self._table} (k, v) VALUES (?, ?)"
            " ON CONFLICT(k) DO UPDATE SET v = excluded.v",
            (key, value),
        )

    def __delitem__(self, key: str) -> None:
        cursor = self._db.execute(f"DELETE FROM {self._table} WHERE k = ?", (key,))
        if cursor.rowcount == 0:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._db.execute(f"SELECT k FROM {self._table}").fetchall())

    def __len__(self) -> int:
        return int(self._db.execute(f"SELECT COUNT(*) FROM {self._table}").fetchone()[0])


class StateStore:
    """Hands out named mappings: dicts when ``path`` is None, SQLite tables otherwise.

    ``commit`` makes writes durable; the embedded runtime calls it after each article so a
    crash loses at most the article in flight.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._db: sqlite3.Connection | None = None
        self._maps: dict[str, MutableMapping[str, bytes]] = {}
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level="DEFERRED")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")

    def mapping(self, name: str) -> MutableMapping[str, bytes]:
        """The mapping called ``name``, created empty on first use."""
        if name not in self._maps:
            self._maps[name] = {} if self._db is None else SqliteMapping(self._db, name)
        return self._maps[name]

    def commit(self) -> None:
        """Make every write so far durable (no-op in memory)."""
        if self._db is not None:
            self._db.commit()

    def close(self) -> None:
        """Commit and close the database."""
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None
