"""One daemon per database: a PostgreSQL advisory lock, or a lock file beside a SQLite database.

Both are released by the operating system or the server when the process dies, however it dies,
so a crashed daemon never leaves a stale lock behind. Only `regwatch run` takes the lock;
`crawl` and `recrawl` work beside a running daemon.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

_PG_NAMESPACE = "regwatch-daemon"
_APP_NAME = "regwatch run"


class LockError(Exception):
    """The daemon cannot take its lock; the message is one line for the user."""


class AlreadyRunning(LockError):
    """Another daemon holds the lock."""


class InstanceLock:
    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self._file: IO[str] | None = None
        self._conn: Connection | None = None

    @property
    def lock_path(self) -> Path:
        return sqlite_lock_path(self.url)

    def acquire(self) -> None:
        if make_url(self.url).get_backend_name() == "sqlite":
            self._acquire_file()
        else:
            self._acquire_advisory()

    def _acquire_file(self) -> None:
        path = self.lock_path
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise AlreadyRunning(
                f"another `regwatch run` (pid {holder}) is already using this database; "
                f"lock file {path}"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def _acquire_advisory(self) -> None:
        engine = create_engine(
            self.url,
            poolclass=NullPool,
            connect_args={"application_name": f"{_APP_NAME} pid {os.getpid()}"},
        )
        conn = engine.connect()
        key = advisory_key(conn)
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        conn.commit()
        if not got:
            who = _advisory_holder(conn, key)
            conn.close()
            raise AlreadyRunning(
                f"another `regwatch run` ({who or 'pid ?'}) is already using this database "
                "(PostgreSQL advisory lock)"
            )
        self._conn = conn

    def alive(self) -> bool:
        """False once the lock is lost (the advisory lock goes with its connection)."""
        if self._conn is None:
            return self._file is not None
        try:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()
        except Exception:
            return False
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.truncate(0)
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


def sqlite_lock_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise LockError("the daemon needs a database file, not an in-memory database")
    return Path(database).expanduser().with_name(Path(database).name + ".lock")


def advisory_key(conn: Connection) -> int:
    """One key per database *schema*, so daemons on separate schemas of one server coexist."""
    schema = conn.execute(text("SELECT current_database() || '.' || current_schema()")).scalar()
    digest = hashlib.sha256(f"{_PG_NAMESPACE}:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _split(key: int) -> dict[str, int]:
    """pg_locks shows a bigint advisory key as two unsigned 32-bit halves."""
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    return {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}


def holder(url: str) -> str | None:
    """Who holds the daemon lock ("pid 1234"), or None; read-only, never takes the lock."""
    if make_url(url).get_backend_name() == "sqlite":
        pid = _file_holder(sqlite_lock_path(url))
        return f"pid {pid}" if pid is not None else None
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return _advisory_holder(conn, advisory_key(conn))
    finally:
        engine.dispose()


def _advisory_holder(conn: Connection, key: int) -> str | None:
    row = conn.execute(
        text(
            "SELECT a.application_name, l.pid FROM pg_locks l "
            "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :hi AND l.objid = :lo"
        ),
        _split(key),
    ).first()
    if row is None:
        return None
    name = str(row[0] or "")
    return name.removeprefix(f"{_APP_NAME} ") if name.startswith(_APP_NAME) else f"backend {row[1]}"


def _file_holder(path: Path) -> int | None:
    """The pid written in the lock file, if that process still exists."""
    try:
        text_pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not text_pid.isdigit():
        return None
    pid = int(text_pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid
