"""Digest slots (`daily@09:00`, `weekly@mon 09:00`) as UTC instants, read in a time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from config.schema import Digest


def _slot_on(day: date, digest: Digest, zone: ZoneInfo) -> datetime:
    local = datetime(day.year, day.month, day.day, digest.hour, digest.minute, tzinfo=zone)
    return local.astimezone(UTC)


def _is_slot_day(day: date, digest: Digest) -> bool:
    return digest.period == "daily" or day.weekday() == digest.weekday


def next_slot(digest: Digest, at: datetime, zone_name: str) -> datetime:
    """The first slot at or after `at`."""
    zone = ZoneInfo(zone_name)
    day = at.astimezone(zone).date()
    for offset in range(9):
        candidate_day = day + timedelta(days=offset)
        if _is_slot_day(candidate_day, digest):
            slot = _slot_on(candidate_day, digest, zone)
            if slot >= at:
                return slot
    raise AssertionError("a weekly slot recurs within eight days")


def last_slot(digest: Digest, at: datetime, zone_name: str) -> datetime:
    """The latest slot at or before `at`."""
    zone = ZoneInfo(zone_name)
    day = at.astimezone(zone).date()
    for offset in range(9):
        candidate_day = day - timedelta(days=offset)
        if _is_slot_day(candidate_day, digest):
            slot = _slot_on(candidate_day, digest, zone)
            if slot <= at:
                return slot
    raise AssertionError("a weekly slot recurs within eight days")
