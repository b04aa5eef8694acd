"""Create or upgrade the schema with Alembic, so every start leaves the database at head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from storage.db import Database

_MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK_KEY = 0x7265677761  # "regwa": one upgrader at a time on a shared PostgreSQL


def alembic_config(db: Database) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def head_revision(db: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.writer.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database) -> None:
    """Upgrade to head; cheap when already there, which is the common case at start-up."""
    if current_revision(db) == head_revision(db):
        return
    cfg = alembic_config(db)
    with db.writer.begin() as conn:
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
