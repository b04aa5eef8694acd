"""Path and query parameter types shared by the pages and the API: ids the database can hold
(32 bits on PostgreSQL) and days written YYYY-MM-DD only."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator

from monitor.web import queries

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would otherwise read a number as a Unix time."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_iso_day)]
RowId = Annotated[int, Path(ge=1, le=queries.MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT, description="Items per page")]
Cursor = Annotated[
    str | None,
    Query(pattern=queries.CURSOR_PATTERN, description="`next` of the previous page"),
]
