"""Pure rules of a page's life: when a missing page counts as removed, what a redirect means."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

MISSING_STATUSES = frozenset({404, 410})
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp"})


def redirected_home(requested: str, final: str | None) -> bool:
    """A policy URL that lands on a site's front page is a soft 404, not a move."""
    if not final or final == requested:
        return False
    return urlsplit(final).path in _HOME_PATHS and urlsplit(requested).path not in _HOME_PATHS


def redirected_elsewhere(requested: str, final: str | None) -> bool:
    return bool(final) and final != requested and not redirected_home(requested, final)


def removal_due(
    missing_count: int,
    missing_since: datetime | None,
    now: datetime,
    *,
    after: int,
    grace: timedelta,
) -> bool:
    """Both thresholds must hold: N answers in a row, spanning at least the grace period."""
    if missing_since is None:
        return False
    return missing_count >= after and now - missing_since >= grace
