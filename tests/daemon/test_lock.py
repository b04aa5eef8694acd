"""One daemon per database, on both backends; the lock goes with its holder."""

from __future__ import annotations

import os

import pytest

from monitor.daemon.lock import AlreadyRunning, InstanceLock, LockError, holder


def test_second_holder_is_refused_until_the_first_releases(db_url: str) -> None:
    first, second = InstanceLock(db_url), InstanceLock(db_url)
    first.acquire()
    try:
        assert first.alive()
        assert holder(db_url) == f"pid {os.getpid()}"
        with pytest.raises(AlreadyRunning, match=r"another `regwatch run` \(pid \d+\)"):
            second.acquire()
    finally:
        first.release()
    assert holder(db_url) is None
    second.acquire()
    second.release()


def test_sqlite_lock_file_sits_beside_the_database(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/data/regwatch.db"
    lock = InstanceLock(url)
    (lock.lock_path.parent).mkdir(parents=True)
    lock.acquire()
    try:
        assert lock.lock_path.name == "regwatch.db.lock"
        assert lock.lock_path.read_text().strip() == str(os.getpid())
    finally:
        lock.release()


def test_in_memory_sqlite_cannot_be_locked() -> None:
    with pytest.raises(LockError, match="database file"):
        InstanceLock("sqlite://").acquire()
