"""Storage on a real SQLite file and (when configured) a real PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from storage.blobs import get_blob, put_blob
from storage.db import Database
from storage.migrate import HEAD_REVISION, current_revision, head_revision, upgrade
from storage.models import Base, Blob, Page, Source
from storage.repo import known_pages, record_site_lines, site_boilerplate, sync_sources


def test_migration_creates_the_models_schema(db_url: str) -> None:
    db = Database(db_url)
    assert current_revision(db) is None
    upgrade(db)
    upgrade(db)  # a second start is a no-op
    # the constant that spares Alembic's import at start-up names the scripts' real head
    assert current_revision(db) == head_revision(db) == HEAD_REVISION
    with db.writer.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], diffs


def test_blobs_are_compressed_and_stored_once(db_url: str) -> None:
    db = Database(db_url)
    upgrade(db)
    body = ("<p>第一条 为了规范门诊共济保障工作，制定本办法。</p>" * 200).encode()
    with db.write() as session:
        first = put_blob(session, body)
        second = put_blob(session, body)
    assert first == second
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Blob)) == 1
        stored = session.get(Blob, first)
        assert stored is not None and len(stored.data) < len(body) / 10
        assert get_blob(session, first) == body


def test_sources_sync_keeps_history_of_removed_ones(db_url: str) -> None:
    db = Database(db_url)
    upgrade(db)
    spec = {"id": "a", "name": "A", "region": "重庆市", "topics": ["医保"], "schedule": "every 6h"}
    with db.write() as session:
        sync_sources(session, [spec, {**spec, "id": "b", "name": "B"}])
        session.add(Page(source_id="b", url="http://127.0.0.1/x", etag='"1"'))
    with db.write() as session:
        sync_sources(session, [{**spec, "name": "A2"}])
    with db.read() as session:
        a, b = session.get(Source, "a"), session.get(Source, "b")
        assert a is not None and a.name == "A2" and a.in_config
        assert b is not None and not b.in_config
        assert known_pages(session, "b")["http://127.0.0.1/x"].etag == '"1"'


def test_site_boilerplate_needs_enough_pages(db_url: str) -> None:
    db = Database(db_url)
    upgrade(db)
    with db.write() as session:
        for i in range(6):
            record_site_lines(session, "gov.example", ["主办单位：某某局", f"第{i}条 内容"])
    with db.read() as session:
        assert site_boilerplate(session, "gov.example") == {"主办单位：某某局"}
        assert site_boilerplate(session, "other.example") == frozenset()


def test_concurrent_writers_queue_instead_of_failing(db_url: str) -> None:
    """Two processes' worth of writers: BEGIN IMMEDIATE + busy_timeout serialises them."""
    db = Database(db_url)
    upgrade(db)
    with db.write() as session:
        session.add(Source(id="s", name="S", topics=[], schedule="every 6h"))
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        other = Database(db_url)
        try:
            for i in range(20):
                with other.write() as session:
                    session.add(Page(source_id="s", url=f"http://127.0.0.1/{n}/{i}"))
                    session.flush()
                    session.get(Source, "s").last_crawl_at = datetime.now(UTC)  # type: ignore[union-attr]
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)
        finally:
            other.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Page)) == 60


def test_a_process_that_ends_leaves_no_write_ahead_log(tmp_path: Path) -> None:
    """A finished command leaves one compact file, not a log of up to a few MB beside it."""
    path = tmp_path / "regwatch.db"
    script = (
        "import sys\n"
        "from storage.db import Database\n"
        "from storage.migrate import upgrade\n"
        "from storage.models import Source\n"
        "db = Database(sys.argv[1])\n"
        "upgrade(db)\n"
        "with db.write() as session:\n"
        "    session.add(Source(id='s', name='源', topics=[]))\n"
        "with db.read() as session:\n"
        "    assert session.get(Source, 's') is not None\n"
        # Python need not free every object at exit (here: one a daemon thread still holds),
        # and a connection that is never closed leaves its log behind.
        "import threading, time\n"
        "threading.Thread(target=lambda held=db: time.sleep(3600), daemon=True).start()\n"
    )
    subprocess.run([sys.executable, "-c", script, f"sqlite:///{path}"], check=True, timeout=60)
    assert path.stat().st_size > 0
    assert not path.with_name("regwatch.db-wal").exists()
