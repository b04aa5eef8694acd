"""Human durations (`30s`, `15m`, `6h`, `2d`) as used throughout the config file."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")


def parse_duration(value: str | int | float | timedelta) -> timedelta:
    """Accept a number of seconds or `<n><unit>` so config files stay readable."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("must not be negative")
        return timedelta(seconds=value)
    if isinstance(value, str):
        match = _PATTERN.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 15m, 6h, 2d)")
