"""The config file's shape, validated once at load time so mistakes surface before 3 a.m."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from config.durations import parse_duration

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
EventType = Literal["new", "changed", "cosmetic", "removed", "moved", "restored", "reverted"]
DEFAULT_EVENTS: tuple[EventType, ...] = ("new", "changed", "removed", "restored", "reverted")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_EVERY = re.compile(r"^every\s+(\d+)\s*([smhd])$")
_DIGEST = re.compile(r"^(daily|weekly)@(?:(mon|tue|wed|thu|fri|sat|sun)\s+)?(\d{1,2}):(\d{2})$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


HttpUrl = Annotated[str, BeforeValidator(lambda v: _http_url(str(v)))]


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"not a slug (lowercase letters, digits, - and _): {value!r}")
    return value


Slug = Annotated[str, BeforeValidator(_slug)]


class Schedule(BaseModel):
    """`every 6h` (an interval, spread by jitter) or a five-field cron string."""

    model_config = ConfigDict(frozen=True)
    text: str
    interval: timedelta | None = None
    cron: str | None = None

    @classmethod
    def parse(cls, text: str) -> Schedule:
        text = text.strip()
        match = _EVERY.match(text)
        if match:
            seconds = int(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
            if seconds <= 0:
                raise ValueError("interval must be positive")
            return cls(text=text, interval=timedelta(seconds=seconds))
        try:
            CronTrigger.from_crontab(text)
        except ValueError as exc:
            raise ValueError(
                f"not 'every <n><s|m|h|d>' nor a cron string: {text!r} ({exc})"
            ) from exc
        return cls(text=text, cron=text)


class Digest(BaseModel):
    """`daily@09:00` or `weekly@mon 09:00`, read in the notification time zone."""

    model_config = ConfigDict(frozen=True)
    text: str
    period: Literal["daily", "weekly"]
    weekday: int | None
    hour: int
    minute: int

    @classmethod
    def parse(cls, text: str) -> Digest:
        match = _DIGEST.match(text.strip())
        if not match:
            raise ValueError(f"not 'daily@HH:MM' nor 'weekly@mon HH:MM': {text!r}")
        period, day, hour, minute = match.groups()
        if (period == "weekly") != (day is not None):
            raise ValueError(f"a weekday goes with weekly only: {text!r}")
        if int(hour) > 23 or int(minute) > 59:
            raise ValueError(f"not a time of day: {text!r}")
        days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        return cls(
            text=text,
            period=period,  # type: ignore[arg-type]
            weekday=days.index(day) if day else None,
            hour=int(hour),
            minute=int(minute),
        )


class CrawlSettings(Strict):
    delay: Duration = timedelta(seconds=1)
    concurrency_per_domain: int = Field(2, ge=1, le=32)
    concurrency: int = Field(16, ge=1, le=256)
    obey_robots: bool = True
    user_agent: str = "regwatch/0.1 (+https://regwatch.invalid/bot)"
    contact: str | None = None
    timeout: Duration = timedelta(seconds=30)
    retries: int = Field(2, ge=0, le=10)
    max_page_bytes: int = Field(20_000_000, ge=1024)
    wall_clock_limit: Duration = timedelta(minutes=30)
    autothrottle: bool = True
    attachments: bool = True


class RemovalSettings(Strict):
    after: int = Field(3, ge=1)
    grace: Duration = timedelta(hours=24)


class CompareSettings(Strict):
    revert_window: int = Field(5, ge=0, description="versions searched for a flapping page")
    new_max_age: Duration = Field(
        timedelta(days=30),
        description="a page first seen after the baseline but published earlier than this "
        "is an old policy surfacing (pagination shift, rotating sidebar): recorded, not alerted",
    )


class NotificationSettings(Strict):
    timezone: str = "Asia/Shanghai"
    language: Literal["zh", "en"] = "zh"
    max_attempts: int = Field(8, ge=1, le=50)
    backoff_base: Duration = timedelta(seconds=30)
    backoff_max: Duration = timedelta(hours=1)
    excerpt_chars: int = Field(1500, ge=200)
    base_url: HttpUrl | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone: {value!r}") from exc
        return value


class DaemonSettings(Strict):
    tick: Duration = timedelta(seconds=15)
    restart_spread: Duration = timedelta(minutes=10)
    jitter: float = Field(0.1, ge=0, le=0.5, description="fraction of a source's interval")
    max_parallel_crawls: int = Field(2, ge=1, le=64)
    stop_timeout: Duration = timedelta(seconds=30)


class WebSettings(Strict):
    token: str | None = Field(None, min_length=16)
    base_path: str = ""


class SourceConfig(Strict):
    id: Slug
    name: str
    region: str | None = None
    topics: list[str] = []
    listing: list[HttpUrl] = []
    follow: str | None = None
    max_listing_pages: int = Field(5, ge=1, le=1000)
    pages: list[HttpUrl] = []
    schedule: Annotated[Schedule, BeforeValidator(lambda v: Schedule.parse(str(v)))] = (
        Schedule.parse("every 6h")
    )
    obey_robots: bool | None = None
    enabled: bool = True
    verified: bool = True

    @field_validator("follow")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {value!r} ({exc})") from exc
        return value


class SubscriptionConfig(Strict):
    id: Slug
    notify: list[str] = Field(min_length=1)
    sources: list[str] = []
    regions: list[str] = []
    topics: list[str] = []
    keywords: list[str] = []
    events: list[EventType] = list(DEFAULT_EVENTS)
    min_significance: int = Field(0, ge=0, le=3)
    digest: Annotated[Digest, BeforeValidator(lambda v: Digest.parse(str(v)))] | None = None
    language: Literal["zh", "en"] | None = None


class Config(Strict):
    database: str = "sqlite:///regwatch.db"
    crawl: CrawlSettings = CrawlSettings()
    removal: RemovalSettings = RemovalSettings()
    compare: CompareSettings = CompareSettings()
    notifications: NotificationSettings = NotificationSettings()
    daemon: DaemonSettings = DaemonSettings()
    web: WebSettings = WebSettings()
    sources: list[SourceConfig] = []
    subscriptions: list[SubscriptionConfig] = []

    def source(self, source_id: str) -> SourceConfig:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)
