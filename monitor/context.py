"""The config and database a command works on, opened the same way by every entry point."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from config.loader import LoadedConfig, load_config
from config.schema import Config, SourceConfig
from storage.db import Database
from storage.migrate import upgrade
from storage.repo import sync_sources, sync_subscriptions


@dataclass
class AppContext:
    loaded: LoadedConfig
    db: Database

    @property
    def config(self) -> Config:
        return self.loaded.config


def open_context(config_path: Path | str | None = None, database: str | None = None) -> AppContext:
    """Load and validate the config, bring the schema to head and mirror sources/subscriptions."""
    loaded = load_config(config_path, database=database)
    db = Database(loaded.config.database)
    upgrade(db)
    with db.write() as session:
        sync_sources(session, [source_row(s) for s in loaded.config.sources])
        sync_subscriptions(
            session,
            [s.model_dump(mode="json", exclude={"notify"}) for s in loaded.config.subscriptions],
        )
    return AppContext(loaded=loaded, db=db)


def source_row(source: SourceConfig) -> dict[str, object]:
    return {
        "id": source.id,
        "name": source.name,
        "region": source.region,
        "topics": list(source.topics),
        "schedule": source.schedule.text,
    }
