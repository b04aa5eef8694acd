"""Create or upgrade the schema with Alembic, so every start leaves the database at head.

Alembic itself (~8 MB and ~60 ms of imports) is loaded only when the database is not at
`HEAD_REVISION` already, which is every start but the first after an upgrade of regwatch; a
test keeps the constant equal to the head of the migration scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

HEAD_REVISION = "0002"
_MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK_KEY = 0x7265677761  # "regwa": one upgrader at a time on a shared PostgreSQL


def alembic_config(db: Database) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def head_revision(db: Database) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.writer.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(db: Database) -> None:
    """Upgrade to head; cheap when already there, which is the common case at start-up."""
    if current_revision(db) == HEAD_REVISION:
        return
    from alembic import command

    cfg = alembic_config(db)
    with db.writer.begin() as conn:
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
