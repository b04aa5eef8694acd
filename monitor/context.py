"""The config and database a command works on, opened the same way by every entry point."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from config.loader import LoadedConfig, load_config
from config.schema import Config, SourceConfig
from monitor.notify.channels import all_channel_secrets
from monitor.redaction import install_redaction, quiet_apprise
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


def load(config_path: Path | str | None = None, database: str | None = None) -> LoadedConfig:
    """Load the config with its secrets scrubbed from logs from the first moment: validating the
    channels makes Apprise log each URL, so it stays silent until the scrubber knows them."""
    with quiet_apprise():
        loaded = load_config(config_path, database=database)
        install_redaction(loaded.secrets | all_channel_secrets(loaded.config))
    return loaded


def open_context(config_path: Path | str | None = None, database: str | None = None) -> AppContext:
    """Load and validate the config, bring the schema to head and mirror sources/subscriptions."""
    loaded = load(config_path, database)
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
