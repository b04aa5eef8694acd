"""Engines and sessions: SQLite tuned for one writer and many readers, PostgreSQL as is."""

from __future__ import annotations

import json
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """`write()` takes SQLite's write lock up front (BEGIN IMMEDIATE) so two writers queue on
    busy_timeout instead of failing mid-transaction; `read()` never takes it."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            _ensure_parent_dir(url)
            self.writer = _sqlite_engine(url, busy_timeout_ms, immediate=True)
            self.reader = _sqlite_engine(url, busy_timeout_ms, immediate=False)
            # Python need not free every object at exit (one a daemon thread still holds, say),
            # and connections left open keep the write-ahead log (up to a few MB) beside the
            # file; closing them makes SQLite fold it into the database and remove it.
            weakref.finalize(self, _dispose, self.writer, self.reader)
        else:
            self.writer = create_engine(url, pool_pre_ping=True, json_serializer=_json)
            self.reader = self.writer
        self._write_sessions = sessionmaker(self.writer, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.reader, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._write_sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session:
            yield session

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the database file, so a finished crawl leaves a
        compact file behind (the last connection would do it too, but only when it closes)."""
        if self.is_sqlite:
            raw = self.writer.raw_connection()  # outside a transaction, as the pragma requires
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass  # a reader holds the log: SQLite checkpoints it later by itself
            finally:
                raw.close()

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()


def _dispose(*engines: Engine) -> None:
    for engine in engines:
        engine.dispose()


def _json(value: Any) -> str:
    """Chinese metadata stored as UTF-8, not as \\u escapes twice its size."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _ensure_parent_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_engine(url: str, busy_timeout_ms: int, *, immediate: bool) -> Engine:
    engine = create_engine(
        url, connect_args={"timeout": busy_timeout_ms / 1000}, json_serializer=_json
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
